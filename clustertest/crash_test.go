package clustertest

import (
	"encoding/json"
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"centralpsa/config"
	"centralpsa/internal/dbtest"
	"centralpsa/store"
)

// crashTenants is the size of the sample in the crash tests: enough
// customers for a few dozen writes, few enough for a quick run.
const crashTenants = 20

// reference is what one uninterrupted `sync usage` does to a fresh pair
// of emulators: the writes ConnectWise accepted, in order, and the end
// state.
type reference struct {
	writes []string
	state  endState
}

var references sync.Map // seed → *refEntry

type refEntry struct {
	once sync.Once
	ref  *reference
}

// referenceRun returns the fault-free result for seed, computed once per
// test run on a SQLite database.
func referenceRun(t *testing.T, seed uint64) *reference {
	t.Helper()
	e, _ := references.LoadOrStore(seed, &refEntry{})
	entry := e.(*refEntry)
	entry.once.Do(func() {
		s := startSite(t, crashTenants, seed)
		env := s.env(dbtest.SQLite(t), nil)
		mustRun(t, env, "map", "auto")
		s.cw.Log().Reset()
		if n := syncWrites(t, env, "sync", "usage", "--json"); n == 0 {
			t.Fatal("the reference run wrote nothing: there is nothing to crash")
		}
		entry.ref = &reference{writes: s.writes(), state: s.endState()}
	})
	if entry.ref == nil {
		t.Fatalf("the reference run for seed %d failed", seed)
	}
	return entry.ref
}

// syncWrites runs a usage sync with --json, fails the test on a non-zero
// exit, and returns the number of writes the run reports.
func syncWrites(t *testing.T, env map[string]string, args ...string) int {
	t.Helper()
	out := mustRun(t, env, args...)
	var res struct {
		Writes map[string]int `json:"writes"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v: %v\n%s", args, err, out)
	}
	n := 0
	for _, v := range res.Writes {
		n += v
	}
	return n
}

// kill is one SIGKILL during a sync: at the at-th write it makes (0 =
// random), before the write's answer leaves ConnectWise (inFlight) or
// just after.
type kill struct {
	at       int
	inFlight bool
}

type crashCase struct {
	name  string
	seed  uint64
	kills []kill
	// rerun restarts with a plain `sync usage` (a new run) instead of
	// `sync usage --resume RUN`. Such a run does not audit what the killed
	// one left in flight, so the test must know which write that was: it
	// applies one agreement at a time (usage.concurrency 1).
	rerun bool
}

var crashCases = []crashCase{
	{name: "InFlight", seed: 1, kills: []kill{{inFlight: true}}},
	{name: "Answered", seed: 2, kills: []kill{{}}},
	{name: "TwoCrashes", seed: 3, kills: []kill{{inFlight: true}, {}}},
	// The first write creates a catalog setup table (the product type).
	{name: "FirstWrite", seed: 4, kills: []kill{{at: 1, inFlight: true}}},
	{name: "PlainRerun", seed: 5, kills: []kill{{inFlight: true}}, rerun: true},
}

// sortStrings compares lists of writes as multisets: agreements are
// applied several at a time, so their writes arrive in varying order.
var sortStrings = cmpopts.SortSlices(func(a, b string) bool { return a < b })

// TestCrashUsageSync kills a real `centralpsa sync usage` with SIGKILL
// at a write, restarts it until a run has nothing left to write, and
// compares the result with an uninterrupted run on fresh emulators.
func TestCrashUsageSync(t *testing.T) {
	t.Parallel()
	dbtest.Each(t, "crash", func(t *testing.T, newDSN func(t *testing.T) string) {
		for _, c := range crashCases {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				crash(t, c, newDSN(t))
			})
		}
	})
}

func crash(t *testing.T, c crashCase, dsn string) {
	ref := referenceRun(t, c.seed)
	s := startSite(t, crashTenants, c.seed)
	var extra map[string]string
	if c.rerun {
		extra = map[string]string{config.EnvName("usage.concurrency"): "1"}
	}
	env := s.env(dsn, extra)
	mustRun(t, env, "map", "auto")
	s.cw.Log().Reset()

	rng := rand.New(rand.NewPCG(c.seed, 0x5eed))
	args := []string{"sync", "usage", "--json"}
	var lost []string // writes whose answer a killed process never saw
	for i, k := range c.kills {
		if k.at == 0 {
			// After the last write's answer the process may exit before
			// the signal lands; stop short of it unless in flight.
			span := len(ref.writes) - len(s.writes())
			if !k.inFlight {
				span = max(1, span-1)
			}
			k.at = 1 + rng.IntN(span)
		}
		// After the answer, the signal lands a little later or at once: in
		// the middle of recording the write, or while sending the next.
		pause := time.Duration(rng.IntN(3)) * time.Millisecond
		killAt(t, s, env, k, pause, args)
		written := s.writes()
		t.Logf("kill %d: SIGKILL at write %d of this attempt (in flight: %v, pause %s); %d of %d writes made so far",
			i+1, k.at, k.inFlight, pause, len(written), len(ref.writes))
		if k.inFlight {
			lost = append(lost, written[len(written)-1])
		}
		args = []string{"sync", "usage", "--resume", strconv.FormatInt(openRun(t, dsn), 10), "--json"}
		if c.rerun {
			args = []string{"sync", "usage", "--json"}
		}
	}
	syncWrites(t, env, args...)
	for i := 0; syncWrites(t, env, "sync", "usage", "--json") != 0; i++ {
		if i == 2 {
			t.Fatal("three more runs and still writing: the sync does not converge")
		}
	}

	if diff := cmp.Diff(ref.state, s.endState()); diff != "" {
		t.Errorf("end state differs from an uninterrupted run (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(ref.writes, s.writes(), sortStrings); diff != "" {
		t.Errorf("ConnectWise got other writes than in an uninterrupted run (-want +got):\n%s", diff)
	}
	db := openStore(t, dsn)
	if c.rerun {
		// A new run does not look at what the killed one left pending, so
		// the write whose answer was lost goes unaudited: the reason to
		// restart with --resume.
		checkAudit(t, db, s.writes(), lost...)
		return
	}
	checkAudit(t, db, s.writes())
	if open := unfinished(t, db); len(open) != 0 {
		t.Errorf("runs left unfinished: %v", open)
	}
}

// killAt runs centralpsa with args and kills it with SIGKILL at the
// k.at-th usage write it makes.
func killAt(t *testing.T, s *site, env map[string]string, k kill, pause time.Duration, args []string) {
	t.Helper()
	var proc atomic.Pointer[child]
	s.trip.arm(k.at, k.inFlight, func() {
		if !k.inFlight {
			time.Sleep(pause)
		}
		_ = proc.Load().cmd.Process.Kill()
	})
	defer s.trip.arm(0, false, nil)
	p := start(t, "sync usage (to be killed)", env, "", args...)
	proc.Store(p)
	if code := p.wait(t, time.Minute); code != -1 {
		t.Fatalf("armed to kill at write %d: the process exited %d instead of dying", k.at, code)
	}
}

// openRun returns the one usage run a killed process left unfinished.
func openRun(t *testing.T, dsn string) int64 {
	t.Helper()
	db, err := store.Open(t.Context(), dsn, store.Options{SecretKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	open := unfinished(t, db)
	if len(open) == 0 {
		t.Fatal("the killed process left no unfinished run")
	}
	return open[0]
}

// unfinished lists the usage runs still marked running, newest first.
func unfinished(t *testing.T, db *store.DB) []int64 {
	t.Helper()
	runs, err := db.Runs(t.Context(), store.RunKindUsage, 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []int64
	for _, r := range runs {
		if r.Status == store.RunRunning {
			out = append(out, r.ID)
		}
	}
	return out
}
