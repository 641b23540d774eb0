package sophosemu

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
)

const alertsMaxPageSize = 100

// alertJSON is a Common API alert (§9.2).
type alertJSON struct {
	ID             string       `json:"id"`
	AllowedActions []string     `json:"allowedActions"`
	Category       string       `json:"category"`
	Description    string       `json:"description"`
	GroupKey       string       `json:"groupKey"`
	ManagedAgent   agentJSON    `json:"managedAgent"`
	Person         *personJSON  `json:"person,omitempty"`
	Product        string       `json:"product"`
	RaisedAt       string       `json:"raisedAt"`
	Severity       string       `json:"severity"`
	Tenant         tenantRefObj `json:"tenant"`
	Type           string       `json:"type"`
}

type agentJSON struct {
	ID   string `json:"id"`
	Type string `json:"type"`
	Name string `json:"name,omitempty"`
}

type personJSON struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

type tenantRefObj struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

func (s *Server) alertBody(a Alert, tenantName string) alertJSON {
	j := alertJSON{
		ID: a.ID, AllowedActions: a.AllowedActions, Category: a.Category, Description: a.Description,
		GroupKey: a.GroupKey, ManagedAgent: agentJSON{a.AgentID, a.AgentType, a.AgentName},
		Product: a.Product, RaisedAt: stamp(a.RaisedAt), Severity: a.Severity,
		Tenant: tenantRefObj{a.TenantID, tenantName}, Type: a.Type,
	}
	if a.PersonID != "" {
		j.Person = &personJSON{a.PersonID, a.PersonName}
	}
	return j
}

func (s *Server) handleAlerts(w http.ResponseWriter, r *http.Request, t Tenant) {
	aq, err := queryFromURL(r)
	s.listAlerts(w, t, aq, err)
}

func (s *Server) handleAlertSearch(w http.ResponseWriter, r *http.Request, t Tenant) {
	aq, err := queryFromBody(r)
	s.listAlerts(w, t, aq, err)
}

// listAlerts answers a tenant's open alerts that match aq, one key page.
func (s *Server) listAlerts(w http.ResponseWriter, t Tenant, aq alertQuery, err error) {
	if err != nil {
		s.fail(w, http.StatusBadRequest, codeBadRequest, err.Error())
		return
	}
	var list []Alert
	s.mu.Lock()
	for _, a := range s.tenantAlerts[t.ID] {
		if aq.match(a) {
			list = append(list, a.copy())
		}
	}
	s.mu.Unlock()
	if err := sortAlerts(list, aq.sort); err != nil {
		s.fail(w, http.StatusBadRequest, codeBadRequest, err.Error())
		return
	}
	lo, hi := aq.page.bounds(len(list))
	items := make([]any, 0, hi-lo)
	for _, a := range list[lo:hi] {
		items = append(items, s.alertBody(a, t.Name))
	}
	if len(aq.fields) > 0 {
		for i, it := range items {
			items[i] = project(it, aq.fields)
		}
	}
	writeJSON(w, http.StatusOK, pageBody{Items: items, Pages: aq.page.pages(len(list))})
}

// openAlert finds an open alert of tenant t; closed, unknown and other
// tenants' alerts all look the same: not found.
func (s *Server) openAlert(t Tenant, id string) (*Alert, bool) {
	a, ok := s.alerts[id]
	return a, ok && a.Open && a.TenantID == t.ID
}

// handleAlert is GET /common/v1/alerts/{alertId}.
func (s *Server) handleAlert(w http.ResponseWriter, r *http.Request, t Tenant) {
	s.mu.Lock()
	a, ok := s.openAlert(t, r.PathValue("alertId"))
	var c Alert
	if ok {
		c = a.copy()
	}
	s.mu.Unlock()
	if !ok {
		s.fail(w, http.StatusNotFound, codeResourceNotFound, "Alert not found.")
		return
	}
	writeFields(w, s.alertBody(c, t.Name), listParam(r.URL.Query(), "fields"))
}

type actionRequest struct {
	Action  string `json:"action"`
	Message string `json:"message"`
}

type actionResponse struct {
	ID          string  `json:"id"`
	AlertID     string  `json:"alertId"`
	Action      string  `json:"action"`
	Status      string  `json:"status"`
	RequestedAt string  `json:"requestedAt"`
	StartedAt   *string `json:"startedAt"`
	CompletedAt *string `json:"completedAt"`
	Result      string  `json:"result"`
}

var errNotAllowed = errors.New("action not allowed")

// handleAlertAction is POST /common/v1/alerts/{alertId}/actions. Any
// accepted action closes the alert: acknowledge completes at once, the
// clean-up actions answer "requested".
func (s *Server) handleAlertAction(w http.ResponseWriter, r *http.Request, t Tenant) {
	var req actionRequest
	if err := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 64<<10)).Decode(&req); err != nil || req.Action == "" {
		s.fail(w, http.StatusBadRequest, codeBadRequest, "The body must be a JSON object with an action.")
		return
	}
	id := r.PathValue("alertId")
	s.mu.Lock()
	a, ok := s.openAlert(t, id)
	err := errNotAllowed
	if ok && slices.Contains(a.AllowedActions, req.Action) {
		a.Open, err = false, nil
	}
	s.mu.Unlock()
	switch {
	case !ok:
		s.fail(w, http.StatusNotFound, codeResourceNotFound, "Alert not found.")
		return
	case err != nil:
		s.fail(w, http.StatusBadRequest, codeBadRequest, fmt.Sprintf("Action %q is not allowed for this alert.", req.Action))
		return
	}
	now := stamp(s.now())
	resp := actionResponse{ID: s.reqIDs.next(), AlertID: id, Action: req.Action, Status: "requested", RequestedAt: now}
	if req.Action == "acknowledge" {
		resp.Status, resp.StartedAt, resp.CompletedAt = "completed", &now, &now
	}
	writeJSON(w, http.StatusCreated, resp)
}
