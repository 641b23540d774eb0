package sophos_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"centralpsa"
	"centralpsa/sophos"
	"centralpsa/sophosemu"
)

func TestEmulatorTokenRenewal(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		// run does the work; the clock is shared by emulator and client.
		run func(t *testing.T, r *rig, clk *clock)
		// min401s and max401s bound the answers 401: how many calls race
		// the renewal is up to the scheduler.
		min401s, max401s int
	}{
		{
			// The emulator revokes every token while the tenant list is
			// half read: the next page answers 401, the client renews once
			// and the listing completes.
			name: "RevokedMidListing", min401s: 1, max401s: 1,
			run: func(t *testing.T, r *rig, _ *clock) {
				n := 0
				for _, err := range r.client.AllTenants(t.Context()) {
					if err != nil {
						t.Fatalf("AllTenants after %d tenants: %v", n, err)
					}
					if n == 0 {
						r.emu.ExpireTokens()
					}
					n++
				}
				if n != 250 {
					t.Errorf("got %d tenants, want 250", n)
				}
			},
		},
		{
			// The token's lifetime runs out between two calls: the client
			// renews before it sends, so the emulator never sees a 401.
			name: "LifetimeRunsOut", min401s: 0, max401s: 0,
			run: func(t *testing.T, r *rig, clk *clock) {
				if _, err := r.client.ListTenants(t.Context()); err != nil {
					t.Fatalf("ListTenants: %v", err)
				}
				clk.Advance(11 * time.Minute)
				y, m := r.emu.LastUsageMonth()
				if _, err := r.client.Usage(t.Context(), y, int(m), sophos.UsageOptions{}); err != nil {
					t.Fatalf("Usage after the token expired: %v", err)
				}
			},
		},
		{
			// The token enters the client's renewal window (two minutes
			// before expiry) while the emulator would still accept it.
			name: "RenewsBeforeExpiry", min401s: 0, max401s: 0,
			run: func(t *testing.T, r *rig, clk *clock) {
				if _, err := r.client.Partner(t.Context()); err != nil {
					t.Fatalf("Partner: %v", err)
				}
				clk.Advance(9 * time.Minute)
				if _, err := r.client.ListTenants(t.Context()); err != nil {
					t.Fatalf("ListTenants: %v", err)
				}
			},
		},
		{
			// The lifetime runs out between two pages of one listing.
			name: "LifetimeRunsOutMidListing", min401s: 0, max401s: 0,
			run: func(t *testing.T, r *rig, clk *clock) {
				n := 0
				for _, err := range r.client.AllTenants(t.Context()) {
					if err != nil {
						t.Fatalf("AllTenants after %d tenants: %v", n, err)
					}
					if n == 0 {
						clk.Advance(time.Hour)
					}
					n++
				}
				if n != 250 {
					t.Errorf("got %d tenants, want 250", n)
				}
			},
		},
		{
			// Twelve tenants' alerts are read at once with a revoked token:
			// however many calls meet a 401, there is one renewal.
			name: "ConcurrentCallsShareOneRenewal", min401s: 1, max401s: 12,
			run: func(t *testing.T, r *rig, _ *clock) {
				var reachable []sophos.Tenant
				byID := r.tenantsByID(t)
				for _, et := range r.emu.Tenants() {
					if et.Reachable && len(reachable) < 12 {
						reachable = append(reachable, byID[et.ID])
					}
				}
				r.emu.ExpireTokens()
				var wg sync.WaitGroup
				for _, ten := range reachable {
					wg.Go(func() {
						if _, err := r.client.ListAlerts(t.Context(), ten, sophos.AlertsOptions{}); err != nil {
							t.Errorf("ListAlerts %s: %v", ten.ID, err)
						}
					})
				}
				wg.Wait()
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			clk := &clock{t: emuNow}
			r := startRig(t, sophosemu.Options{Tenants: 250, TokenLifetime: 10 * time.Minute, NowFunc: clk.Now},
				func(o *sophos.Options) { o.NowFunc = clk.Now })
			tc.run(t, r, clk)
			if n := r.tokenRequests(); n != 2 {
				t.Errorf("%d token requests, want 2 (one extra)", n)
			}
			var got401 int
			for _, q := range r.emu.Log().Requests() {
				if q.Status == http.StatusUnauthorized {
					got401++
				}
			}
			if got401 < tc.min401s || got401 > tc.max401s {
				t.Errorf("%d answers 401, want %d to %d", got401, tc.min401s, tc.max401s)
			}
		})
	}
}

func TestEmulatorCredentials(t *testing.T) {
	t.Parallel()
	const tenantID, tenantSecret = "tenant-api-client-7", "tenant-SECRET-value-51ab"
	for _, tc := range []struct {
		name     string
		id       string // client id; "" means the partner's
		secret   string
		want     error
		wantKind centralpsa.Kind
		wantText []string
		// tokens is how many token requests the emulator should see: the
		// whoami answer is cached, a refused secret is asked again per call
		// (a 401 from the token service is never retried).
		tokens int
	}{
		{name: "ErrTenantCredential", id: tenantID, secret: tenantSecret, want: sophos.ErrNotPartner,
			wantKind: centralpsa.KindInvalid, tokens: 1,
			wantText: []string{"partner API credential", "tenant credential", "Settings & policies > API credentials"}},
		{name: "ErrWrongSecret", secret: "wrong-Secret-d00d-3f9a", want: sophos.ErrWrongSecret,
			wantKind: centralpsa.KindUnauthorized, tokens: 2,
			wantText: []string{"oauth.invalid_client_secret", "sophos.client_secret"}},
		{name: "ErrUnknownClient", id: "nobody-knows-me", secret: "some-Secret-77aa-b1", want: sophos.ErrUnknownClient,
			wantKind: centralpsa.KindUnauthorized, tokens: 2,
			wantText: []string{"oauth.client_app_does_not_exist", "sophos.client_id"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := startRig(t, sophosemu.Options{Tenants: 5, TenantClientID: tenantID, TenantClientSecret: tenantSecret},
				func(o *sophos.Options) {
					if tc.id != "" {
						o.ClientID = tc.id
					}
					o.ClientSecret = centralpsa.Secret(tc.secret)
				})
			_, err := r.client.Partner(t.Context())
			if !errors.Is(err, tc.want) {
				t.Fatalf("Partner: %v, want %v", err, tc.want)
			}
			if k := sophos.ErrorKind(err); k != tc.wantKind {
				t.Errorf("ErrorKind = %s, want %s", k, tc.wantKind)
			}
			for _, w := range tc.wantText {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			// A partner call fails the same way and never reaches the
			// Partner API with a wrong credential.
			if _, lerr := r.client.ListTenants(t.Context()); !errors.Is(lerr, tc.want) {
				t.Errorf("ListTenants: %v, want %v", lerr, tc.want)
			}
			if n := len(r.calls("", "/partner/")); n != 0 {
				t.Errorf("%d Partner API requests with a refused credential", n)
			}
			if n := r.tokenRequests(); n != tc.tokens {
				t.Errorf("%d token requests, want %d", n, tc.tokens)
			}
			for what, text := range map[string]string{"error": err.Error(), "%+v": fmt.Sprintf("%+v", err),
				"%#v": fmt.Sprintf("%#v", err), "client": fmt.Sprintf("%v %#v", r.client, r.client), "log": r.logs.String()} {
				r.noLeak(t, what, text)
			}
		})
	}
}

// TestEmulatorServeModes runs the key scenario (every tenant, a whole
// billing month) against an emulator started for a test and against one
// served with emu.Listen and Serve, as `centralpsa emulate sophos` does.
func TestEmulatorServeModes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		start func(*testing.T, sophosemu.Options, ...func(*sophos.Options)) *rig
	}{
		{"Start", startRig},
		{"ListenServe", listenRig},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := tc.start(t, sophosemu.Options{Tenants: 130, Seed: 3})
			ts, err := r.client.ListTenants(t.Context())
			if err != nil || len(ts) != 130 {
				t.Fatalf("ListTenants: %d tenants, %v; want 130", len(ts), err)
			}
			y, m := r.emu.LastUsageMonth()
			rep, err := r.client.Usage(t.Context(), y, int(m), sophos.UsageOptions{})
			if err != nil {
				t.Fatalf("Usage: %v", err)
			}
			want := r.emu.Usage(y, m)
			if len(rep.Lines) != len(want) {
				t.Fatalf("%d usage lines, want %d", len(rep.Lines), len(want))
			}
			var gotSum, wantSum int64
			for i := range want {
				gotSum += rep.Lines[i].BillableQuantity
				wantSum += want[i].BillableQuantity
				if rep.Lines[i].AccountID != want[i].AccountID || rep.Lines[i].ProductCode != want[i].ProductCode {
					t.Errorf("line %d: %s %s, want %s %s", i, rep.Lines[i].AccountID, rep.Lines[i].ProductCode,
						want[i].AccountID, want[i].ProductCode)
				}
			}
			if gotSum != wantSum {
				t.Errorf("billable sum %d, want %d", gotSum, wantSum)
			}
			if n := r.tokenRequests(); n != 1 {
				t.Errorf("%d token requests, want 1", n)
			}
		})
	}
}
