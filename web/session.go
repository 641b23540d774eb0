package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"time"

	"centralpsa"
	"centralpsa/store"
)

// sessionCookie carries the random session token. The database keeps only
// its SHA-256 (store.Session.IDHash).
const sessionCookie = "centralpsa_session"

type ctxKey int

const (
	sessionKey ctxKey = iota
	langKey
)

// sessionFrom returns the request's session; guard puts it there for every
// signedIn route, so handlers of those routes never see nil.
func sessionFrom(ctx context.Context) *store.Session {
	s, _ := ctx.Value(sessionKey).(*store.Session)
	return s
}

// newToken returns 32 random bytes in URL-safe base64.
func newToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand documents it)
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}

// currentSession returns the session named by the request's cookie, or
// nil when there is none or it has expired.
func (s *Server) currentSession(r *http.Request) (*store.Session, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" || len(c.Value) > 128 {
		return nil, nil
	}
	sess, err := s.cfg.Store.Session(r.Context(), hashToken(c.Value))
	if centralpsa.ErrorKind(err) == centralpsa.KindNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &sess, nil
}

// startSession signs u in: a new session (never one the browser brought
// along, so a planted cookie cannot be promoted) and its cookie.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, u store.User) (*store.Session, error) {
	tok := newToken()
	sess := store.Session{IDHash: hashToken(tok), UserID: u.ID, Username: u.Username,
		CSRFToken: newToken(), ExpiresAt: s.now().Add(s.cfg.SessionTTL)}
	if err := s.cfg.Store.CreateSession(r.Context(), sess); err != nil {
		return nil, err
	}
	if n, err := s.cfg.Store.DeleteExpiredSessions(r.Context()); err != nil {
		s.log.Warn("could not delete expired sessions", "error", err)
	} else if n > 0 {
		s.log.Debug("deleted expired sessions", "count", n)
	}
	http.SetCookie(w, s.cookie(sessionCookie, tok, s.cfg.SessionTTL))
	return &sess, nil
}

// endSession deletes the request's session and its cookie.
func (s *Server) endSession(w http.ResponseWriter, r *http.Request) error {
	http.SetCookie(w, s.cookie(sessionCookie, "", -1))
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil
	}
	return s.cfg.Store.DeleteSession(r.Context(), hashToken(c.Value))
}

// cookie builds a cookie with the console's attributes: HttpOnly,
// SameSite=Lax (top-level navigation from another site keeps the session,
// its forms do not), Secure over TLS. A negative maxAge deletes it.
func (s *Server) cookie(name, value string, maxAge time.Duration) *http.Cookie {
	c := &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.cfg.Secure}
	if maxAge < 0 {
		c.MaxAge = -1
	} else if maxAge > 0 {
		c.MaxAge = int(maxAge / time.Second)
	}
	return c
}
