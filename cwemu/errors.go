package cwemu

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// envelope is ConnectWise's error body (doc §7.1).
type envelope struct {
	Code    string       `json:"code"`
	Message string       `json:"message"`
	Errors  []fieldError `json:"errors,omitempty"`
}

type fieldError struct {
	Code     string `json:"code"`
	Message  string `json:"message"`
	Resource string `json:"resource"`
	Field    string `json:"field"`
}

// apiError is an answer other than success: a status and a body, which is
// the JSON envelope unless text is set.
type apiError struct {
	status int
	body   envelope
	text   string // non-JSON body, e.g. "Cannot route…"
	allow  string // Allow header of a 405
}

func (e *apiError) write(w http.ResponseWriter) {
	if e.allow != "" {
		w.Header().Set("Allow", e.allow)
	}
	if e.text != "" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(e.status)
		_, _ = w.Write([]byte(e.text))
		return
	}
	w.Header().Set("Content-Type", jsonType)
	w.WriteHeader(e.status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ") // ConnectWise pretty-prints its errors
	_ = enc.Encode(e.body)
}

func errorf(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, body: envelope{Code: code, Message: fmt.Sprintf(format, args...)}}
}

func badRequest(format string, args ...any) *apiError {
	return errorf(http.StatusBadRequest, "InvalidObject", format, args...)
}

func notFound(entity string, id int) *apiError {
	return errorf(http.StatusNotFound, "NotFound", "%s %d not found", entity, id)
}

func forbidden(format string, args ...any) *apiError {
	return errorf(http.StatusForbidden, "Forbidden", format, args...)
}

// invalid collects the field errors of one write into the InvalidObject
// envelope ConnectWise returns.
type invalid struct {
	object string
	errs   []fieldError
}

func (v *invalid) add(code, field, format string, args ...any) {
	v.errs = append(v.errs, fieldError{Code: code, Message: fmt.Sprintf(format, args...), Resource: v.object, Field: field})
}

func (v *invalid) err() *apiError {
	if len(v.errs) == 0 {
		return nil
	}
	return &apiError{status: http.StatusBadRequest, body: envelope{Code: "InvalidObject", Message: v.object + " object is invalid", Errors: v.errs}}
}

// conversionError is what ConnectWise answers for a wrongly typed body
// field: a 500, not a 400 (doc §7.1).
func conversionError(field string, value any, typ string) *apiError {
	b, _ := json.Marshal(value)
	return errorf(http.StatusInternalServerError, "ConnectWiseApi",
		"Error converting value %s to type '%s'. Path '%s', line 1, position 1.", b, typ, field)
}
