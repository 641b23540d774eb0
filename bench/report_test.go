package bench

import (
	"testing"
	"time"
)

// TestMerge: a size measured twice, once for centralpsa and once for the
// baseline alone, becomes one report with centralpsa's figures and the
// minimum from the first and the naive figures from the second, whichever
// order the reports come in.
func TestMerge(t *testing.T) {
	t.Parallel()
	ours := func(n int) *Report {
		return &Report{Config: Config{Tenants: n}, Mapped: n - 1, Phases: []Phase{
			{Name: PhaseUsage, Minimum: Minimum{ConnectWise: 10}, Ours: Measure{Wall: time.Second}},
			{Name: PhaseTickets, Minimum: Minimum{ConnectWise: 20}, Ours: Measure{Wall: 2 * time.Second}},
		}}
	}
	naive := func(n int) *Report {
		return &Report{Config: Config{Tenants: n, Naive: true, NaiveOnly: true}, Mapped: n - 1, Phases: []Phase{
			{Name: PhaseUsage, Minimum: Minimum{ConnectWise: 99}, Naive: &Measure{Wall: time.Minute}},
			{Name: PhaseTickets, Minimum: Minimum{ConnectWise: 99}, Naive: &Measure{Wall: 2 * time.Minute}},
		}}
	}
	for _, tt := range []struct {
		name string
		in   []*Report
	}{
		{"OursFirst", []*Report{ours(500), ours(5000), ours(20000), naive(500), naive(5000)}},
		{"NaiveFirst", []*Report{naive(500), naive(5000), ours(500), ours(5000), ours(20000)}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := Merge(tt.in)
			if len(got) != 3 {
				t.Fatalf("%d reports, want 3", len(got))
			}
			for _, r := range got {
				withNaive := r.Config.Tenants <= 5000
				if r.Config.NaiveOnly || r.Config.Naive != withNaive {
					t.Errorf("%d tenants: config %+v", r.Config.Tenants, r.Config)
				}
				for i, p := range r.Phases {
					if p.Minimum.ConnectWise == 99 || p.Ours.Wall != time.Duration(i+1)*time.Second {
						t.Errorf("%d tenants, %s: minimum or centralpsa's figures from the baseline's run: %+v", r.Config.Tenants, p.Name, p)
					}
					if (p.Naive != nil) != withNaive || (withNaive && p.Naive.Wall != time.Duration(i+1)*time.Minute) {
						t.Errorf("%d tenants, %s: naive %+v", r.Config.Tenants, p.Name, p.Naive)
					}
				}
			}
		})
	}
}
