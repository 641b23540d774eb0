package jobs

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"centralpsa"
	"centralpsa/store"
)

// apiError behaves like the client errors: a status with a Kind method
// (as *connectwise.Error has) and, for 429s, RetryAfterDelay.
type apiError struct {
	status int
	wait   time.Duration
}

func (e *apiError) Error() string                  { return fmt.Sprintf("vendor api: %d", e.status) }
func (e *apiError) RetryAfterDelay() time.Duration { return e.wait }
func (e *apiError) Kind() centralpsa.Kind {
	switch {
	case e.status == http.StatusUnauthorized:
		return centralpsa.KindUnauthorized
	case e.status == http.StatusForbidden:
		return centralpsa.KindForbidden
	case e.status == http.StatusNotFound:
		return centralpsa.KindNotFound
	case e.status == http.StatusConflict:
		return centralpsa.KindConflict
	case e.status == http.StatusTooManyRequests || e.status >= 500:
		return centralpsa.KindUnavailable
	}
	return centralpsa.KindInvalid
}

// asOnlyError exposes its kind only through As, like *sophos.Error.
type asOnlyError struct{ kind centralpsa.Kind }

func (e *asOnlyError) Error() string { return "as-only" }
func (e *asOnlyError) As(target any) bool {
	if p, ok := target.(**centralpsa.Error); ok {
		*p = &centralpsa.Error{Kind: e.kind, Message: "as-only"}
		return true
	}
	return false
}

func TestJobError(t *testing.T) {
	t.Parallel()
	const (
		pass   = "returned for backoff"
		cancel = "cancelled"
		none   = "nil"
	)
	tests := []struct {
		name   string
		err    error
		want   string
		snooze time.Duration // want a snooze of this length
	}{
		{"Nil", nil, none, 0},
		{"TooManyRequestsWithRetryAfter", &apiError{status: 429, wait: 90 * time.Second}, "", 90 * time.Second},
		{"WrappedTooManyRequests", fmt.Errorf("list agreements: %w", &apiError{status: 429, wait: time.Second}), "", time.Second},
		{"UnavailableWithRetryAfter", &apiError{status: 503, wait: 30 * time.Second}, "", 30 * time.Second},
		{"RetryAfterCapped", &apiError{status: 429, wait: 72 * time.Hour}, "", maxSnooze},
		{"TooManyRequestsWithoutRetryAfter", &apiError{status: 429}, pass, 0},
		{"ServerError", &apiError{status: 502}, pass, 0},
		{"Conflict", &apiError{status: 409}, pass, 0},
		{"BadRequest", &apiError{status: 400}, cancel, 0},
		{"Unauthorized", &apiError{status: 401}, cancel, 0},
		{"Forbidden", fmt.Errorf("create addition: %w", &apiError{status: 403}), cancel, 0},
		{"NotFound", &apiError{status: 404}, cancel, 0},
		{"CentralpsaInvalid", centralpsa.Errorf(centralpsa.KindInvalid, "tickets.board is not set"), cancel, 0},
		{"CentralpsaUnavailable", &centralpsa.Error{Kind: centralpsa.KindUnavailable, Err: errors.New("dial tcp")}, pass, 0},
		{"OuterKindWins", &centralpsa.Error{Kind: centralpsa.KindUnavailable, Err: &apiError{status: 404}}, pass, 0},
		{"KindThroughAs", fmt.Errorf("tenants: %w", &asOnlyError{centralpsa.KindForbidden}), cancel, 0},
		{"KindInJoin", errors.Join(errors.New("plain"), &apiError{status: 401}), cancel, 0},
		{"PlainErrorIsInternal", errors.New("boom"), pass, 0},
		{"Timeout", fmt.Errorf("sync: %w", context.DeadlineExceeded), pass, 0},
		// Another process syncs: wait until its lease would run out (here long past: the 1 s floor).
		{"LeaseHeld", fmt.Errorf("usage sync: %w", &store.LeaseHeldError{Name: store.LeaseUsageSync, Holder: "host:1"}), "", time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := jobError(tt.err)
			var snooze *river.JobSnoozeError
			var cancelled *river.JobCancelError
			switch {
			case tt.want == none:
				if got != nil {
					t.Fatalf("jobError = %v, want nil", got)
				}
			case tt.snooze > 0:
				if !errors.As(got, &snooze) || snooze.Duration != tt.snooze {
					t.Fatalf("jobError = %#v, want a snooze of %s", got, tt.snooze)
				}
			case tt.want == cancel:
				if !errors.As(got, &cancelled) || !errors.Is(got, tt.err) {
					t.Fatalf("jobError = %#v, want a cancel wrapping the error", got)
				}
			case tt.want == pass:
				if got != tt.err {
					t.Fatalf("jobError = %#v, want the error itself", got)
				}
			}
		})
	}
}
