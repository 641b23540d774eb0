package sophosemu

import (
	"bytes"
	"strconv"
	"testing"
	"time"
)

// snapshot reads the tenants, a billing page and one tenant's alerts over
// HTTP, with the server's own address replaced so two servers compare.
func snapshot(t *testing.T, opts Options) []byte {
	t.Helper()
	b := setup(t, opts)
	var out bytes.Buffer
	for _, path := range []string{"/partner/v1/tenants?pageSize=100", "/partner/v1/billing/usage/2025/7?pageSize=100&pageTotal=true"} {
		_, body := b.partnerGet(t, path)
		out.Write(body)
	}
	ten := b.firstTenant(t, func(x Tenant) bool { return x.Reachable })
	_, body := b.tenantDo(t, ten, "GET", "/common/v1/alerts", "")
	out.Write(body)
	return bytes.ReplaceAll(out.Bytes(), []byte(b.url), []byte("BASE"))
}

func TestDeterminism(t *testing.T) {
	t.Parallel()
	a := snapshot(t, Options{Tenants: 80, Seed: 7})
	if b := snapshot(t, Options{Tenants: 80, Seed: 7}); !bytes.Equal(a, b) {
		t.Error("same seed, different responses")
	}
	if c := snapshot(t, Options{Tenants: 80, Seed: 8}); bytes.Equal(a, c) {
		t.Error("different seeds, same responses")
	}
}

func TestScale(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds 10,000 tenants")
	}
	s := New(Options{Tenants: 10_000, NowFunc: func() time.Time { return testNow }})
	if n := len(s.Tenants()); n != 10_000 {
		t.Fatalf("%d tenants", n)
	}
	lines := s.Usage(2025, time.August)
	if len(lines) < 25_000 {
		t.Errorf("%d August lines for 10,000 tenants, want over 25,000", len(lines))
	}
	ids := map[string]bool{}
	for _, ten := range s.Tenants() {
		ids[ten.ID] = true
	}
	if len(ids) != 10_000 {
		t.Errorf("%d distinct tenant ids", len(ids))
	}
}

func BenchmarkNew10000(b *testing.B) {
	now := func() time.Time { return testNow }
	for b.Loop() {
		s := New(Options{BaseURL: "http://127.0.0.1:1", Tenants: 10_000, NowFunc: now})
		if len(s.tenants) != 10_000 {
			b.Fatal("tenants: " + strconv.Itoa(len(s.tenants)))
		}
	}
}
