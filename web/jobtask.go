package web

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"centralpsa"
	"centralpsa/jobs"
	"centralpsa/store"
	"centralpsa/usage"
)

// "Sync now" queues a job for the job runner (so a sync from the console
// and one from the schedule never run at once) and starts a task that
// follows it: its state from the queue, and its progress from the run it
// records, customers done as results arrive. Any process of a cluster may
// work the job; the store is shared, so the progress still shows.

// jobPoll is how often a followed job is looked at.
const jobPoll = 500 * time.Millisecond

// JobOutcome is how a queued sync went, as the task reports it.
type JobOutcome struct {
	JobID    int64    `json:"jobId"`
	Inserted bool     `json:"inserted"` // false: a sync already queued or running was followed instead
	State    string   `json:"state"`    // River's final state: completed, cancelled, discarded, retryable
	RunID    int64    `json:"runId,omitempty"`
	Status   string   `json:"runStatus,omitempty"`
	Summary  string   `json:"summary,omitempty"`
	Errors   []string `json:"errors,omitempty"`
}

// jobFinal are the states in which following stops. A retryable job will
// run again later, but the person who pressed the button wants to know
// now that this attempt failed.
var jobFinal = map[string]bool{"completed": true, "cancelled": true, "discarded": true, "retryable": true}

// startJob queues a sync with enqueue and starts the task that follows it.
func (s *Server) startJob(kind, runKind string, enqueue func(context.Context) (int64, bool, error)) (Task, *JobOutcome, error) {
	q := s.cfg.Services.Jobs
	if q == nil {
		return Task{}, nil, unavailable("the job runner")
	}
	ctx, cancel := context.WithTimeout(s.tasks.ctx, 30*time.Second)
	defer cancel()
	// The job's run is the first one recorded after this one; run ids
	// grow, so no clock is compared.
	before, err := s.cfg.Store.Runs(ctx, runKind, 1)
	if err != nil {
		return Task{}, nil, err
	}
	id, inserted, err := enqueue(ctx)
	if err != nil {
		return Task{}, nil, err
	}
	var after int64
	if len(before) > 0 {
		after = before[0].ID
		if !inserted && before[0].Status == store.RunRunning {
			after-- // the job followed is the one already running
		}
	}
	out := &JobOutcome{JobID: id, Inserted: inserted, State: "available"}
	t := s.tasks.start(kind, func(ctx context.Context, h *taskHandle) (any, error) {
		return s.followJob(ctx, h, q, runKind, *out, after)
	})
	return t, out, nil
}

func (s *Server) followJob(ctx context.Context, h *taskHandle, q Jobs, runKind string, out JobOutcome, after int64) (*JobOutcome, error) {
	tick := time.NewTicker(s.jobPoll)
	defer tick.Stop()
	for {
		job, found, err := findJob(ctx, q, out.JobID)
		if err != nil {
			return &out, err
		}
		if found {
			out.State = job.State
		}
		run, done, total := s.runProgress(ctx, runKind, after)
		if run.ID != 0 {
			out.RunID, out.Status, out.Summary = run.ID, run.Status, run.Summary
			h.progress(done, total)
			h.link("/runs/" + strconv.FormatInt(run.ID, 10))
		}
		if !found || jobFinal[job.State] {
			if !found {
				out.State = "unknown"
			}
			for _, e := range job.Errors {
				out.Errors = append(out.Errors, e.Message)
			}
			return &out, nil
		}
		select {
		case <-ctx.Done():
			return &out, centralpsa.Errorf(centralpsa.KindUnavailable, "stopped following job %d; it goes on in the background", out.JobID)
		case <-tick.C:
		}
	}
}

func findJob(ctx context.Context, q Jobs, id int64) (jobs.Job, bool, error) {
	list, err := q.Jobs(ctx, 100)
	if err != nil {
		return jobs.Job{}, false, err
	}
	for _, j := range list {
		if j.ID == id {
			return j, true, nil
		}
	}
	return jobs.Job{}, false, nil
}

// runProgress finds the newest run of kind recorded after run id after
// and counts its customers: results recorded of tenants in its plan.
func (s *Server) runProgress(ctx context.Context, kind string, after int64) (store.Run, int, int) {
	runs, err := s.cfg.Store.Runs(ctx, kind, 1)
	if err != nil || len(runs) == 0 || runs[0].ID <= after {
		return store.Run{}, 0, 0
	}
	run := runs[0]
	results, err := s.cfg.Store.RunResults(ctx, run.ID)
	if err != nil {
		return run, 0, 0
	}
	total := planTenants(run.Plan)
	if run.Status != store.RunRunning || total < len(results) {
		total = len(results)
	}
	return run, len(results), total
}

// planTenants counts the tenants a stored usage plan reports on; 0 for
// a run without a plan (ticket runs).
func planTenants(raw []byte) int {
	var p usage.Plan
	if len(raw) == 0 || json.Unmarshal(raw, &p) != nil {
		return 0
	}
	seen := map[string]bool{}
	for _, r := range p.Report {
		if r.TenantID != "" {
			seen[r.TenantID] = true
		}
	}
	for _, sk := range p.Skips {
		if sk.TenantID != "" {
			seen[sk.TenantID] = true
		}
	}
	return len(seen)
}
