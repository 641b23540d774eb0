package web

import (
	"context"
	"encoding/json"
	"maps"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"centralpsa"
	"centralpsa/config"
	"centralpsa/doctor"
)

func TestSetupSave(t *testing.T) {
	t.Parallel()
	var changed atomic.Int32
	b := setup(t, func(c *Config) {
		c.SettingsChangedFunc = func(_ context.Context, s *config.Settings) {
			if s.Get("cw.company") != "" {
				changed.Add(1)
			}
		}
	}).withAdmin(t)
	b.env["CENTRALPSA_TICKETS_SOURCE"] = "FromEnv"
	br := b.browser(t)
	csrf := br.signIn("admin", testPassword)
	stored := func() map[string]string {
		m, err := b.db.Settings(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		return m
	}

	r := br.post("/setup", url.Values{"csrf_token": {csrf}, "cw.url": {" https://cw.example.com "}, "cw.company": {"acme"},
		"cw.private_key": {"pk-value-1"}, "tickets.status_new": {"New"}, "tickets.source": {"ignored"}, "cw.client_id": {""}})
	if r.status != 303 || r.location() != "/setup?saved=1" {
		t.Fatalf("save: %d → %q\n%s", r.status, r.location(), r.body)
	}
	want := map[string]string{"cw.url": "https://cw.example.com", "cw.company": "acme", "cw.private_key": "pk-value-1"}
	if got := stored(); !maps.Equal(got, want) {
		t.Fatalf("stored %v, want %v (defaults and env-set keys are not stored)", got, want)
	}
	if changed.Load() != 1 {
		t.Fatalf("SettingsChangedFunc called %d times, want 1", changed.Load())
	}

	page := br.get("/setup?saved=1").body
	for _, s := range []string{"Settings saved.", `value="https://cw.example.com"`, "Stored — leave blank to keep.",
		"CENTRALPSA_TICKETS_SOURCE", `name="tickets.source" type="text" value="FromEnv" autocomplete="off" spellcheck="false" disabled`} {
		if !strings.Contains(page, s) {
			t.Errorf("setup page lacks %q", s)
		}
	}

	// A blank secret keeps the stored one; a blank plain field unsets it.
	r = br.post("/setup", url.Values{"csrf_token": {csrf}, "cw.private_key": {""}, "cw.company": {""}})
	wantStatus(t, "second save", r, 303)
	delete(want, "cw.company")
	if got := stored(); !maps.Equal(got, want) {
		t.Fatalf("after blank fields: %v, want %v", got, want)
	}

	// One bad value: nothing of the form is stored, the message is beside
	// the field and the typed values come back.
	r = br.post("/setup", url.Values{"csrf_token": {csrf}, "usage.quantity": {"peak"}, "usage.schedule": {"manual"}, "cw.private_key": {"pk-value-2"}})
	wantStatus(t, "invalid value", r, 400)
	for _, s := range []string{`id="e-usage.quantity"`, "is not one of billable, actual, ordered", `value="peak"`} {
		if !strings.Contains(r.body, s) {
			t.Errorf("refused form lacks %q", s)
		}
	}
	if got := stored(); !maps.Equal(got, want) {
		t.Fatalf("a refused form stored something: %v", got)
	}
}

func TestSettingsAPI(t *testing.T) {
	t.Parallel()
	b := setup(t).withAdmin(t)
	br := b.browser(t)
	csrf := br.signIn("admin", testPassword)

	r := br.api("PUT", "/api/v1/settings/sophos.client_secret", map[string]string{"value": "s3cr3t-value"}, csrf)
	wantStatus(t, "PUT secret", r, 200)
	var one apiSetting
	if err := json.Unmarshal([]byte(r.body), &one); err != nil || one.Value != "********" || one.Source != config.SourceDB || !one.Secret {
		t.Fatalf("PUT answer %s", r.body)
	}
	for _, c := range []struct {
		key, value string
		code       centralpsa.Kind
		status     int
	}{
		{"usage.quantity", "peak", centralpsa.KindInvalid, 400},
		{"no.such", "x", centralpsa.KindInvalid, 400},
		{"db", "postgres://x", centralpsa.KindInvalid, 400},
		{"cw.private_key", " ", centralpsa.KindInvalid, 400},
	} {
		wantAPIError(t, "PUT "+c.key, br.api("PUT", "/api/v1/settings/"+c.key, map[string]string{"value": c.value}, csrf), c.status, c.code)
	}
	wantAPIError(t, "PUT without value", br.api("PUT", "/api/v1/settings/tickets.board", map[string]int{}, csrf), 400, centralpsa.KindInvalid)

	r = br.get("/api/v1/settings")
	var list struct{ Settings []apiSetting }
	if err := json.Unmarshal([]byte(r.body), &list); err != nil {
		t.Fatal(err)
	}
	got := map[string]apiSetting{}
	for _, s := range list.Settings {
		got[s.Key] = s
	}
	if _, ok := got["db"]; ok {
		t.Error("the environment-only db setting (a DSN may hold a password) is listed")
	}
	if s := got["sophos.client_secret"]; s.Value != "********" || s.Env != "CENTRALPSA_SOPHOS_CLIENT_SECRET" {
		t.Errorf("secret listed as %+v", s)
	}
	if s := got["usage.quantity"]; s.Value != "billable" || s.Source != config.SourceDefault {
		t.Errorf("usage.quantity listed as %+v", s)
	}

	r = br.api("DELETE", "/api/v1/settings/sophos.client_secret", nil, csrf)
	if err := json.Unmarshal([]byte(r.body), &one); err != nil || one.Value != "" || one.Source != config.SourceUnset {
		t.Fatalf("DELETE answer %d %s", r.status, r.body)
	}
}

// fixedDoctor returns a report with one check of every status.
func fixedDoctor(context.Context, *config.Settings) *doctor.Report {
	return &doctor.Report{Checks: []doctor.Check{
		{Section: "ConnectWise", Name: "site reachable", Status: doctor.OK, Fix: "not shown for a pass"},
		{Section: "ConnectWise", Name: "keys accepted", Status: doctor.Fail, Detail: "authentication failed", Fix: "System > Members > API Members"},
		{Section: "Sophos Central", Name: "partner credential", Status: doctor.Warn, Fix: "create a partner credential"},
		{Section: "Sophos Central", Name: "reminder", Status: doctor.Info},
	}}
}

func TestSetupTestConnection(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *Config) { c.DoctorFunc = fixedDoctor }).withAdmin(t)
	br := b.browser(t)
	csrf := br.signIn("admin", testPassword)
	form := strings.NewReader(url.Values{"csrf_token": {csrf}}.Encode())

	// htmx: the checklist alone.
	r := br.request("POST", "/setup/test", form, map[string]string{"Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true"})
	wantStatus(t, "htmx test", r, 200)
	if strings.Contains(r.body, "<html") || strings.Contains(r.body, "<form") {
		t.Fatal("the htmx answer contains more than the checklist")
	}
	for _, s := range []string{"4 checks: 1 failed, 1 warnings.", "✓", "✗", "!", "·", "authentication failed", "System &gt; Members &gt; API Members", "<h3>Sophos Central</h3>"} {
		if !strings.Contains(r.body, s) {
			t.Errorf("checklist lacks %q", s)
		}
	}
	if strings.Contains(r.body, "not shown for a pass") {
		t.Error("the fix of a passed check is shown")
	}

	// Without JavaScript: the whole page with the checklist filled in.
	r = br.post("/setup/test", url.Values{"csrf_token": {csrf}})
	wantStatus(t, "plain test", r, 200)
	if !strings.Contains(r.body, "<html") || !strings.Contains(r.body, "keys accepted") || !strings.Contains(r.body, `name="cw.url"`) {
		t.Fatal("the plain post did not render the Setup page with the checklist")
	}

	r = br.api("POST", "/api/v1/doctor", nil, csrf)
	var rep struct {
		OK     bool
		Checks []doctor.Check
	}
	if err := json.Unmarshal([]byte(r.body), &rep); err != nil || rep.OK || len(rep.Checks) != 4 {
		t.Fatalf("API doctor: %d %s", r.status, r.body)
	}
}

func TestDoctorNotAvailable(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *Config) { c.DoctorFunc = nil }).withAdmin(t)
	br := b.browser(t)
	csrf := br.signIn("admin", testPassword)
	if r := br.get("/setup"); !strings.Contains(r.body, "not available in this process") {
		t.Fatal("setup page does not say the test is unavailable")
	}
	wantAPIError(t, "API doctor", br.api("POST", "/api/v1/doctor", nil, csrf), 503, centralpsa.KindUnavailable)
}

// TestDoctorSpeaksTheUsersLanguage runs the real doctor with nothing
// configured: the checklist follows the language switch.
func TestDoctorSpeaksTheUsersLanguage(t *testing.T) {
	t.Parallel()
	b := setup(t).withAdmin(t)
	br := b.browser(t)
	csrf := br.signIn("admin", testPassword)
	for _, tc := range []struct{ lang, want, notWant string }{
		{"en", "not set", "non impostata"},
		{"it", "non impostata", "not set"},
	} {
		br.get("/setup?lang=" + tc.lang)
		r := br.request("POST", "/setup/test", strings.NewReader(url.Values{"csrf_token": {csrf}}.Encode()),
			map[string]string{"Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true"})
		wantStatus(t, "test "+tc.lang, r, 200)
		if !strings.Contains(r.body, tc.want) || strings.Contains(r.body, tc.notWant) {
			t.Errorf("lang %s: checklist lacks %q or has %q:\n%.600s", tc.lang, tc.want, tc.notWant, r.body)
		}
	}
}
