package doctor_test

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"centralpsa/cwemu"
	"centralpsa/doctor"
	"centralpsa/sample"
	"centralpsa/sophosemu"
)

// scenarios make reports that between them show most of the doctor's
// messages: a clean run, failures and warnings in each section, and the
// probes that run when mySecurity cannot be read.
var scenarios = []struct {
	name   string
	cw     cwemu.Options
	so     sophosemu.Options
	change map[string]string
	future bool // run a year ahead, past the emulator's billing months
}{
	{name: "Clean"},
	{name: "MissingLevel", cw: cwemu.Options{Role: cwemu.FullRole().Without(cwemu.FnAgreements, cwemu.Add), LicenseClass: "F"},
		so:     sophosemu.Options{TenantClientID: "tenant-cred", TenantClientSecret: "tenant-s3cret"},
		change: map[string]string{"tickets.board": "No Such Board", "sophos.client_id": "tenant-cred", "sophos.client_secret": "tenant-s3cret"}},
	{name: "Probes", cw: cwemu.Options{Role: cwemu.FullRole().Without(cwemu.FnServiceTickets, cwemu.Edit), MySecurityDisabled: true, NoIntegratorLogins: true},
		so:     termTenantsOnly(),
		change: map[string]string{"tickets.status_new": "Nope", "tickets.status_closed": "New", "tickets.priority.low": "Nope"},
		future: true},
	{name: "BadSettings", change: map[string]string{"cw.public_key": "", "sophos.client_secret": "", "tickets.board": "No Such Board"}},
	{name: "WrongKeys", change: map[string]string{"cw.private_key": "nope", "sophos.client_id": "nobody", "tickets.board": ""}},
	{name: "UnknownCompany", change: map[string]string{"cw.company": "nosuchco", "sophos.client_secret": "wrong"}},
	{name: "Unreachable", change: map[string]string{"cw.url": "http://127.0.0.1:1", "sophos.id_url": "http://127.0.0.1:1"}},
}

// termTenantsOnly gives the Sophos emulator three term tenants, none with
// Partner Assistance: no usage billing and no alerts to read.
func termTenantsOnly() sophosemu.Options {
	cs := sample.Customers(3, 7)
	var ids []string
	for i := range cs {
		cs[i].BillingType = "term"
		ids = append(ids, cs[i].TenantID)
	}
	return sophosemu.Options{Customers: cs, PartnerAssistanceOffTenants: ids}
}

// TestItalianReport runs each scenario in Italian: ids are unique, every
// check must read
// differently from its English rendering, no key may show unrendered, and
// a report taken to English and back is the one the run produced.
func TestItalianReport(t *testing.T) {
	t.Parallel()
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, sc.cw, sc.so)
			for k, v := range sc.change {
				b.settings[k] = v
			}
			var opts doctor.Options
			if sc.future {
				opts.NowFunc = func() time.Time { return time.Now().AddDate(1, 0, 0) }
			}
			opts.Lang = "it"
			it, text := run(t, b.settings, opts)
			en := it.Localize("en")
			if it.Lang() != "it" || en.Lang() != "en" {
				t.Fatalf("languages %s and %s", it.Lang(), en.Lang())
			}
			if !strings.Contains(text, " controlli: ") || strings.Contains(text, " checks: ") {
				t.Errorf("summary not in Italian:\n%s", text)
			}
			if !it.OK() && !strings.Contains(text, "      soluzione: ") {
				t.Errorf("fix label not in Italian:\n%s", text)
			}
			back := en.Localize("it")
			ids := map[string]bool{}
			for i, c := range it.Checks {
				if c.ID == "" || ids[c.ID] {
					t.Errorf("id %q empty or repeated", c.ID)
				}
				ids[c.ID] = true
				e := en.Checks[i]
				if c.ID != e.ID || c.Status != e.Status {
					t.Fatalf("check %d: %s/%s in Italian, %s/%s in English", i, c.ID, c.Status, e.ID, e.Status)
				}
				if c.Name+c.Detail+c.Fix == e.Name+e.Detail+e.Fix {
					t.Errorf("%s reads the same in both languages: %q %q %q", c.ID, c.Name, c.Detail, c.Fix)
				}
				for _, s := range []string{c.Section, c.Name, c.Detail, c.Fix, e.Section, e.Name, e.Detail, e.Fix} {
					if strings.Contains(s, "doctor.") || strings.Contains(s, "%!") {
						t.Errorf("%s: unrendered message %q", c.ID, s)
					}
				}
				if got := back.Checks[i]; got.Name != c.Name || got.Detail != c.Detail || got.Fix != c.Fix || got.Section != c.Section {
					t.Errorf("%s back in Italian:\n got %+v\nwant %+v", c.ID, got, c)
				}
			}
		})
	}
}

// TestStableIDs checks that a complete setup's ids stay what scripts were
// written against, whatever the language (TestItalianReport checks that
// ids are unique in every scenario).
func TestStableIDs(t *testing.T) {
	t.Parallel()
	b := setup(t, cwemu.Options{}, sophosemu.Options{})
	r, _ := run(t, b.settings, doctor.Options{})
	var js bytes.Buffer
	if err := r.Localize("it").WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var decoded struct {
		Checks []struct{ ID, Name string }
	}
	if err := json.Unmarshal(js.Bytes(), &decoded); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range decoded.Checks {
		ids = append(ids, c.ID)
	}
	want := []string{"cw.settings", "cw.site", "cw.company", "cw.keys", "cw.client_id", "cw.api_member", "cw.security_role",
		"cw.integrator_login", "cw.member_permission",
		"cw.role.companies.company_maintenance.inquire",
		"cw.role.finance.agreements.add", "cw.role.finance.agreements.edit", "cw.role.finance.agreements.inquire",
		"cw.role.procurement.product_catalog.add", "cw.role.procurement.product_catalog.edit", "cw.role.procurement.product_catalog.inquire",
		"cw.role.system.table_setup.add", "cw.role.system.table_setup.edit", "cw.role.system.table_setup.inquire",
		"cw.role.system.member_maintenance.inquire",
		"cw.role.service_desk.service_tickets.add", "cw.role.service_desk.service_tickets.edit", "cw.role.service_desk.service_tickets.inquire",
		"cw.role.system.api_reports.inquire", "cw.role.service_desk.close_service_tickets.edit",
		"cw.board", "cw.board.status_new", "cw.board.status_closed", "cw.priorities",
		"sophos.settings", "sophos.credential", "sophos.partner", "sophos.tenants", "sophos.usage_tenants", "sophos.billing_usage", "sophos.alerts"}
	if !slices.Equal(ids, want) {
		t.Errorf("ids:\n got %q\nwant %q", ids, want)
	}
	if decoded.Checks[1].Name != "sito raggiungibile" {
		t.Errorf("JSON not localized: %s", js.String())
	}
}
