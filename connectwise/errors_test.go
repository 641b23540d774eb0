package connectwise

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"centralpsa"
)

func TestNewError(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		status int
		header http.Header
		body   string
		want   Error
	}{
		{"Envelope", 400, nil,
			"{\r\n  \"code\": \"InvalidObject\",\r\n  \"message\": \"ticket object is invalid\",\r\n  \"errors\": [ { \"code\": \"MissingRequiredField\", \"message\": \"summary is required\", \"resource\": \"ticket\", \"field\": \"summary\" } ]\r\n}",
			Error{Status: 400, Code: "InvalidObject", Message: "ticket object is invalid",
				Errors: []FieldError{{Code: "MissingRequiredField", Message: "summary is required", Resource: "ticket", Field: "summary"}}}},
		{"ThrottledUsesErrorKey", 429, http.Header{"Retry-After": {"30"}},
			`{"error": "ConnectWiseAPI", "message": "Too many requests. Please try again in 30 seconds."}`,
			Error{Status: 429, Code: "ConnectWiseAPI", Message: "Too many requests. Please try again in 30 seconds.", RetryAfter: 30 * time.Second}},
		{"PlainText", 400, nil, "Cannot route. Codebase/company is invalid\n",
			Error{Status: 400, Message: "Cannot route. Codebase/company is invalid",
				Hint: "the site cannot route this codebase or company: check cw.url and cw.company"}},
		{"HTMLGateway", 502, nil, "<html><body>Bad gateway</body></html>",
			Error{Status: 502, Message: "<html><body>Bad gateway</body></html>"}},
		{"EmptyBody", 503, nil, "", Error{Status: 503}},
		{"JSONWithoutEnvelope", 500, nil, `[1,2]`, Error{Status: 500, Message: "[1,2]"}},
		{"NullErrors", 400, nil, `{"code":"Security","message":"SSL is required.","errors":null}`,
			Error{Status: 400, Code: "Security", Message: "SSL is required."}},
		{"Unauthorized", 401, nil, `{"code":"Unauthorized","message":"nope"}`,
			Error{Status: 401, Code: "Unauthorized", Message: "nope", Hint: "check cw.company, cw.public_key, cw.private_key and cw.client_id"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := newError("GET", "/service/tickets", tt.status, tt.header, []byte(tt.body), now)
			tt.want.Method, tt.want.Path = "GET", "/service/tickets"
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("got  %#v\nwant %#v", *got, tt.want)
			}
			if msg := got.Error(); msg != strings.ToLower(msg[:1])+msg[1:] || !strings.HasPrefix(msg, "connectwise GET /service/tickets: ") {
				t.Errorf("Error() = %q", msg)
			}
		})
	}
}

func TestErrorText(t *testing.T) {
	t.Parallel()
	e := newError("POST", "/finance/agreements/12/additions", 400, nil,
		[]byte(`{"code":"InvalidObject","message":"addition object is invalid","errors":[{"code":"MissingRequiredField","message":"billCustomer is required","resource":"addition","field":"billCustomer"},{"code":"InvalidField","message":"too long","field":"serialNumber"}]}`), time.Now())
	want := "connectwise POST /finance/agreements/12/additions: 400 bad request: InvalidObject: addition object is invalid " +
		"(addition.billCustomer: MissingRequiredField billCustomer is required; serialNumber: InvalidField too long)"
	if e.Error() != want {
		t.Errorf("Error() =\n%q\nwant\n%q", e.Error(), want)
	}
	forbidden := newError("POST", "/finance/agreements/12/additions", 403, nil, []byte(`{"code":"Forbidden","message":"denied"}`), time.Now())
	if !strings.Contains(forbidden.Error(), "give the API member's security role Finance > Agreements Add level All") {
		t.Errorf("403 text lacks the role hint: %q", forbidden.Error())
	}
}

func TestErrorBodyIsLimited(t *testing.T) {
	t.Parallel()
	b := setup(t, func(o *Options) { o.MaxRetries = -1 })
	b.handle("GET /service/boards", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(500)
		w.Write([]byte(strings.Repeat("é", 1<<20))) // 2 MiB of text
	})
	_, err := b.client.Boards.List(t.Context(), nil)
	var apiErr *Error
	if !errors.As(err, &apiErr) || len(apiErr.Message) > maxMessage+len("…") || !utf8.ValidString(apiErr.Message) {
		t.Errorf("message of %d bytes (valid utf8: %v)", len(apiErr.Message), utf8.ValidString(apiErr.Message))
	}
}

func TestErrorKind(t *testing.T) {
	t.Parallel()
	for status, want := range map[int]centralpsa.Kind{
		400: centralpsa.KindInvalid, 401: centralpsa.KindUnauthorized, 403: centralpsa.KindForbidden,
		404: centralpsa.KindNotFound, 405: centralpsa.KindInternal, 409: centralpsa.KindConflict,
		422: centralpsa.KindInvalid, 429: centralpsa.KindUnavailable, 500: centralpsa.KindUnavailable,
		502: centralpsa.KindUnavailable, 503: centralpsa.KindUnavailable, 504: centralpsa.KindUnavailable,
	} {
		e := &Error{Status: status}
		if e.Kind() != want {
			t.Errorf("%d: kind %s, want %s", status, e.Kind(), want)
		}
		if got := centralpsa.ErrorKind(withKind(e.Kind(), e)); got != want {
			t.Errorf("%d: centralpsa.ErrorKind = %s", status, got)
		}
	}
}

func TestRoleFunctionFor(t *testing.T) {
	t.Parallel()
	tests := []struct {
		method, path            string
		module, function, level string
		ok                      bool
	}{
		{"POST", "/finance/agreements/12/additions", "Finance", "Agreements", "Add", true},
		{"PATCH", "/finance/agreements/12/additions/3", "Finance", "Agreements", "Edit", true},
		{"GET", "/finance/agreements/types", "System", "Table Setup", "Inquire", true},
		{"GET", "https://h/v4_6_release/apis/3.0/company/companies?conditions=x", "Companies", "Company Maintenance", "Inquire", true},
		{"GET", "/company/companies/count", "Companies", "Company Maintenance", "Inquire", true},
		{"POST", "/procurement/catalog", "Procurement", "Product Catalog", "Add", true},
		{"POST", "/procurement/subcategories/", "System", "Table Setup", "Add", true},
		{"GET", "/service/boards/4/statuses", "System", "Table Setup", "Inquire", true},
		{"POST", "/service/tickets/search", "Service Desk", "Service Tickets", "Inquire", true},
		{"POST", "/service/tickets/7/notes", "Service Desk", "Service Tickets", "Add", true},
		{"DELETE", "/service/tickets/7", "Service Desk", "Service Tickets", "Delete", true},
		{"GET", "/system/apiMembers", "System", "Member Maintenance", "Inquire", true},
		{"GET", "/system/reports/holiday", "System", "API Reports", "Inquire", true},
		{"GET", "/system/integratorlogins/count", "System", "Table Setup", "Inquire", true},
		{"GET", "/system/securityRoles/3/settings", "System", "Security", "Inquire", true},
		{"GET", "/system/myMembers", "", "", "", false},
		{"GET", "/system/mySecurity", "", "", "", false},
		{"GET", "/system/info", "", "", "", false},
		{"GET", "/company/companiesX", "", "", "", false},
	}
	for _, tt := range tests {
		m, f, l, ok := RoleFunctionFor(tt.method, tt.path)
		if m != tt.module || f != tt.function || l != tt.level || ok != tt.ok {
			t.Errorf("%s %s = %q %q %q %v", tt.method, tt.path, m, f, l, ok)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"":     0,
		"5":    5 * time.Second,
		" 7 ":  7 * time.Second,
		"0":    0,
		"-3":   0,
		"soon": 0,
		now.Add(90 * time.Second).Format(http.TimeFormat): 90 * time.Second,
		now.Add(-time.Minute).Format(http.TimeFormat):     0,
		"99999999999999999999":                            0,
		"9999999999":                                      24 * time.Hour,
	} {
		if got := parseRetryAfter(in, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", in, got, want)
		}
	}
}

// TestNoSecretInErrorsOrLogs drives every failure path and checks that
// neither the private key nor the Authorization value shows up anywhere.
func TestNoSecretInErrorsOrLogs(t *testing.T) {
	t.Parallel()
	b := setup(t, func(o *Options) { o.MaxRetries = 1; o.Timeout = 50 * time.Millisecond })
	b.handle("GET /service/tickets/{id}", func(w http.ResponseWriter, r *http.Request) {
		switch r.PathValue("id") {
		case "1":
			// a server that echoes what it got must not make us leak it
			writeJSON(w, 401, map[string]string{"code": "Unauthorized", "message": "Authorization " + r.Header.Get("Authorization") + " rejected"})
		case "2":
			writeJSON(w, 403, map[string]string{"code": "Forbidden"})
		case "3":
			writeJSON(w, 500, map[string]string{"code": "ConnectWiseApi"})
		case "4":
			w.Write([]byte("{not json"))
		case "5":
			hang(r)
		default:
			writeJSON(w, 429, map[string]string{"error": "ConnectWiseAPI"})
		}
	})
	secrets := []string{testPrivate, base64.StdEncoding.EncodeToString([]byte(testCompany + "+" + testPublic + ":" + testPrivate))}
	var errs []error
	for id := 1; id <= 6; id++ {
		_, err := b.client.Tickets.Get(t.Context(), id)
		if err == nil {
			t.Fatalf("ticket %d: no error", id)
		}
		errs = append(errs, err)
	}
	_, err := b.client.Tickets.Create(t.Context(), &Ticket{Summary: "x"})
	errs = append(errs, err)
	b.srv.Close()
	_, err = b.client.Tickets.Get(t.Context(), 1)
	errs = append(errs, err)
	texts := []string{b.logs.String(), fmt.Sprintf("%v %+v %#v", b.client, b.client, b.client), fmt.Sprintf("%+v", b.client.opts)}
	for _, err := range errs {
		texts = append(texts, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
	}
	for _, text := range texts {
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("credential leaked: %q", text)
			}
		}
	}
	if !strings.Contains(errs[0].Error(), "Authorization Basic <secret> rejected") {
		t.Errorf("echoed credentials not redacted: %q", errs[0])
	}
}
