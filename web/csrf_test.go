package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"centralpsa"
)

// Every unsafe signed-in route refuses a request whose session is valid
// but whose CSRF token is missing, wrong or another session's. Walks the
// route table like TestEveryRouteNeedsSession.
func TestEveryWriteNeedsCSRFToken(t *testing.T) {
	t.Parallel()
	b := setup(t).withAdmin(t)
	br := b.browser(t)
	br.signIn("admin", testPassword)
	otherToken := b.browser(t).signIn("admin", testPassword)

	for _, rt := range b.srv.routes() {
		method, path := requestFor(rt)
		if rt.access != signedIn || safeMethod(method) {
			continue
		}
		for _, tok := range []string{"", "wrong-token", otherToken} {
			var r response
			if rt.isAPI() {
				r = br.api(method, path, map[string]string{"value": "x"}, tok)
				if r.status != http.StatusForbidden || !strings.Contains(r.body, `"forbidden"`) {
					t.Errorf("%s %s with token %q: %d %s", method, path, tok, r.status, r.body)
				}
				continue
			}
			r = br.request(method, path, strings.NewReader(url.Values{"csrf_token": {tok}, "tickets.board": {"x"}}.Encode()),
				map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
			if r.status != http.StatusForbidden {
				t.Errorf("%s %s with token %q: %d", method, path, tok, r.status)
			}
		}
	}
	if s, _ := b.db.Settings(t.Context()); len(s) != 0 {
		t.Fatalf("refused writes stored settings: %v", s)
	}
	if br.get("/setup").status != 200 {
		t.Fatal("a refused logout ended the session")
	}
}

func TestCSRFTokenAccepted(t *testing.T) {
	t.Parallel()
	b := setup(t).withAdmin(t)
	br := b.browser(t)
	csrf := br.signIn("admin", testPassword)
	// Form field and header both work for a page; the API takes the header.
	r := br.post("/setup", url.Values{"csrf_token": {csrf}, "tickets.board": {"Alerts"}})
	wantStatus(t, "form with token", r, http.StatusSeeOther)
	r = br.request("POST", "/setup", strings.NewReader("tickets.board=Alerts2"), map[string]string{
		"Content-Type": "application/x-www-form-urlencoded", "X-CSRF-Token": csrf})
	wantStatus(t, "form with header", r, http.StatusSeeOther)
	wantStatus(t, "API with header", br.api("PUT", "/api/v1/settings/tickets.board", map[string]string{"value": "Alerts3"}, csrf), 200)
}

// A browser sends Sec-Fetch-Site on cross-site requests; those are
// refused even with a valid token.
func TestCrossSiteWriteRefused(t *testing.T) {
	t.Parallel()
	b := setup(t).withAdmin(t)
	br := b.browser(t)
	csrf := br.signIn("admin", testPassword)
	r := br.request("PUT", "/api/v1/settings/tickets.board", strings.NewReader(`{"value":"x"}`), map[string]string{
		"Content-Type": "application/json", "X-CSRF-Token": csrf, "Sec-Fetch-Site": "cross-site"})
	wantStatus(t, "cross-site PUT", r, http.StatusForbidden)
}

func TestAPILogin(t *testing.T) {
	t.Parallel()
	b := setup(t).withAdmin(t)
	br := b.browser(t)

	form := br.request("POST", "/api/v1/login", strings.NewReader("username=admin&password="+url.QueryEscape(testPassword)),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	wantAPIError(t, "login as a form", form, 400, centralpsa.KindInvalid)
	wantAPIError(t, "wrong password", br.api("POST", "/api/v1/login", apiLoginRequest{"admin", "nope nope nope"}, ""), 401, centralpsa.KindUnauthorized)
	wantAPIError(t, "unknown field", br.api("POST", "/api/v1/login", map[string]string{"user": "admin"}, ""), 400, centralpsa.KindInvalid)

	r := br.api("POST", "/api/v1/login", apiLoginRequest{"admin", testPassword}, "")
	wantStatus(t, "login", r, 200)
	var sess apiSession
	if err := json.Unmarshal([]byte(r.body), &sess); err != nil || sess.Username != "admin" || sess.CSRFToken == "" {
		t.Fatalf("login answer %s", r.body)
	}
	r = br.get("/api/v1/me")
	var me apiSession
	if err := json.Unmarshal([]byte(r.body), &me); err != nil || me != sess {
		t.Fatalf("/me = %s, want %+v", r.body, sess)
	}
	wantAPIError(t, "unknown route", br.get("/api/v1/nope"), 404, centralpsa.KindNotFound)
	wantStatus(t, "logout", br.api("POST", "/api/v1/logout", nil, sess.CSRFToken), 204)
	wantAPIError(t, "after logout", br.get("/api/v1/me"), 401, centralpsa.KindUnauthorized)
}
