package web

import (
	"errors"
	"net/http"

	"centralpsa"
	"centralpsa/web/i18n"
)

// loginPage is the sign-in form.
type loginPage struct {
	Layout
	Username string
	Next     string
	Error    string
}

// handleLoginPage shows the sign-in form, or the first-run form while no
// user exists.
func (s *Server) handleLoginPage(w http.ResponseWriter, r *http.Request) {
	if s.redirectFirstRun(w, r) {
		return
	}
	if sess, err := s.currentSession(r); err == nil && sess != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	p := &loginPage{Layout: Layout{Title: "login.title", CSRF: s.preSessionToken(w, r)}, Next: safeNext(r.URL.Query().Get("next"))}
	s.render(w, r, http.StatusOK, "login", p)
}

// handleLogin checks the form and signs the user in.
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	if s.redirectFirstRun(w, r) {
		return
	}
	lang := langFrom(r.Context())
	p := &loginPage{Layout: Layout{Title: "login.title", Path: "/login", CSRF: s.preSessionToken(w, r)},
		Username: r.PostFormValue("username"), Next: safeNext(r.PostFormValue("next"))}
	if !preSessionOK(r) {
		p.Error = i18n.T(lang, "error.forbidden")
		s.render(w, r, http.StatusForbidden, "login", p)
		return
	}
	_, err := s.signIn(w, r, p.Username, r.PostFormValue("password"))
	var rl *rateLimitError
	switch {
	case err == nil:
		http.Redirect(w, r, p.Next, http.StatusSeeOther)
	case errors.As(err, &rl):
		setRetryAfter(w, rl)
		p.Error = i18n.T(lang, "login.rate_limited", rl.minutes())
		s.render(w, r, http.StatusTooManyRequests, "login", p)
	case centralpsa.ErrorKind(err) == centralpsa.KindUnauthorized:
		p.Error = i18n.T(lang, "login.failed")
		s.render(w, r, http.StatusUnauthorized, "login", p)
	default:
		s.fail(w, r, false, err)
	}
}

// redirectFirstRun sends the browser to the first-run form while no user
// exists, and reports whether it did.
func (s *Server) redirectFirstRun(w http.ResponseWriter, r *http.Request) bool {
	exist, err := s.anyUser(r.Context())
	if err != nil {
		s.fail(w, r, false, err)
		return true
	}
	if !exist {
		http.Redirect(w, r, "/setup/admin", http.StatusSeeOther)
		return true
	}
	return false
}
