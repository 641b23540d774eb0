package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"centralpsa/sample"
	"centralpsa/store"
	"centralpsa/web"
)

// browserPassword is the administrator's password in console tests.
const browserPassword = "correct horse battery staple"

// consoleStack is the serving process as `serve` builds it, in-process:
// the console on a loopback port, the River runner, a SQLite database in
// a temp dir holding the settings, and both emulators with the same
// sample customers.
type consoleStack struct {
	url       string
	db        *store.DB
	demo      *demoEnv
	customers []sample.Customer
	logs      *serveOutput
}

// startConsoleStack starts the stack with n sample customers. The
// settings are stored in the database (as a person would save them on
// the Setup page), with the client-side rate limits off for speed.
func startConsoleStack(t *testing.T, n int) *consoleStack {
	t.Helper()
	d, err := startDemo(n)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.close)
	logs := &serveOutput{}
	env := map[string]string{"CENTRALPSA_DB": filepath.Join(t.TempDir(), "c.db"), "CENTRALPSA_LOG_LEVEL": "info"}
	a := newApp(io.Discard, logs, func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	db, err := a.openStore(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	settings := map[string]string{"cw.requests_per_minute": "0", "sophos.requests_per_minute": "0", "usage.schedule": "manual"}
	for k, v := range d.settings {
		settings[k] = v
	}
	for k, v := range settings {
		if err := db.SetSetting(t.Context(), k, v); err != nil {
			t.Fatalf("store setting %s: %v", k, err)
		}
	}
	url, stop, err := a.startConsole(t.Context(), db, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return &consoleStack{url: url, db: db, demo: d, customers: sample.Customers(n, 1), logs: logs}
}

// mappable returns a sample MSP Flex customer whose ConnectWise company
// auto-mapping would find.
func (c *consoleStack) mappable(t *testing.T) sample.Customer {
	t.Helper()
	for _, cu := range c.customers {
		if cu.BillingType == "usage" && cu.CompanyName != "" && !cu.Ambiguous {
			return cu
		}
	}
	t.Fatal("no mappable usage customer in the sample")
	return sample.Customer{}
}

// apiClient is a signed-in JSON client of the console.
type apiClient struct {
	t    *testing.T
	base string
	c    *http.Client
	csrf string
}

// signInAPI creates the administrator when none exists and signs in
// through the API.
func (c *consoleStack) signInAPI(t *testing.T) *apiClient {
	t.Helper()
	if exist, _ := c.db.HasUsers(t.Context()); !exist {
		if _, err := web.AddUser(t.Context(), c.db, "admin", browserPassword, bcrypt.MinCost); err != nil {
			t.Fatal(err)
		}
	}
	jar, _ := cookiejar.New(nil)
	ac := &apiClient{t: t, base: c.url, c: &http.Client{Jar: jar}}
	var sess struct {
		CSRFToken string `json:"csrfToken"`
	}
	ac.do("POST", "/api/v1/login", map[string]string{"username": "admin", "password": browserPassword}, 200, &sess)
	ac.csrf = sess.CSRFToken
	return ac
}

// do sends a JSON request and decodes the answer into out, failing the
// test unless the status is want.
func (ac *apiClient) do(method, path string, body any, want int, out any) string {
	ac.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ac.t.Context(), method, ac.base+path, r)
	if err != nil {
		ac.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if ac.csrf != "" {
		req.Header.Set("X-CSRF-Token", ac.csrf)
	}
	resp, err := ac.c.Do(req)
	if err != nil {
		ac.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		ac.t.Fatalf("%s %s: %d, want %d\n%s", method, path, resp.StatusCode, want, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			ac.t.Fatalf("%s %s: %v\n%s", method, path, err, raw)
		}
	}
	return string(raw)
}

// apiTask is a task as GET /api/v1/tasks/{id} returns it.
type apiTask struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Done   int    `json:"done"`
	Total  int    `json:"total"`
	Link   string `json:"link"`
	Error  *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
	Result json.RawMessage `json:"result"`
}

// wait polls a task until it is no longer running (bounded).
func (ac *apiClient) wait(id string) apiTask {
	ac.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var task apiTask
		ac.do("GET", "/api/v1/tasks/"+id, nil, 200, &task)
		if task.Status != "running" {
			return task
		}
		if time.Now().After(deadline) {
			ac.t.Fatalf("task %s still running after 20s: %+v", id, task)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// The JSON API on the serving stack, through the real adapters and the
// River runner: auto-map, review and apply a plan, read the run and its
// report, then "sync now" for usage and tickets, each followed to the
// job's end.
func TestConsoleAPIFlow(t *testing.T) {
	t.Parallel()
	st := startConsoleStack(t, 8)
	ac := st.signInAPI(t)

	var task apiTask
	ac.do("POST", "/api/v1/customers/automap", nil, 202, &task)
	if task = ac.wait(task.ID); task.Status != "done" || task.Total != 8 {
		t.Fatalf("automap: %+v", task)
	}
	var plan struct {
		Month    string `json:"month"`
		PlanHash string `json:"planHash"`
		Empty    bool   `json:"empty"`
	}
	ac.do("GET", "/api/v1/usage/plan", nil, 200, &plan)
	if plan.Empty {
		t.Fatal("auto-mapping left nothing to sync")
	}
	ac.do("POST", "/api/v1/usage/apply", map[string]string{"month": plan.Month, "planHash": plan.PlanHash}, 202, &task)
	if task = ac.wait(task.ID); task.Status != "done" || !strings.HasPrefix(task.Link, "/runs/") || task.Done == 0 || task.Done != task.Total {
		t.Fatalf("apply: %+v", task)
	}
	var run struct {
		Status  string `json:"status"`
		Results []struct {
			Status string `json:"status"`
		} `json:"results"`
	}
	ac.do("GET", "/api/v1"+task.Link, nil, 200, &run)
	if run.Status != "ok" || len(run.Results) == 0 {
		t.Fatalf("run: %+v", run)
	}
	if csv := ac.do("GET", "/api/v1"+task.Link+"/report.csv", nil, 200, nil); !strings.HasPrefix(csv, "month,") {
		t.Fatalf("report: %.200s", csv)
	}

	for _, path := range []string{"/api/v1/usage/sync", "/api/v1/tickets/sync"} {
		ac.do("POST", path, nil, 202, &task)
		task = ac.wait(task.ID)
		var job struct {
			JobID int64  `json:"jobId"`
			State string `json:"state"`
			RunID int64  `json:"runId"`
		}
		if err := json.Unmarshal(task.Result, &job); err != nil || task.Status != "done" || job.State != "completed" || job.RunID == 0 {
			t.Fatalf("%s: %+v %s\n%s", path, task, task.Result, st.logs.String())
		}
	}
}
