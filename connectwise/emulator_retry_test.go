package connectwise_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"centralpsa"
	"centralpsa/connectwise"
	"centralpsa/cwemu"
	"centralpsa/emu"
)

// TestEmulatorRetries scripts emulator faults in front of calls and checks
// what the client does about them: which answers it waits out, which it
// retries, and which it must not repeat.
func TestEmulatorRetries(t *testing.T) {
	t.Parallel()
	listCompanies := func(t *testing.T, b *emuBundle) error {
		_, err := b.cw.Companies.List(t.Context(), nil)
		return err
	}
	tests := []struct {
		name  string
		fault func(b *emuBundle) emu.Fault
		call  func(t *testing.T, b *emuBundle) error
		path  string // API path whose requests are counted
		// want: requests to path, the smallest recorded wait, and whether
		// the call ends well.
		wantReqs int
		minWait  time.Duration
		// anyWaits skips counting waits: net/http itself repeats a GET
		// whose reused connection dies before an answer, so a reset may be
		// retried by the transport rather than by the client.
		anyWaits bool
		wantErr  func(t *testing.T, err error)
	}{
		{name: "TooManyRequestsWaitsRetryAfter", path: "/company/companies", wantReqs: 2, minWait: 7 * time.Second,
			fault: func(*emuBundle) emu.Fault { f := cwemu.TooManyRequests(7 * time.Second); f.Times = 1; return f },
			call:  listCompanies},
		{name: "TooManyRequestsOnCreateIsRetried", path: "/service/tickets", wantReqs: 2, minWait: 2 * time.Second,
			fault: func(*emuBundle) emu.Fault {
				f := cwemu.TooManyRequests(2 * time.Second)
				f.Times, f.Method = 1, http.MethodPost
				return f
			},
			call: func(t *testing.T, b *emuBundle) error {
				_, err := b.cw.Tickets.Create(t.Context(), newTicket(b, "retry-429"))
				return err
			}},
		{name: "ServerErrorOnGetIsRetried", path: "/company/companies", wantReqs: 3,
			fault: func(*emuBundle) emu.Fault { f := cwemu.ServerError(); f.Times = 2; return f },
			call:  listCompanies},
		{name: "ResetOnGetIsRetried", path: "/company/companies", wantReqs: 2, anyWaits: true,
			fault: func(*emuBundle) emu.Fault { return emu.Fault{Kind: emu.FaultReset, Times: 1} },
			call:  listCompanies},
		{name: "ErrServerErrorOnCreateIsNotRetried", path: "/service/tickets", wantReqs: 1,
			fault: func(*emuBundle) emu.Fault { f := cwemu.ServerError(); f.Method = http.MethodPost; return f },
			call: func(t *testing.T, b *emuBundle) error {
				_, err := b.cw.Tickets.Create(t.Context(), newTicket(b, "retry-500"))
				return err
			},
			wantErr: func(t *testing.T, err error) {
				if !errors.Is(err, connectwise.ErrOutcomeUnknown) {
					t.Errorf("err = %v, want ErrOutcomeUnknown", err)
				}
			}},
		{name: "ErrResetOnCreateIsNotRetried", path: "/service/tickets", wantReqs: 1,
			fault: func(*emuBundle) emu.Fault { return emu.Fault{Kind: emu.FaultReset, Method: http.MethodPost} },
			call: func(t *testing.T, b *emuBundle) error {
				_, err := b.cw.Tickets.Create(t.Context(), newTicket(b, "retry-reset"))
				return err
			},
			wantErr: func(t *testing.T, err error) {
				if !errors.Is(err, connectwise.ErrOutcomeUnknown) {
					t.Errorf("err = %v, want ErrOutcomeUnknown", err)
				}
			}},
		{name: "ErrMissingFieldIsNotRetried", path: "/finance/agreements/{agreement}/additions", wantReqs: 1,
			call: func(t *testing.T, b *emuBundle) error {
				_, err := b.cw.Agreements.CreateAddition(t.Context(), firstAgreement(b), &connectwise.Addition{
					Product: &connectwise.Reference{Identifier: "MSP-EDR-BUNDLE"}, Quantity: connectwise.Float(3)}) // no billCustomer
				return err
			},
			wantErr: func(t *testing.T, err error) {
				var apiErr *connectwise.Error
				if !errors.As(err, &apiErr) {
					t.Fatalf("err = %v, want *connectwise.Error", err)
				}
				if apiErr.Status != http.StatusBadRequest || apiErr.Code != "InvalidObject" || apiErr.Kind() != centralpsa.KindInvalid {
					t.Errorf("got %d %s kind %s, want 400 InvalidObject kind invalid", apiErr.Status, apiErr.Code, apiErr.Kind())
				}
				if len(apiErr.Errors) != 1 || apiErr.Errors[0].Field != "billCustomer" || apiErr.Errors[0].Code != "MissingRequiredField" {
					t.Errorf("field errors = %+v, want one MissingRequiredField on billCustomer", apiErr.Errors)
				}
				if errors.Is(err, connectwise.ErrOutcomeUnknown) {
					t.Errorf("a refused create reports an unknown outcome: %v", err)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := startEmu(t, cwemu.Options{})
			path := tt.path
			if path == "/finance/agreements/{agreement}/additions" {
				path = "/finance/agreements/" + itoa(firstAgreement(b)) + "/additions"
			}
			if tt.fault != nil {
				f := tt.fault(b)
				f.PathPrefix = b.srv.APIPath(path)
				b.srv.Faults().Add(f)
			}
			err := tt.call(t, b)
			if tt.wantErr == nil && err != nil {
				t.Fatalf("call failed: %v", err)
			}
			if tt.wantErr != nil {
				if err == nil {
					t.Fatal("call succeeded, want an error")
				}
				tt.wantErr(t, err)
			}
			if got := len(b.requests("", path)); got != tt.wantReqs {
				t.Errorf("%d requests to %s, want %d", got, path, tt.wantReqs)
			}
			waits := b.waits()
			if !tt.anyWaits && len(waits) != tt.wantReqs-1 {
				t.Errorf("waits %v, want %d", waits, tt.wantReqs-1)
			}
			for _, w := range waits {
				if w < tt.minWait {
					t.Errorf("waited %v, want at least %v", w, tt.minWait)
				}
			}
		})
	}
}

// TestEmulatorSlowCreate makes the emulator apply a create and then answer
// after the client's timeout: the client must report ErrOutcomeUnknown
// without repeating the POST, and the record exists exactly once, findable
// by its key as the caller is told to do.
func TestEmulatorSlowCreate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		path   func(b *emuBundle) string
		create func(ctx context.Context, b *emuBundle) error
		count  func(b *emuBundle) int // matching records in the emulator
		find   func(ctx context.Context, b *emuBundle) (int, error)
	}{
		{name: "Ticket",
			path: func(*emuBundle) string { return "/service/tickets" },
			create: func(ctx context.Context, b *emuBundle) error {
				_, err := b.cw.Tickets.Create(ctx, newTicket(b, "slow-create-1"))
				return err
			},
			count: func(b *emuBundle) int { return countWhere(b.srv.Tickets(), "externalXRef", "slow-create-1") },
			find: func(ctx context.Context, b *emuBundle) (int, error) {
				n, err := b.cw.Tickets.List(ctx, &connectwise.ListOptions{Conditions: connectwise.Eq("externalXRef", "slow-create-1")})
				return len(n), err
			}},
		{name: "Addition",
			path: func(b *emuBundle) string { return "/finance/agreements/" + itoa(firstAgreement(b)) + "/additions" },
			create: func(ctx context.Context, b *emuBundle) error {
				_, err := b.cw.Agreements.CreateAddition(ctx, firstAgreement(b), &connectwise.Addition{
					Product: &connectwise.Reference{Identifier: "MSP-EDR-BUNDLE"}, BillCustomer: "Billable",
					Quantity: connectwise.Float(5), InvoiceDescription: "slow-create-2"})
				return err
			},
			count: func(b *emuBundle) int {
				return countWhere(b.srv.Additions(firstAgreement(b)), "invoiceDescription", "slow-create-2")
			},
			find: func(ctx context.Context, b *emuBundle) (int, error) {
				n, err := b.cw.Agreements.ListAdditions(ctx, firstAgreement(b), &connectwise.ListOptions{
					Conditions: connectwise.Eq("invoiceDescription", "slow-create-2")})
				return len(n), err
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := startEmu(t, cwemu.Options{}, func(o *connectwise.Options) { o.Timeout = 300 * time.Millisecond })
			path := tt.path(b)
			b.srv.Faults().Add(cwemu.SlowSuccess(b.srv.APIPath(path), 5*time.Second))
			start := time.Now()
			err := tt.create(t.Context(), b)
			if !errors.Is(err, connectwise.ErrOutcomeUnknown) {
				t.Fatalf("err = %v, want ErrOutcomeUnknown", err)
			}
			if centralpsa.ErrorKind(err) != centralpsa.KindUnavailable {
				t.Errorf("kind %s, want unavailable", centralpsa.ErrorKind(err))
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("create took %v with a 300ms timeout", d)
			}
			if n := tt.count(b); n != 1 {
				t.Errorf("emulator holds %d records, want exactly 1", n)
			}
			eventually(t, "the POST in the request log", func() bool { return len(b.requests(http.MethodPost, path)) > 0 })
			if n := len(b.requests(http.MethodPost, path)); n != 1 {
				t.Errorf("%d POSTs, want 1 (a create must not be retried)", n)
			}
			if w := b.waits(); len(w) != 0 {
				t.Errorf("client waited %v to retry a create", w)
			}
			if n, err := tt.find(t.Context(), b); err != nil || n != 1 {
				t.Errorf("lookup by key found %d, %v; want 1", n, err)
			}
		})
	}
}
