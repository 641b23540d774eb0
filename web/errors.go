package web

import (
	"encoding/json"
	"errors"
	"net/http"

	"centralpsa"
)

// statusOf maps an error kind to its HTTP status; the one place that does.
var statusOf = map[centralpsa.Kind]int{
	centralpsa.KindInvalid:      http.StatusBadRequest,
	centralpsa.KindNotFound:     http.StatusNotFound,
	centralpsa.KindConflict:     http.StatusConflict,
	centralpsa.KindUnauthorized: http.StatusUnauthorized,
	centralpsa.KindForbidden:    http.StatusForbidden,
	centralpsa.KindUnavailable:  http.StatusServiceUnavailable,
	centralpsa.KindInternal:     http.StatusInternalServerError,
}

// apiError is the body of every JSON error.
type apiError struct {
	Error apiErrorBody `json:"error"`
}

type apiErrorBody struct {
	Code    centralpsa.Kind `json:"code"`
	Message string          `json:"message"`
}

// publicError splits err into what may be shown: its kind and the human
// message of its *centralpsa.Error. The cause (Err) is never shown, only
// logged, and an error without a kind shows a generic message: causes
// come from drivers and libraries that do not know what is secret.
//
// The one exception is a vendor client's error that knows its kind
// (*connectwise.Error, *sophos.Error): its own text is made to be shown
// (method, path without query or credentials, status, the vendor's
// message and what to fix), and a person needs it to act on a 403.
func publicError(err error) (centralpsa.Kind, string) {
	var e *centralpsa.Error
	if errors.As(err, &e) && e.Kind != centralpsa.KindInternal && e.Message != "" {
		return e.Kind, e.Message
	}
	var v vendorError
	if errors.As(err, &v) && v.Kind() != centralpsa.KindInternal {
		return v.Kind(), v.Error()
	}
	return centralpsa.KindInternal, "internal error; see the server log"
}

// vendorError is an API client's error with its kind.
type vendorError interface {
	error
	Kind() centralpsa.Kind
}

// fail answers a request with err: JSON for the API, an error page for
// the console. Internal and unavailable errors are logged.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, api bool, err error) {
	kind, msg := publicError(err)
	if kind == centralpsa.KindInternal || kind == centralpsa.KindUnavailable {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "error", err)
	}
	status := statusOf[kind]
	if api {
		writeAPIError(w, status, kind, msg)
		return
	}
	s.renderError(w, r, status, kind, msg)
}

// writeAPIError writes the one JSON error shape.
func writeAPIError(w http.ResponseWriter, status int, kind centralpsa.Kind, msg string) {
	writeJSON(w, status, apiError{apiErrorBody{Code: kind, Message: msg}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// decodeJSON reads a JSON request body into v, refusing unknown fields so
// a typo is an error rather than a silent no-op.
func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return centralpsa.Errorf(centralpsa.KindInvalid, "request body is not the expected JSON: %v", err)
	}
	return nil
}
