package storetest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"centralpsa"
	"centralpsa/store"
)

func exerciseUsageItems(t *testing.T, newDSN NewDSNFunc) {
	t.Run("RecordAndList", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newDSN)
		ctx := t.Context()
		run, err := b.db.CreateRun(ctx, store.Run{Kind: store.RunKindUsage, Month: "2026-02"})
		mustNoErr(t, err)
		mustNoErr(t, b.db.AddUsageItem(ctx, store.UsageItem{Identifier: "Sophos_NDR_MSP", CatalogID: 41, ProductCode: "NDR-MSP", RunID: run}))
		mustNoErr(t, b.db.AddUsageItem(ctx, store.UsageItem{Identifier: "Sophos_CAIDR_MSP", CatalogID: 42}))

		// Again with other case and a new id (the item was re-created):
		// one row, the new id, the first run and time kept.
		b.clock.Advance(time.Hour)
		mustNoErr(t, b.db.AddUsageItem(ctx, store.UsageItem{Identifier: "SOPHOS_ndr_msp", CatalogID: 77, RunID: 0}))

		got, err := b.db.UsageItems(ctx)
		mustNoErr(t, err)
		want := []store.UsageItem{
			{Identifier: "Sophos_CAIDR_MSP", CatalogID: 42, CreatedAt: stored(clockStart)},
			{Identifier: "Sophos_NDR_MSP", CatalogID: 77, ProductCode: "NDR-MSP", RunID: run, CreatedAt: stored(clockStart)},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("UsageItems (-want +got):\n%s", diff)
		}
	})

	t.Run("EmptyIsEmptySlice", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newDSN)
		got, err := b.db.UsageItems(t.Context())
		mustNoErr(t, err)
		if got == nil || len(got) != 0 {
			t.Fatalf("UsageItems on a new database = %#v, want an empty slice", got)
		}
	})

	t.Run("ErrInvalid", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newDSN)
		for _, it := range []store.UsageItem{{Identifier: " ", CatalogID: 1}, {Identifier: "X", CatalogID: 0}} {
			wantKind(t, b.db.AddUsageItem(t.Context(), it), centralpsa.KindInvalid)
		}
	})

	t.Run("ErrUnknownRun", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newDSN)
		err := b.db.AddUsageItem(t.Context(), store.UsageItem{Identifier: "X", CatalogID: 1, RunID: 999})
		wantKind(t, err, centralpsa.KindConflict)
	})
}
