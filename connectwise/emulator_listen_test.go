package connectwise_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"

	"centralpsa"
	"centralpsa/connectwise"
	"centralpsa/cwemu"
	"centralpsa/emu"
	"centralpsa/sample"
)

// TestEmulatorServedLikeTheCommand serves the emulator the way `centralpsa
// emulate connectwise` does (emu.Listen, cwemu.Open, Serve) and steers it
// only through its HTTP control API, as a script beside a running
// emulator would: a throttled listing, a ticket created and found by its
// key, the request log read back, and a clear error once it is gone.
func TestEmulatorServedLikeTheCommand(t *testing.T) {
	t.Parallel()
	ls, err := emu.Listen("")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := cwemu.Open(cwemu.Options{BaseURL: ls.URL, Customers: sample.Customers(60, 1), Extra: sample.ExtraCompanies(1), NowFunc: emuNow})
	if err != nil {
		t.Fatal(err)
	}
	ls.Serve(srv)
	closed := false
	t.Cleanup(func() {
		if !closed {
			_ = ls.Close()
		}
	})
	b := &emuBundle{srv: srv, url: ls.URL}
	b.cw = b.newClient(t)
	ctx := t.Context()

	fault, _ := json.Marshal(emu.Fault{Kind: emu.FaultStatus, Status: http.StatusTooManyRequests, RetryAfter: 3 * time.Second,
		Times: 1, PathPrefix: "/" + cwemu.DefaultCodebase + "apis/3.0/company/companies",
		Body: `{"error":"ConnectWiseAPI","message":"Too many requests. Please try again in 30 seconds."}`})
	resp, err := http.Post(ls.URL+emu.ControlPrefix+"faults", "application/json", bytes.NewReader(fault))
	if err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("install fault: %v %v", resp, err)
	}
	resp.Body.Close()

	companies, err := b.cw.Companies.List(ctx, &connectwise.ListOptions{Conditions: connectwise.Eq("deletedFlag", false)})
	if err != nil {
		t.Fatalf("list companies: %v", err)
	}
	if len(companies) <= 25 {
		t.Errorf("listed %d companies, want more than 25", len(companies))
	}
	if w := b.waits(); len(w) != 1 || w[0] < 3*time.Second {
		t.Errorf("waits %v, want one of at least 3s", w)
	}

	ticket := newTicket(b, "sophos:alert:listen-1")
	created, err := b.cw.Tickets.Create(ctx, ticket)
	if err != nil {
		t.Fatalf("create ticket: %v", err)
	}
	found, err := b.cw.Tickets.List(ctx, &connectwise.ListOptions{Conditions: connectwise.Eq("externalXRef", ticket.ExternalXRef)})
	if err != nil || len(found) != 1 || found[0].ID != created.ID {
		t.Fatalf("find ticket by key: %v, %v", found, err)
	}

	resp, err = http.Get(ls.URL + emu.ControlPrefix + "requests")
	if err != nil {
		t.Fatal(err)
	}
	var logged []emu.Request
	err = json.NewDecoder(resp.Body).Decode(&logged)
	resp.Body.Close()
	if err != nil {
		t.Fatalf("read request log: %v", err)
	}
	statuses := make([]int, len(logged))
	for i, r := range logged {
		statuses[i] = r.Status
	}
	// companyinfo, 429, the list, the create, the lookup.
	if want := []int{200, 429, 200, 201, 200}; !slices.Equal(statuses, want) {
		t.Errorf("logged statuses %v, want %v", statuses, want)
	}

	if err := ls.Close(); err != nil {
		t.Fatal(err)
	}
	closed = true
	_, err = b.cw.Companies.Count(ctx, nil)
	if err == nil || centralpsa.ErrorKind(err) != centralpsa.KindUnavailable {
		t.Errorf("after Close: err = %v (kind %s), want unavailable", err, centralpsa.ErrorKind(err))
	}
	checkNoSecrets(t, b, b.logs.String())
}
