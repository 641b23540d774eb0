package clustertest

import (
	"slices"
	"strings"
	"testing"
	"time"

	"centralpsa/internal/dbtest"
	"centralpsa/store"
)

// server is a running `centralpsa serve`.
type server struct {
	*child
	url string
}

// startServe starts `centralpsa serve` on a free port and waits for the
// URL it prints.
func startServe(t *testing.T, name string, env map[string]string) *server {
	t.Helper()
	c := start(t, "serve "+name, env, "", "serve", "--addr", "127.0.0.1:0")
	const prefix = "centralpsa console listening on "
	line := c.waitFor(t, "the console URL", 30*time.Second, func(s string) bool { return strings.HasPrefix(s, prefix) })
	return &server{child: c, url: strings.TrimPrefix(line, prefix)}
}

// tickets lists the tickets as "company-id summary", sorted.
func tickets(s *site) []string {
	var out []string
	for _, tk := range s.cw.Tickets() {
		co, _ := tk["company"].(map[string]any)
		out = append(out, itoa(num(co["id"]))+" "+str(tk["summary"]))
	}
	slices.Sort(out)
	return out
}

func completed(jobs []jobRow, kind string) int {
	n := 0
	for _, j := range jobs {
		if j.Kind == kind && j.State == "completed" {
			n++
		}
	}
	return n
}

// checkPeriodic checks the scheduled ticket syncs created in [from, to):
// about one per interval (two enqueuing processes would make about two),
// never two close together.
func checkPeriodic(t *testing.T, jobs []jobRow, from, to time.Time) {
	t.Helper()
	var at []time.Time
	for _, j := range jobs {
		if j.Kind == "ticket_sync" && j.scheduled() && !j.CreatedAt.Before(from) && j.CreatedAt.Before(to) {
			at = append(at, j.CreatedAt)
		}
	}
	want := int(to.Sub(from) / ticketInterval)
	if len(at) < want-1 || len(at) > want+1 {
		t.Errorf("%d scheduled ticket syncs in %s, want about %d (one per %s)", len(at), to.Sub(from).Round(time.Millisecond), want, ticketInterval)
	}
	for i := 1; i < len(at); i++ {
		if gap := at[i].Sub(at[i-1]); gap < ticketInterval/2 {
			t.Errorf("two scheduled ticket syncs %s apart: the schedule fired twice", gap)
		}
	}
}

// checkJobs checks that every job ran to completion once, except a
// ticket sync that A may have been running when it died, and that both
// processes did work.
func checkJobs(t *testing.T, jobs []jobRow, idA, idB string) {
	t.Helper()
	by := map[string]int{}
	for _, j := range jobs {
		for _, id := range j.AttemptedBy {
			by[id]++
		}
		switch {
		case j.State == "completed" && (len(j.AttemptedBy) == 1 || j.Kind == "usage_sync" || j.AttemptedBy[0] == idA):
		case j.State != "completed" && j.Kind == "ticket_sync" && slices.Equal(j.AttemptedBy, []string{idA}):
			// Stuck on the dead process until the rescue delay passes.
		case j.State == "available" || j.State == "scheduled" || j.State == "running":
			// A ticket sync queued or running on B as the test ends.
		default:
			t.Errorf("job %d (%s) is %s after attempts by %v", j.ID, j.Kind, j.State, j.AttemptedBy)
		}
	}
	t.Logf("job starts per River client: %v", by)
	if by[idA] == 0 || by[idB] == 0 {
		t.Errorf("job starts per process %v: want both A (%s) and B (%s)", by, idA, idB)
	}
}

// clusterRef is what one uninterrupted usage sync and one ticket sync do
// to fresh emulators.
type clusterRef struct {
	writes  []string // usage writes
	state   endState
	tickets []string
}

func clusterReference(t *testing.T) clusterRef {
	t.Helper()
	s := startSite(t, crashTenants, clusterSeed)
	dsn := dbtest.SQLite(t)
	env := s.env(dsn, map[string]string{"CENTRALPSA_TICKETS_BOARD": "Sophos Alerts"})
	mustRun(t, env, "map", "auto")
	db := openStore(t, dsn)
	enableTickets(t, db)
	db.Close()
	s.cw.Log().Reset()
	mustRun(t, env, "sync", "usage")
	mustRun(t, env, "sync", "tickets")
	return clusterRef{writes: s.writes(), state: s.endState(), tickets: tickets(s)}
}

// enableTickets turns ticket sync on for every tenant mapped to a
// company, except trials, whose alerts a partner cannot read.
func enableTickets(t *testing.T, db *store.DB) {
	t.Helper()
	ms, err := db.Mappings(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.CompanyID != 0 && !m.TicketsEnabled && m.BillingType != "trial" {
			m.TicketsEnabled = true
			if err := db.SetMapping(t.Context(), m); err != nil {
				t.Fatal(err)
			}
		}
	}
}
