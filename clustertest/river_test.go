package clustertest

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"centralpsa/config"
	"centralpsa/jobs"
	"centralpsa/store"
)

// jobRow is a river_job row as these tests read it.
type jobRow struct {
	ID          int64
	Kind        string
	State       string
	Attempt     int
	AttemptedBy []string // River client ids, one per start of the job
	Tags        []string
	CreatedAt   time.Time
}

func (j jobRow) scheduled() bool {
	for _, tag := range j.Tags {
		if tag == "schedule" {
			return true
		}
	}
	return false
}

// riverJobs reads every job of the schema, oldest first.
func riverJobs(t *testing.T, db *sql.DB) []jobRow {
	t.Helper()
	rows, err := db.QueryContext(t.Context(), `SELECT id, kind, state, attempt,
		coalesce(array_to_string(attempted_by, ','), ''), coalesce(array_to_string(tags, ','), ''), created_at
		FROM river_job ORDER BY id`)
	if err != nil {
		t.Fatalf("read river_job: %v", err)
	}
	defer rows.Close()
	var out []jobRow
	for rows.Next() {
		var j jobRow
		var by, tags string
		if err := rows.Scan(&j.ID, &j.Kind, &j.State, &j.Attempt, &by, &tags, &j.CreatedAt); err != nil {
			t.Fatal(err)
		}
		j.AttemptedBy, j.Tags = split(by), split(tags)
		out = append(out, j)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func split(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// riverJob reads one job.
func riverJob(t *testing.T, db *sql.DB, id int64) jobRow {
	t.Helper()
	for _, j := range riverJobs(t, db) {
		if j.ID == id {
			return j
		}
	}
	t.Fatalf("job %d not found", id)
	return jobRow{}
}

// leader returns the River client id of the elected leader, "" when none.
func leader(t *testing.T, db *sql.DB) string {
	t.Helper()
	var id string
	err := db.QueryRowContext(t.Context(), `SELECT leader_id FROM river_leader WHERE expires_at > now()`).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return ""
	}
	if err != nil {
		t.Fatalf("read river_leader: %v", err)
	}
	return id
}

// eventually polls cond every 50ms until it holds or timeout passes.
func eventually(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, timeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// enqueuer is a River client of the tests' own on the cluster's database
// that only inserts jobs (it is never started), as "sync now" in the
// console does.
func enqueuer(t *testing.T, db *store.DB, dsn string) *jobs.Runner {
	t.Helper()
	r, err := jobs.New(t.Context(), db, dsn, jobs.Config{Usage: noSync{}, Tickets: noSync{},
		Settings: config.FromMap(map[string]string{"usage.schedule": "manual"})})
	if err != nil {
		t.Fatalf("jobs.New: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = r.Stop(ctx) // never started: this only releases the listener
	})
	return r
}

// noSync stands in for the syncers of a client that never works jobs.
type noSync struct{}

func (noSync) SyncUsage(context.Context, jobs.UsageRequest) error { return nil }
func (noSync) SyncTickets(context.Context) error                  { return nil }
