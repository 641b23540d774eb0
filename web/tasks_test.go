package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"centralpsa"
)

func newTestRegistry() *taskRegistry {
	return newTaskRegistry(slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now)
}

// waitDone waits (bounded) for a task to leave running.
func waitDone(t *testing.T, r *taskRegistry, id string) Task {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		task, ok := r.get(id)
		if !ok {
			t.Fatalf("task %s forgotten", id)
		}
		if task.Status != taskRunning {
			return task
		}
		if time.Now().After(deadline) {
			t.Fatalf("task %s still running", id)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestTaskOutcomes(t *testing.T) {
	t.Parallel()
	r := newTestRegistry()
	tests := []struct {
		name       string
		fn         taskFunc
		wantStatus string
		wantCode   centralpsa.Kind
		wantMsg    string
		wantDone   int
	}{
		{"DoneFillsProgress", func(ctx context.Context, h *taskHandle) (any, error) {
			h.progress(1, 3)
			return "result", nil
		}, taskDone, "", "", 3},
		{"KindErrorShown", func(context.Context, *taskHandle) (any, error) {
			return nil, centralpsa.Errorf(centralpsa.KindConflict, "the plan changed")
		}, taskFailed, centralpsa.KindConflict, "the plan changed", 0},
		{"CauseHidden", func(context.Context, *taskHandle) (any, error) {
			return nil, fmt.Errorf("dial tcp: password=hunter2: %w", errors.New("refused"))
		}, taskFailed, centralpsa.KindInternal, "internal error; see the server log", 0},
		{"PanicIsInternal", func(context.Context, *taskHandle) (any, error) {
			panic("boom")
		}, taskFailed, centralpsa.KindInternal, "internal error; see the server log", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			started := r.start("test", tt.fn)
			if started.Status != taskRunning || started.ID == "" {
				t.Fatalf("started %+v", started)
			}
			got := waitDone(t, r, started.ID)
			if got.Status != tt.wantStatus || got.Done != tt.wantDone || got.FinishedAt.IsZero() {
				t.Fatalf("task %+v", got)
			}
			if tt.wantCode == "" {
				if got.Error != nil || got.Result != "result" {
					t.Fatalf("task %+v", got)
				}
				return
			}
			if got.Error == nil || got.Error.Code != tt.wantCode || got.Error.Message != tt.wantMsg {
				t.Fatalf("error %+v, want %s %q", got.Error, tt.wantCode, tt.wantMsg)
			}
		})
	}
}

// Old finished tasks are forgotten beyond maxTasks; running ones never.
func TestTaskPrune(t *testing.T) {
	t.Parallel()
	r := newTestRegistry()
	release := make(chan struct{})
	running := r.start("slow", func(ctx context.Context, _ *taskHandle) (any, error) { <-release; return nil, nil })
	var last Task
	for range maxTasks + 10 {
		last = r.start("quick", func(context.Context, *taskHandle) (any, error) { return nil, nil })
		waitDone(t, r, last.ID)
	}
	if n := len(r.list()); n > maxTasks+1 {
		t.Fatalf("%d tasks kept", n)
	}
	if _, ok := r.get(running.ID); !ok {
		t.Fatal("a running task was forgotten")
	}
	if l := r.list(); l[0].ID != last.ID {
		t.Fatalf("list is not newest first: %s", l[0].ID)
	}
	close(release)
	waitDone(t, r, running.ID)
}

// Shutdown lets tasks finish within its context, then cancels them.
func TestTaskShutdown(t *testing.T) {
	t.Parallel()
	r := newTestRegistry()
	quick := r.start("quick", func(ctx context.Context, _ *taskHandle) (any, error) {
		time.Sleep(5 * time.Millisecond)
		return nil, nil
	})
	stuck := r.start("stuck", func(ctx context.Context, _ *taskHandle) (any, error) {
		<-ctx.Done()
		return nil, centralpsa.Errorf(centralpsa.KindUnavailable, "stopped")
	})
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if err := r.shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("shutdown: %v", err)
	}
	if q, _ := r.get(quick.ID); q.Status != taskDone {
		t.Fatalf("quick task %+v", q)
	}
	if s, _ := r.get(stuck.ID); s.Status != taskFailed {
		t.Fatalf("stuck task %+v", s)
	}
	if err := newTestRegistry().shutdown(t.Context()); err != nil {
		t.Fatalf("shutdown with nothing running: %v", err)
	}
}
