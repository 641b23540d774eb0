package main

import (
	"encoding/json"
	"maps"
	"strings"
	"testing"
)

func TestDoctorLanguage(t *testing.T) {
	t.Parallel()
	_, env := demoEnvVars(t)
	with := func(extra map[string]string) map[string]string {
		e := maps.Clone(env)
		maps.Copy(e, extra)
		return e
	}
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string // a phrase only the expected language has
	}{
		{"FlagItalian", nil, []string{"--lang", "it"}, "controlli: 0 falliti"},
		{"FlagRegion", nil, []string{"--lang=it-CH"}, "✓ azienda riconosciuta"},
		{"FlagBeatsEnvironment", map[string]string{"CENTRALPSA_LANG": "it"}, []string{"--lang", "en"}, "checks: 0 failed"},
		{"CentralpsaLang", map[string]string{"CENTRALPSA_LANG": "it", "LANG": "en_US.UTF-8"}, nil, "controlli: 0 falliti"},
		{"Locale", map[string]string{"LANG": "it_IT.UTF-8"}, nil, "controlli: 0 falliti"},
		{"LCAllOverridesLang", map[string]string{"LC_ALL": "C", "LANG": "it_IT.UTF-8"}, nil, "checks: 0 failed"},
		{"OtherLocale", map[string]string{"LANG": "de_DE.UTF-8"}, nil, "✓ company known"},
		{"Default", nil, nil, "✓ company known"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := cli(t, with(tt.env), append([]string{"doctor"}, tt.args...)...)
			if code != 0 || !strings.Contains(out, tt.want) {
				t.Fatalf("exit %d, want 0 and %q:\n%s%s", code, tt.want, out, errOut)
			}
		})
	}

	code, out, errOut := cli(t, with(map[string]string{"CENTRALPSA_CW_PRIVATE_KEY": "not-the-key-xyz"}), "doctor", "--json", "--lang", "it")
	var rep struct {
		OK     bool
		Checks []struct{ ID, Name, Status, Detail, Fix string }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 1 {
		t.Fatalf("--json --lang it: exit %d, %v\n%s%s", code, err, out, errOut)
	}
	found := false
	for _, c := range rep.Checks {
		found = found || c.ID == "cw.keys" && c.Name == "chiavi accettate" && c.Status == "fail" && strings.Contains(c.Detail, "autenticazione")
	}
	if !found {
		t.Fatalf("JSON lacks the Italian failed keys check with its id:\n%s", out)
	}

	for _, bad := range []struct {
		env  map[string]string
		args []string
	}{{nil, []string{"--lang", "fr"}}, {map[string]string{"CENTRALPSA_LANG": "klingon"}, nil}} {
		code, _, errOut := cli(t, with(bad.env), append([]string{"doctor"}, bad.args...)...)
		if code != 2 || !strings.Contains(errOut, "supported languages are en, it") {
			t.Errorf("%v %v: exit %d, want 2 naming the languages: %s", bad.env, bad.args, code, errOut)
		}
	}
}
