package resilience_test

import (
	"strings"
	"testing"

	"centralpsa"
	"centralpsa/config"
	"centralpsa/internal/dbtest"
	"centralpsa/store"
)

// hostileValues are setting values no setting may take: every setting is
// one line of text, and these would break a header, a log line, a
// PostgreSQL text column or the console.
var hostileValues = map[string]string{
	"NUL":          "Sophos\x00Alerts",
	"CRLF":         "Sophos\r\nX-Injected: 1",
	"Newline":      "a\nb",
	"Escape":       "\x1b[31mred",
	"BidiOverride": "Sophos \u202eAlerts",
	"InvalidUTF8":  "Sophos \xff Alerts",
	"TenMegabytes": strings.Repeat("a", 10<<20),
}

// TestSettingsRefuseHostileValues: every setting refuses every hostile
// value with an invalid-kind error that names the key, and never panics.
func TestSettingsRefuseHostileValues(t *testing.T) {
	t.Parallel()
	for _, def := range config.Registry {
		if def.EnvOnly {
			continue
		}
		for name, v := range hostileValues {
			err := config.ValidateValue(def.Key, v)
			if err == nil {
				t.Errorf("%s accepted the %s value", def.Key, name)
				continue
			}
			if centralpsa.ErrorKind(err) != centralpsa.KindInvalid || !strings.Contains(err.Error(), def.Key) {
				t.Errorf("%s, %s value: %v is not an invalid-kind error naming the key", def.Key, name, err)
			}
			if len(err.Error()) > 1000 {
				t.Errorf("%s, %s value: an error of %d bytes", def.Key, name, len(err.Error()))
			}
		}
	}
}

// TestSettingsCheckHostileValues: values that arrive from the environment
// or the database skip ValidateValue; Check must still report them.
func TestSettingsCheckHostileValues(t *testing.T) {
	t.Parallel()
	for name, v := range hostileValues {
		for _, key := range []string{"cw.company", "cw.client_id", "cw.url", "sophos.client_id"} {
			probs := config.FromMap(map[string]string{key: v, "allow_http": "1"}).Check(key)
			if len(probs) != 1 || probs[0].Key != key {
				t.Errorf("Check(%s) with the %s value: %v", key, name, probs)
			}
		}
	}
}

// TestSettingsStoredAsValidated: a value ValidateValue accepts is stored
// and read back unchanged, on both databases; unusual but legitimate text
// (accents, CJK, emoji, quotes, tabs trimmed away) stays accepted.
func TestSettingsStoredAsValidated(t *testing.T) {
	t.Parallel()
	values := map[string]string{
		"tickets.board":          "Sophos Alerts – Düsseldorf",
		"tickets.source":         "警报 🔔",
		"tickets.type":           `It's "quoted" & <tagged>`,
		"usage.catalog_category": strings.Repeat("é", 200),
		"cw.company":             "  acme  ",
	}
	dbtest.Each(t, "the settings store tests", func(t *testing.T, newDSN func(*testing.T) string) {
		db, err := store.Open(t.Context(), newDSN(t), store.Options{SecretKey: testSecretKey})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		for key, v := range values {
			if err := config.ValidateValue(key, v); err != nil {
				t.Errorf("%s refused %q: %v", key, v, err)
				continue
			}
			if err := db.SetSetting(t.Context(), key, v); err != nil {
				t.Errorf("%s: store %q: %v", key, v, err)
			}
		}
		got, err := db.Settings(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		for key, v := range values {
			if got[key] != v {
				t.Errorf("%s read back as %q, stored %q", key, got[key], v)
			}
		}
	})
}
