package web

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"centralpsa"
)

// Long operations (an apply, an auto-map, a bulk change, following a
// queued sync) run in the background as tasks, so no request waits for
// them: the handler starts a task and answers at once with its id, and
// the task page (htmx polls it every second; without JavaScript it
// refreshes itself) or GET /api/v1/tasks/{id} shows done of total and,
// at the end, the outcome. Tasks live in this process's memory: a
// restart forgets them (their effects are in the database), and behind a
// load balancer the poll must reach the process that started the task.

// Task states.
const (
	taskRunning = "running"
	taskDone    = "done"
	taskFailed  = "failed"
)

const (
	// maxTasks is how many tasks are remembered; the oldest finished
	// ones are forgotten first.
	maxTasks = 200
	// taskTimeout bounds a task. The usage sync job has 30 minutes; a
	// console apply gets as long.
	taskTimeout = 30 * time.Minute
)

// Task is a background operation as the console and the API show it.
// Result is the operation's outcome (for a usage apply refused as stale:
// the fresh plan, beside the conflict error).
type Task struct {
	ID         string        `json:"id"`
	Kind       string        `json:"kind"`
	Status     string        `json:"status"` // running, done or failed
	Done       int           `json:"done"`
	Total      int           `json:"total"` // 0 while unknown
	Error      *apiErrorBody `json:"error,omitempty"`
	Result     any           `json:"result,omitempty"`
	Link       string        `json:"link,omitempty"` // the page of what the task made (a run)
	StartedAt  time.Time     `json:"startedAt"`
	FinishedAt time.Time     `json:"finishedAt,omitzero"`
}

// taskFunc is a task's work. It reports progress and its link through h.
type taskFunc func(ctx context.Context, h *taskHandle) (result any, err error)

// taskRegistry runs tasks and remembers them.
type taskRegistry struct {
	log *slog.Logger
	now func() time.Time

	ctx    context.Context // ended by shutdown
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu    sync.Mutex
	tasks map[string]*Task
	order []string // ids, oldest first
}

func newTaskRegistry(log *slog.Logger, now func() time.Time) *taskRegistry {
	ctx, cancel := context.WithCancel(context.Background())
	return &taskRegistry{log: log, now: now, ctx: ctx, cancel: cancel, tasks: map[string]*Task{}}
}

// taskHandle is what a running task sees of its record.
type taskHandle struct {
	r  *taskRegistry
	id string
}

// progress records done of total; total 0 means not known yet.
func (h *taskHandle) progress(done, total int) {
	h.r.update(h.id, func(t *Task) { t.Done, t.Total = done, total })
}

// link records the page of what the task made.
func (h *taskHandle) link(href string) { h.r.update(h.id, func(t *Task) { t.Link = href }) }

// start runs fn in the background and returns the task as started. The
// task's context is not the request's: it outlives the answer and ends
// with Shutdown or taskTimeout.
func (r *taskRegistry) start(kind string, fn taskFunc) Task {
	t := &Task{ID: newToken()[:22], Kind: kind, Status: taskRunning, StartedAt: r.now().UTC()}
	r.mu.Lock()
	r.tasks[t.ID] = t
	r.order = append(r.order, t.ID)
	r.prune()
	snapshot := *t
	r.mu.Unlock()

	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		ctx, cancel := context.WithTimeout(r.ctx, taskTimeout)
		defer cancel()
		log := r.log.With("task_id", t.ID, "task", kind)
		log.Info("task started")
		res, err := r.run(ctx, fn, &taskHandle{r: r, id: t.ID})
		r.finish(t.ID, res, err, log)
	}()
	return snapshot
}

// run calls fn, turning a panic into an internal error so one bad task
// does not take the process down.
func (r *taskRegistry) run(ctx context.Context, fn taskFunc, h *taskHandle) (res any, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = centralpsa.Errorf(centralpsa.KindInternal, "task panicked: %v", p)
		}
	}()
	return fn(ctx, h)
}

func (r *taskRegistry) finish(id string, res any, err error, log *slog.Logger) {
	r.update(id, func(t *Task) {
		t.Result, t.FinishedAt, t.Status = res, r.now().UTC(), taskDone
		if err != nil {
			kind, msg := publicError(err)
			t.Status, t.Error = taskFailed, &apiErrorBody{Code: kind, Message: msg}
		}
		if t.Status == taskDone && t.Total > 0 {
			t.Done = t.Total
		}
	})
	switch kind := centralpsa.ErrorKind(err); {
	case err == nil:
		log.Info("task finished")
	case kind == centralpsa.KindInternal || kind == centralpsa.KindUnavailable:
		log.Error("task failed", "error", err)
	default:
		log.Info("task refused", "error", err)
	}
}

func (r *taskRegistry) update(id string, fn func(*Task)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if t, ok := r.tasks[id]; ok {
		fn(t)
	}
}

// prune forgets the oldest finished tasks beyond maxTasks. Running ones
// are kept whatever their number. Call with mu held.
func (r *taskRegistry) prune() {
	for i := 0; len(r.order) > maxTasks && i < len(r.order); {
		if t := r.tasks[r.order[i]]; t.Status != taskRunning {
			delete(r.tasks, r.order[i])
			r.order = slices.Delete(r.order, i, i+1)
			continue
		}
		i++
	}
}

// get returns a copy of the task.
func (r *taskRegistry) get(id string) (Task, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	t, ok := r.tasks[id]
	if !ok {
		return Task{}, false
	}
	return *t, true
}

// list returns copies of the tasks, newest first.
func (r *taskRegistry) list() []Task {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Task, 0, len(r.order))
	for _, id := range slices.Backward(r.order) {
		out = append(out, *r.tasks[id])
	}
	return out
}

// shutdown waits for running tasks until ctx ends, then cancels them and
// waits for them to return.
func (r *taskRegistry) shutdown(ctx context.Context) error {
	done := make(chan struct{})
	go func() { r.wg.Wait(); close(done) }()
	select {
	case <-done:
		r.cancel()
		return nil
	case <-ctx.Done():
	}
	r.cancel()
	<-done
	return ctx.Err()
}
