package usagesync

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"centralpsa"
	"centralpsa/store"
	"centralpsa/usage"
)

// StatusStale is the final status of a run that could not be resumed
// because ConnectWise or Sophos changed since its plan was made.
const StatusStale = "stale"

// Resume finishes a run that stopped before the end (a crash, a cancelled
// job): it re-reads Sophos and ConnectWise for the run's month and
// re-plans with usage.Resume, which drops the changes already applied and
// refuses (KindConflict, and the run is closed as stale) when anything
// left differs from the stored plan. Ops marked done are skipped and every
// create looks its record up first, so nothing is written twice.
//
// It holds the usage sync lease, so a run is never resumed while another
// process still applies it.
func (s *Service) Resume(ctx context.Context, runID int64) (*Result, error) {
	return s.held(ctx, func(ctx context.Context) (*Result, error) { return s.resumeRun(ctx, runID) })
}

func (s *Service) resumeRun(ctx context.Context, runID int64) (*Result, error) {
	run, err := s.Store.Run(ctx, runID)
	if err != nil {
		return nil, err
	}
	switch {
	case run.Kind != store.RunKindUsage:
		return nil, centralpsa.Errorf(centralpsa.KindInvalid, "run %d is a %s run, not a usage run", runID, run.Kind)
	case run.Status != store.RunRunning:
		return nil, centralpsa.Errorf(centralpsa.KindConflict, "run %d already finished (%s); start a new sync instead", runID, run.Status)
	}
	var stored usage.Plan
	if err := json.Unmarshal(run.Plan, &stored); err != nil {
		return nil, fmt.Errorf("read the plan of run %d: %w", runID, err)
	}
	month := stored.Month
	in, mappings, err := s.gather(ctx, &month)
	if err != nil {
		return nil, err
	}
	fresh, err := usage.Resume(stored, in)
	if centralpsa.ErrorKind(err) == centralpsa.KindConflict {
		if ferr := s.Store.FinishRun(ctx, runID, StatusStale, err.Error()); ferr != nil {
			return nil, fmt.Errorf("%w (and closing run %d failed: %v)", err, runID, ferr)
		}
		return nil, err
	}
	if err != nil {
		return nil, err
	}
	prior, err := s.Store.Ops(ctx, runID)
	if err != nil {
		return nil, fmt.Errorf("read the progress of run %d: %w", runID, err)
	}
	s.logger().Info("resuming usage sync", "run_id", runID, "month", month.String(), "ops_left", len(fresh.Ops), "ops_recorded", len(prior))
	return s.resume(ctx, newPrepared(in, fresh, mappings), runID, prior, stored)
}

// resume applies the re-planned rest of a run after auditing the writes
// an earlier attempt sent without recording: ops it left pending whose
// change is no longer in the plan, because ConnectWise already has it.
func (s *Service) resume(ctx context.Context, p *Prepared, runID int64, prior []store.Op, stored usage.Plan) (*Result, error) {
	left := make(map[string]bool, len(p.Plan.Ops))
	for _, op := range p.Plan.Ops {
		left[op.Key] = true
	}
	pending := map[string]bool{}
	for _, o := range prior {
		if o.Status == store.OpPending {
			pending[o.Key] = true
		}
	}
	return s.apply(ctx, p, runID, prior, func(a *applier) {
		for _, op := range stored.Ops {
			if !pending[op.Key] || left[op.Key] {
				continue
			}
			w := writeOf(op)
			if id := p.createdID(op); id != 0 {
				w.entityID = itoa(id)
			}
			a.late(ctx, op.Key, w, op)
			a.mark(ctx, op.Key, store.OpDone, map[string]bool{"foundOnResume": true})
			delete(a.pending, op.Key)
			a.done[op.Key] = true
		}
	})
}

// createdID is the id of the record a create op made, as the fresh
// inputs show it, or 0.
func (p *Prepared) createdID(op usage.Op) int64 {
	switch op.Kind {
	case usage.OpCreateCatalogItem:
		return p.catalog[strings.ToLower(op.CatalogIdentifier)].ID
	case usage.OpCreateAddition:
		var id int64
		for _, a := range p.Input.Additions {
			if a.AgreementID == op.AgreementID && !a.Cancelled && strings.EqualFold(a.CatalogIdentifier, op.CatalogIdentifier) && (id == 0 || a.ID < id) {
				id = a.ID
			}
		}
		return id
	}
	return 0
}

// writeOf is the request an op sends, for auditing it without its answer.
func writeOf(op usage.Op) write {
	switch op.Kind {
	case usage.OpCreateCatalogItem:
		return write{kind: string(op.Kind), method: http.MethodPost, endpoint: "/procurement/catalog", entity: entityCatalogItem, entityID: op.CatalogIdentifier}
	case usage.OpCreateAddition:
		return write{kind: string(op.Kind), method: http.MethodPost, endpoint: additionsPath(op.AgreementID), entity: entityAddition}
	}
	return write{kind: string(op.Kind), method: http.MethodPatch, endpoint: fmt.Sprintf("%s/%d", additionsPath(op.AgreementID), op.AdditionID),
		entity: entityAddition, entityID: itoa(op.AdditionID), before: map[string]int64{"id": op.AdditionID, "quantity": op.Old}}
}

// Unfinished returns the latest usage runs that have not finished, newest
// first: crashed or cancelled ones for a scheduler to Resume. A run that
// another process is applying right now looks the same; Resume then
// waits for that process's lease rather than write beside it.
func (s *Service) Unfinished(ctx context.Context) ([]store.Run, error) {
	runs, err := s.Store.Runs(ctx, store.RunKindUsage, 0)
	if err != nil {
		return nil, fmt.Errorf("read usage runs: %w", err)
	}
	out := []store.Run{}
	for _, r := range runs {
		if r.Status == store.RunRunning {
			out = append(out, r)
		}
	}
	return out, nil
}
