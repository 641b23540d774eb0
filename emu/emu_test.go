package emu

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

type bundle struct {
	url    string
	faults *Faults
	log    *RequestLog
	calls  *atomic.Int32
}

func setup(t *testing.T, limit *RateLimit) bundle {
	t.Helper()
	b := bundle{faults: NewFaults(1), log: &RequestLog{}, calls: &atomic.Int32{}}
	s := Start(t, func(string) http.Handler {
		mux := http.NewServeMux()
		Control(mux, b.faults, b.log)
		mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
			b.calls.Add(1)
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"ok":true,"path":"`+r.URL.Path+`"}`)
		})
		return Wrap(mux, b.log, b.faults, limit)
	})
	b.url = s.URL
	return b
}

func get(t *testing.T, c *http.Client, method, url string) (*http.Response, string, error) {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	resp, err := c.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, string(body), err
}

func TestFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		fault      Fault
		method     string
		path       string
		wantStatus int
		wantCalls  int32
		wantErr    bool
		check      func(t *testing.T, resp *http.Response, body string)
	}{
		{name: "StatusWithRetryAfter", fault: Fault{Kind: FaultStatus, Status: 429, RetryAfter: 1500 * time.Millisecond, Body: `{"error":"x"}`},
			path: "/a", wantStatus: 429, check: func(t *testing.T, r *http.Response, body string) {
				if r.Header.Get("Retry-After") != "2" || body != `{"error":"x"}` {
					t.Errorf("Retry-After %q body %q", r.Header.Get("Retry-After"), body)
				}
			}},
		{name: "PathPrefixMisses", fault: Fault{Kind: FaultStatus, Status: 500, PathPrefix: "/other"}, path: "/a", wantStatus: 200, wantCalls: 1},
		{name: "MethodMisses", fault: Fault{Kind: FaultStatus, Status: 500, Method: "POST"}, path: "/a", wantStatus: 200, wantCalls: 1},
		{name: "MethodMatches", fault: Fault{Kind: FaultStatus, Status: 503, Method: "post"}, method: "POST", path: "/a", wantStatus: 503},
		{name: "MalformedAppliesThenTruncates", fault: Fault{Kind: FaultMalformed}, path: "/a", wantStatus: 200, wantCalls: 1,
			check: func(t *testing.T, _ *http.Response, body string) {
				var v any
				if json.Unmarshal([]byte(body), &v) == nil {
					t.Errorf("body %q still decodes", body)
				}
			}},
		{name: "DelayThenAnswers", fault: Fault{Kind: FaultDelay, Delay: 20 * time.Millisecond}, path: "/a", wantStatus: 200, wantCalls: 1},
		{name: "ResetClosesConnection", fault: Fault{Kind: FaultReset}, path: "/a", wantErr: true},
		{name: "SlowSuccessAppliesBeforeTimeout", fault: Fault{Kind: FaultSlowSuccess, Delay: 2 * time.Second}, path: "/a", wantErr: true, wantCalls: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, nil)
			b.faults.Add(tt.fault)
			method := tt.method
			if method == "" {
				method = http.MethodGet
			}
			c := &http.Client{Timeout: 300 * time.Millisecond}
			resp, body, err := get(t, c, method, b.url+tt.path)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("want a transport error, got %d %q", resp.StatusCode, body)
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				if resp.StatusCode != tt.wantStatus {
					t.Fatalf("status %d, want %d", resp.StatusCode, tt.wantStatus)
				}
				if tt.check != nil {
					tt.check(t, resp, body)
				}
			}
			if got := b.calls.Load(); got != tt.wantCalls {
				t.Errorf("handler called %d times, want %d", got, tt.wantCalls)
			}
		})
	}
}

func TestFaultTimesAndRemove(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	remove := b.faults.Add(Fault{Kind: FaultStatus, Status: 500, Times: 2})
	var codes []int
	for range 3 {
		resp, _, err := get(t, http.DefaultClient, "GET", b.url+"/x")
		if err != nil {
			t.Fatal(err)
		}
		codes = append(codes, resp.StatusCode)
	}
	if codes[0] != 500 || codes[1] != 500 || codes[2] != 200 {
		t.Fatalf("codes %v, want 500 500 200", codes)
	}
	remove()
	b.faults.Add(Fault{Kind: FaultStatus, Status: 502})
	b.faults.Clear()
	if resp, _, _ := get(t, http.DefaultClient, "GET", b.url+"/x"); resp.StatusCode != 200 {
		t.Fatalf("after Clear got %d", resp.StatusCode)
	}
}

func TestFaultRateIsSeeded(t *testing.T) {
	t.Parallel()
	run := func() []int {
		b := setup(t, nil)
		b.faults.Add(Fault{Kind: FaultStatus, Status: 500, Rate: 0.3})
		var out []int
		for range 40 {
			resp, _, err := get(t, http.DefaultClient, "GET", b.url+"/x")
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, resp.StatusCode)
		}
		return out
	}
	a, c := run(), run()
	fails := 0
	for i := range a {
		if a[i] != c[i] {
			t.Fatalf("same seed, different faults at %d", i)
		}
		if a[i] == 500 {
			fails++
		}
	}
	if fails == 0 || fails == 40 {
		t.Fatalf("rate 0.3 gave %d faults out of 40", fails)
	}
}

func TestControlAndLog(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	fault, _ := json.Marshal(Fault{Kind: FaultStatus, Status: 503, Times: 1})
	resp, err := http.Post(b.url+"/_emulator/faults", "application/json", bytes.NewReader(fault))
	if err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("add fault: %v %v", resp, err)
	}
	get(t, http.DefaultClient, "GET", b.url+"/one?x=1")
	get(t, http.DefaultClient, "DELETE", b.url+"/two")
	if w := b.log.Writes(); len(w) != 1 || w[0].Path != "/two" {
		t.Fatalf("writes %+v", w)
	}
	_, body, _ := get(t, http.DefaultClient, "GET", b.url+"/_emulator/requests")
	var reqs []Request
	if err := json.Unmarshal([]byte(body), &reqs); err != nil {
		t.Fatal(err)
	}
	if len(reqs) != 2 || reqs[0].Status != 503 || reqs[0].Query != "x=1" || reqs[1].Status != 200 {
		t.Fatalf("log %+v: want the faulted 503 then a 200, control calls excluded", reqs)
	}
	get(t, http.DefaultClient, "DELETE", b.url+"/_emulator/requests")
	if n := len(b.log.Requests()); n != 0 {
		t.Fatalf("log not reset: %d", n)
	}
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	b := setup(t, &RateLimit{PerMinute: 60, Burst: 3, Body: `{"error":"slow down"}`, Key: func(r *http.Request) string { return r.Header.Get("K") }})
	count := func(key string) (ok, limited int) {
		for range 5 {
			req, _ := http.NewRequest("GET", b.url+"/x", nil)
			req.Header.Set("K", key)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			switch resp.StatusCode {
			case 200:
				ok++
			case 429:
				limited++
				if resp.Header.Get("Retry-After") == "" || !strings.Contains(string(body), "slow down") {
					t.Errorf("429 without Retry-After or body: %q", body)
				}
			}
		}
		return
	}
	if ok, limited := count("a"); ok != 3 || limited != 2 {
		t.Fatalf("client a: %d ok, %d limited; want 3 and 2", ok, limited)
	}
	if ok, _ := count("b"); ok != 3 {
		t.Fatalf("client b shares a's bucket: %d ok", ok)
	}
}
