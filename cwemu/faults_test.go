package cwemu_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"centralpsa/cwemu"
	"centralpsa/emu"
)

func TestFaults(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tickets := b.srv.APIPath("/service/tickets")

	b.srv.Faults().Add(emu.Fault{Kind: emu.FaultStatus, Status: 429, Body: cwemu.TooManyRequests(2 * time.Second).Body,
		ContentType: "application/json", RetryAfter: 2 * time.Second, PathPrefix: tickets, Times: 1})
	r := b.do(t, http.MethodGet, "/service/tickets", nil)
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "2" {
		t.Fatalf("429 fault: %d Retry-After %q", r.status, r.header.Get("Retry-After"))
	}
	if env := r.object(t); env["error"] != "ConnectWiseAPI" || !strings.Contains(env["message"].(string), "Too many requests") {
		t.Errorf("429 body = %s", r.body)
	}
	if r := b.do(t, http.MethodGet, "/service/tickets", nil); r.status != http.StatusOK {
		t.Errorf("after Times=1 the fault should be spent: %d", r.status)
	}

	remove := b.srv.Faults().Add(cwemu.ServerError())
	r = b.do(t, http.MethodGet, "/company/companies", nil)
	if env := r.object(t); r.status != http.StatusInternalServerError || env["code"] != "ConnectWiseApi" || env["message"] != "A timeout has occured. Please try again." {
		t.Errorf("500 fault: %d %s", r.status, r.body)
	}
	remove()

	// Slow success: the ticket is created although the client gives up.
	b.srv.Faults().Add(cwemu.SlowSuccess(tickets, 2*time.Second))
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	before := len(b.srv.Tickets())
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, b.root+"/service/tickets",
		strings.NewReader(`{"summary":"slow","company":{"id":250},"externalXRef":"slow-1"}`))
	o := b.srv.Options()
	req.SetBasicAuth(o.Company+"+"+o.PublicKey, o.PrivateKey)
	req.Header.Set("clientId", o.ClientID)
	_, err := http.DefaultClient.Do(req)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("slow POST: err = %v, want a timeout", err)
	}
	if got := b.srv.Tickets(); len(got) != before+1 || got[len(got)-1]["externalXRef"] != "slow-1" {
		t.Errorf("slow success did not create the ticket: %d tickets", len(got))
	}
	b.srv.Faults().Clear()

	// The log entry is written when the server notices the client left,
	// which happens just after the client's timeout: wait a bounded time.
	writes := 0
	for deadline := time.Now().Add(2 * time.Second); writes == 0 && time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		for _, req := range b.srv.Log().Writes() {
			if req.Path == tickets {
				writes++
			}
		}
	}
	if writes != 1 {
		t.Errorf("request log has %d ticket POSTs, want 1", writes)
	}
}

func TestControlRoute(t *testing.T) {
	t.Parallel()
	b := setup(t)
	body := `{"kind":"status","status":503,"body":"busy","path_prefix":"` + b.srv.APIPath("/system/info") + `"}`
	resp, err := http.Post(b.base+"/_emulator/faults", "application/json", strings.NewReader(body))
	if err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("install fault: %v %v", err, resp)
	}
	resp.Body.Close()
	if r := b.do(t, http.MethodGet, "/system/info", nil); r.status != http.StatusServiceUnavailable {
		t.Errorf("faulted /system/info: %d", r.status)
	}
	if r := b.do(t, http.MethodGet, "/system/myMembers", nil); r.status != http.StatusOK {
		t.Errorf("other paths unaffected: %d", r.status)
	}
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	b := setup(t, func(o *cwemu.Options) { o.RequestsPerMinute = 60 })
	statuses := map[int]int{}
	var last response
	for range 5 {
		last = b.do(t, http.MethodGet, "/service/priorities", nil)
		statuses[last.status]++
	}
	if statuses[http.StatusTooManyRequests] == 0 || statuses[http.StatusOK] == 0 {
		t.Fatalf("statuses = %v, want some 200 then 429", statuses)
	}
	if last.status != http.StatusTooManyRequests || last.header.Get("Retry-After") == "" || !strings.Contains(string(last.body), `"error":"ConnectWiseAPI"`) {
		t.Errorf("throttled answer: %d %v %s", last.status, last.header, last.body)
	}
}
