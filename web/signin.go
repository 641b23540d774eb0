package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"centralpsa"
	"centralpsa/store"
)

// errTooManyAttempts marks a sign-in refused by the rate limit.
var errTooManyAttempts = errors.New("too many failed sign-ins")

// rateLimitError carries how long the client should wait.
type rateLimitError struct{ wait time.Duration }

func (e *rateLimitError) Error() string { return errTooManyAttempts.Error() }
func (e *rateLimitError) Unwrap() error { return errTooManyAttempts }

// minutes is the wait rounded up to whole minutes, for people.
func (e *rateLimitError) minutes() int { return int((e.wait + time.Minute - 1) / time.Minute) }

// signIn checks a username and password under the rate limit and starts a
// session. The form and the API both sign in here. A wrong name or
// password is KindUnauthorized, a locked-out client *rateLimitError.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request, username, password string) (*store.Session, error) {
	username = strings.TrimSpace(username)
	keys := loginKeys(r, username)
	if blocked, wait := s.limiter.blocked(keys...); blocked {
		return nil, &rateLimitError{wait: wait}
	}
	u, ok, err := s.authenticate(r.Context(), username, password)
	if err != nil {
		return nil, err
	}
	if !ok {
		s.limiter.fail(keys...)
		s.log.Info("sign-in failed", "client", keys[0])
		return nil, centralpsa.Errorf(centralpsa.KindUnauthorized, "wrong username or password")
	}
	s.limiter.reset(keys[1])
	sess, err := s.startSession(w, r, u)
	if err != nil {
		return nil, err
	}
	s.log.Info("signed in", "user", u.Username)
	return sess, nil
}

// setRetryAfter tells the client when to try again.
func setRetryAfter(w http.ResponseWriter, e *rateLimitError) {
	w.Header().Set("Retry-After", fmt.Sprint(int(e.wait.Seconds()+0.999)))
}

// safeNext keeps a post-sign-in redirect on this site: a local path, not
// "//host" or "/\host", which browsers treat as another origin.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.ContainsAny(next, "\r\n") {
		return "/"
	}
	return next
}
