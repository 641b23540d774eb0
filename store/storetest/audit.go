package storetest

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"centralpsa"
	"centralpsa/store"
)

func exerciseAudit(t *testing.T, newDSN NewDSNFunc) {
	t.Run("AppendOrderAndFilters", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newDSN)
		ctx := t.Context()
		run, err := b.db.CreateRun(ctx, store.Run{Kind: store.RunKindUsage})
		mustNoErr(t, err)
		later := clockStart.Add(time.Hour)
		in := []store.Audit{
			// Same instant on purpose: order must come from append order.
			{RunID: run, At: clockStart, Method: "POST", Endpoint: "/finance/agreements/31/additions", Entity: "addition", After: []byte(`{"quantity":3}`), Status: 201},
			{RunID: run, At: clockStart, Method: "PATCH", Endpoint: "/finance/agreements/31/additions/9", Entity: "addition", EntityID: "9",
				Before: []byte(`{"quantity":3}`), After: []byte(`{"quantity":4}`), Status: 200},
			{At: later, Method: "POST", Endpoint: "/service/tickets", Entity: "ticket", Status: 500, Error: "server error"},
			{Method: "POST", Endpoint: "/service/tickets", Entity: "ticket", Status: 201}, // At from the clock
		}
		for _, a := range in {
			mustNoErr(t, b.db.AppendAudit(ctx, a))
		}
		all, err := b.db.Audit(ctx, store.AuditFilter{})
		mustNoErr(t, err)
		if len(all) != len(in) {
			t.Fatalf("got %d entries, want %d", len(all), len(in))
		}
		for i := range in {
			in[i].ID = all[i].ID
			in[i].At = stored(in[i].At)
		}
		in[3].At = stored(clockStart)
		if diff := cmp.Diff(in, all); diff != "" {
			t.Fatalf("Audit (-want +got):\n%s", diff)
		}
		for i := 1; i < len(all); i++ {
			if all[i].ID <= all[i-1].ID {
				t.Fatalf("ids not increasing: %d then %d", all[i-1].ID, all[i].ID)
			}
		}

		for _, tt := range []struct {
			name string
			f    store.AuditFilter
			want []int // indexes into in
		}{
			{"ByRun", store.AuditFilter{RunID: run}, []int{0, 1}},
			{"ByEntity", store.AuditFilter{Entity: "ticket"}, []int{2, 3}},
			{"Since", store.AuditFilter{Since: later}, []int{2}},
			{"Limit", store.AuditFilter{Limit: 3}, []int{0, 1, 2}},
			{"Combined", store.AuditFilter{Entity: "ticket", Since: clockStart, Limit: 1}, []int{2}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				got, err := b.db.Audit(ctx, tt.f)
				mustNoErr(t, err)
				var want []store.Audit
				for _, i := range tt.want {
					want = append(want, in[i])
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Fatalf("(-want +got):\n%s", diff)
				}
			})
		}
	})

	// Under the store, the database itself refuses to rewrite history.
	t.Run("ErrRawUpdateOrDelete", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newDSN)
		ctx := t.Context()
		mustNoErr(t, b.db.AppendAudit(ctx, store.Audit{Method: "POST", Endpoint: "/x", Status: 201}))
		for _, q := range []string{`UPDATE audit SET status = 500`, `DELETE FROM audit`} {
			err := rawExec(ctx, b.db, q)
			if err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: error %v, want the append-only refusal", q, err)
			}
		}
		got, err := b.db.Audit(ctx, store.AuditFilter{})
		mustNoErr(t, err)
		if len(got) != 1 || got[0].Status != 201 {
			t.Fatalf("audit changed: %+v", got)
		}
	})

	t.Run("CredentialFieldsMasked", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newDSN)
		ctx := t.Context()
		body := []byte(`{"access_token":"tok-SECRET-1","nested":{"clientSecret":"cs-SECRET-2","privateKey":"pk-SECRET-3"},"list":[{"password":"pw-SECRET-4"}],"name":"kept"}`)
		mustNoErr(t, b.db.AppendAudit(ctx, store.Audit{Method: "POST", Endpoint: "/token", After: body, Before: []byte(`{"id": 1}`)}))
		raw := rawString(t, b.db, `SELECT body_after FROM audit`)
		if strings.Contains(raw, "SECRET") || !strings.Contains(raw, `"kept"`) {
			t.Fatalf("stored body %s: want credentials masked and other fields kept", raw)
		}
		if before := rawString(t, b.db, `SELECT body_before FROM audit`); before != `{"id": 1}` {
			t.Fatalf("a body without credentials was rewritten: %s", before)
		}
	})

	t.Run("ErrInvalidJSON", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newDSN)
		wantKind(t, b.db.AppendAudit(t.Context(), store.Audit{Method: "POST", After: []byte(`{"a":1} trailing`)}), centralpsa.KindInvalid)
		wantKind(t, b.db.AppendAudit(t.Context(), store.Audit{Method: "POST", Before: []byte(`[1,`)}), centralpsa.KindInvalid)
	})
}

// A decision and its record are written together or not at all.
func exerciseTx(t *testing.T, newDSN NewDSNFunc) {
	errBoom := errors.New("boom")
	// write does the three things a sync step records in one unit.
	write := func(t *testing.T, tx *store.Tx, runID int64) {
		ctx := t.Context()
		mustNoErr(t, tx.MarkOp(ctx, runID, "k", store.OpDone, []byte(`{"id":1}`)))
		mustNoErr(t, tx.AppendAudit(ctx, store.Audit{RunID: runID, Method: "POST", Endpoint: "/x", Status: 201}))
		// UpsertTenants opens no transaction of its own inside one.
		mustNoErr(t, tx.UpsertTenants(ctx, []store.Tenant{{ID: "t1", Name: "One"}}))
		mustNoErr(t, tx.SetMapping(ctx, store.Mapping{TenantID: "t1", CompanyID: 4}))
	}
	for _, tt := range []struct {
		name    string
		fn      func(t *testing.T, tx *store.Tx, runID int64) error
		wantErr error
		panics  bool
		written bool
	}{
		{"Commits", func(t *testing.T, tx *store.Tx, id int64) error { write(t, tx, id); return nil }, nil, false, true},
		{"RollsBackOnError", func(t *testing.T, tx *store.Tx, id int64) error { write(t, tx, id); return errBoom }, errBoom, false, false},
		{"RollsBackOnPanic", func(t *testing.T, tx *store.Tx, id int64) error { write(t, tx, id); panic(errBoom) }, nil, true, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, newDSN)
			ctx := t.Context()
			run, err := b.db.CreateRun(ctx, store.Run{Kind: store.RunKindUsage})
			mustNoErr(t, err)
			func() {
				defer func() {
					if p := recover(); (p != nil) != tt.panics {
						t.Fatalf("panic = %v, want panic %v", p, tt.panics)
					}
				}()
				err = b.db.Tx(ctx, func(tx *store.Tx) error { return tt.fn(t, tx, run) })
			}()
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Tx error = %v, want %v", err, tt.wantErr)
			}
			ops, err := b.db.Ops(ctx, run)
			mustNoErr(t, err)
			audits, err := b.db.Audit(ctx, store.AuditFilter{RunID: run})
			mustNoErr(t, err)
			_, err = b.db.Mapping(ctx, "t1")
			written := []bool{len(ops) == 1, len(audits) == 1, err == nil}
			for i, w := range written {
				if w != tt.written {
					t.Fatalf("after Tx: ops, audit, mapping written = %v; want all %v (item %d)", written, tt.written, i)
				}
			}
		})
	}
}
