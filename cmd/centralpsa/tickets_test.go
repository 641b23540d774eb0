package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"centralpsa/ticketsync"
)

// TestTicketCommands: `sync tickets` against the demo emulators makes
// tickets for the tenants mapped with tickets on, reports the tenant
// Sophos refuses (exit 1 with advice), and `tickets list` shows them.
func TestTicketCommands(t *testing.T) {
	t.Parallel()
	d, env := demoEnvVars(t)
	if code, out, errOut := cli(t, env, "map", "refresh"); code != 0 {
		t.Fatalf("map refresh: exit %d\n%s%s", code, out, errOut)
	}
	var companies []int64
	for _, c := range d.cw.Companies() {
		if c["deletedFlag"] != true {
			companies = append(companies, int64(c["id"].(float64)))
		}
	}
	reachable, refused := 0, ""
	for _, tn := range d.sophos.Tenants() {
		switch {
		case tn.Reachable && reachable < 3:
			reachable++
		case !tn.Reachable && tn.BillingType == "term" && refused == "":
			refused = tn.ID
		default:
			continue
		}
		args := []string{"map", "set", "--tenant", tn.ID, "--company", fmt.Sprint(companies[reachable]), "--tickets=true", "--usage=false"}
		if code, out, errOut := cli(t, env, args...); code != 0 {
			t.Fatalf("%v: exit %d\n%s%s", args, code, out, errOut)
		}
	}
	if refused == "" {
		t.Fatal("the demo has no term tenant without Partner Assistance")
	}

	code, out, errOut := cli(t, env, "sync", "tickets", "--json")
	if code != 1 {
		t.Fatalf("sync tickets with one refused tenant: exit %d, want 1\n%s%s", code, out, errOut)
	}
	var res ticketsync.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("--json output: %v\n%s", err, out)
	}
	if len(res.Tenants) != 4 || res.Failed() != 1 || res.Totals.Created == 0 {
		t.Fatalf("result: %s", out)
	}
	for _, tr := range res.Tenants {
		if (tr.TenantID == refused) != (tr.Status == "failed") || (tr.TenantID == refused && tr.Advice == "") {
			t.Fatalf("tenant result: %+v", tr)
		}
	}

	code, out, _ = cli(t, env, "tickets", "list", "--json")
	var rows []ticketRow
	if err := json.Unmarshal([]byte(out), &rows); code != 0 || err != nil {
		t.Fatalf("tickets list --json: exit %d, %v\n%s", code, err, out)
	}
	if len(rows) != res.Totals.Created {
		t.Fatalf("%d rows for %d created tickets", len(rows), res.Totals.Created)
	}
	for _, r := range rows {
		if r.TicketID == 0 || r.State != "open" || r.Occurrences < 1 || r.CompanyID == 0 || r.LastAlertAt.IsZero() || r.TenantName == "" {
			t.Fatalf("row: %+v", r)
		}
	}
	code, out, _ = cli(t, env, "tickets", "list")
	if code != 0 || !strings.Contains(out, "OCCURRENCES") || !strings.Contains(out, fmt.Sprint(rows[0].TicketID)) {
		t.Fatalf("tickets list: exit %d\n%s", code, out)
	}

	// A second run creates nothing; the text output names the refused tenant's fix.
	code, out, _ = cli(t, env, "sync", "tickets")
	if code != 1 || !strings.Contains(out, "0 created") || !strings.Contains(out, "what to do:") {
		t.Fatalf("second run: exit %d\n%s", code, out)
	}
}

func TestTicketCommandErrors(t *testing.T) {
	t.Parallel()
	_, env := demoEnvVars(t)
	env["CENTRALPSA_TICKETS_BOARD"] = "No Such Board"
	if code, _, errOut := cli(t, env, "sync", "tickets"); code != 1 || !strings.Contains(errOut, `no active service board named "No Such Board"`) {
		t.Fatalf("missing board: exit %d: %s", code, errOut)
	}
	for _, args := range [][]string{{"tickets"}, {"tickets", "bogus"}, {"tickets", "list", "--bogus"}, {"sync", "tickets", "extra"}} {
		if code, _, _ := cli(t, env, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	if code, out, _ := cli(t, env, "tickets", "list"); code != 0 || !strings.Contains(out, "no alert tickets yet") {
		t.Fatalf("empty list: exit %d %q", code, out)
	}
}
