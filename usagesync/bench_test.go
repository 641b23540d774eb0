package usagesync_test

import (
	"testing"
)

// BenchmarkPlanGather measures a dry run against the emulators: the
// requests and store reads that gather the inputs, plus the plan itself,
// for 60 tenants with nothing billed yet.
func BenchmarkPlanGather(b *testing.B) {
	bundle := setup(b)
	bundle.mapCustomers(b)
	for b.Loop() {
		if _, err := bundle.svc.Plan(b.Context(), nil); err != nil {
			b.Fatal(err)
		}
	}
}
