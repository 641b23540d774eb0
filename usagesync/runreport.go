package usagesync

import (
	"context"
	"encoding/json"
	"fmt"

	"centralpsa"
	"centralpsa/store"
	"centralpsa/usage"
)

// StoredReport rebuilds the reconciliation report of a recorded usage run
// from the plan the run stored and the ops it marked done, so the report
// of any past run (the last one included) can be downloaded again without
// asking ConnectWise or Sophos. Rows whose change the run did not apply
// keep the quantity ConnectWise had and say why, as Result.Report does.
func StoredReport(ctx context.Context, db *store.DB, runID int64) (store.Run, []usage.ReportRow, error) {
	run, err := db.Run(ctx, runID)
	if err != nil {
		return store.Run{}, nil, err
	}
	if run.Kind != store.RunKindUsage || len(run.Plan) == 0 {
		return run, nil, centralpsa.Errorf(centralpsa.KindNotFound, "run %d is not a usage run with a plan", runID)
	}
	var plan usage.Plan
	if err := json.Unmarshal(run.Plan, &plan); err != nil {
		return run, nil, fmt.Errorf("decode the plan of run %d: %w", runID, err)
	}
	if run.DryRun {
		return run, reportOf(plan, nil), nil
	}
	ops, err := db.Ops(ctx, runID)
	if err != nil {
		return run, nil, fmt.Errorf("read the ops of run %d: %w", runID, err)
	}
	results, err := db.RunResults(ctx, runID)
	if err != nil {
		return run, nil, fmt.Errorf("read the results of run %d: %w", runID, err)
	}
	return run, reportOf(plan, notApplied(run, plan, ops, results)), nil
}

// notApplied says why each op of plan that the run did not mark done was
// not applied: its own error, else its customer's failure, as the apply
// recorded them.
func notApplied(run store.Run, plan usage.Plan, ops []store.Op, results []store.RunResult) map[string]string {
	state := make(map[string]store.Op, len(ops))
	for _, o := range ops {
		state[o.Key] = o
	}
	failed := map[string]string{}
	for _, r := range results {
		if r.Status == store.ResultFailed {
			failed[r.TenantID] = r.Message
		}
	}
	out := map[string]string{}
	for _, op := range plan.Ops {
		o := state[op.Key]
		if op.Kind == usage.OpCreateCatalogItem || o.Status == store.OpDone {
			continue
		}
		why := o.Error
		for _, t := range op.Tenants {
			if msg, ok := failed[t]; ok && why == "" {
				why = "not applied: " + msg
			}
		}
		switch {
		case why != "":
		case run.Status == store.RunRunning:
			why = "the run has not finished"
		default:
			why = fmt.Sprintf("not applied by run %d", run.ID)
		}
		out[op.Key] = why
	}
	return out
}
