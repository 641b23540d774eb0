package doctor_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"centralpsa/config"
	"centralpsa/cwemu"
	"centralpsa/doctor"
	"centralpsa/sophosemu"
)

type bundle struct {
	cw       *cwemu.Server
	sophos   *sophosemu.Server
	settings map[string]string
}

func setup(t *testing.T, cwOpts cwemu.Options, sOpts sophosemu.Options) bundle {
	t.Helper()
	cw, cwURL := cwemu.Start(t, cwOpts)
	so, soURL := sophosemu.Start(t, sOpts)
	id, secret := so.Credentials()
	return bundle{cw: cw, sophos: so, settings: map[string]string{
		"allow_http": "1",
		"cw.url":     cwURL, "cw.company": cwemu.DefaultCompany, "cw.public_key": cwemu.DefaultPublicKey,
		"cw.private_key": cwemu.DefaultPrivateKey, "cw.client_id": cwemu.DefaultClientID,
		"sophos.client_id": id, "sophos.client_secret": secret, "sophos.id_url": soURL, "sophos.api_url": soURL,
		"tickets.board": "Sophos Alerts",
	}}
}

func run(t *testing.T, settings map[string]string, opts doctor.Options) (*doctor.Report, string) {
	t.Helper()
	if opts.Timeout == 0 {
		opts.Timeout = 5 * time.Second
	}
	r := doctor.Run(context.Background(), config.FromMap(settings), opts)
	var out bytes.Buffer
	if err := r.WriteText(&out); err != nil {
		t.Fatal(err)
	}
	var js bytes.Buffer
	if err := r.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var decoded struct {
		OK     bool
		Checks []map[string]any
	}
	if err := json.Unmarshal(js.Bytes(), &decoded); err != nil || decoded.OK != r.OK() || len(decoded.Checks) != len(r.Checks) {
		t.Fatalf("JSON report does not match: %v\n%s", err, js.String())
	}
	return r, out.String() + js.String()
}

func TestFullSetupPasses(t *testing.T) {
	t.Parallel()
	b := setup(t, cwemu.Options{}, sophosemu.Options{})
	r, out := run(t, b.settings, doctor.Options{})
	if !r.OK() {
		t.Fatalf("doctor failed against a complete setup:\n%s", out)
	}
	for _, want := range []string{"✓ company known", "✓ keys accepted", "✓ API member", "✓ integrator login exists",
		"✓ Finance > Agreements: Add = All", "✓ System > API Reports: Inquire = All", "✓ partner credential", "✓ billing usage", "✓ alerts readable", "· Member as the role's Security Permission"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	if w := b.cw.Log().Writes(); len(w) != 0 {
		t.Errorf("doctor wrote to ConnectWise: %+v", w)
	}
	if w := b.sophos.Log().Writes(); len(w) > 1 { // the token request is a POST
		t.Errorf("doctor wrote to Sophos: %+v", w)
	}
}

// TestEachMissingPermissionFails removes every required level in turn, both
// when mySecurity can be read and when doctor must probe.
func TestEachMissingPermissionFails(t *testing.T) {
	t.Parallel()
	cases := []struct {
		fn   cwemu.Function
		acc  cwemu.Access
		name string
	}{
		{cwemu.FnCompanyMaintenance, cwemu.Inquire, "Companies > Company Maintenance: Inquire = All"},
		{cwemu.FnAgreements, cwemu.Add, "Finance > Agreements: Add = All"},
		{cwemu.FnAgreements, cwemu.Edit, "Finance > Agreements: Edit = All"},
		{cwemu.FnAgreements, cwemu.Inquire, "Finance > Agreements: Inquire = All"},
		{cwemu.FnProductCatalog, cwemu.Add, "Procurement > Product Catalog: Add = All"},
		{cwemu.FnProductCatalog, cwemu.Edit, "Procurement > Product Catalog: Edit = All"},
		{cwemu.FnProductCatalog, cwemu.Inquire, "Procurement > Product Catalog: Inquire = All"},
		{cwemu.FnTableSetup, cwemu.Add, "System > Table Setup: Add = All"},
		{cwemu.FnTableSetup, cwemu.Edit, "System > Table Setup: Edit = All"},
		{cwemu.FnTableSetup, cwemu.Inquire, "System > Table Setup: Inquire = All"},
		{cwemu.FnMemberMaintenance, cwemu.Inquire, "System > Member Maintenance: Inquire = All"},
		{cwemu.FnServiceTickets, cwemu.Add, "Service Desk > Service Tickets: Add = All"},
		{cwemu.FnServiceTickets, cwemu.Edit, "Service Desk > Service Tickets: Edit = All"},
		{cwemu.FnServiceTickets, cwemu.Inquire, "Service Desk > Service Tickets: Inquire = All"},
		{cwemu.FnAPIReports, cwemu.Inquire, "System > API Reports: Inquire = All"},
	}
	for _, mode := range []struct {
		name     string
		disabled bool
	}{{"MySecurity", false}, {"Probes", true}} {
		for _, c := range cases {
			t.Run(mode.name+"/"+strings.NewReplacer(" ", "", ">", "_", ":", "", "=", "").Replace(c.name), func(t *testing.T) {
				t.Parallel()
				b := setup(t, cwemu.Options{Role: cwemu.FullRole().Without(c.fn, c.acc), MySecurityDisabled: mode.disabled}, sophosemu.Options{})
				r, out := run(t, b.settings, doctor.Options{SkipSophos: true})
				if r.OK() {
					t.Fatalf("doctor passed without %s:\n%s", c.name, out)
				}
				var named bool
				for _, f := range r.Failed() {
					if f.Name == c.name {
						named = true
						if !strings.Contains(f.Fix, "System > Security Roles > ") || !strings.Contains(f.Fix, c.fn.Module+" > "+c.fn.Name) {
							t.Errorf("fix %q does not give the menu path", f.Fix)
						}
					} else if !strings.Contains(f.Name, c.fn.Name) && !strings.HasPrefix(f.Name, "ticket") && !strings.HasPrefix(f.Name, "status") && f.Name != "priorities" {
						t.Errorf("unrelated failure %q: %s", f.Name, f.Detail)
					}
				}
				if !named {
					t.Fatalf("no failed check named %q:\n%s", c.name, out)
				}
				if w := b.cw.Log().Writes(); mode.disabled {
					for _, req := range w {
						if req.Status < 400 {
							t.Errorf("a probe changed something: %+v", req)
						}
					}
				} else if len(w) != 0 {
					t.Errorf("doctor wrote with mySecurity readable: %+v", w)
				}
			})
		}
	}
}

func TestConnectWiseFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		cw        cwemu.Options
		change    map[string]string
		wantCheck string
		wantText  string
		wantOK    bool
	}{
		{name: "WrongPrivateKey", change: map[string]string{"cw.private_key": "Wr0ngPrivKey-visible"}, wantCheck: "keys accepted", wantText: "authentication failed"},
		{name: "UnknownCompany", change: map[string]string{"cw.company": "nosuchco"}, wantCheck: "company known", wantText: `company id "nosuchco"`},
		{name: "HTTPRefused", change: map[string]string{"allow_http": "0"}, wantCheck: "setting cw.url", wantText: "CENTRALPSA_ALLOW_HTTP=1"},
		{name: "MissingKey", change: map[string]string{"cw.public_key": ""}, wantCheck: "setting cw.public_key", wantText: "CENTRALPSA_CW_PUBLIC_KEY"},
		{name: "Unreachable", change: map[string]string{"cw.url": "http://127.0.0.1:1"}, wantCheck: "site reachable", wantText: "127.0.0.1:1"},
		{name: "NoIntegratorLogin", cw: cwemu.Options{NoIntegratorLogins: true}, wantCheck: "integrator login exists", wantText: "no active integrator login"},
		{name: "MissingBoard", change: map[string]string{"tickets.board": "No Such Board"}, wantCheck: "ticket board", wantText: `"No Such Board"`},
		{name: "PersonAccountIsWarning", cw: cwemu.Options{LicenseClass: "F"}, wantOK: true},
		{name: "UnsetBoardIsWarning", change: map[string]string{"tickets.board": ""}, wantOK: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, tt.cw, sophosemu.Options{})
			for k, v := range tt.change {
				b.settings[k] = v
			}
			start := time.Now()
			r, out := run(t, b.settings, doctor.Options{SkipSophos: true, Timeout: 2 * time.Second, Deadline: 10 * time.Second})
			if time.Since(start) > 10*time.Second {
				t.Errorf("doctor took %v, past its deadline", time.Since(start))
			}
			if strings.Contains(out, "Wr0ngPrivKey-visible") || strings.Contains(out, cwemu.DefaultPrivateKey) {
				t.Fatalf("the private key was printed:\n%s", out)
			}
			if tt.wantOK {
				if !r.OK() {
					t.Fatalf("want a pass:\n%s", out)
				}
				return
			}
			for _, f := range r.Failed() {
				if f.Name == tt.wantCheck && strings.Contains(f.Detail+" "+f.Fix, tt.wantText) {
					return
				}
			}
			t.Fatalf("want failed check %q mentioning %q:\n%s", tt.wantCheck, tt.wantText, out)
		})
	}
}

func TestSophosFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		opts      sophosemu.Options
		change    func(b bundle) map[string]string
		wantCheck string
		wantText  string
	}{
		{name: "WrongSecret", change: func(bundle) map[string]string { return map[string]string{"sophos.client_secret": "n0t-the-s3cret"} },
			wantCheck: "credential accepted", wantText: "rejected the client secret"},
		{name: "UnknownClient", change: func(bundle) map[string]string { return map[string]string{"sophos.client_id": "nobody"} },
			wantCheck: "credential accepted", wantText: "does not know this client id"},
		{name: "TenantCredential", opts: sophosemu.Options{TenantClientID: "tenant-cred", TenantClientSecret: "tenant-s3cret"},
			change: func(bundle) map[string]string {
				return map[string]string{"sophos.client_id": "tenant-cred", "sophos.client_secret": "tenant-s3cret"}
			},
			wantCheck: "partner credential", wantText: "needs a partner credential"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, cwemu.Options{}, tt.opts)
			for k, v := range tt.change(b) {
				b.settings[k] = v
			}
			r, out := run(t, b.settings, doctor.Options{SkipConnectWise: true})
			if strings.Contains(out, b.settings["sophos.client_secret"]) {
				t.Fatalf("the client secret was printed:\n%s", out)
			}
			for _, f := range r.Failed() {
				if f.Name == tt.wantCheck && strings.Contains(f.Detail, tt.wantText) && f.Fix != "" {
					return
				}
			}
			t.Fatalf("want failed check %q mentioning %q with a fix:\n%s", tt.wantCheck, tt.wantText, out)
		})
	}
}
