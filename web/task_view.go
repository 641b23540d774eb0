package web

import (
	"net/http"
	"unicode"
	"unicode/utf8"

	"centralpsa"
	"centralpsa/customers"
	"centralpsa/usagesync"
)

// TaskView is the progress and outcome of a task, the fragment htmx
// polls. Only one of the outcome fields is set, by the task's kind.
type TaskView struct {
	Locale
	Task
	KindKey  string
	Running  bool
	Percent  int
	ErrorMsg string
	CSRF     string // for the Apply form of a refused apply's fresh plan

	Usage   *usagesync.Result // an apply's outcome
	Plan    *PlanView         // the fresh plan of an apply refused as stale
	AutoMap *AutoMapResult
	Refresh *customers.RefreshResult
	Bulk    *BulkResult
	Job     *JobOutcome
}

// Conflict reports an apply refused because the plan changed.
func (v TaskView) Conflict() bool { return v.Error != nil && v.Error.Code == centralpsa.KindConflict }

func (s *Server) taskView(r *http.Request, t Task) TaskView {
	v := TaskView{Locale: Locale{Lang: langFrom(r.Context())}, Task: t, KindKey: "task.kind." + t.Kind, Running: t.Status == taskRunning}
	if sess := sessionFrom(r.Context()); sess != nil {
		v.CSRF = sess.CSRFToken
	}
	if t.Total > 0 {
		v.Percent = min(100, t.Done*100/t.Total)
	}
	if t.Error != nil {
		v.ErrorMsg = sentence(t.Error.Message)
		if t.Error.Code == centralpsa.KindInternal {
			v.ErrorMsg = v.T("error.internal")
		}
	}
	switch res := t.Result.(type) {
	case *usagesync.Result:
		if res.DryRun {
			pv := planView(res.Plan)
			v.Plan = &pv
		} else {
			v.Usage = res
		}
	case *AutoMapResult:
		v.AutoMap = res
	case customers.RefreshResult:
		v.Refresh = &res
	case *BulkResult:
		v.Bulk = res
	case *JobOutcome:
		v.Job = res
	}
	return v
}

// taskPage is the no-JavaScript page of a task: it refreshes itself every
// second while the task runs.
type taskPage struct {
	Layout
	View TaskView
}

// handleTask shows a task. htmx's poll (HX-Request) gets the fragment
// alone; it stops polling once the fragment comes back finished.
func (s *Server) handleTask(w http.ResponseWriter, r *http.Request) {
	t, ok := s.tasks.get(r.PathValue("id"))
	if !ok {
		s.fail(w, r, false, errNoTask)
		return
	}
	v := s.taskView(r, t)
	if r.Header.Get("HX-Request") == "true" {
		s.renderFragment(w, http.StatusOK, "task", "task", v)
		return
	}
	p := &taskPage{Layout: Layout{Title: v.KindKey, Nav: taskNav[t.Kind]}, View: v}
	if v.Running {
		p.Refresh = 1
	}
	s.render(w, r, http.StatusOK, "task", p)
}

var errNoTask = centralpsa.Errorf(centralpsa.KindNotFound,
	"no such task: tasks are kept in the memory of the process that started them, and forgotten when it restarts")

// taskNav is the menu entry a task belongs to.
var taskNav = map[string]string{
	"automap": "/customers", "refresh": "/customers", "usage_on": "/customers", "usage_off": "/customers",
	"tickets_on": "/customers", "tickets_off": "/customers", "usage_apply": "/usage", "usage_sync": "/usage",
	"ticket_sync": "/tickets",
}

// sentence starts an error message (lower-case, as Go errors are) with a
// capital, for a page that shows it as a sentence.
func sentence(msg string) string {
	r, n := utf8.DecodeRuneInString(msg)
	if n == 0 {
		return msg
	}
	return string(unicode.ToUpper(r)) + msg[n:]
}
