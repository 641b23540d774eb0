package config

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

func envOf(m map[string]string) EnvFunc {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestLoadResolutionOrder(t *testing.T) {
	t.Parallel()
	env := envOf(map[string]string{"CENTRALPSA_CW_URL": "https://env.example", "CENTRALPSA_DB": "/tmp/x.db"})
	db := mapStore{"cw.url": "https://db.example", "cw.company": "acme", "db": "ignored.db"}
	s, err := Load(context.Background(), env, db)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		key, want string
		src       Source
	}{
		{"cw.url", "https://env.example", SourceEnv},
		{"cw.company", "acme", SourceDB},
		{"sophos.id_url", "https://id.sophos.com", SourceDefault},
		{"cw.public_key", "", SourceUnset},
		{"db", "/tmp/x.db", SourceEnv},
		{"tickets.priority.medium", "Priority 2 - Quick Response", SourceDefault},
	}
	for _, tt := range tests {
		if v := s.Value(tt.key); v.Value != tt.want || v.Source != tt.src {
			t.Errorf("%s = %q from %s, want %q from %s", tt.key, v.Value, v.Source, tt.want, tt.src)
		}
	}
}

func TestEnvName(t *testing.T) {
	t.Parallel()
	for key, want := range map[string]string{
		"tickets.board":          "CENTRALPSA_TICKETS_BOARD",
		"allow_http":             "CENTRALPSA_ALLOW_HTTP",
		"tickets.priority.high":  "CENTRALPSA_TICKETS_PRIORITY_HIGH",
		"sophos.client_secret":   "CENTRALPSA_SOPHOS_CLIENT_SECRET",
		"usage.catalog_category": "CENTRALPSA_USAGE_CATALOG_CATEGORY",
	} {
		if got := EnvName(key); got != want {
			t.Errorf("EnvName(%q) = %q, want %q", key, got, want)
		}
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	full := map[string]string{"cw.url": "https://api-na.myconnectwise.net", "cw.company": "acme", "cw.public_key": "pub", "cw.private_key": "priv", "cw.client_id": "guid"}
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for a, b := range full {
			m[a] = b
		}
		m[k] = v
		return m
	}
	tests := []struct {
		name    string
		values  map[string]string
		wantKey string
		wantMsg string
	}{
		{"Complete", full, "", ""},
		{"ErrMissingKey", with("cw.private_key", ""), "cw.private_key", "CENTRALPSA_CW_PRIVATE_KEY"},
		{"ErrHTTPRefused", with("cw.url", "http://127.0.0.1:9"), "cw.url", "CENTRALPSA_ALLOW_HTTP=1"},
		{"HTTPAllowed", func() map[string]string { m := with("cw.url", "http://127.0.0.1:9"); m["allow_http"] = "1"; return m }(), "", ""},
		{"ErrNotAURL", with("cw.url", "api-na.myconnectwise.net"), "cw.url", "not an http(s) URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			probs := FromMap(tt.values).Check(ConnectWiseKeys...)
			if tt.wantKey == "" {
				if len(probs) != 0 {
					t.Fatalf("unexpected problems: %v", probs)
				}
				return
			}
			if len(probs) != 1 || probs[0].Key != tt.wantKey || !strings.Contains(probs[0].Message, tt.wantMsg) {
				t.Fatalf("problems = %v, want one on %s mentioning %q", probs, tt.wantKey, tt.wantMsg)
			}
		})
	}
}

func TestSecretsNeverPrinted(t *testing.T) {
	t.Parallel()
	s := FromMap(map[string]string{"cw.private_key": "hunter2-private", "sophos.client_secret": "s3cr3t-sophos"})
	var out strings.Builder
	for _, v := range s.List() {
		fmt.Fprintf(&out, "%s=%s\n", v.Key, v.Display())
	}
	fmt.Fprintf(&out, "%v %s %+v", s.Secret("cw.private_key"), s.Secret("sophos.client_secret"), s.Secret("cw.private_key"))
	for _, secret := range []string{"hunter2-private", "s3cr3t-sophos"} {
		if strings.Contains(out.String(), secret) {
			t.Fatalf("secret %q printed:\n%s", secret, out.String())
		}
	}
	if s.Secret("cw.private_key").Reveal() != "hunter2-private" {
		t.Fatal("Reveal lost the value")
	}
}

func TestValidateValue(t *testing.T) {
	t.Parallel()
	tests := []struct {
		key, value string
		ok         bool
	}{
		{"usage.quantity", "actual", true},
		{"usage.quantity", "peak", false},
		{"usage.schedule", "monthly:5", true},
		{"usage.schedule", "monthly:31", false},
		{"usage.schedule", "hourly", false},
		{"tickets.poll_interval", "90s", true},
		{"tickets.poll_interval", "-1m", false},
		{"tickets.reopen_days", "x", false},
		{"allow_http", "yes", true},
		{"allow_http", "maybe", false},
		{"db", "x.db", false},
		{"no.such.key", "x", false},
		{"usage.time", "25:00", false},
	}
	for _, tt := range tests {
		if err := ValidateValue(tt.key, tt.value); (err == nil) != tt.ok {
			t.Errorf("ValidateValue(%q, %q) = %v, want ok=%v", tt.key, tt.value, err, tt.ok)
		}
	}
}

// FuzzValidators checks that every validator answers any input without
// panicking, and that a boolean accepted once parses the same way again.
func FuzzValidators(f *testing.F) {
	for _, s := range []string{"", "true", "monthly:0", "monthly:", "http://", "2m", "\x00", "１"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		for _, def := range Registry {
			if def.Validate != nil {
				_ = def.Validate(v)
			}
		}
		if b, err := ParseBool(v); err == nil {
			if b2, err2 := ParseBool(fmt.Sprint(b)); err2 != nil || b2 != b {
				t.Fatalf("ParseBool(%q)=%v does not round-trip", v, b)
			}
		}
	})
}
