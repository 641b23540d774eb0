package cwemu_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"centralpsa/cwemu"
	"centralpsa/sample"
)

func TestSeed(t *testing.T) {
	t.Parallel()
	b := setup(t)
	customers := sample.Customers(60, 1)
	byIdentifier := map[string]map[string]any{}
	for _, c := range b.srv.Companies() {
		byIdentifier[c["identifier"].(string)] = c
	}
	for _, c := range customers {
		co, ok := byIdentifier[c.CompanyIdentifier]
		if c.CompanyName == "" {
			if ok {
				t.Errorf("customer %s has no company but one was seeded", c.TenantName)
			}
			continue
		}
		if !ok || co["name"] != c.CompanyName || ref(co["status"], "name") != "Active" {
			t.Errorf("customer %s: company %v", c.TenantName, co)
		}
	}
	deleted := 0
	for _, x := range sample.ExtraCompanies(1) {
		if byIdentifier[x.Identifier]["deletedFlag"] == true {
			deleted++
		}
	}
	if deleted != 1 {
		t.Errorf("%d deleted extra companies, want 1", deleted)
	}
	boards := b.get(t, q("/service/boards", "conditions", `name = "Sophos Alerts"`)).list(t)
	if len(boards) != 1 {
		t.Fatalf("Sophos Alerts board: %v", boards)
	}
	closed := b.get(t, q("/service/boards/"+strconv.Itoa(int(num(boards[0]["id"])))+"/statuses", "conditions", "closedStatus = true")).list(t)
	if len(closed) != 1 || closed[0]["name"] != "Closed" {
		t.Errorf("closed statuses = %v", closed)
	}
	if n := b.get(t, q("/service/sources/count", "conditions", `name = "Sophos Central"`)).object(t)["count"]; n != 1.0 {
		t.Errorf("Sophos Central source count = %v", n)
	}
	if n := b.get(t, "/system/integratorlogins/count").object(t)["count"]; n != 1.0 {
		t.Errorf("integrator logins = %v", n)
	}
	for _, p := range []string{"/system/integratorlogins", "/system/members"} {
		if r := b.get(t, p); strings.Contains(string(r.body), "password") {
			t.Errorf("%s returns a write-only password: %s", p, r.body)
		}
	}
	me := b.get(t, "/system/myMembers").object(t)
	if me["licenseClass"] != "A" || ref(me["securityRole"], "name") != "centralpsa API" {
		t.Errorf("myMembers = %v", me)
	}
	// The same options give the same site.
	again := setup(t)
	if len(again.srv.Companies()) != len(b.srv.Companies()) || len(again.srv.Agreements()) != len(b.srv.Agreements()) {
		t.Error("seed is not deterministic")
	}
}

func TestSeedFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := filepath.Join(dir, "seed.json")
	writeFile(t, good, []byte(`{
		"agreements": [{"name": "Zeta - MS", "type": {"name": "Managed Services"}, "company": {"identifier": "ZetaCo"}, "contact": {"id": 3000},
		                "startDate": "2025-01-01T00:00:00Z", "noEndingDateFlag": true}],
		"companies": [{"identifier": "ZetaCo", "name": "Zeta & Co"}]
	}`))
	srv, err := cwemu.Open(cwemu.Options{SeedFile: good})
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, a := range srv.Agreements() {
		found = found || (a["name"] == "Zeta - MS" && ref(a["company"], "name") == "Zeta & Co" && a["agreementStatus"] == "Active")
	}
	if !found {
		t.Error("seed file agreement missing")
	}
	bad := filepath.Join(dir, "bad.json")
	writeFile(t, bad, []byte(`{"companies": [{"name": "no identifier"}]}`))
	if _, err := cwemu.Open(cwemu.Options{SeedFile: bad}); err == nil || !strings.Contains(err.Error(), "identifier") {
		t.Errorf("bad seed file: err = %v", err)
	}
	if _, err := cwemu.Open(cwemu.Options{SeedFile: filepath.Join(dir, "missing.json")}); err == nil {
		t.Error("missing seed file accepted")
	}
}

// TestPlainHandler serves the emulator with httptest, as a caller that
// does not use Start would; hrefs then use Options.BaseURL.
func TestPlainHandler(t *testing.T) {
	t.Parallel()
	srv := cwemu.New(cwemu.Options{BaseURL: "http://cw.test"})
	ts := httptest.NewServer(srv)
	defer ts.Close()
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/v4_6_release/apis/3.0/service/boards?pageSize=1", nil)
	o := srv.Options()
	req.SetBasicAuth(o.Company+"+"+o.PublicKey, o.PrivateKey)
	req.Header.Set("clientId", o.ClientID)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Link"), "<http://cw.test/v4_6_release/apis/3.0/service/boards?pageSize=1&page=2>") {
		t.Errorf("status %d Link %q", resp.StatusCode, resp.Header.Get("Link"))
	}
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}
