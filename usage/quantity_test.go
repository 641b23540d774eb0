package usage

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSum(t *testing.T) {
	t.Parallel()
	lines := []Line{
		{AccountID: "a", ProductCode: "CIXA-MSP", Billable: 2, Actual: 3, Ordered: 5},
		{AccountID: "a", ProductCode: "CIXA-MSP", ProductDescription: "Intercept X", Billable: 4, Actual: 4, Ordered: 5},
		{AccountID: "a", ProductCode: "CDE-MSP", Billable: 1},
		{AccountID: "b", ProductCode: "CIXA-MSP", Billable: 7},
		{ProductCode: "CIXA-MSP", Billable: 9},
	}
	for _, tt := range []struct {
		basis Basis
		want  int64
	}{{"", 6}, {BasisBillable, 6}, {BasisActual, 7}, {BasisOrdered, 10}} {
		sums, orphans := Sum(lines, tt.basis)
		got := sums[TenantProduct{"a", "CIXA-MSP"}]
		if want := (Usage{Quantity: tt.want, Lines: 2, Description: "Intercept X"}); got != want {
			t.Errorf("basis %q: %+v, want %+v", tt.basis, got, want)
		}
		if len(sums) != 3 {
			t.Errorf("basis %q: %d sums, want 3", tt.basis, len(sums))
		}
		if diff := cmp.Diff([]Line{lines[4]}, orphans); diff != "" {
			t.Errorf("orphans (-want +got):\n%s", diff)
		}
	}
}
