package usage

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"slices"
	"testing"

	"centralpsa"
)

func TestFingerprintAndHash(t *testing.T) {
	t.Parallel()
	base := reportInput()
	p := mustPlan(t, base)
	if len(p.Hash) != 64 || len(p.Inputs) != 64 {
		t.Fatalf("hash %q / inputs %q are not sha256 hex", p.Hash, p.Inputs)
	}
	if Fingerprint(Input{Month: march}) != Fingerprint(Input{Month: march, Basis: BasisBillable, ZeroPolicy: ZeroPolicyZero}) {
		t.Error("defaults fingerprint differently from their explicit values")
	}
	changes := map[string]func(in *Input){
		"LineQuantity":     func(in *Input) { in.Lines[0].Actual++ },
		"TenantName":       func(in *Input) { in.Tenants[0].Name += "x" },
		"UsageSwitch":      func(in *Input) { in.Mappings[0].UsageEnabled = false },
		"AgreementStatus":  func(in *Input) { in.Agreements[1].Status = "Expired" },
		"AdditionQuantity": func(in *Input) { in.Additions[2].Quantity++ },
		"Catalog":          func(in *Input) { in.Catalog = in.Catalog[:1] },
		"Override":         func(in *Input) { in.Products = map[string]string{"X": "Y"} },
		"Managed":          func(in *Input) { in.Managed = []string{"Z"} },
		"Month":            func(in *Input) { in.Month.Month++ },
		"Basis":            func(in *Input) { in.Basis = BasisOrdered },
		"Policy":           func(in *Input) { in.ZeroPolicy = ZeroPolicyCancel },
		"CreateCatalog":    func(in *Input) { in.CreateCatalog = true },
		"DuplicateLine":    func(in *Input) { in.Lines = append(in.Lines, in.Lines[0]) },
		"MovedCharacters":  func(in *Input) { in.Tenants[0].ID, in.Tenants[0].Name = "t1A", "cme" },
	}
	for name, change := range changes {
		in := reportInput()
		in.Lines, in.Tenants, in.Mappings = slices.Clone(in.Lines), slices.Clone(in.Tenants), slices.Clone(in.Mappings)
		in.Agreements, in.Additions, in.Catalog = slices.Clone(in.Agreements), slices.Clone(in.Additions), slices.Clone(in.Catalog)
		change(&in)
		q, err := NewPlan(in)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if q.Inputs == p.Inputs || q.Hash == p.Hash {
			t.Errorf("%s: fingerprint or hash did not change", name)
		}
	}
}

func TestVerify(t *testing.T) {
	t.Parallel()
	in := reportInput()
	stored := mustPlan(t, in)
	if _, err := Verify(stored, in); err != nil {
		t.Fatalf("Verify of an unchanged state: %v", err)
	}
	in.Additions = slices.Clone(in.Additions)
	in.Additions[0].Quantity = 99 // someone edited the addition in ConnectWise
	fresh, err := Verify(stored, in)
	if centralpsa.ErrorKind(err) != centralpsa.KindConflict {
		t.Fatalf("Verify of a changed state: %v, want a conflict", err)
	}
	if fresh.Hash == stored.Hash || fresh.Ops[0].Old != 99 {
		t.Errorf("Verify should return the fresh plan, got %+v", fresh.Ops)
	}
	var e *centralpsa.Error
	if !errors.As(err, &e) || e.Message == "" {
		t.Errorf("conflict without a message: %v", err)
	}
}

// TestResume interrupts an apply after each op in turn and checks that the
// rest can be resumed, and that a change made meanwhile is refused.
func TestResume(t *testing.T) {
	t.Parallel()
	in := randomInput(rand.New(rand.NewPCG(3, 4)), 40)
	in.CreateCatalog = true
	stored := mustPlan(t, in)
	if len(stored.Ops) < 5 {
		t.Fatalf("scenario too small: %d ops", len(stored.Ops))
	}
	for done := range len(stored.Ops) {
		partial := stored
		partial.Ops = stored.Ops[:done]
		state := applyOps(t, in, partial)
		rest, err := Resume(stored, state)
		if err != nil {
			t.Fatalf("after %d ops: %v", done, err)
		}
		if got, want := len(rest.Ops), len(stored.Ops)-done; got != want {
			t.Fatalf("after %d ops: %d remain, want %d", done, got, want)
		}
		if final := mustPlan(t, applyOps(t, state, rest)); !final.Empty() {
			t.Fatalf("after resuming at %d: not settled: %+v", done, final.Ops)
		}
	}

	// Someone edits, in ConnectWise, an addition the plan was about to update.
	state := applyOps(t, in, Plan{Ops: stored.Ops[:1]})
	j := slices.IndexFunc(stored.Ops[1:], func(op Op) bool { return op.Kind == OpUpdateQuantity || op.Kind == OpZeroAddition })
	if j < 0 {
		t.Fatal("scenario has no update to interfere with")
	}
	i := slices.IndexFunc(state.Additions, func(a Addition) bool { return a.ID == stored.Ops[1+j].AdditionID })
	state.Additions[i].Quantity += 50
	if _, err := Resume(stored, state); centralpsa.ErrorKind(err) != centralpsa.KindConflict {
		t.Errorf("Resume after an outside change: %v, want a conflict", err)
	}
}

// TestHashPlanStreams: the plan hash fed op by op equals the hash of the
// whole document as json.Marshal writes it, the form hashes stored with
// earlier runs were made from, on every kind of plan.
func TestHashPlanStreams(t *testing.T) {
	t.Parallel()
	whole := func(p *Plan) string {
		body, err := json.Marshal(struct {
			Month      Month      `json:"month"`
			Basis      Basis      `json:"basis"`
			ZeroPolicy ZeroPolicy `json:"zeroPolicy"`
			Ops        []Op       `json:"ops"`
			Inputs     string     `json:"inputs"`
		}{p.Month, p.Basis, p.ZeroPolicy, p.Ops, p.Inputs})
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(body)
		return hex.EncodeToString(sum[:])
	}
	plans := []Plan{{}, {Ops: []Op{}}, {Ops: []Op{{Key: "k <&> \"q\"", Reason: "\u2028 é"}}}}
	for seed := range uint64(30) {
		p, err := NewPlan(randomInput(rand.New(rand.NewPCG(seed, 7)), 12))
		if err != nil {
			t.Fatal(err)
		}
		plans = append(plans, p)
	}
	for i := range plans {
		if got, want := hashPlan(&plans[i]), whole(&plans[i]); got != want {
			t.Errorf("plan %d (%d ops): streamed hash %s, whole-document hash %s", i, len(plans[i].Ops), got, want)
		}
	}
}
