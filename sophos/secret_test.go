package sophos

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestSecretsNeverLeak has servers echo the credential and the token back
// in every way an error can carry them, and checks errors and logs.
func TestSecretsNeverLeak(t *testing.T) {
	t.Parallel()
	const token = "jwt-1-abcdef"
	assertClean := func(t *testing.T, b *testBundle, texts ...string) {
		t.Helper()
		texts = append(texts, b.logs.String(), fmt.Sprintf("%v %+v %#v", b.client, b.client, b.client))
		for _, s := range texts {
			for _, secret := range []string{testSecret, token} {
				if strings.Contains(s, secret) {
					t.Errorf("%q leaked in %q", secret, s)
				}
			}
		}
	}

	t.Run("TokenServiceEchoesForm", func(t *testing.T) {
		t.Parallel()
		for _, status := range []int{400, 401, 500} {
			echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				if status == 500 {
					w.WriteHeader(500)
					fmt.Fprintf(w, "<pre>%s</pre>", body)
					return
				}
				writeJSON(w, status, map[string]string{"errorCode": "oauth.invalid_client_secret " + string(body),
					"message": "secret was " + r.FormValue("client_secret"), "trackingId": string(body)})
			}))
			defer echo.Close()
			b := setup(t, func(o *Options) { o.IDURL = echo.URL; o.MaxRetries = 1 })
			_, err := b.client.WhoAmI(context.Background())
			if err == nil {
				t.Fatal("succeeded")
			}
			assertClean(t, b, err.Error(), fmt.Sprintf("%+v %#v", err, err))
		}
	})

	t.Run("APIEchoesBearer", func(t *testing.T) {
		t.Parallel()
		for _, status := range []int{400, 403, 503} {
			b := setup(t, func(o *Options) { o.MaxRetries = 1 })
			b.global.HandleFunc("GET /partner/v1/tenants", func(w http.ResponseWriter, r *http.Request) {
				auth := r.Header.Get("Authorization")
				if status == 503 {
					w.WriteHeader(503)
					io.WriteString(w, "upstream said: "+auth)
					return
				}
				writeJSON(w, status, map[string]string{"error": auth, "message": "you sent " + auth, "correlationId": auth})
			})
			_, err := b.client.ListTenants(context.Background())
			if err == nil {
				t.Fatal("succeeded")
			}
			if !strings.Contains(err.Error(), "<secret>") {
				t.Errorf("echo not visibly redacted: %q", err)
			}
			assertClean(t, b, err.Error(), fmt.Sprintf("%+v %#v", err, err))
		}
	})

	t.Run("OptionsAndClientPrint", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		if _, err := b.client.WhoAmI(context.Background()); err != nil {
			t.Fatal(err)
		}
		var sb strings.Builder
		slog.New(slog.NewJSONHandler(&sb, nil)).Info("x", "client", b.client, "opts", b.client.opts)
		assertClean(t, b, fmt.Sprintf("%v %+v %#v", b.client.opts, b.client.opts, b.client.opts), sb.String())
	})
}
