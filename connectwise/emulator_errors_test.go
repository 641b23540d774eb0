package connectwise_test

import (
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"centralpsa"
	"centralpsa/connectwise"
	"centralpsa/cwemu"
	"centralpsa/emu"
)

// TestEmulatorErrors checks the errors a user has to act on: each is typed,
// carries the right kind, says what to change, is not retried and never
// shows a secret.
func TestEmulatorErrors(t *testing.T) {
	t.Parallel()
	const wrongKey = "WrongPrivateKey-0123456789"
	addition := &connectwise.Addition{Product: &connectwise.Reference{Identifier: "MSP-EDR-BUNDLE"}, BillCustomer: "Billable", Quantity: connectwise.Float(2)}
	tests := []struct {
		name   string
		opts   cwemu.Options
		client func(*connectwise.Options)
		call   func(t *testing.T, b *emuBundle) error
		path   func(b *emuBundle) string // API path that must see exactly one request; "" = none at all
		kind   centralpsa.Kind
		status int
		is     error    // errors.Is target, if any
		says   []string // substrings of the message
	}{
		{name: "ForbiddenNamesTheRoleFunction", opts: cwemu.Options{Role: cwemu.FullRole().Without(cwemu.FnAgreements, cwemu.Add)},
			call: func(t *testing.T, b *emuBundle) error {
				_, err := b.cw.Agreements.CreateAddition(t.Context(), firstAgreement(b), addition)
				return err
			},
			path: func(b *emuBundle) string { return "/finance/agreements/" + itoa(firstAgreement(b)) + "/additions" },
			kind: centralpsa.KindForbidden, status: http.StatusForbidden, says: []string{"Finance > Agreements Add"}},
		{name: "ForbiddenInquire", opts: cwemu.Options{Role: cwemu.FullRole().Without(cwemu.FnCompanyMaintenance, cwemu.Inquire)},
			call: func(t *testing.T, b *emuBundle) error { _, err := b.cw.Companies.List(t.Context(), nil); return err },
			path: func(*emuBundle) string { return "/company/companies" },
			kind: centralpsa.KindForbidden, status: http.StatusForbidden, says: []string{"Companies > Company Maintenance Inquire"}},
		{name: "WrongPrivateKey", client: func(o *connectwise.Options) { o.PrivateKey = wrongKey },
			call: func(t *testing.T, b *emuBundle) error { _, err := b.cw.Companies.List(t.Context(), nil); return err },
			path: func(*emuBundle) string { return "/company/companies" },
			kind: centralpsa.KindUnauthorized, status: http.StatusUnauthorized, says: []string{"cw.private_key"}},
		{name: "WrongClientID", client: func(o *connectwise.Options) { o.ClientID = "00000000-0000-0000-0000-000000000000" },
			call: func(t *testing.T, b *emuBundle) error {
				_, err := b.cw.Tickets.Create(t.Context(), newTicket(b, "x"))
				return err
			},
			path: func(*emuBundle) string { return "/service/tickets" },
			kind: centralpsa.KindUnauthorized, status: http.StatusUnauthorized, says: []string{"cw.client_id"}},
		{name: "UnknownCompany", client: func(o *connectwise.Options) { o.Company = "no_such_msp" },
			call: func(t *testing.T, b *emuBundle) error { _, err := b.cw.Companies.List(t.Context(), nil); return err },
			kind: centralpsa.KindInvalid, is: connectwise.ErrUnknownCompany, says: []string{"no_such_msp", "cw.company"}},
		{name: "UnknownRecord",
			call: func(t *testing.T, b *emuBundle) error { _, err := b.cw.Companies.Get(t.Context(), 999999); return err },
			path: func(*emuBundle) string { return "/company/companies/999999" },
			kind: centralpsa.KindNotFound, status: http.StatusNotFound, says: []string{"999999"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var tweaks []func(*connectwise.Options)
			if tt.client != nil {
				tweaks = append(tweaks, tt.client)
			}
			b := startEmu(t, tt.opts, tweaks...)
			err := tt.call(t, b)
			if err == nil {
				t.Fatal("call succeeded, want an error")
			}
			if got := centralpsa.ErrorKind(err); got != tt.kind {
				t.Errorf("kind %s, want %s (%v)", got, tt.kind, err)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("err = %v, want errors.Is %v", err, tt.is)
			}
			var apiErr *connectwise.Error
			if tt.status != 0 && (!errors.As(err, &apiErr) || apiErr.Status != tt.status || apiErr.Kind() != tt.kind) {
				t.Errorf("err = %#v, want a *connectwise.Error with status %d", err, tt.status)
			}
			for _, s := range tt.says {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("message %q does not say %q", err, s)
				}
			}
			if errors.Is(err, connectwise.ErrOutcomeUnknown) {
				t.Errorf("a refused call reports an unknown outcome: %v", err)
			}
			api := 0
			for _, r := range b.srv.Log().Requests() {
				if !strings.Contains(r.Path, "/login/companyinfo/") {
					api++
				}
			}
			switch {
			case tt.path == nil && api != 0:
				t.Errorf("%d API requests, want none", api)
			case tt.path != nil && (api != 1 || len(b.requests("", tt.path(b))) != 1):
				t.Errorf("%d API requests, want exactly one to %s (no retry)", api, tt.path(b))
			}
			if len(b.waits()) != 0 {
				t.Errorf("client waited %v before giving up", b.waits())
			}
			checkNoSecrets(t, b, err.Error()+"\n"+b.logs.String(), wrongKey)
		})
	}
}

// checkNoSecrets fails when text holds a private key or a Basic token.
func checkNoSecrets(t *testing.T, b *emuBundle, text string, extra ...string) {
	t.Helper()
	o := b.srv.Options()
	secrets := append([]string{o.PrivateKey, base64.StdEncoding.EncodeToString([]byte(o.Company + "+" + o.PublicKey + ":" + o.PrivateKey))}, extra...)
	for _, s := range secrets {
		if strings.Contains(text, s) {
			t.Errorf("secret %q appears in errors or logs", s[:6]+"…")
		}
	}
}

// TestEmulatorCodebaseRediscovery serves the emulator behind a front that
// plays a hosted upgrade: once switched, the old codebase stops routing
// ("Cannot route", as the emulator answers for any unknown codebase) and
// companyinfo advertises v4_6_release/, which the emulator also serves. The
// emulator cannot change its advertised codebase while running, so the
// front stands in for that.
func TestEmulatorCodebaseRediscovery(t *testing.T) {
	t.Parallel()
	var srv *cwemu.Server
	var upgraded atomic.Bool
	var refused atomic.Int32
	es := emu.Start(t, func(base string) http.Handler {
		srv = cwemu.New(cwemu.Options{BaseURL: base, NowFunc: emuNow})
		old := "/" + srv.Options().Codebase
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !upgraded.Load() {
				srv.ServeHTTP(w, r)
				return
			}
			switch {
			case strings.HasPrefix(r.URL.Path, "/login/companyinfo/"):
				rec := &bodyRewriter{ResponseWriter: w}
				srv.ServeHTTP(rec, r)
				_, _ = io.WriteString(w, strings.Replace(rec.body.String(), `"`+strings.TrimPrefix(old, "/")+`"`, `"v4_6_release/"`, 1))
			case strings.HasPrefix(r.URL.Path, old):
				refused.Add(1)
				w.Header().Set("Content-Type", "text/plain")
				w.WriteHeader(http.StatusBadRequest)
				_, _ = io.WriteString(w, "Cannot route. Codebase/company is invalid")
			default:
				srv.ServeHTTP(w, r)
			}
		})
	})
	b := &emuBundle{srv: srv, url: es.URL}
	b.cw = b.newClient(t)
	if _, err := b.cw.Companies.List(t.Context(), nil); err != nil {
		t.Fatalf("before the upgrade: %v", err)
	}
	upgraded.Store(true)
	got, err := b.cw.Companies.List(t.Context(), nil)
	if err != nil {
		t.Fatalf("after the upgrade: %v", err)
	}
	if len(got) != len(srv.Companies()) {
		t.Errorf("listed %d companies, want %d", len(got), len(srv.Companies()))
	}
	var info, onNew int
	for _, r := range srv.Log().Requests() {
		switch {
		case strings.HasPrefix(r.Path, "/login/companyinfo/"):
			info++
		case strings.HasPrefix(r.Path, "/v4_6_release/apis/3.0/company/companies"):
			onNew++
		}
	}
	if refused.Load() != 1 || info != 2 || onNew != 1 {
		t.Errorf("%d refused on the old codebase, companyinfo read %d times, %d requests on the new codebase; want 1, 2 and 1",
			refused.Load(), info, onNew)
	}
	// The new codebase is cached: a further call goes straight to it.
	if _, err := b.cw.Companies.Count(t.Context(), nil); err != nil {
		t.Fatalf("count after the upgrade: %v", err)
	}
	if n := len(srv.Log().Requests()); n != info+onNew+1+1 || refused.Load() != 1 {
		t.Errorf("%d requests in all (%d refused), want exactly one more on the new codebase", n, refused.Load())
	}
}

// bodyRewriter keeps a response body so that the front can edit it; the
// headers go through (Content-Length is not set by the emulator's encoder).
type bodyRewriter struct {
	http.ResponseWriter
	body strings.Builder
}

func (w *bodyRewriter) Write(p []byte) (int, error) { return w.body.Write(p) }
