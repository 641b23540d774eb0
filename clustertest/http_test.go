package clustertest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
)

// get answers the status of a GET.
func get(t *testing.T, c *http.Client, url string) int {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

// put sends a JSON PUT with the session's CSRF token.
func put(t *testing.T, c *http.Client, url, csrf, body string) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPut, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", csrf)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("PUT %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Logf("PUT %s: %d %s", url, resp.StatusCode, b)
	}
	return resp.StatusCode
}

// signIn signs in through the JSON API and returns a client holding the
// session cookie (a cookie jar ignores ports, so it goes to every
// process on the host, as through a load balancer) and the CSRF token.
func signIn(t *testing.T, base, user, password string) (*http.Client, string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	body, _ := json.Marshal(map[string]string{"username": user, "password": password})
	resp, err := c.Post(base+"/api/v1/login", "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatalf("sign in: %v", err)
	}
	defer resp.Body.Close()
	var sess struct {
		CSRFToken string `json:"csrfToken"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&sess); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("sign in: %d %v", resp.StatusCode, err)
	}
	return c, sess.CSRFToken
}
