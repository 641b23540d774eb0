package jobs

import (
	"errors"
	"time"

	"github.com/riverqueue/river"

	"centralpsa"
)

// RetryAfter is implemented by errors that carry a server's instruction to
// wait, such as a 429 or 503 with a Retry-After header. RetryAfterDelay
// returns the wait, or 0 when the server gave none. The ConnectWise and
// Sophos client errors are expected to implement it by returning their
// RetryAfter field; any wrapper that keeps the error in its %w chain works.
type RetryAfter interface {
	RetryAfterDelay() time.Duration
}

// maxSnooze bounds how long one Retry-After may park a job, so a garbled
// header (a date years away) cannot hide a job for good.
const maxSnooze = 6 * time.Hour

// jobError is the one place where a syncer's error becomes River's
// decision:
//
//   - a wait announced by the server (RetryAfter) → snooze for that long;
//     a snooze does not use up an attempt,
//   - invalid, not found, unauthorized, forbidden → cancel: a setting, a
//     mapping or an API role must change first, and retrying 10 times
//     would only repeat the failure and fill the logs,
//   - anything else (unavailable, internal, conflict, a timeout) → return
//     the error, and River retries with backoff.
func jobError(err error) error {
	if err == nil {
		return nil
	}
	var ra RetryAfter
	if errors.As(err, &ra) {
		if d := ra.RetryAfterDelay(); d > 0 {
			return river.JobSnooze(min(d, maxSnooze))
		}
	}
	switch errorKind(err) {
	case centralpsa.KindInvalid, centralpsa.KindNotFound, centralpsa.KindUnauthorized, centralpsa.KindForbidden:
		return river.JobCancel(err)
	}
	return err
}

// kinded is an error that knows its kind without being a
// *centralpsa.Error, as *connectwise.Error and *sophos.Error do.
type kinded interface{ Kind() centralpsa.Kind }

// errorKind is centralpsa.ErrorKind that also understands kinded errors.
// The outermost classified error wins, so a caller that wraps a client's
// 404 into, say, a conflict keeps its word.
func errorKind(err error) centralpsa.Kind {
	if k, ok := walkKind(err); ok {
		return k
	}
	return centralpsa.ErrorKind(err)
}

func walkKind(err error) (centralpsa.Kind, bool) {
	switch e := err.(type) {
	case nil:
		return "", false
	case *centralpsa.Error:
		return e.Kind, true
	case kinded:
		return e.Kind(), true
	case interface{ Unwrap() error }:
		return walkKind(e.Unwrap())
	case interface{ Unwrap() []error }:
		for _, inner := range e.Unwrap() {
			if k, ok := walkKind(inner); ok {
				return k, true
			}
		}
	}
	return "", false
}

// outcome names what jobError decided, for logs.
func outcome(err error) string {
	var snooze *river.JobSnoozeError
	var cancel *river.JobCancelError
	switch {
	case err == nil:
		return "completed"
	case errors.As(err, &snooze):
		return "snoozed"
	case errors.As(err, &cancel):
		return "cancelled"
	}
	return "failed"
}
