package web

import (
	"errors"
	"mime"
	"net/http"

	"centralpsa"
)

// apiLoginRequest is the body of POST /api/v1/login.
type apiLoginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// apiSession is what sign-in and /me return: who is signed in and the
// token API writes must send as X-CSRF-Token.
type apiSession struct {
	Username  string `json:"username"`
	CSRFToken string `json:"csrfToken"`
}

// apiLogin signs in like the form, under the same rate limit, and sets
// the session cookie. It accepts only application/json: a cross-site form
// cannot send that type without a CORS preflight, which this server never
// grants, so the content type is this call's CSRF defence.
func (s *Server) apiLogin(w http.ResponseWriter, r *http.Request) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		s.fail(w, r, true, centralpsa.Errorf(centralpsa.KindInvalid, "send the credentials as JSON with Content-Type: application/json"))
		return
	}
	exist, err := s.anyUser(r.Context())
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	if !exist {
		s.refuseNoUsers(w, r, true)
		return
	}
	var req apiLoginRequest
	if err := decodeJSON(r, &req); err != nil {
		s.fail(w, r, true, err)
		return
	}
	sess, err := s.signIn(w, r, req.Username, req.Password)
	var rl *rateLimitError
	if errors.As(err, &rl) {
		setRetryAfter(w, rl)
		writeAPIError(w, http.StatusTooManyRequests, centralpsa.KindUnavailable, "too many failed sign-ins; try again later")
		return
	}
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	writeJSON(w, http.StatusOK, apiSession{Username: sess.Username, CSRFToken: sess.CSRFToken})
}
