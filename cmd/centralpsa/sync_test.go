package main

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"centralpsa/emu"
	"centralpsa/store"
)

func TestSyncUsageCommand(t *testing.T) {
	t.Parallel()
	d, env := mappedDemo(t)
	dbState := func() string {
		db, err := store.Open(t.Context(), env["CENTRALPSA_DB"], store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		runs, _ := db.Runs(t.Context(), "", 100)
		audit, _ := db.Audit(t.Context(), store.AuditFilter{})
		maps, _ := db.Mappings(t.Context())
		b, _ := json.Marshal([]any{runs, audit, maps})
		return string(b)
	}

	// A dry run shows the plan as JSON and writes nothing anywhere.
	before := dbState()
	d.cw.Log().Reset()
	code, out, errOut := cli(t, env, "sync", "usage", "--dry-run", "--json")
	if code != 0 {
		t.Fatalf("dry run: exit %d\n%s", code, errOut)
	}
	var plan struct {
		DryRun bool   `json:"dryRun"`
		Status string `json:"status"`
		Month  string `json:"month"`
		Plan   struct {
			Hash   string           `json:"hash"`
			Ops    []planOp         `json:"ops"`
			Report []map[string]any `json:"report"`
		} `json:"plan"`
		Customers []struct {
			AgreementID int64  `json:"agreementId"`
			Status      string `json:"status"`
			Planned     int    `json:"planned"`
		} `json:"customers"`
	}
	if err := json.Unmarshal([]byte(out), &plan); err != nil {
		t.Fatalf("--json output: %v\n%s", err, out)
	}
	if !plan.DryRun || plan.Status != "planned" || len(plan.Plan.Ops) == 0 || len(plan.Customers) == 0 || plan.Plan.Hash == "" || len(plan.Plan.Report) == 0 {
		t.Fatalf("dry-run JSON lacks the plan: %+v", plan)
	}
	if w := d.cw.Log().Writes(); len(w) != 0 {
		t.Fatalf("dry run wrote to ConnectWise: %v", w)
	}
	if after := dbState(); after != before {
		t.Fatal("dry run changed the database")
	}

	// The real run applies it and writes the CSV report.
	csvPath := filepath.Join(t.TempDir(), "report.csv")
	code, out, errOut = cli(t, env, "sync", "usage", "--csv", csvPath)
	if code != 0 || !strings.Contains(out, ": ok;") {
		t.Fatalf("sync usage: exit %d\n%s%s", code, out, errOut)
	}
	f, err := os.Open(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil || len(rows) < 2 || rows[0][0] != "month" || rows[1][0] != plan.Month {
		t.Fatalf("CSV report: %v %v", err, rows[:min(2, len(rows))])
	}

	// Nothing changed: no write at all.
	d.cw.Log().Reset()
	if code, out, _ = cli(t, env, "sync", "usage"); code != 0 || len(d.cw.Log().Writes()) != 0 {
		t.Fatalf("second sync: exit %d, writes %v\n%s", code, d.cw.Log().Writes(), out)
	}

	// One customer's agreement refuses writes: exit 1, with the fix.
	tenant, product := firstAddition(t, plan.Plan.Ops)
	d.sophos.SetUsage(tenant, product, 777)
	d.cw.Faults().Add(emu.Fault{Kind: emu.FaultStatus, Method: http.MethodPatch, Status: http.StatusForbidden,
		Body: `{"code":"Forbidden","message":"The security role does not allow this."}`, ContentType: "application/json"})
	exit, out, errOut := cli(t, env, "sync", "usage")
	if exit != 1 || !strings.Contains(out, "Finance > Agreements Edit") || !strings.Contains(errOut, "1 customer(s) failed") {
		t.Fatalf("sync with a refused customer: exit %d\n%s%s", exit, out, errOut)
	}
}

// mappedDemo is the demo's emulators with the tenants mapped by map auto
// and usage sync on for one of them.
func mappedDemo(t *testing.T) (*demoEnv, map[string]string) {
	t.Helper()
	d, env := demoEnvVars(t)
	if code, out, errOut := cli(t, env, "map", "auto"); code != 0 {
		t.Fatalf("map auto: exit %d\n%s%s", code, out, errOut)
	}
	keepUsage(t, env, 1)
	return d, env
}

// keepUsage leaves usage sync on for the first n synced tenants only: the
// CLI goes through the client's production rate limit, so a full sample
// would take seconds per run.
func keepUsage(t *testing.T, env map[string]string, n int) {
	t.Helper()
	db, err := store.Open(t.Context(), env["CENTRALPSA_DB"], store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	maps, err := db.Mappings(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range maps {
		if !m.UsageEnabled || m.AgreementID == 0 {
			continue
		}
		if n > 0 {
			n--
			continue
		}
		m.UsageEnabled = false
		if err := db.SetMapping(t.Context(), m); err != nil {
			t.Fatal(err)
		}
	}
	if n > 0 {
		t.Fatal("map auto left too few tenants with usage sync on")
	}
}

// planOp is the part of a plan op the test reads from --json.
type planOp struct {
	Key          string   `json:"key"`
	Kind         string   `json:"kind"`
	New          int64    `json:"new"`
	Tenants      []string `json:"tenants"`
	ProductCodes []string `json:"productCodes"`
}

// firstAddition returns the tenant and product of the plan's first new
// addition.
func firstAddition(t *testing.T, ops []planOp) (tenant, code string) {
	t.Helper()
	for _, op := range ops {
		if op.Kind == "create_addition" && len(op.Tenants) > 0 && len(op.ProductCodes) > 0 {
			return op.Tenants[0], op.ProductCodes[0]
		}
	}
	t.Fatalf("no create_addition op in %+v", ops)
	return "", ""
}

func TestSyncUsageErrors(t *testing.T) {
	t.Parallel()
	_, env := demoEnvVars(t)
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"sync"}, 2, "usage: centralpsa sync"},
		{[]string{"sync", "fax"}, 2, "unknown sync command"},
		{[]string{"sync", "usage", "--month", "2026-13"}, 2, "YYYY-MM"},
		{[]string{"sync", "usage", "extra"}, 2, "unexpected argument"},
		{[]string{"sync", "usage", "--resume", "3", "--dry-run"}, 2, "--resume"},
		{[]string{"sync", "usage", "--month", "2001-01", "--dry-run"}, 1, "no billing data for 2001-01"},
		{[]string{"sync", "usage", "--resume", "99"}, 1, "run 99"},
	} {
		code, out, errOut := cli(t, env, tt.args...)
		if code != tt.code || !strings.Contains(out+errOut, tt.want) {
			t.Errorf("%v: exit %d, want %d with %q\n%s%s", tt.args, code, tt.code, tt.want, out, errOut)
		}
	}
	delete(env, "CENTRALPSA_CW_PRIVATE_KEY")
	if code, _, errOut := cli(t, env, "sync", "usage", "--dry-run"); code != 2 || !strings.Contains(errOut, "cw.private_key") {
		t.Errorf("missing key: exit %d\n%s", code, errOut)
	}
}

// TestSyncUsageNotesUnfinishedRuns: a plain sync after a run that never
// finished (its process was killed) points at --resume for that run; a dry
// run, which writes nothing, does not.
func TestSyncUsageNotesUnfinishedRuns(t *testing.T) {
	t.Parallel()
	_, env := mappedDemo(t)
	db, err := store.Open(t.Context(), env["CENTRALPSA_DB"], store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	killed, err := db.CreateRun(t.Context(), store.Run{Kind: store.RunKindUsage, Month: "2026-10"})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	want := "--resume " + strconv.FormatInt(killed, 10)
	code, _, errOut := cli(t, env, "sync", "usage")
	if code != 0 || !strings.Contains(errOut, want) {
		t.Fatalf("plain sync: exit %d, stderr %q; want a note naming %q", code, errOut, want)
	}
	if code, _, errOut := cli(t, env, "sync", "usage", "--dry-run"); code != 0 || strings.Contains(errOut, want) {
		t.Fatalf("dry run: exit %d, stderr %q; want no note", code, errOut)
	}
}
