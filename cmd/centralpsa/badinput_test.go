package main

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestBadInput feeds hostile or broken arguments to the commands that
// take input: each must exit 2 (a usage error) or 1 with a short message
// on stderr that names what is wrong, never panic, and store nothing.
// (Issue 7: bad input on CLI inputs; the JSON API and settings are
// covered in package resilience.)
func TestBadInput(t *testing.T) {
	t.Parallel()
	huge := strings.Repeat("a", 10<<20)
	d, demo := demoEnvVars(t)
	tenant := d.sophos.Tenants()[0].ID
	tests := []struct {
		name  string
		args  []string
		code  int
		words string // in stderr
		demo  bool   // needs the emulators
	}{
		{"ConfigSetNUL", []string{"config", "set", "tickets.board", "Sophos\x00Alerts"}, 2, "tickets.board", false},
		{"ConfigSetCRLF", []string{"config", "set", "cw.company", "acme\r\nX-Injected: 1"}, 2, "cw.company", false},
		{"ConfigSetBidi", []string{"config", "set", "tickets.source", "\u202eSophos"}, 2, "tickets.source", false},
		{"ConfigSetHuge", []string{"config", "set", "cw.url", "https://" + huge}, 2, "cw.url", false},
		{"ConfigSetUnknownKey", []string{"config", "set", "cw.url\x00", "https://x.example"}, 2, "unknown setting", false},
		{"ConfigSetEnvOnly", []string{"config", "set", "db", "/tmp/x.db"}, 2, "environment", false},
		{"ConfigSetMissingValue", []string{"config", "set", "cw.url"}, 2, "usage", false},
		{"SyncMonthImpossible", []string{"sync", "usage", "--month", "2026-13"}, 2, "2026-13", false},
		{"SyncMonthControl", []string{"sync", "usage", "--month", "2026\x00-01"}, 2, "month", false},
		{"SyncMonthHuge", []string{"sync", "usage", "--month", huge}, 2, "month", false},
		{"SyncResumeNotANumber", []string{"sync", "usage", "--resume", "abc"}, 2, "resume", false},
		{"SyncResumeWithMonth", []string{"sync", "usage", "--resume", "3", "--month", "2026-01"}, 2, "--resume", false},
		{"MapSetCompanyNotANumber", []string{"map", "set", "--tenant", "t", "--company", "12abc"}, 2, "company", false},
		{"MapSetCompanyOverflow", []string{"map", "set", "--tenant", "t", "--company", "99999999999999999999999"}, 2, "company", false},
		{"MapSetSwitchNotABool", []string{"map", "set", "--tenant", "t", "--company", "1", "--usage=perhaps"}, 2, "usage", false},
		{"MapSetTenantControl", []string{"map", "set", "--tenant", "\x00tenant\r\n", "--company", "1"}, 1, "unknown tenant", true},
		{"MapSetTenantHuge", []string{"map", "set", "--tenant", huge, "--company", "1"}, 1, "unknown tenant", true},
		{"MapSetCompanyNegative", []string{"map", "set", "--tenant", "TENANT", "--company", "-5"}, 2, "company", true},
		{"ProductsSetCodeControl", []string{"products", "set", "--code", "NEW\x00CODE", "--catalog", "MSP-EDR-BUNDLE"}, 2, "code", true},
		{"ProductsSetCatalogHuge", []string{"products", "set", "--code", "X-MSP", "--catalog", huge}, 2, "identifier", true},
		{"ProductsSetCatalogControl", []string{"products", "set", "--code", "X-MSP", "--catalog", "Sophos_\r\nX"}, 2, "identifier", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := map[string]string{"CENTRALPSA_DB": filepath.Join(t.TempDir(), "c.db")}
			if tt.demo {
				for k, v := range demo {
					env[k] = v
				}
				env["CENTRALPSA_DB"] = filepath.Join(t.TempDir(), "c.db")
			}
			args := slices.Clone(tt.args)
			for i, a := range args {
				if a == "TENANT" {
					args[i] = tenant
				}
			}
			code, out, errOut := cli(t, env, args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstdout: %.300s\nstderr: %.300s", code, tt.code, out, errOut)
			}
			if !strings.Contains(errOut, tt.words) {
				t.Errorf("stderr does not name %q: %.300q", tt.words, errOut)
			}
			if len(errOut) > 4000 {
				t.Errorf("stderr of %d bytes: the bad value was echoed whole", len(errOut))
			}
			// Nothing was stored: no setting, no mapping.
			if _, listed, _ := cli(t, env, "config", "list", "--json"); strings.Contains(listed, `"source": "db"`) {
				t.Errorf("a setting was stored:\n%.500s", listed)
			}
			if _, listed, _ := cli(t, env, "map", "list", "--json"); strings.Contains(listed, `"companyId"`) {
				t.Errorf("a mapping was stored:\n%.500s", listed)
			}
		})
	}
}
