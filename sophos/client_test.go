package sophos

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"centralpsa"
)

func TestNew(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		opts    Options
		wantErr []string // substrings; nil means success
	}{
		{"Defaults", Options{ClientID: "id", ClientSecret: "s"}, nil},
		{"ErrMissingBoth", Options{}, []string{"sophos.client_id", "sophos.client_secret"}},
		{"ErrMissingSecret", Options{ClientID: "id"}, []string{"sophos.client_secret"}},
		{"ErrHTTPWithoutAllow", Options{ClientID: "id", ClientSecret: "s", APIURL: "http://127.0.0.1:9"}, []string{"sophos.api_url", "allow_http"}},
		{"ErrHTTPIDURL", Options{ClientID: "id", ClientSecret: "s", IDURL: "http://127.0.0.1:9"}, []string{"sophos.id_url", "allow_http"}},
		{"HTTPAllowed", Options{ClientID: "id", ClientSecret: "s", APIURL: "http://127.0.0.1:9/", AllowHTTP: true}, nil},
		{"ErrNotURL", Options{ClientID: "id", ClientSecret: "s", APIURL: "api.central.sophos.com"}, []string{"sophos.api_url", "not an http(s) URL"}},
		{"ErrUserinfo", Options{ClientID: "id", ClientSecret: "s", APIURL: "https://u:p@api.example"}, []string{"sophos.api_url"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := New(tt.opts)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				if c.globalHost() == "" || strings.HasSuffix(c.globalHost(), "/") {
					t.Errorf("global host %q", c.globalHost())
				}
				return
			}
			if err == nil {
				t.Fatal("New succeeded, want error")
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not name %q", err, w)
				}
			}
			if k := centralpsa.ErrorKind(err); k != centralpsa.KindInvalid {
				t.Errorf("kind %s, want invalid", k)
			}
		})
	}
}

func TestToken(t *testing.T) {
	t.Parallel()

	t.Run("SentAsFormAndCached", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		ctx := context.Background()
		for range 3 {
			if _, err := b.client.WhoAmI(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if n := b.tokenRequests.Load(); n != 1 {
			t.Fatalf("token requests %d, want 1", n)
		}
		b.mu.Lock()
		f := b.tokenForm[0]
		b.mu.Unlock()
		want := map[string]string{"grant_type": "client_credentials", "client_id": testClientID, "client_secret": testSecret, "scope": "token"}
		for k, v := range want {
			if got := f[k]; len(got) != 1 || got[0] != v {
				t.Errorf("form %s = %q, want %q", k, got, v)
			}
		}
		if got := b.callsTo("/whoami")[0].Header.Get("Authorization"); got != "Bearer jwt-1-abcdef" {
			t.Errorf("Authorization %q", got)
		}
	})

	t.Run("RenewedBeforeExpiry", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		ctx := context.Background()
		whoami := func() {
			t.Helper()
			if _, err := b.client.WhoAmI(ctx); err != nil {
				t.Fatal(err)
			}
		}
		whoami()
		b.now.Advance(3600*time.Second - 121*time.Second)
		whoami()
		if n := b.tokenRequests.Load(); n != 1 {
			t.Fatalf("renewed %d times before the 120 s window", n-1)
		}
		b.now.Advance(2 * time.Second) // now 119 s before expiry
		whoami()
		if n := b.tokenRequests.Load(); n != 2 {
			t.Fatalf("token requests %d, want a renewal 120 s before expiry", n)
		}
	})

	t.Run("RenewedOnceOn401", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		ctx := context.Background()
		if _, err := b.client.WhoAmI(ctx); err != nil {
			t.Fatal(err)
		}
		b.revokeAll()
		if _, err := b.client.WhoAmI(ctx); err != nil {
			t.Fatalf("after revocation: %v", err)
		}
		if n := b.tokenRequests.Load(); n != 2 {
			t.Errorf("token requests %d, want 2", n)
		}
	})

	t.Run("ErrPersistent401", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.global.HandleFunc("GET /partner/v1/tenants", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 401, map[string]string{"error": "Unauthorized", "correlationId": "c-1"})
		})
		_, err := b.client.ListTenants(context.Background())
		var ae *Error
		if !errors.As(err, &ae) || ae.Status != 401 {
			t.Fatalf("error %v, want *Error 401", err)
		}
		if n := len(b.callsTo("/partner/v1/tenants")); n != 2 {
			t.Errorf("tenant calls %d, want 2 (one renewal)", n)
		}
		if ErrorKind(err) != centralpsa.KindUnauthorized || !strings.Contains(err.Error(), "sophos.client_secret") {
			t.Errorf("kind %s, message %q", ErrorKind(err), err)
		}
		if len(b.sleeps.All()) != 0 {
			t.Errorf("slept %v on a 401", b.sleeps.All())
		}
	})

	t.Run("SingleFlight", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.tokenDelay.Store(int64(50 * time.Millisecond))
		var wg sync.WaitGroup
		errs := make(chan error, 20)
		for range 20 {
			wg.Go(func() {
				_, err := b.client.accessToken(context.Background())
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if n := b.tokenRequests.Load(); n != 1 {
			t.Errorf("token requests %d, want 1", n)
		}
	})

	t.Run("WaiterHonoursOwnContext", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.tokenDelay.Store(int64(300 * time.Millisecond))
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		start := time.Now()
		if _, err := b.client.accessToken(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("error %v, want deadline", err)
		}
		if time.Since(start) > 200*time.Millisecond {
			t.Error("waited for the token service past the caller's deadline")
		}
	})

	errTests := []struct {
		name   string
		id     string
		secret centralpsa.Secret
		is     error
		say    string
	}{
		{"ErrWrongSecret", testClientID, "wrong-secret-value", ErrWrongSecret, "sophos.client_secret does not match"},
		{"ErrUnknownClient", "nobody", testSecret, ErrUnknownClient, "does not know sophos.client_id"},
	}
	for _, tt := range errTests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, func(o *Options) { o.ClientID, o.ClientSecret = tt.id, tt.secret })
			_, err := b.client.WhoAmI(context.Background())
			var te *TokenError
			if !errors.As(err, &te) || !errors.Is(err, tt.is) {
				t.Fatalf("error %v, want *TokenError matching %v", err, tt.is)
			}
			if !strings.Contains(err.Error(), tt.say) || te.TrackingID == "" {
				t.Errorf("message %q", err)
			}
			if ErrorKind(err) != centralpsa.KindUnauthorized || centralpsa.ErrorKind(err) != centralpsa.KindUnauthorized {
				t.Errorf("kind %s / %s", ErrorKind(err), centralpsa.ErrorKind(err))
			}
			if n := b.tokenRequests.Load(); n != 1 {
				t.Errorf("token requests %d: a 401 must not be retried", n)
			}
			if calls := b.callsTo(""); len(calls) != 0 {
				t.Errorf("API called without a token: %v", calls)
			}
		})
	}
}

func TestWhoAmI(t *testing.T) {
	t.Parallel()

	t.Run("PartnerUsesGlobalHostFromWhoami", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		// whoami names the regional server as "global": later partner
		// calls must follow it, with the trailing slash trimmed.
		b.setWhoami(map[string]any{"id": testPartner, "idType": "partner", "apiHosts": map[string]string{"global": b.regionURL + "/"}})
		b.region.HandleFunc("GET /partner/v1/tenants", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, map[string]any{"items": []any{}, "pages": map[string]int{"current": 1, "total": 0}})
		})
		id, err := b.client.Partner(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if id.ID != testPartner || !id.IsPartner() || id.APIHosts.Global != b.regionURL {
			t.Errorf("identity %+v", id)
		}
		if _, err := b.client.ListTenants(context.Background()); err != nil {
			t.Fatal(err)
		}
		calls := b.callsTo("/partner/")
		if len(calls) != 1 || calls[0].Server != "region" {
			t.Fatalf("partner calls %+v, want one to the whoami global host", calls)
		}
		if got := calls[0].Header.Get("X-Partner-ID"); got != testPartner {
			t.Errorf("X-Partner-ID %q", got)
		}
		if n := len(b.callsTo("/whoami")); n != 1 {
			t.Errorf("whoami called %d times, want once", n)
		}
	})

	for _, kind := range []string{"tenant", "organization"} {
		t.Run("ErrRefuses"+kind, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			b.setWhoami(map[string]any{"id": "25bf3721-9425", "idType": kind,
				"apiHosts": map[string]string{"global": b.globalURL, "dataRegion": b.regionURL}})
			_, err := b.client.ListTenants(context.Background())
			if !errors.Is(err, ErrNotPartner) {
				t.Fatalf("error %v, want ErrNotPartner", err)
			}
			want := "centralpsa needs a Sophos Central partner API credential; this one is a"
			if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), kind+" credential") ||
				!strings.Contains(err.Error(), "Settings & policies > API credentials") {
				t.Errorf("message %q", err)
			}
			if n := len(b.callsTo("/partner/")); n != 0 {
				t.Errorf("%d partner calls with a %s credential", n, kind)
			}
		})
	}

	t.Run("HTTPHostUpgradedWithoutAllowHTTP", func(t *testing.T) {
		t.Parallel()
		c, err := New(Options{ClientID: "id", ClientSecret: "s"})
		if err != nil {
			t.Fatal(err)
		}
		// The official example hands out http://api.central.sophos.com/.
		got, err := c.serverHost("global API host", "http://api.central.sophos.com/")
		if err != nil || got != "https://api.central.sophos.com" {
			t.Errorf("serverHost = %q, %v", got, err)
		}
	})
}
