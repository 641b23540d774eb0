package connectwise

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"centralpsa"
)

// ErrOutcomeUnknown is wrapped by the error of a create (POST) that failed
// after it may have reached ConnectWise: a timeout, a dropped connection, a
// 5xx or an unreadable success body. The record may exist; look it up by
// its external key before trying again (§7.2 "Idempotency").
var ErrOutcomeUnknown = errors.New("the request may or may not have been applied")

// ErrUnknownCompany is wrapped by the error returned when the site does not
// know the configured company id (companyinfo answered null or 404).
var ErrUnknownCompany = errors.New("company id not known on this site")

// Error is a ConnectWise answer other than 2xx. Path is relative to the API
// root and carries no query and no credentials.
type Error struct {
	Method  string
	Path    string
	Status  int
	Code    string // "InvalidObject", "NotFound", "ConnectWiseAPI" (429 "error" key), …
	Message string // vendor message, or the text of a non-JSON body
	Errors  []FieldError
	// RetryAfter is the Retry-After delay of a 429 or 503, when one was sent.
	RetryAfter time.Duration
	// Hint says what the user should change, e.g. the security-role
	// function a 403 needs (§11).
	Hint string
}

// FieldError is one entry of the envelope's errors array (§7.1).
type FieldError struct {
	Code     string `json:"code"`
	Message  string `json:"message"`
	Resource string `json:"resource"`
	Field    string `json:"field"`
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "connectwise %s %s: %d %s", e.Method, e.Path, e.Status, strings.ToLower(http.StatusText(e.Status)))
	if e.Code != "" {
		b.WriteString(": " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	for i, fe := range e.Errors {
		sep := "; "
		if i == 0 {
			sep = " ("
		}
		b.WriteString(sep + fe.String())
		if i == len(e.Errors)-1 {
			b.WriteString(")")
		}
	}
	if e.Hint != "" {
		b.WriteString("; " + e.Hint)
	}
	return b.String()
}

func (fe FieldError) String() string {
	s := fe.Field
	if fe.Resource != "" && fe.Field != "" {
		s = fe.Resource + "." + fe.Field
	}
	if s != "" {
		s += ": "
	}
	if fe.Code != "" {
		s += fe.Code + " "
	}
	return strings.TrimSpace(s + fe.Message)
}

// Kind maps the status to the shared error vocabulary.
func (e *Error) Kind() centralpsa.Kind {
	switch {
	case e.Status == http.StatusUnauthorized:
		return centralpsa.KindUnauthorized
	case e.Status == http.StatusForbidden:
		return centralpsa.KindForbidden
	case e.Status == http.StatusNotFound:
		return centralpsa.KindNotFound
	case e.Status == http.StatusConflict:
		return centralpsa.KindConflict
	case e.Status == http.StatusTooManyRequests || e.Status >= 500:
		return centralpsa.KindUnavailable
	case e.Status == http.StatusMethodNotAllowed:
		return centralpsa.KindInternal // a bug on our side
	default:
		return centralpsa.KindInvalid
	}
}

// isRouting reports the "wrong codebase" answers that justify rediscovering
// the codebase: 400 "Cannot route…" and a 404 without a NotFound envelope
// (a 404 with one is just an unknown record) (§2.3, §3.3).
func (e *Error) isRouting() bool {
	switch e.Status {
	case http.StatusBadRequest:
		m := strings.ToLower(e.Message)
		return e.Code == "" && (strings.Contains(m, "cannot route") || strings.Contains(m, "codebase"))
	case http.StatusNotFound:
		return e.Code == ""
	}
	return false
}

// Body size limits: error bodies are only for messages, lists can be big.
const (
	maxErrorBody   = 64 << 10
	maxSuccessBody = 64 << 20
	maxMessage     = 1000
)

// newError builds an Error from a non-2xx answer, decoding the envelope
// when the body is JSON and keeping the text otherwise.
func newError(method, path string, status int, h http.Header, body []byte, now time.Time) *Error {
	e := &Error{Method: method, Path: path, Status: status}
	var env struct {
		Code    string       `json:"code"`
		Error   string       `json:"error"` // the 429 body uses "error" (§7.3)
		Message string       `json:"message"`
		Errors  []FieldError `json:"errors"`
	}
	if json.Unmarshal(body, &env) == nil && (env.Code != "" || env.Error != "" || env.Message != "") {
		e.Code, e.Message, e.Errors = env.Code, env.Message, env.Errors
		if e.Code == "" {
			e.Code = env.Error
		}
	} else {
		e.Message = strings.TrimSpace(string(body))
	}
	e.Message = clip(e.Message, maxMessage)
	if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
		e.RetryAfter = parseRetryAfter(h.Get("Retry-After"), now)
	}
	e.Hint = hintFor(e)
	return e
}

func hintFor(e *Error) string {
	switch {
	case e.Status == http.StatusUnauthorized:
		return "check cw.company, cw.public_key, cw.private_key and cw.client_id"
	case e.Status == http.StatusForbidden:
		if module, function, level, ok := RoleFunctionFor(e.Method, e.Path); ok {
			return fmt.Sprintf("give the API member's security role %s > %s %s level All", module, function, level)
		}
		return "the API member's security role does not allow this call"
	case e.isRouting():
		return "the site cannot route this codebase or company: check cw.url and cw.company"
	}
	return ""
}

// parseRetryAfter reads delta-seconds or an HTTP date; anything else is 0.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 {
			return 0
		}
		return time.Duration(min(n, int64(24*time.Hour/time.Second))) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// clip shortens s to at most n bytes without splitting a UTF-8 sequence.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// outcomeError marks a failed write that may have been applied.
type outcomeError struct {
	method, path string
	err          error
}

func (e *outcomeError) Error() string {
	return fmt.Sprintf("%v (outcome unknown: %s %s may have been applied; search before retrying)", e.err, e.method, e.path)
}

func (e *outcomeError) Unwrap() error        { return e.err }
func (e *outcomeError) Is(target error) bool { return target == ErrOutcomeUnknown }

// UnknownCompanyError says that companyinfo does not know the company id.
type UnknownCompanyError struct {
	Company string
	Site    string
}

func (e *UnknownCompanyError) Error() string {
	return fmt.Sprintf("company id %q is not known on %s (check cw.company and cw.url)", e.Company, e.Site)
}

func (e *UnknownCompanyError) Is(target error) bool { return target == ErrUnknownCompany }

// withKind puts err under a centralpsa.Error so centralpsa.ErrorKind works
// on everything the client returns.
func withKind(kind centralpsa.Kind, err error) error {
	return &centralpsa.Error{Kind: kind, Err: err}
}
