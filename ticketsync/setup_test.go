package ticketsync

import (
	"strings"
	"testing"
	"unicode/utf8"

	"centralpsa"
	"centralpsa/cwemu"
	"centralpsa/sophosemu"
	"centralpsa/store"
)

// TestSetupErrors: a missing board (or status, priority, source) is one
// clear error for the run, naming every setting to fix, before any alert
// is read; an unset board is refused outright.
func TestSetupErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		settings map[string]string
		kind     centralpsa.Kind
		want     []string
	}{
		{"BoardUnset", map[string]string{"tickets.board": ""}, centralpsa.KindInvalid, []string{"tickets.board is not set", "CENTRALPSA_TICKETS_BOARD"}},
		{"BoardMissing", map[string]string{"tickets.board": "Security Desk", "tickets.priority.low": "P9"}, centralpsa.KindNotFound,
			[]string{`no active service board named "Security Desk" (tickets.board`, `no priority named "P9" (tickets.priority.low`}},
		{"StatusesWrong", map[string]string{"tickets.status_new": "Closed", "tickets.status_closed": "In Progress"}, centralpsa.KindNotFound,
			[]string{`"Closed" on board "Sophos Alerts" closes tickets`, `"In Progress" on board "Sophos Alerts" does not close tickets`}},
		{"TypeSubtypeSourceMissing", map[string]string{"tickets.type": "Nope", "tickets.subtype": "Nada", "tickets.source": "Fax"}, centralpsa.KindNotFound,
			[]string{`no ticket type "Nope" (tickets.type)`, `no ticket subtype "Nada" (tickets.subtype)`, `no ticket source named "Fax" (tickets.source)`}},
		{"BadValue", map[string]string{"tickets.min_severity": "urgent"}, centralpsa.KindInvalid, []string{"tickets.min_severity"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, bundleOptions{settings: tt.settings})
			for i := range b.tenants {
				b.raise(i, sophosemu.AlertSpec{Type: outOfDate})
			}
			res, err := b.service().Run(t.Context())
			if centralpsa.ErrorKind(err) != tt.kind {
				t.Fatalf("error %v has kind %s, want %s", err, centralpsa.ErrorKind(err), tt.kind)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			if len(res.Tenants) != 0 || len(b.ourTickets()) != 0 || len(b.so.Log().Requests()) != 0 {
				t.Fatalf("a run that cannot start went on: %+v", res)
			}
			runs, _ := b.db.Runs(t.Context(), store.RunKindTickets, 1)
			if len(runs) != 1 || runs[0].Status != "failed" || runs[0].Summary != err.Error() {
				t.Fatalf("run record: %+v", runs)
			}
		})
	}
}

// TestTypeSubtypeSource: the optional names are resolved and set on the
// ticket.
func TestTypeSubtypeSource(t *testing.T) {
	t.Parallel()
	b := setup(t, bundleOptions{settings: map[string]string{"tickets.type": "security alert", "tickets.subtype": "Malware", "tickets.source": "Sophos Central"}})
	b.raise(0, sophosemu.AlertSpec{Type: outOfDate})
	b.run()
	for _, tk := range b.ourTickets() {
		if refName(tk[0], "type") != "Security Alert" || refName(tk[0], "subType") != "Malware" || refName(tk[0], "source") != "Sophos Central" {
			t.Fatalf("ticket: %v", tk[0])
		}
	}
}

// TestForbiddenTenant: a term tenant without Partner Assistance answers
// 403; it is reported with Sophos's advice and the others get tickets.
func TestForbiddenTenant(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, newDSN func(*testing.T) string) {
		probe := setup(t, bundleOptions{dsn: newDSN(t), tenants: 10})
		var term string
		for _, tn := range probe.tenants {
			if tn.BillingType == "term" {
				term = tn.ID
			}
		}
		if term == "" {
			t.Fatal("the sample has no term tenant")
		}
		b := setup(t, bundleOptions{dsn: newDSN(t), tenants: 10, assistanceOff: []string{term}})
		for i := range b.tenants {
			b.raise(i, sophosemu.AlertSpec{Type: outOfDate})
		}
		res := b.run()
		var failed []TenantResult
		for _, tr := range res.Tenants {
			if tr.Status == store.ResultFailed {
				failed = append(failed, tr)
			}
		}
		if len(failed) != 1 || failed[0].TenantID != term || failed[0].Advice == "" || !strings.Contains(failed[0].Error, "403") {
			t.Fatalf("failed tenants: %+v", failed)
		}
		if n := len(b.ourTickets()); n != len(b.tenants)-1 {
			t.Fatalf("%d tickets, want %d", n, len(b.tenants)-1)
		}
		results, _ := b.db.RunResults(t.Context(), res.RunID)
		for _, r := range results {
			if r.TenantID == term && (r.Status != store.ResultFailed || r.Advice != failed[0].Advice) {
				t.Fatalf("stored result: %+v", r)
			}
		}
		if err := b.service().SyncTickets(t.Context()); err != nil {
			t.Fatalf("SyncTickets with one tenant failing: %v", err)
		}
	})
}

// TestSummaries: long and non-ASCII alert texts make summaries that
// ConnectWise accepts: at most 100 characters and valid UTF-8.
func TestSummaries(t *testing.T) {
	t.Parallel()
	b := setup(t, bundleOptions{})
	specs := []sophosemu.AlertSpec{
		{Type: outOfDate, AgentID: "d1", AgentName: strings.Repeat("Überwachungsgerät-Ærø-監視-", 8)},
		{Type: outOfDate, AgentID: "d2", AgentName: strings.Repeat("👩‍💻🇩🇪", 40)},
		{Type: "Event::Endpoint::" + strings.Repeat("VeryLongEventName", 10), AgentID: "d3", AgentName: "PC"},
		{Type: outOfDate, AgentID: "d4", AgentName: "e\u0301" + strings.Repeat("é", 120)},
	}
	for _, s := range specs {
		s.Description = strings.Repeat("Beschreibung mit Umlauten äöü und 中文 ", 40)
		b.raise(0, s)
	}
	if res := b.run(); res.Totals.Created != len(specs) || res.Failed() != 0 {
		t.Fatalf("run: %s %+v", res.Summary(), res.Tenants)
	}
	for _, tks := range b.ourTickets() {
		s := tks[0]["summary"].(string)
		if !utf8.ValidString(s) || utf8.RuneCountInString(s) > 100 || !strings.HasSuffix(s, "…") {
			t.Errorf("summary %q (%d characters)", s, utf8.RuneCountInString(s))
		}
	}
}

// TestNoSecretsInLogsOrResults: credentials never reach a log line, a
// result or the audit log, even when ConnectWise refuses the keys.
func TestNoSecretsInLogsOrResults(t *testing.T) {
	t.Parallel()
	logs := &syncBuffer{}
	b := setup(t, bundleOptions{logTo: logs})
	b.raise(0, sophosemu.AlertSpec{Type: outOfDate})
	res := b.run()
	b.cw.SetRole(cwemu.FullRole().Without(cwemu.FnServiceTickets))
	b.raise(1, sophosemu.AlertSpec{Type: outOfDate})
	res2 := b.run()
	if res2.Failed() == 0 {
		t.Fatal("a role without Service Tickets did not fail")
	}
	audit, _ := b.db.Audit(t.Context(), store.AuditFilter{})
	_, secret := b.so.Credentials()
	text := logs.String() + res.Summary() + res2.Tenants[1].Error + res2.Tenants[1].Advice
	for _, a := range audit {
		text += string(a.After) + a.Error
	}
	for _, s := range []string{cwemu.DefaultPrivateKey, secret} {
		if strings.Contains(text, s) {
			t.Fatalf("secret %q leaked", s)
		}
	}
	if len(audit) == 0 || !strings.Contains(res2.Tenants[1].Advice, "Service Tickets") {
		t.Fatalf("audit %d entries, advice %q", len(audit), res2.Tenants[1].Advice)
	}
}

// TestCloseForbidden: a role without Close Service Tickets fails the
// close with advice naming that function; the ticket stays linked open
// and the explaining note is not repeated by later runs.
func TestCloseForbidden(t *testing.T) {
	t.Parallel()
	b := setup(t, bundleOptions{})
	a := b.raise(0, sophosemu.AlertSpec{Type: outOfDate, AgentID: "d1"})
	b.run()
	b.cw.SetRole(cwemu.FullRole().Without(cwemu.FnCloseServiceTickets))
	b.so.ClearAlert(a)
	for range 2 {
		res := b.run()
		if res.Failed() != 1 || !strings.Contains(res.Tenants[0].Advice, "Close Service Tickets") {
			t.Fatalf("run: %+v", res.Tenants[0])
		}
	}
	key := keyOf(b.tenants[0].ID, outOfDate, "d1")
	if l := b.link(key); l.State != store.TicketOpen {
		t.Fatalf("link: %+v", l)
	}
	if notes := b.cw.Notes(int(b.link(key).TicketID)); len(notes) != 2 {
		t.Fatalf("%d notes, want the description and one closing note", len(notes))
	}
	b.cw.SetRole(cwemu.FullRole())
	if res := b.run(); res.Totals.Closed != 1 || b.link(key).State != store.TicketClosed {
		t.Fatalf("after fixing the role: %s", res.Summary())
	}
}
