package sophos

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"centralpsa"
)

// Sentinel errors for errors.Is.
var (
	// ErrNotFound matches every 404 *Error, e.g. an alert that was closed
	// or acknowledged (error "resourceNotFound", doc §9.1).
	ErrNotFound = errors.New("sophos central: not found")
	// ErrNoData is returned by Usage for a month without a report: Sophos
	// answers 404 "No data for requested year or month" (doc §8).
	ErrNoData = errors.New("no usage data for this month yet")
	// ErrNotPartner is returned by Partner and by partner calls when the
	// credential is a tenant or organization credential.
	ErrNotPartner = errors.New("not a partner credential")
	// ErrWrongSecret and ErrUnknownClient classify token failures (doc §3.3).
	ErrWrongSecret   = errors.New("sophos client secret is wrong")
	ErrUnknownClient = errors.New("sophos client id is unknown")
)

// Error is a failed Central API call (any host but id.sophos.com). The
// vendor fields come from the body {error, message, correlationId,
// requestId}; only Code is reliably present and the body may be empty or not
// JSON at all (doc §5.4).
type Error struct {
	Method        string
	Path          string // path without host or query
	Status        int
	Code          string // the body's "error"
	Message       string
	CorrelationID string
	RequestID     string
	TenantID      string        // set on tenant calls, for the advice
	RetryAfter    time.Duration // from a 429 or 503 Retry-After header
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "sophos central %s %s", e.Method, e.Path)
	if e.TenantID != "" {
		fmt.Fprintf(&b, " (tenant %s)", e.TenantID)
	}
	fmt.Fprintf(&b, ": %d %s", e.Status, strings.ToLower(http.StatusText(e.Status)))
	if e.Code != "" {
		fmt.Fprintf(&b, ": %s", e.Code)
	}
	if e.Message != "" && e.Message != e.Code {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	if e.CorrelationID != "" {
		fmt.Fprintf(&b, " (correlation id %s)", e.CorrelationID)
	}
	if a := e.Advice(); a != "" {
		b.WriteString("; " + a)
	}
	return b.String()
}

// Advice is one sentence telling a person what to do about the error, or "".
func (e *Error) Advice() string {
	switch {
	case e.Status == http.StatusUnauthorized:
		return "check sophos.client_id and sophos.client_secret; the API credential may have been deleted or renewed"
	case e.Status == http.StatusForbidden && e.TenantID != "":
		return "Partner Assistance may be off for this term tenant (the customer turns it on in their Sophos Central), " +
			"or the tenant is a trial, unmanaged or belongs to another partner; the other tenants are not affected"
	case e.Status == http.StatusForbidden:
		return "the API credential's role does not allow this call; create one with the Service Principal Super Admin " +
			"or ReadOnly role in Sophos Central Partner: Settings & policies > API credentials"
	case e.Status == http.StatusTooManyRequests && e.RetryAfter > 0:
		return fmt.Sprintf("Sophos Central is throttling this credential; retry after %s", e.RetryAfter)
	case e.Status == http.StatusTooManyRequests:
		return "Sophos Central is throttling this credential; retry later"
	case e.Status >= 500:
		return "Sophos Central had a server error; retry later"
	}
	return ""
}

// Kind maps the status to the project's error kinds.
func (e *Error) Kind() centralpsa.Kind { return statusKind(e.Status) }

// Is makes errors.Is(err, ErrNotFound) true for every 404.
func (e *Error) Is(target error) bool {
	return target == ErrNotFound && e.Status == http.StatusNotFound
}

// As lets centralpsa.ErrorKind and errors.As(err, **centralpsa.Error) see
// the kind of a sophos error.
func (e *Error) As(target any) bool { return asCentral(target, e.Kind(), e.Error()) }

// TokenError is a failure of id.sophos.com's token endpoint, which uses its
// own body shape {errorCode, message, trackingId} (doc §3.3).
type TokenError struct {
	Status     int
	Code       string // errorCode, e.g. oauth.invalid_client_secret
	Message    string
	TrackingID string
}

func (e *TokenError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "sophos token request: %d %s", e.Status, strings.ToLower(http.StatusText(e.Status)))
	if e.Code != "" {
		fmt.Fprintf(&b, ": %s", e.Code)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	if e.TrackingID != "" {
		fmt.Fprintf(&b, " (tracking id %s)", e.TrackingID)
	}
	switch {
	case errors.Is(e, ErrWrongSecret):
		b.WriteString("; sophos.client_secret does not match sophos.client_id (the secret is shown once when the credential is created)")
	case errors.Is(e, ErrUnknownClient):
		b.WriteString("; Sophos Central does not know sophos.client_id (deleted credential, or a typo)")
	case e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden:
		b.WriteString("; check sophos.client_id and sophos.client_secret")
	}
	return b.String()
}

// Is classifies the errorCode values seen in the field.
func (e *TokenError) Is(target error) bool {
	switch target {
	case ErrWrongSecret:
		return e.Code == "oauth.invalid_client_secret" || e.Code == "customer.validation"
	case ErrUnknownClient:
		return e.Code == "oauth.client_app_does_not_exist" || e.Code == "oauth.invalid_client_id"
	}
	return false
}

// Kind is unauthorized for a known credential problem whatever the status;
// otherwise it follows the status (5xx and 429 are unavailable).
func (e *TokenError) Kind() centralpsa.Kind {
	if errors.Is(e, ErrWrongSecret) || errors.Is(e, ErrUnknownClient) {
		return centralpsa.KindUnauthorized
	}
	return statusKind(e.Status)
}

// As lets centralpsa.ErrorKind see the kind of a token failure.
func (e *TokenError) As(target any) bool { return asCentral(target, e.Kind(), e.Error()) }

// ErrorKind returns the project error kind for any error this package
// returns, including network failures and timeouts (unavailable).
func ErrorKind(err error) centralpsa.Kind {
	var (
		ae *Error
		te *TokenError
	)
	switch {
	case err == nil:
		return ""
	case errors.As(err, &ae):
		return ae.Kind()
	case errors.As(err, &te):
		return te.Kind()
	case errors.Is(err, context.DeadlineExceeded):
		return centralpsa.KindUnavailable
	}
	return centralpsa.ErrorKind(err)
}

func statusKind(status int) centralpsa.Kind {
	switch {
	case status == http.StatusBadRequest || status == http.StatusUnprocessableEntity:
		return centralpsa.KindInvalid
	case status == http.StatusUnauthorized:
		return centralpsa.KindUnauthorized
	case status == http.StatusForbidden:
		return centralpsa.KindForbidden
	case status == http.StatusNotFound:
		return centralpsa.KindNotFound
	case status == http.StatusConflict:
		return centralpsa.KindConflict
	case status == http.StatusTooManyRequests || status == http.StatusRequestTimeout || status >= 500:
		return centralpsa.KindUnavailable
	}
	return centralpsa.KindInternal
}

func asCentral(target any, kind centralpsa.Kind, msg string) bool {
	p, ok := target.(**centralpsa.Error)
	if ok {
		*p = &centralpsa.Error{Kind: kind, Message: msg}
	}
	return ok
}

// apiError builds an *Error from a non-2xx Central response. redact scrubs
// anything the server may have echoed back.
func apiError(r *call, status int, h http.Header, body []byte, retryAfter time.Duration, redact func(string) string) *Error {
	e := &Error{Method: r.method, Path: r.path, Status: status, TenantID: r.tenantID, RetryAfter: retryAfter}
	var b struct {
		Error         string `json:"error"`
		Message       string `json:"message"`
		CorrelationID string `json:"correlationId"`
		RequestID     string `json:"requestId"`
	}
	if json.Unmarshal(body, &b) == nil {
		e.Code, e.Message = redact(b.Error), redact(b.Message)
		e.CorrelationID, e.RequestID = redact(b.CorrelationID), redact(b.RequestID)
	} else {
		e.Message = redact(snippet(body))
	}
	if e.RequestID == "" {
		e.RequestID = h.Get("X-Request-Id")
	}
	return e
}

// tokenError builds a *TokenError from a non-2xx token response.
func tokenError(status int, body []byte, redact func(string) string) *TokenError {
	e := &TokenError{Status: status}
	var b struct {
		ErrorCode  string `json:"errorCode"`
		Message    string `json:"message"`
		TrackingID string `json:"trackingId"`
	}
	if json.Unmarshal(body, &b) == nil {
		e.Code, e.Message, e.TrackingID = redact(b.ErrorCode), redact(b.Message), redact(b.TrackingID)
	} else {
		e.Message = redact(snippet(body))
	}
	return e
}

// snippet keeps a short, printable start of a non-JSON body (an HTML error
// page from a proxy, say) for the error message.
func snippet(body []byte) string {
	const n = 200
	s := strings.TrimSpace(string(body))
	if len(s) > n {
		s = s[:n]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
		s += "…"
	}
	return strings.Map(func(r rune) rune {
		if r < ' ' || r == utf8.RuneError {
			return ' '
		}
		return r
	}, s)
}
