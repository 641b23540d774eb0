package web

import (
	"crypto/subtle"
	"net/http"
	"time"
)

// CSRF protection has two forms:
//
//   - Signed in: each session has its own token (store.Session.CSRFToken).
//     Forms carry it in the csrf_token field and API writes in the
//     X-CSRF-Token header (GET /api/v1/me returns it).
//   - Before sign-in (the sign-in and first-run forms): a random token in
//     the centralpsa_csrf cookie that the form must repeat (double submit),
//     so another site cannot sign a browser in to an account it chose.
//
// Both are compared in constant time. http.CrossOriginProtection in front
// of every route also refuses cross-site unsafe requests outright.

// csrfCookie holds the pre-session token.
const csrfCookie = "centralpsa_csrf"

// csrfOK checks the session's token. The API takes the header only, so a
// JSON body is never parsed as a form.
func csrfOK(r *http.Request, want string, api bool) bool {
	got := r.Header.Get("X-CSRF-Token")
	if got == "" && !api {
		got = r.PostFormValue("csrf_token")
	}
	return tokensEqual(got, want)
}

func tokensEqual(got, want string) bool {
	return got != "" && want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// preSessionToken returns the request's pre-session token, setting a new
// cookie when it has none.
func (s *Server) preSessionToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 32 && len(c.Value) <= 128 {
		return c.Value
	}
	tok := newToken()
	http.SetCookie(w, s.cookie(csrfCookie, tok, 24*time.Hour))
	return tok
}

// preSessionOK checks a pre-session form post.
func preSessionOK(r *http.Request) bool {
	c, err := r.Cookie(csrfCookie)
	if err != nil {
		return false
	}
	return tokensEqual(r.PostFormValue("csrf_token"), c.Value)
}
