package cwemu

import (
	"fmt"
	"net/http"
	"time"

	"centralpsa/emu"
)

// tooManyBody is ConnectWise's documented 429 body. Note "error", not
// "code", and the capitalisation ConnectWiseAPI (doc §7.3).
func tooManyBody(secs int) string {
	return fmt.Sprintf(`{"error":"ConnectWiseAPI","message":"Too many requests. Please try again in %d seconds."}`, secs)
}

// TooManyRequests is a 429 with Retry-After and the vendor's body. The
// body always says 30 seconds, as the documented example does, whatever
// the header says.
func TooManyRequests(retryAfter time.Duration) emu.Fault {
	return emu.Fault{Kind: emu.FaultStatus, Status: http.StatusTooManyRequests, RetryAfter: retryAfter,
		Body: tooManyBody(30), ContentType: jsonType}
}

// ServerError is the 500 ConnectWise answers when a query times out.
func ServerError() emu.Fault {
	return emu.Fault{Kind: emu.FaultStatus, Status: http.StatusInternalServerError, ContentType: jsonType,
		Body: `{"code":"ConnectWiseApi","message":"A timeout has occured. Please try again.","errors":null}`}
}

// SlowSuccess applies POSTs to pathPrefix ("" = any) and then holds the
// 201 for delay, so a client with a shorter timeout sees a failure for a
// record that was created: the case idempotent creation must survive.
func SlowSuccess(pathPrefix string, delay time.Duration) emu.Fault {
	return emu.Fault{Kind: emu.FaultSlowSuccess, Method: http.MethodPost, PathPrefix: pathPrefix, Delay: delay}
}
