package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"centralpsa"
	"centralpsa/store"
)

func exerciseTicketLinks(t *testing.T, newDSN NewDSNFunc) {
	// A full link comes back field for field, times in UTC at stored
	// precision, alert ids in their order.
	t.Run("RoundTrip", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newDSN)
		ctx := t.Context()
		in := store.TicketLink{Key: "t1/Event::Endpoint::OutOfDate/d1", TenantID: "t1", CompanyID: 250, TicketID: 1501,
			Summary: "Sophos Endpoint: Out of date on PC-1", State: store.TicketOpen, Severity: "high", Occurrences: 3,
			AlertIDs: []string{"b", "a"}, FirstSeen: clockStart.Add(-time.Hour), LastAlertAt: clockStart,
			PendingSince: clockStart.Add(-time.Minute), NotePending: "sha256:0a1b"}
		mustNoErr(t, b.db.SaveTicketLink(ctx, in))
		got, err := b.db.TicketLink(ctx, in.Key)
		mustNoErr(t, err)
		want := in
		want.FirstSeen, want.LastAlertAt, want.PendingSince = stored(in.FirstSeen), stored(in.LastAlertAt), stored(in.PendingSince)
		want.UpdatedAt = stored(clockStart)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("TicketLink (-want +got):\n%s", diff)
		}
	})

	t.Run("SaveReplaces", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newDSN)
		ctx := t.Context()
		l := store.TicketLink{Key: "k", TenantID: "t1", PendingCreate: true, PendingSince: clockStart, State: store.TicketOpen,
			AlertIDs: []string{"a"}, Occurrences: 1}
		mustNoErr(t, b.db.SaveTicketLink(ctx, l))
		b.clock.Advance(time.Minute)
		l.TicketID, l.PendingCreate, l.PendingSince, l.CompanyID = 1600, false, time.Time{}, 9
		l.State, l.ClosedAt, l.AlertIDs = store.TicketClosed, clockStart, nil
		mustNoErr(t, b.db.SaveTicketLink(ctx, l))
		got, err := b.db.TicketLink(ctx, "k")
		mustNoErr(t, err)
		want := store.TicketLink{Key: "k", TenantID: "t1", CompanyID: 9, TicketID: 1600, State: store.TicketClosed, Occurrences: 1,
			AlertIDs: []string{}, ClosedAt: stored(clockStart), UpdatedAt: stored(clockStart.Add(time.Minute))}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("replaced link (-want +got):\n%s", diff)
		}
	})

	t.Run("ErrInvalid", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newDSN)
		ok := store.TicketLink{Key: "k", TenantID: "t1", TicketID: 1, State: store.TicketOpen}
		for name, mutate := range map[string]func(*store.TicketLink){
			"NoKey":               func(l *store.TicketLink) { l.Key = " " },
			"NoTenant":            func(l *store.TicketLink) { l.TenantID = "" },
			"BadState":            func(l *store.TicketLink) { l.State = "done" },
			"NoTicketNotPending":  func(l *store.TicketLink) { l.TicketID = 0 },
			"NegativeOccurrences": func(l *store.TicketLink) { l.Occurrences = -1 },
		} {
			l := ok
			mutate(&l)
			err := b.db.SaveTicketLink(t.Context(), l)
			if centralpsa.ErrorKind(err) != centralpsa.KindInvalid {
				t.Errorf("%s: error %v, want kind invalid", name, err)
			}
		}
		_, err := b.db.TicketLink(t.Context(), "k")
		wantKind(t, err, centralpsa.KindNotFound)
	})

	t.Run("FilterAndOrder", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newDSN)
		ctx := t.Context()
		for _, l := range []store.TicketLink{
			{Key: "t2/x/b", TenantID: "t2", TicketID: 4, State: store.TicketOpen},
			{Key: "t1/x/b", TenantID: "t1", TicketID: 2, State: store.TicketClosed},
			{Key: "t1/x/a", TenantID: "t1", TicketID: 1, State: store.TicketOpen},
			{Key: "t1/x/c", TenantID: "t1", TicketID: 3, State: store.TicketResolved},
		} {
			mustNoErr(t, b.db.SaveTicketLink(ctx, l))
		}
		keys := func(f store.TicketLinkFilter) []string {
			links, err := b.db.TicketLinks(ctx, f)
			mustNoErr(t, err)
			out := []string{}
			for _, l := range links {
				out = append(out, l.Key)
			}
			return out
		}
		for _, tt := range []struct {
			f    store.TicketLinkFilter
			want []string
		}{
			{store.TicketLinkFilter{}, []string{"t1/x/a", "t1/x/b", "t1/x/c", "t2/x/b"}},
			{store.TicketLinkFilter{TenantID: "t1"}, []string{"t1/x/a", "t1/x/b", "t1/x/c"}},
			{store.TicketLinkFilter{TenantID: "t1", States: []string{store.TicketOpen, store.TicketResolved}}, []string{"t1/x/a", "t1/x/c"}},
			{store.TicketLinkFilter{States: []string{store.TicketOpen}}, []string{"t1/x/a", "t2/x/b"}},
			{store.TicketLinkFilter{TenantID: "t9"}, []string{}},
		} {
			if diff := cmp.Diff(tt.want, keys(tt.f)); diff != "" {
				t.Errorf("TicketLinks(%+v) (-want +got):\n%s", tt.f, diff)
			}
		}
		mustNoErr(t, b.db.DeleteTicketLink(ctx, "t1/x/a"))
		mustNoErr(t, b.db.DeleteTicketLink(ctx, "t1/x/a"))
		if got := keys(store.TicketLinkFilter{TenantID: "t1"}); len(got) != 2 {
			t.Fatalf("after delete: %v", got)
		}
	})

	// The link and the audit entry of one decision commit together or not
	// at all.
	t.Run("TxRollsBackTogether", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newDSN)
		ctx := t.Context()
		boom := errors.New("boom")
		err := b.db.Tx(ctx, func(tx *store.Tx) error {
			mustNoErr(t, tx.SaveTicketLink(ctx, store.TicketLink{Key: "k", TenantID: "t1", TicketID: 5, State: store.TicketOpen}))
			mustNoErr(t, tx.SetAlertCursor(ctx, "t1", clockStart))
			mustNoErr(t, tx.AppendAudit(ctx, store.Audit{Method: "POST", Endpoint: "/service/tickets", Entity: "ticket", EntityID: "5"}))
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Tx = %v, want boom", err)
		}
		_, err = b.db.TicketLink(ctx, "k")
		wantKind(t, err, centralpsa.KindNotFound)
		if c, _ := b.db.AlertCursor(ctx, "t1"); !c.IsZero() {
			t.Fatalf("cursor survived the rollback: %v", c)
		}
		mustNoErr(t, b.db.Tx(ctx, func(tx *store.Tx) error {
			return tx.SaveTicketLink(ctx, store.TicketLink{Key: "k", TenantID: "t1", TicketID: 5, State: store.TicketOpen})
		}))
		if _, err := b.db.TicketLink(ctx, "k"); err != nil {
			t.Fatalf("committed link: %v", err)
		}
	})
}

func exerciseAlertCursors(t *testing.T, newDSN NewDSNFunc) {
	t.Run("SetAndMoveBack", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newDSN)
		ctx := t.Context()
		got, err := b.db.AlertCursor(ctx, "t1")
		mustNoErr(t, err)
		if !got.IsZero() {
			t.Fatalf("unset cursor = %v, want zero", got)
		}
		for _, at := range []time.Time{clockStart, clockStart.Add(time.Hour), clockStart.Add(-time.Hour)} {
			mustNoErr(t, b.db.SetAlertCursor(ctx, "t1", at))
			got, err := b.db.AlertCursor(ctx, "t1")
			mustNoErr(t, err)
			if !got.Equal(stored(at)) || got.Location() != time.UTC {
				t.Fatalf("cursor = %v, want %v", got, stored(at))
			}
		}
		if got, _ := b.db.AlertCursor(ctx, "t2"); !got.IsZero() {
			t.Fatalf("another tenant's cursor = %v", got)
		}
	})

	t.Run("ErrInvalid", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newDSN)
		wantKind(t, b.db.SetAlertCursor(t.Context(), "", clockStart), centralpsa.KindInvalid)
		wantKind(t, b.db.SetAlertCursor(t.Context(), "t1", time.Time{}), centralpsa.KindInvalid)
	})
}
