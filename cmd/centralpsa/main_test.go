package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"centralpsa/config"
	"centralpsa/cwemu"
)

// cli runs one command in-process with the given environment.
func cli(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	a := newApp(&out, &errb, func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	code = a.run(context.Background(), args)
	return code, out.String(), errb.String()
}

// demoEnvVars starts the emulators and returns the environment that points
// centralpsa at them, with a fresh database.
func demoEnvVars(t *testing.T) (*demoEnv, map[string]string) {
	t.Helper()
	d, err := startDemo(20)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.close)
	env := map[string]string{"CENTRALPSA_DB": filepath.Join(t.TempDir(), "c.db")}
	for k, v := range d.settings {
		env[config.EnvName(k)] = v
	}
	return d, env
}

func TestDoctorExitStatus(t *testing.T) {
	t.Parallel()
	_, env := demoEnvVars(t)
	code, out, errOut := cli(t, env, "doctor")
	if code != 0 || !strings.Contains(out, "0 failed") {
		t.Fatalf("doctor against the demo: exit %d\n%s%s", code, out, errOut)
	}
	env["CENTRALPSA_CW_PRIVATE_KEY"] = "not-the-key-xyz"
	code, out, errOut = cli(t, env, "doctor", "--json")
	if code != 1 {
		t.Fatalf("wrong key: exit %d, want 1", code)
	}
	if strings.Contains(out+errOut, "not-the-key-xyz") {
		t.Fatal("the private key was printed")
	}
	var rep struct {
		OK     bool `json:"ok"`
		Checks []struct{ Name, Status, Detail, Fix string }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("--json output: %v\n%s", err, out)
	}
	found := false
	for _, c := range rep.Checks {
		found = found || (c.Name == "keys accepted" && c.Status == "fail" && strings.Contains(c.Detail, "authentication"))
	}
	if rep.OK || !found {
		t.Fatalf("JSON report lacks the failed authentication check:\n%s", out)
	}
}

func TestDoctorRefusesHTTP(t *testing.T) {
	t.Parallel()
	_, env := demoEnvVars(t)
	delete(env, "CENTRALPSA_ALLOW_HTTP")
	code, out, _ := cli(t, env, "doctor")
	if code != 1 || !strings.Contains(out, "clear text") {
		t.Fatalf("exit %d, want 1 with the reason:\n%s", code, out)
	}
}

func TestConfigCommands(t *testing.T) {
	t.Parallel()
	env := map[string]string{"CENTRALPSA_DB": filepath.Join(t.TempDir(), "c.db")}
	steps := []struct {
		args     []string
		wantCode int
		wantOut  string
	}{
		{[]string{"config", "set", "cw.company", "acme"}, 0, ""},
		{[]string{"config", "set", "cw.private_key", "Sup3rSecretValue"}, 0, ""},
		{[]string{"config", "get", "cw.company"}, 0, "acme"},
		{[]string{"config", "get", "cw.private_key"}, 0, "********"},
		{[]string{"config", "set", "usage.quantity", "peak"}, 2, ""},
		{[]string{"config", "set", "no.such", "x"}, 2, ""},
		{[]string{"config", "set", "db", "x.db"}, 2, ""},
		{[]string{"config", "list"}, 0, "cw.company"},
		{[]string{"config", "unset", "cw.company"}, 0, ""},
		{[]string{"config", "unset", "cw.company"}, 1, ""},
		{[]string{"config", "bogus"}, 2, ""},
	}
	for _, s := range steps {
		code, out, errOut := cli(t, env, s.args...)
		if code != s.wantCode || !strings.Contains(out, s.wantOut) {
			t.Fatalf("%v: exit %d, out %q, err %q; want %d and %q", s.args, code, out, errOut, s.wantCode, s.wantOut)
		}
		if strings.Contains(out+errOut, "Sup3rSecretValue") {
			t.Fatalf("%v printed the secret", s.args)
		}
	}
	env["CENTRALPSA_USAGE_QUANTITY"] = "actual"
	_, out, _ := cli(t, env, "config", "list", "--json")
	var rows []struct{ Key, Value, Source string }
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.Key == "usage.quantity" && (r.Value != "actual" || r.Source != "env") {
			t.Fatalf("environment does not win: %+v", r)
		}
		if r.Key == "cw.private_key" && (r.Value != "********" || r.Source != "db") {
			t.Fatalf("secret row: %+v", r)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"nosuch"}, {"doctor", "--bogus"}, {"emulate"}, {"emulate", "fax"}} {
		if code, _, _ := cli(t, nil, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	if code, out, _ := cli(t, nil, "help"); code != 0 || !strings.Contains(out, "doctor") {
		t.Errorf("help: %d %q", code, out)
	}
	for _, c := range []string{"map", "products", "sync", "tickets", "user", "config", "emulate"} {
		if code, out, _ := cli(t, nil, c, "-h"); code != 0 || !strings.Contains(out, "Usage: centralpsa "+c) {
			t.Errorf("%s -h: exit %d, %q", c, code, out)
		}
	}
}

func TestDemoRuns(t *testing.T) {
	t.Parallel()
	code, out, errOut := cli(t, map[string]string{}, "demo", "--tenants", "12", "--exit")
	if code != 0 || !strings.Contains(out, "0 failed") {
		t.Fatalf("demo: exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"mapped 9", "dry run: nothing was written", "run 1: ok", "run 2: ok, 0 writes", "created", " closed"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, cwemu.DefaultPrivateKey) {
		t.Fatal("demo printed the private key")
	}
}
