package resilience_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"centralpsa"
	"centralpsa/usagesync"
)

// badUsage is one hostile-input case for the usage sync.
type badUsage struct {
	// breakFunc installs the hostile answers in w, for the tenant v.
	breakFunc func(w *world, v victim)
	// field is what a refusal must name: the field or record at fault.
	field string
}

// checkBadUsage is the oracle of the bad-input tests. After a clean first
// sync the victim's real usage grows, so a correct sync has something to
// write. The same run is made in a twin world without the hostile input.
// The broken world must then either hold exactly what it held before
// (the input was refused, and the run said why, naming the field) or
// exactly what the twin holds (the input was understood). Anything else
// is a wrong write.
func checkBadUsage(t *testing.T, c badUsage) {
	t.Helper()
	prepare := func(w *world) victim {
		syncUsage(t, w)
		v := w.usageVictim(t)
		w.so.SetUsage(v.mapping.TenantID, v.product, v.billed+5)
		return v
	}
	twin := newWorld(t, worldOptions{customers: 6})
	prepare(twin)
	syncUsage(t, twin)
	want := twin.state(t)

	w := newWorld(t, worldOptions{customers: 6})
	v := prepare(w)
	before := w.state(t)
	c.breakFunc(w, v)

	res, err := w.usage().Run(t.Context(), usagesync.Options{})

	if w.cwEdit.edits()+w.soEdit.edits() == 0 {
		t.Fatal("no answer was rewritten; the case tests nothing")
	}
	got := w.state(t) // fails the test on any duplicate
	got.Tickets, before.Tickets, want.Tickets = nil, nil, nil
	switch {
	case cmp.Equal(got, want):
		t.Logf("understood: the run wrote what the clean twin wrote")
	case cmp.Equal(got, before):
		msg := runMessage(res, err, v)
		if !strings.Contains(msg, c.field) {
			t.Errorf("refused, but the report does not name %s: %q", c.field, msg)
		}
		if err != nil && centralpsa.ErrorKind(err) == centralpsa.KindInternal {
			t.Errorf("refused with an internal error; bad vendor data is not our bug: %v", err)
		}
		t.Logf("refused: %s", msg)
	default:
		t.Errorf("wrong writes: neither refused nor what the clean twin wrote.\nagainst the twin (-want +got):\n%s\nagainst before (-before +got):\n%s",
			cmp.Diff(want, got), cmp.Diff(before, got))
	}
}
