package web

import (
	"net/http"
	"strings"

	"centralpsa"
	"centralpsa/web/i18n"
)

// firstRunPage creates the first administrator.
type firstRunPage struct {
	Layout
	Username  string
	MinLength int
	Error     string
}

func (s *Server) handleFirstRunPage(w http.ResponseWriter, r *http.Request) {
	p := &firstRunPage{Layout: Layout{Title: "firstrun.title", CSRF: s.preSessionToken(w, r)}, MinLength: MinPasswordLength}
	s.render(w, r, http.StatusOK, "firstrun", p)
}

// handleFirstRun creates the administrator and signs them in. guard has
// already checked that no user exists; CreateFirstUser checks again in the
// same statement that inserts, for two forms submitted at once.
func (s *Server) handleFirstRun(w http.ResponseWriter, r *http.Request) {
	lang := langFrom(r.Context())
	p := &firstRunPage{Layout: Layout{Title: "firstrun.title", Path: "/setup/admin", CSRF: s.preSessionToken(w, r)},
		Username: strings.TrimSpace(r.PostFormValue("username")), MinLength: MinPasswordLength}
	password := r.PostFormValue("password")
	status := http.StatusBadRequest
	switch key, args := checkNewUser(p.Username, password); {
	case !preSessionOK(r):
		p.Error, status = i18n.T(lang, "error.forbidden"), http.StatusForbidden
	case key != "":
		p.Error = i18n.T(lang, key, args...)
	case password != r.PostFormValue("confirm"):
		p.Error = i18n.T(lang, "firstrun.mismatch")
	}
	if p.Error != "" {
		s.render(w, r, status, "firstrun", p)
		return
	}
	hash, err := hashPassword(password, s.cfg.BcryptCost)
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	u, err := s.cfg.Store.CreateFirstUser(r.Context(), p.Username, hash)
	if centralpsa.ErrorKind(err) == centralpsa.KindConflict {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	s.usersExist.Store(true)
	s.log.Info("created the first administrator", "user", u.Username)
	if _, err := s.startSession(w, r, u); err != nil {
		s.fail(w, r, false, err)
		return
	}
	http.Redirect(w, r, "/setup", http.StatusSeeOther)
}
