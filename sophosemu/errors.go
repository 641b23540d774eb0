package sophosemu

import (
	"encoding/json"
	"net/http"
	"time"

	"centralpsa/emu"
)

// centralError is the error body of the Central APIs (§5.4). The real
// service is not consistent about the casing of `error`; the emulator uses
// the camelCase codes from the Common API examples.
type centralError struct {
	Error         string `json:"error"`
	Message       string `json:"message,omitempty"`
	CorrelationID string `json:"correlationId"`
	RequestID     string `json:"requestId"`
	CreatedAt     string `json:"createdAt"`
}

// idError is the error body of the token service, which differs from the
// Central APIs (§3.3).
type idError struct {
	ErrorCode  string `json:"errorCode"`
	Message    string `json:"message"`
	TrackingID string `json:"trackingId"`
}

// Error codes the emulator answers with.
const (
	codeUnauthorized     = "Unauthorized"
	codeForbidden        = "Forbidden"
	codeNotFound         = "notFound"
	codeResourceNotFound = "resourceNotFound"
	codeBadRequest       = "badRequest"
	codeTooMany          = "tooManyRequests"
	codeInternal         = "internalServerError"
)

// MsgNoUsageData is the message of the 404 for a billing month without a
// report, as the Partner API documents it.
const MsgNoUsageData = "No data for requested year or month"

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) fail(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, centralError{
		Error: code, Message: msg,
		CorrelationID: s.reqIDs.next(), RequestID: s.reqIDs.next(),
		CreatedAt: stamp(s.now()),
	})
}

func (s *Server) failID(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, idError{ErrorCode: code, Message: msg, TrackingID: s.reqIDs.next()})
}

// stamp formats a time the way Central does: UTC with milliseconds and Z.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// TooManyRequests is a fault answering 429 with Retry-After (rounded up to
// whole seconds by emu) and the Central error body. Set PathPrefix or
// Times on the result to aim it.
func TooManyRequests(retryAfter time.Duration) emu.Fault {
	return emu.Fault{
		Kind: emu.FaultStatus, Status: http.StatusTooManyRequests, RetryAfter: retryAfter,
		Body: fixedCentralBody(codeTooMany, "Too many requests."),
	}
}

// ServerError is a fault answering status (500, 502, 503 …) with the
// Central error body.
func ServerError(status int) emu.Fault {
	msg := http.StatusText(status)
	if msg == "" {
		msg = "Unexpected error"
	}
	return emu.Fault{Kind: emu.FaultStatus, Status: status, Body: fixedCentralBody(codeInternal, msg+".")}
}

// TokenError is a fault answering the token endpoint with status and the
// id service's body, e.g. TokenError(401, "oauth.client_disabled").
func TokenError(status int, errorCode string) emu.Fault {
	b, _ := json.Marshal(idError{ErrorCode: errorCode, Message: http.StatusText(status), TrackingID: "00000000-0000-4000-8000-000000000000"})
	return emu.Fault{Kind: emu.FaultStatus, Status: status, PathPrefix: tokenPath, Body: string(b)}
}

// fixedCentralBody is a Central error body for faults and the rate limit,
// whose bodies are fixed strings built before any request arrives.
func fixedCentralBody(code, msg string) string {
	b, _ := json.Marshal(centralError{
		Error: code, Message: msg,
		CorrelationID: "00000000-0000-4000-8000-000000000001",
		RequestID:     "00000000-0000-4000-8000-000000000002",
		CreatedAt:     stamp(time.Now()),
	})
	return string(b)
}
