package customers

import (
	"path/filepath"
	"sync"
	"testing"
)

// AutoMap reports done of total tenants, starting at 0 and ending with
// every tenant done, in a dry run and a real one.
func TestAutoMapProgress(t *testing.T) {
	t.Parallel()
	b := setup(t, filepath.Join(t.TempDir(), "c.db"), 12)
	for _, dry := range []bool{true, false} {
		var mu sync.Mutex
		var calls [][2]int
		b.svc.ProgressFunc = func(done, total int) {
			mu.Lock()
			defer mu.Unlock()
			calls = append(calls, [2]int{done, total})
		}
		if _, err := b.svc.AutoMap(t.Context(), dry); err != nil {
			t.Fatal(err)
		}
		if len(calls) < 2 || calls[0] != [2]int{0, 12} || calls[len(calls)-1] != [2]int{12, 12} {
			t.Fatalf("dry run %v: progress %v", dry, calls)
		}
		for i := 1; i < len(calls); i++ {
			if calls[i][0] < calls[i-1][0] {
				t.Fatalf("progress went backwards: %v", calls)
			}
		}
	}
}
