package connect

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"centralpsa"
	"centralpsa/config"
	"centralpsa/cwemu"
	"centralpsa/sample"
	"centralpsa/sophosemu"
)

// settings points at both emulators over loopback http.
func settings(t *testing.T) map[string]string {
	t.Helper()
	customers := sample.Customers(5, 1)
	_, cwURL := cwemu.Start(t, cwemu.Options{Customers: customers, Extra: sample.ExtraCompanies(1)})
	so, soURL := sophosemu.Start(t, sophosemu.Options{Customers: customers})
	id, secret := so.Credentials()
	return map[string]string{
		"allow_http": "true",
		"cw.url":     cwURL, "cw.company": cwemu.DefaultCompany, "cw.public_key": cwemu.DefaultPublicKey,
		"cw.private_key": cwemu.DefaultPrivateKey, "cw.client_id": cwemu.DefaultClientID,
		"sophos.client_id": id, "sophos.client_secret": secret, "sophos.id_url": soURL, "sophos.api_url": soURL,
	}
}

func TestClientsTalkToEmulators(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	o := Options{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})), RequestsPerMinute: -1}
	m := settings(t)
	s := config.FromMap(m)
	ctx := context.Background()
	cw, err := ConnectWise(s, o)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cw.Companies.List(ctx, nil); err != nil {
		t.Fatalf("list companies: %v", err)
	}
	so, err := Sophos(s, o)
	if err != nil {
		t.Fatal(err)
	}
	tenants, err := so.ListTenants(ctx)
	if err != nil || len(tenants) != 5 {
		t.Fatalf("list tenants: %d, %v", len(tenants), err)
	}
	for _, secret := range []string{m["cw.private_key"], m["sophos.client_secret"]} {
		if strings.Contains(logs.String(), secret) {
			t.Fatal("a secret reached the log")
		}
	}
}

func TestSettingsProblems(t *testing.T) {
	t.Parallel()
	base := map[string]string{
		"allow_http": "false",
		"cw.url":     "https://cw.example", "cw.company": "acme", "cw.public_key": "pub",
		"cw.private_key": "PrivSecretXYZ", "cw.client_id": "cid",
		"sophos.client_id": "sid", "sophos.client_secret": "SophSecretXYZ",
	}
	tests := []struct {
		name    string
		change  map[string]string
		sophos  bool
		wantErr []string // keys the error must name; nil means no error
	}{
		{"ConnectWiseComplete", nil, false, nil},
		{"SophosCompleteWithDefaults", nil, true, nil},
		{"ErrMissingCompanyAndClientID", map[string]string{"cw.company": "", "cw.client_id": ""}, false, []string{"cw.company", "cw.client_id"}},
		{"ErrMissingPrivateKey", map[string]string{"cw.private_key": ""}, false, []string{"cw.private_key", "CENTRALPSA_CW_PRIVATE_KEY"}},
		{"ErrPlainHTTP", map[string]string{"cw.url": "http://cw.example"}, false, []string{"cw.url", "clear text"}},
		{"ErrSophosSecret", map[string]string{"sophos.client_secret": ""}, true, []string{"sophos.client_secret"}},
		{"ErrSophosPlainHTTP", map[string]string{"sophos.id_url": "http://id.example"}, true, []string{"sophos.id_url"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := map[string]string{}
			for k, v := range base {
				m[k] = v
			}
			for k, v := range tt.change {
				m[k] = v
			}
			var err error
			if tt.sophos {
				_, err = Sophos(config.FromMap(m), Options{})
			} else {
				_, err = ConnectWise(config.FromMap(m), Options{})
			}
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			if k := centralpsa.ErrorKind(err); k != centralpsa.KindInvalid {
				t.Errorf("kind %s, want invalid", k)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "SecretXYZ") {
				t.Errorf("error shows a secret: %v", err)
			}
		})
	}
}
