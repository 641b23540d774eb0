package web

import "net/http"

// writeTask answers a request that started a task: 202 Accepted, the
// task's URL in Location, the task as started in the body.
func writeTask(w http.ResponseWriter, t Task) {
	w.Header().Set("Location", "/api/v1/tasks/"+t.ID)
	writeJSON(w, http.StatusAccepted, t)
}

// apiTasks lists this process's tasks, newest first.
func (s *Server) apiTasks(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, struct {
		Tasks []Task `json:"tasks"`
	}{s.tasks.list()})
}

// apiTask returns one task: poll it until status is no longer running.
func (s *Server) apiTask(w http.ResponseWriter, r *http.Request) {
	t, ok := s.tasks.get(r.PathValue("id"))
	if !ok {
		s.fail(w, r, true, errNoTask)
		return
	}
	writeJSON(w, http.StatusOK, t)
}
