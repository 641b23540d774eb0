package web

import (
	"net/http"
	"net/url"
	"testing"

	"centralpsa/internal/dbtest"
)

// Two processes on one database share sign-ins: a session started on one
// works on the other, with the same CSRF token, and signing out on either
// ends it on both. Runs on SQLite and, when configured, PostgreSQL.
func TestSessionsSharedAcrossInstances(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, "web sessions", func(t *testing.T, newDSN func(*testing.T) string) {
		dsn := newDSN(t)
		one := setupOn(t, dsn).withAdmin(t)
		two := setupOn(t, dsn)

		br := one.browser(t)
		csrf := br.signIn("admin", testPassword)
		u1, _ := url.Parse(one.http.URL)
		u2, _ := url.Parse(two.http.URL)
		other := two.browser(t)
		other.c.Jar.SetCookies(u2, br.c.Jar.Cookies(u1))

		wantStatus(t, "the session on the second process", other.get("/setup"), http.StatusOK)
		wantStatus(t, "a write there with the first process's token",
			other.api("PUT", "/api/v1/settings/tickets.board", map[string]string{"value": "Alerts"}, csrf), http.StatusOK)
		wantStatus(t, "sign out on the second process", other.post("/logout", url.Values{"csrf_token": {csrf}}), http.StatusSeeOther)
		if r := br.get("/setup"); r.status != http.StatusSeeOther {
			t.Fatalf("the first process still accepts the session after sign-out elsewhere: %d", r.status)
		}
	})
}
