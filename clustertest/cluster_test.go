package clustertest

import (
	"database/sql"
	"maps"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"centralpsa/internal/dbtest"
	"centralpsa/store"
)

// Cluster timing. The job timeout and the rescue delay are cut from half
// an hour to seconds (CENTRALPSA_JOBS_*), so the survivor retries a dead
// process's job within the test; River's leader TTL (about 15s) is what
// the failover mostly waits for. The timeout must outlast the time the
// test holds A's usage sync at one write while it checks the rest.
const (
	clusterSeed    = 11
	ticketInterval = time.Second
	jobTimeout     = "25s"
)

// TestClusterServe runs two `centralpsa serve` processes on one
// PostgreSQL schema and checks what docs/cluster.md promises: they share
// the jobs, each job is done once, the periodic ticket sync fires once per
// interval (on the leader), a schedule changed through either process
// reaches the leader, a session opened on one is valid on the other, and
// when the process running a usage sync is killed the other finishes it,
// leaving exactly what an uninterrupted run leaves.
func TestClusterServe(t *testing.T) {
	t.Parallel()
	c := setupCluster(t)

	// A starts alone and becomes the leader; its first ticket sync (run on
	// start) creates the tickets. A usage sync starts on A, the only
	// process, and is held at the answer to its middle write: applied in
	// ConnectWise, not yet known to A. It stays there until A is dead.
	a := startServe(t, "A", c.env)
	var idA string
	eventually(t, "A elected leader", 20*time.Second, func() bool { idA = leader(t, c.sql); return idA != "" })
	eventually(t, "the first ticket sync", 20*time.Second, func() bool {
		return len(c.s.cw.Tickets()) > 0 && completed(riverJobs(t, c.sql), "ticket_sync") > 0
	})
	usageID := c.holdUsageSync(t, idA)

	// B joins, and the two serve the console and the schedules together.
	b := startServe(t, "B", c.env)
	client, csrf := checkConsole(t, a, b)
	window := time.Now()
	time.Sleep(4 * ticketInterval)
	checkPeriodic(t, riverJobs(t, c.sql), window, time.Now())
	c.checkReschedule(t, client, b.url, csrf)

	// Kill A, the leader, in the middle of the usage sync. B becomes the
	// leader, rescues the job and finishes the run A started.
	a.kill()
	killed := time.Now()
	t.Logf("killed A at usage write %d of %d", len(c.s.writes()), len(c.ref.writes))
	eventually(t, "B finishing the usage sync", 90*time.Second, func() bool { return riverJob(t, c.sql, usageID).State == "completed" })
	t.Logf("B finished the usage sync %s after the kill", time.Since(killed).Round(time.Second))
	job := riverJob(t, c.sql, usageID)
	idB := job.AttemptedBy[len(job.AttemptedBy)-1]
	if job.AttemptedBy[0] != idA || idB == idA {
		t.Errorf("usage job attempted by %v; want A (%s) first and B last", job.AttemptedBy, idA)
	}
	if l := leader(t, c.sql); l != idB {
		t.Errorf("leader is %q, want B (%s)", l, idB)
	}
	c.checkEnd(t, "after the failover")
	runs, err := c.db.Runs(t.Context(), store.RunKindUsage, 10)
	if err != nil || len(runs) != 1 || runs[0].Status != "ok" {
		t.Errorf("usage runs %+v (%v); want one, ok", runs, err)
	}

	// "Sync now" for both: the usage sync has nothing left to do, and the
	// tickets are all there already.
	q := enqueuer(t, c.db, c.dsn)
	usageAgain, _, err := q.EnqueueUsageSync(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	ticketsAgain, _, err := q.EnqueueTicketSync(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, "the second usage sync and a manual ticket sync", 30*time.Second, func() bool {
		return riverJob(t, c.sql, usageAgain).State == "completed" && riverJob(t, c.sql, ticketsAgain).State == "completed"
	})
	c.checkEnd(t, "after syncing again")
	checkJobs(t, riverJobs(t, c.sql), idA, idB)
}

// cluster is the shared database, the emulators and the environment of
// every serving process.
type cluster struct {
	s   *site
	db  *store.DB
	sql *sql.DB
	dsn string
	env map[string]string // of `centralpsa serve`
	ref clusterRef
}

// setupCluster prepares a PostgreSQL schema: the settings stored once
// (the processes' environment names only the database, the secret key
// and the job knobs), the customers mapped, a console user.
func setupCluster(t *testing.T) *cluster {
	t.Helper()
	c := &cluster{dsn: dbtest.Postgres(t, "cluster")}
	c.ref = clusterReference(t)
	c.s = startSite(t, crashTenants, clusterSeed)
	c.db = openStore(t, c.dsn)
	c.sql = c.db.SQL()
	settings := map[string]string{"tickets.board": "Sophos Alerts", "tickets.poll_interval": ticketInterval.String()}
	maps.Copy(settings, c.s.settings)
	for k, v := range settings {
		if err := c.db.SetSetting(t.Context(), k, v); err != nil {
			t.Fatal(err)
		}
	}
	env := map[string]string{"CENTRALPSA_DB": c.dsn, "CENTRALPSA_SECRET_KEY": testKey}
	mustRun(t, env, "map", "auto")
	enableTickets(t, c.db)
	if code := start(t, "user add", env, "cluster-password-1\n", "user", "add", "--username", "admin", "--password-stdin").wait(t, time.Minute); code != 0 {
		t.Fatalf("user add: exit %d", code)
	}
	c.env = map[string]string{"CENTRALPSA_LOG_LEVEL": "debug",
		"CENTRALPSA_JOBS_TIMEOUT": jobTimeout, "CENTRALPSA_JOBS_RESCUE_AFTER": jobTimeout,
		"CENTRALPSA_JOBS_POLL_INTERVAL": "200ms", "CENTRALPSA_JOBS_SETTINGS_POLL": "300ms"}
	maps.Copy(c.env, env)
	return c
}

// holdUsageSync queues a usage sync, waits until it runs on the process
// whose River client is id, and holds it at its middle write until the
// test ends.
func (c *cluster) holdUsageSync(t *testing.T, id string) int64 {
	t.Helper()
	held, release := make(chan struct{}), make(chan struct{})
	c.s.trip.arm(len(c.ref.writes)/2, true, func() { close(held); <-release })
	t.Cleanup(func() { close(release) })
	usageID, inserted, err := enqueuer(t, c.db, c.dsn).EnqueueUsageSync(t.Context(), "")
	if err != nil || !inserted {
		t.Fatalf("enqueue the usage sync: %v (inserted %v)", err, inserted)
	}
	select {
	case <-held:
	case <-time.After(30 * time.Second):
		t.Fatal("the usage sync did not reach its middle write")
	}
	if j := riverJob(t, c.sql, usageID); j.State != "running" || !slices.Equal(j.AttemptedBy, []string{id}) {
		t.Fatalf("usage job is %s, attempted by %v; want running on %s", j.State, j.AttemptedBy, id)
	}
	return usageID
}

// checkConsole checks that both processes answer their health checks and
// that a session opened on a is valid on b (no sticky sessions needed).
// It returns the signed-in client and its CSRF token.
func checkConsole(t *testing.T, a, b *server) (*http.Client, string) {
	t.Helper()
	for _, u := range []string{a.url, b.url} {
		for _, path := range []string{"/healthz", "/readyz"} {
			if code := get(t, http.DefaultClient, u+path); code != http.StatusOK {
				t.Fatalf("GET %s%s: %d", u, path, code)
			}
		}
	}
	client, csrf := signIn(t, a.url, "admin", "cluster-password-1")
	if code := get(t, client, b.url+"/api/v1/me"); code != http.StatusOK {
		t.Fatalf("session from A on B: GET /api/v1/me answered %d", code)
	}
	return client, csrf
}

// checkReschedule changes the ticket interval to an hour through a
// process that is not the leader, and checks that the leader stops
// scheduling ticket syncs on the old interval.
func (c *cluster) checkReschedule(t *testing.T, client *http.Client, follower, csrf string) {
	t.Helper()
	if code := put(t, client, follower+"/api/v1/settings/tickets.poll_interval", csrf, `{"value":"1h"}`); code != http.StatusOK {
		t.Fatalf("PUT tickets.poll_interval on the follower: %d", code)
	}
	time.Sleep(time.Second) // the leader's settings poll (300ms), and the run-on-start job it brings
	changed := time.Now()
	time.Sleep(3 * ticketInterval)
	for _, j := range riverJobs(t, c.sql) {
		if j.Kind == "ticket_sync" && j.scheduled() && j.CreatedAt.After(changed) {
			t.Errorf("ticket sync job %d scheduled at %s, after the interval became 1h: the leader kept the old schedule",
				j.ID, j.CreatedAt.Format(time.StampMilli))
		}
	}
}

// checkEnd compares ConnectWise with the reference: the same usage writes
// in the same order (so none twice), the same end state, one ticket per
// alert; and every write audited once.
func (c *cluster) checkEnd(t *testing.T, when string) {
	t.Helper()
	if diff := cmp.Diff(c.ref.state, c.s.endState()); diff != "" {
		t.Errorf("%s: end state differs from an uninterrupted run (-want +got):\n%s", when, diff)
	}
	if diff := cmp.Diff(c.ref.writes, c.s.writes(), sortStrings); diff != "" {
		t.Errorf("%s: usage writes differ from an uninterrupted run's (-want +got):\n%s", when, diff)
	}
	if diff := cmp.Diff(c.ref.tickets, tickets(c.s)); diff != "" {
		t.Errorf("%s: tickets differ from one ticket sync's (-want +got):\n%s", when, diff)
	}
	checkAudit(t, c.db, c.s.allWrites())
}
