package web

import (
	"context"
	"net/http"
	"net/url"

	"centralpsa"
)

// maxBody bounds request bodies: the console's forms and API documents are
// small.
const maxBody = 1 << 20

// guard applies the route's access rule before its handler: a signed-in
// route needs a session (pages redirect to the sign-in form, the API
// answers 401) and, for unsafe methods, the session's CSRF token; while no
// user exists, every signed-in page leads to the first-run form.
func (s *Server) guard(rt route) http.Handler {
	api := rt.isAPI()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		}
		if rt.access == public {
			rt.handler(w, r)
			return
		}
		exist, err := s.anyUser(r.Context())
		if err != nil {
			s.fail(w, r, api, err)
			return
		}
		if rt.access == firstRun {
			if exist {
				http.Redirect(w, r, "/login", http.StatusSeeOther)
				return
			}
			rt.handler(w, r)
			return
		}
		if !exist {
			s.refuseNoUsers(w, r, api)
			return
		}
		sess, err := s.currentSession(r)
		if err != nil {
			s.fail(w, r, api, err)
			return
		}
		if sess == nil {
			s.refuseSignedOut(w, r, api)
			return
		}
		if !safeMethod(r.Method) && !csrfOK(r, sess.CSRFToken, api) {
			s.fail(w, r, api, centralpsa.Errorf(centralpsa.KindForbidden, "missing or wrong CSRF token: send the X-CSRF-Token header (API) or reload the form"))
			return
		}
		rt.handler(w, r.WithContext(context.WithValue(r.Context(), sessionKey, sess)))
	})
}

// anyUser reports whether a user exists, asking the database until one
// does.
func (s *Server) anyUser(ctx context.Context) (bool, error) {
	if s.usersExist.Load() {
		return true, nil
	}
	ok, err := s.cfg.Store.HasUsers(ctx)
	if ok {
		s.usersExist.Store(true)
	}
	return ok, err
}

func (s *Server) refuseNoUsers(w http.ResponseWriter, r *http.Request, api bool) {
	if api {
		s.fail(w, r, true, centralpsa.Errorf(centralpsa.KindUnauthorized, "no user exists yet: create the administrator at /setup/admin or with `centralpsa user add`"))
		return
	}
	http.Redirect(w, r, "/setup/admin", http.StatusSeeOther)
}

func (s *Server) refuseSignedOut(w http.ResponseWriter, r *http.Request, api bool) {
	if api {
		s.fail(w, r, true, centralpsa.Errorf(centralpsa.KindUnauthorized, "sign in first: POST /api/v1/login"))
		return
	}
	target := "/login"
	if r.Method == http.MethodGet {
		target += "?next=" + url.QueryEscape(r.URL.RequestURI())
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}
