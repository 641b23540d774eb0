package web

import (
	"net/url"
	"strings"
	"testing"

	"centralpsa/cwemu"
	"centralpsa/sophosemu"
	"centralpsa/store"
)

// The private key and the client secret, entered through the Setup form
// and used by a real doctor run against both emulators (once right, once
// wrong), appear in no answer of any route and in no log line.
func TestSecretsNeverShown(t *testing.T) {
	t.Parallel()
	cw, cwURL := cwemu.Start(t, cwemu.Options{})
	_ = cw
	so, soURL := sophosemu.Start(t, sophosemu.Options{})
	soID, soSecret := so.Credentials()
	const wrongKey = "wrong-private-key-Zq81"

	b := setup(t).withAdmin(t)
	b.env["CENTRALPSA_ALLOW_HTTP"] = "1"
	br := b.browser(t)
	csrf := br.signIn("admin", testPassword)

	var bodies []string
	keep := func(r response) response {
		bodies = append(bodies, r.body)
		for _, v := range r.header {
			bodies = append(bodies, strings.Join(v, " "))
		}
		return r
	}
	wantStatus(t, "save settings", keep(br.post("/setup", url.Values{"csrf_token": {csrf},
		"cw.url": {cwURL}, "cw.company": {cwemu.DefaultCompany}, "cw.public_key": {cwemu.DefaultPublicKey},
		"cw.private_key": {cwemu.DefaultPrivateKey}, "cw.client_id": {cwemu.DefaultClientID},
		"sophos.client_id": {soID}, "sophos.client_secret": {soSecret}, "sophos.id_url": {soURL}, "sophos.api_url": {soURL},
		"tickets.board": {"Sophos Alerts"}})), 303)

	r := keep(br.post("/setup/test", url.Values{"csrf_token": {csrf}}))
	if !strings.Contains(r.body, " 0 failed") && !strings.Contains(r.body, ": 0 failed") {
		t.Fatalf("doctor against the emulators did not pass:\n%s", r.body)
	}
	keep(br.api("POST", "/api/v1/doctor", nil, csrf))

	// A wrong key and an audit entry that (wrongly) carries a credential:
	// error paths and the audit page must not show them either.
	keep(br.api("PUT", "/api/v1/settings/cw.private_key", map[string]string{"value": wrongKey}, csrf))
	r = keep(br.request("POST", "/setup/test", strings.NewReader(url.Values{"csrf_token": {csrf}}.Encode()),
		map[string]string{"Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true"}))
	if !strings.Contains(r.body, "✗") {
		t.Fatalf("doctor with a wrong key did not fail:\n%s", r.body)
	}
	keep(br.api("POST", "/api/v1/doctor", nil, csrf))
	if err := b.db.AppendAudit(t.Context(), store.Audit{Method: "POST", Endpoint: "/x", Entity: "test",
		After: []byte(`{"privateKey":"` + wrongKey + `","clientSecret":"` + soSecret + `"}`)}); err != nil {
		t.Fatal(err)
	}

	for _, rt := range b.srv.routes() {
		method, path := requestFor(rt)
		if method == "GET" {
			keep(br.get(path))
		}
	}
	for _, p := range []string{"/setup?lang=it", "/api/v1/settings", "/api/v1/audit", "/audit?entity=test", "/static/app.css"} {
		keep(br.get(p))
	}

	all := strings.Join(bodies, "\n")
	logs := b.logs.String()
	if !strings.Contains(logs, "http request") {
		t.Fatal("no request was logged; the log check would prove nothing")
	}
	for name, secret := range map[string]string{"private key": cwemu.DefaultPrivateKey, "wrong private key": wrongKey, "client secret": soSecret} {
		if strings.Contains(all, secret) {
			t.Errorf("the %s appears in an HTTP answer", name)
		}
		if strings.Contains(logs, secret) {
			t.Errorf("the %s appears in the log", name)
		}
	}
}

// The console's data pages, with live services against both emulators
// and real records behind every route (a mapped tenant, an applied run, a
// finished task), show no credential; nor do they once the private key is
// wrong and every page shows ConnectWise's refusal instead. Walks the
// route table, so a page added later is covered.
func TestSecretsNeverShownOnConsolePages(t *testing.T) {
	t.Parallel()
	lb := setupLive(t, 6)
	br := lb.browser(t)
	csrf := br.signIn("admin", testPassword)
	tenant := lb.mapOne(t, br, csrf)
	p := br.plan("")
	task := br.waitTask(started(t, "apply", br.api("POST", "/api/v1/usage/apply", applyRequest{p.Month, p.PlanHash}, csrf)).ID)
	if task.Status != taskDone {
		t.Fatalf("apply: %+v", task)
	}
	values := map[string]string{"tenant": tenant, "id": strings.TrimPrefix(task.Link, "/runs/"), "code": "CIXA-MSP"}
	_, secret := lb.so.Credentials()
	const wrongKey = "wrong-private-key-Lm42"

	var bodies []string
	walk := func() {
		for _, rt := range lb.srv.routes() {
			method, path := requestFor(rt)
			if method != "GET" || rt.access != signedIn {
				continue
			}
			path = fillWildcards(rt, values)
			if strings.HasPrefix(path, "/tasks/") || strings.HasPrefix(path, "/api/v1/tasks/") {
				path = strings.Replace(path, values["id"], task.ID, 1)
			}
			for _, q := range []string{"", "?q=a&company=1&code=CIXA-MSP&board=Sophos%20Alerts&tickets.board=Sophos%20Alerts&state=all"} {
				r := br.get(path + q)
				if r.status >= 500 {
					t.Errorf("GET %s%s: %d", path, q, r.status)
				}
				bodies = append(bodies, r.body)
			}
		}
	}
	walk()
	wantStatus(t, "wrong key", br.api("PUT", "/api/v1/settings/cw.private_key", map[string]string{"value": wrongKey}, csrf), 200)
	walk()
	if page := br.get("/usage"); !strings.Contains(page.body, `role="alert"`) {
		t.Fatal("with a wrong key the usage page shows no error; the second walk proved nothing")
	}

	all := strings.Join(bodies, "\n")
	logs := lb.logs.String()
	for name, s := range map[string]string{"private key": cwemu.DefaultPrivateKey, "wrong private key": wrongKey, "client secret": secret} {
		if strings.Contains(all, s) {
			t.Errorf("the %s appears in a console page or API answer", name)
		}
		if strings.Contains(logs, s) {
			t.Errorf("the %s appears in the log", name)
		}
	}
}

// fillWildcards turns a route pattern into a path with real values.
func fillWildcards(rt route, values map[string]string) string {
	_, path := requestFor(route{pattern: strings.NewReplacer("{tenant}", values["tenant"], "{id}", values["id"], "{code}", values["code"]).Replace(rt.pattern)})
	return path
}
