package web

import "net/http"

// handleCustomersBulk starts a bulk action (the button pressed) on the
// tenants ticked and sends the browser to the task's progress page. A
// refused action (none ticked) goes back to the list with the reason.
func (s *Server) handleCustomersBulk(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, false, err)
		return
	}
	t, err := s.startBulk(r.PostForm.Get("action"), r.PostForm["tenant"], false)
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	http.Redirect(w, r, "/tasks/"+t.ID, http.StatusSeeOther)
}
