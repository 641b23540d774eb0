package storetest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"centralpsa"
	"centralpsa/store"
)

func exerciseRuns(t *testing.T, newDSN NewDSNFunc) {
	t.Run("CreateFinishRoundTrip", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newDSN)
		ctx := t.Context()
		// Odd spacing and key order: the plan must come back byte for byte.
		plan := []byte(`{"z":1,  "a":[{"qty":12.50}]}`)
		id, err := b.db.CreateRun(ctx, store.Run{Kind: store.RunKindUsage, Month: "2026-01", DryRun: true, Plan: plan, PlanHash: "sha256:abc"})
		mustNoErr(t, err)
		got, err := b.db.Run(ctx, id)
		mustNoErr(t, err)
		want := store.Run{ID: id, Kind: store.RunKindUsage, Month: "2026-01", DryRun: true, Plan: plan, PlanHash: "sha256:abc",
			Status: store.RunRunning, StartedAt: stored(clockStart)}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("new run (-want +got):\n%s", diff)
		}

		b.clock.Advance(90 * time.Second)
		mustNoErr(t, b.db.FinishRun(ctx, id, "partial", "9 ok, 1 failed"))
		got, err = b.db.Run(ctx, id)
		mustNoErr(t, err)
		want.Status, want.Summary, want.FinishedAt = "partial", "9 ok, 1 failed", stored(clockStart.Add(90*time.Second))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("finished run (-want +got):\n%s", diff)
		}
	})

	t.Run("RunsNewestFirst", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newDSN)
		ctx := t.Context()
		var usage []int64
		for _, kind := range []string{store.RunKindUsage, store.RunKindTickets, store.RunKindUsage, store.RunKindUsage} {
			id, err := b.db.CreateRun(ctx, store.Run{Kind: kind})
			mustNoErr(t, err)
			if kind == store.RunKindUsage {
				usage = append(usage, id)
			}
		}
		for _, tt := range []struct {
			name  string
			kind  string
			limit int
			want  []int64
		}{
			{"UsageLimited", store.RunKindUsage, 2, []int64{usage[2], usage[1]}},
			{"UsageDefaultLimit", store.RunKindUsage, 0, []int64{usage[2], usage[1], usage[0]}},
			{"AllKinds", "", 10, nil}, // checked by count below
		} {
			t.Run(tt.name, func(t *testing.T) {
				runs, err := b.db.Runs(ctx, tt.kind, tt.limit)
				mustNoErr(t, err)
				var ids []int64
				for _, r := range runs {
					ids = append(ids, r.ID)
				}
				if tt.want == nil {
					if len(ids) != 4 {
						t.Fatalf("got %d runs of every kind, want 4", len(ids))
					}
					return
				}
				if diff := cmp.Diff(tt.want, ids); diff != "" {
					t.Fatalf("ids (-want +got):\n%s", diff)
				}
			})
		}
	})

	t.Run("Results", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newDSN)
		ctx := t.Context()
		id, err := b.db.CreateRun(ctx, store.Run{Kind: store.RunKindUsage, Month: "2026-01"})
		mustNoErr(t, err)
		mustNoErr(t, b.db.AddRunResult(ctx, store.RunResult{RunID: id, TenantID: "t1", Status: store.ResultFailed, Message: "403", Advice: "grant Agreements: Edit"}))
		mustNoErr(t, b.db.AddRunResult(ctx, store.RunResult{RunID: id, TenantID: "t2", Status: store.ResultSkipped, Message: "not mapped"}))
		// The retry succeeds for t1 and replaces its failure.
		mustNoErr(t, b.db.AddRunResult(ctx, store.RunResult{RunID: id, TenantID: "t1", Status: store.ResultOK}))
		got, err := b.db.RunResults(ctx, id)
		mustNoErr(t, err)
		at := stored(clockStart)
		want := []store.RunResult{
			{RunID: id, TenantID: "t1", Status: store.ResultOK, At: at},
			{RunID: id, TenantID: "t2", Status: store.ResultSkipped, Message: "not mapped", At: at},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("RunResults (-want +got):\n%s", diff)
		}
	})

	t.Run("Errors", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newDSN)
		ctx := t.Context()
		id, err := b.db.CreateRun(ctx, store.Run{Kind: store.RunKindTickets})
		mustNoErr(t, err)
		for _, tt := range []struct {
			name string
			err  error
			kind centralpsa.Kind
		}{
			{"RunNotFound", func() error { _, err := b.db.Run(ctx, id+100); return err }(), centralpsa.KindNotFound},
			{"FinishNotFound", b.db.FinishRun(ctx, id+100, "ok", ""), centralpsa.KindNotFound},
			{"FinishAsRunning", b.db.FinishRun(ctx, id, store.RunRunning, ""), centralpsa.KindInvalid},
			{"BadKind", func() error { _, err := b.db.CreateRun(ctx, store.Run{Kind: "billing"}); return err }(), centralpsa.KindInvalid},
			{"BadMonth", func() error { _, err := b.db.CreateRun(ctx, store.Run{Kind: "usage", Month: "2026-13"}); return err }(), centralpsa.KindInvalid},
			{"BadPlan", func() error { _, err := b.db.CreateRun(ctx, store.Run{Kind: "usage", Plan: []byte("{")}); return err }(), centralpsa.KindInvalid},
			{"BadResultStatus", b.db.AddRunResult(ctx, store.RunResult{RunID: id, TenantID: "t", Status: "great"}), centralpsa.KindInvalid},
			// Foreign keys are enforced (SQLite leaves them off unless asked).
			{"ResultForMissingRun", b.db.AddRunResult(ctx, store.RunResult{RunID: id + 100, TenantID: "t", Status: store.ResultOK}), centralpsa.KindConflict},
			{"OpForMissingRun", b.db.MarkOp(ctx, id+100, "k", store.OpPending, nil), centralpsa.KindConflict},
		} {
			t.Run(tt.name, func(t *testing.T) { wantKind(t, tt.err, tt.kind) })
		}
	})
}

func exerciseOps(t *testing.T, newDSN NewDSNFunc) {
	t.Run("DoneIsFinal", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newDSN)
		ctx := t.Context()
		id, err := b.db.CreateRun(ctx, store.Run{Kind: store.RunKindUsage})
		mustNoErr(t, err)
		const key = "addition:31:CIXA-MSP"
		steps := []struct {
			status string
			result string
		}{
			{store.OpPending, ""},
			{store.OpDone, `{"id":901}`},
			{store.OpDone, `{"id":902}`}, // a repeat after a crash
			{store.OpPending, ""},        // a retry that starts over
			{store.OpFailed, ""},
		}
		for _, s := range steps {
			b.clock.Advance(time.Second)
			var result []byte
			if s.result != "" {
				result = []byte(s.result)
			}
			mustNoErr(t, b.db.MarkOp(ctx, id, key, s.status, result))
		}
		mustNoErr(t, b.db.FailOp(ctx, id, key, "late failure"))
		got, err := b.db.Ops(ctx, id)
		mustNoErr(t, err)
		want := []store.Op{{RunID: id, Key: key, Status: store.OpDone, Result: []byte(`{"id":901}`),
			CreatedAt: stored(clockStart.Add(time.Second)), UpdatedAt: stored(clockStart.Add(2 * time.Second))}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("Ops (-want +got):\n%s", diff)
		}
	})

	t.Run("FailedThenRetried", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newDSN)
		ctx := t.Context()
		id, err := b.db.CreateRun(ctx, store.Run{Kind: store.RunKindUsage})
		mustNoErr(t, err)
		other, err := b.db.CreateRun(ctx, store.Run{Kind: store.RunKindUsage})
		mustNoErr(t, err)
		mustNoErr(t, b.db.MarkOp(ctx, id, "b", store.OpPending, nil))
		mustNoErr(t, b.db.FailOp(ctx, id, "b", "HTTP 503"))
		mustNoErr(t, b.db.MarkOp(ctx, other, "b", store.OpDone, nil))
		got, err := b.db.Ops(ctx, id)
		mustNoErr(t, err)
		if len(got) != 1 || got[0].Status != store.OpFailed || got[0].Error != "HTTP 503" {
			t.Fatalf("after FailOp: %+v", got)
		}
		mustNoErr(t, b.db.MarkOp(ctx, id, "b", store.OpDone, []byte(`{}`)))
		got, err = b.db.Ops(ctx, id)
		mustNoErr(t, err)
		if len(got) != 1 || got[0].Status != store.OpDone || got[0].Error != "" {
			t.Fatalf("after retry: %+v", got)
		}
	})

	t.Run("Errors", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newDSN)
		ctx := t.Context()
		id, err := b.db.CreateRun(ctx, store.Run{Kind: store.RunKindUsage})
		mustNoErr(t, err)
		wantKind(t, b.db.MarkOp(ctx, id, "k", "maybe", nil), centralpsa.KindInvalid)
		wantKind(t, b.db.MarkOp(ctx, id, "", store.OpDone, nil), centralpsa.KindInvalid)
		wantKind(t, b.db.MarkOp(ctx, id, "k", store.OpDone, []byte("not json")), centralpsa.KindInvalid)
	})
}
