package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// withStdin runs fn with the package's userStdin set to input. Tests that use
// it do not run in parallel with each other.
func withStdin(input string, fn func()) {
	old := userStdin
	userStdin = strings.NewReader(input)
	defer func() { userStdin = old }()
	fn()
}

func TestUserCommands(t *testing.T) {
	env := map[string]string{"CENTRALPSA_DB": filepath.Join(t.TempDir(), "c.db")}
	const password, newPassword = "correct horse battery", "another long passphrase"
	steps := []struct {
		args     []string
		stdin    string
		wantCode int
		wantOut  string
	}{
		{[]string{"user", "add", "--username", "admin", "--password-stdin"}, password + "\n", 0, "user admin created"},
		{[]string{"user", "add", "--username", "admin", "--password-stdin"}, password + "\n", 1, "already exists"},
		{[]string{"user", "add", "--username", "bob", "--password-stdin"}, "short\n", 2, "at least 10 characters"},
		{[]string{"user", "add", "--username", "bad name", "--password-stdin"}, password + "\n", 2, "username"},
		{[]string{"user", "add", "--username", "carol", "--password-stdin"}, "", 2, "no password"},
		{[]string{"user", "add", "--password-stdin"}, password + "\n", 2, "usage"},
		{[]string{"user", "passwd", "--username", "nobody", "--password-stdin"}, newPassword + "\n", 1, "no user nobody"},
		{[]string{"user", "passwd", "--username", "admin", "--password-stdin"}, newPassword + "\r\n", 0, "password of admin changed"},
		{[]string{"user", "list"}, "", 0, "admin"},
		{[]string{"user", "nope"}, "", 2, "unknown user command"},
	}
	for _, s := range steps {
		var code int
		var out, errOut string
		withStdin(s.stdin, func() { code, out, errOut = cli(t, env, s.args...) })
		if code != s.wantCode || !strings.Contains(out+errOut, s.wantOut) {
			t.Fatalf("%v: exit %d, out %q, err %q; want %d and %q", s.args, code, out, errOut, s.wantCode, s.wantOut)
		}
		if strings.Contains(out+errOut, password) || strings.Contains(out+errOut, newPassword) {
			t.Fatalf("%v printed the password", s.args)
		}
	}

	// The console accepts the password set on the command line.
	url, stop := startServe(t, env)
	defer stop()
	for pw, want := range map[string]int{password: 401, newPassword: 200} {
		body, _ := json.Marshal(map[string]string{"username": "admin", "password": pw})
		resp, err := http.Post(url+"/api/v1/login", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("API sign-in: %d, want %d", resp.StatusCode, want)
		}
	}
}
