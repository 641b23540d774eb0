package cwemu

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
)

// Error reports an apiError to Go callers of the test helpers.
func (e *apiError) Error() string {
	msg := fmt.Sprintf("connectwise emulator: %d %s: %s", e.status, e.body.Code, e.body.Message)
	for _, fe := range e.body.Errors {
		msg += fmt.Sprintf("; %s %s: %s", fe.Code, fe.Field, fe.Message)
	}
	return msg
}

// Records returns copies of every record of a resource, in id order,
// shaped as a client decodes them (numbers are float64). The names are
// the store keys: companies, companyStatuses, companyTypes,
// contacts, agreementTypes, agreements, additions, catalog, productTypes,
// categories, subcategories, manufacturers, boards, statuses, boardTypes,
// subtypes, priorities, sources, tickets, notes, members, apiMembers,
// securityRoles, integratorLogins, locations, departments, billingCycles.
func (s *Server) Records(resource string) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tables[resource]
	if t == nil {
		return nil
	}
	return copies(t, t.ids)
}

// Children returns copies of the records under one parent, e.g. the
// additions of an agreement or the statuses of a board.
func (s *Server) Children(resource string, parentID int) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tables[resource]
	if t == nil {
		return nil
	}
	return copies(t, t.byParent[parentID])
}

// Record returns a copy of one record.
func (s *Server) Record(resource string, id int) (map[string]any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tables[resource]
	if t == nil || t.rows[id] == nil {
		return nil, false
	}
	return wireCopy(t.rows[id]), true
}

func copies(t *table, ids []int) []map[string]any {
	out := make([]map[string]any, 0, len(ids))
	for _, id := range ids {
		out = append(out, wireCopy(t.rows[id]))
	}
	return out
}

// wireCopy returns rec as a client would decode it (numbers are float64),
// sharing nothing with the store.
func wireCopy(rec record) map[string]any {
	b, err := json.Marshal(rec)
	if err != nil {
		return cloneRec(rec)
	}
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return out
}

// Companies, Agreements, CatalogItems and Tickets are Records shorthands.
func (s *Server) Companies() []map[string]any    { return s.Records("companies") }
func (s *Server) Agreements() []map[string]any   { return s.Records("agreements") }
func (s *Server) CatalogItems() []map[string]any { return s.Records("catalog") }
func (s *Server) Tickets() []map[string]any      { return s.Records("tickets") }

// Additions returns the additions of one agreement.
func (s *Server) Additions(agreementID int) []map[string]any {
	return s.Children("additions", agreementID)
}

// Notes returns the notes of one ticket, oldest first.
func (s *Server) Notes(ticketID int) []map[string]any { return s.Children("notes", ticketID) }

// Create adds a record through the API's write pipeline (references,
// defaults, validation) as a person in the UI would: without role checks,
// entered by the seed's admin rather than the API member. parentID is the agreement of
// an addition, the ticket of a note, the board of a status; else 0.
func (s *Server) Create(resource string, parentID int, rec map[string]any) (map[string]any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tables[resource]
	if t == nil {
		return nil, fmt.Errorf("connectwise emulator: no resource %q", resource)
	}
	s.asPerson = true
	defer func() { s.asPerson = false }()
	in := cloneRec(rec)
	dropNulls(in)
	saved, err := s.save(t.res, nil, in, parentID, http.MethodPost, slices.Collect(maps.Keys(in)))
	if err != nil {
		return nil, err
	}
	return wireCopy(saved), nil
}

// Update sets fields of a record as a PATCH would (a nil value removes the
// field), without role checks: how a test changes the world behind the
// client's back, e.g. a person editing a ticket in the UI.
func (s *Server) Update(resource string, id int, fields map[string]any) (map[string]any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tables[resource]
	if t == nil || t.rows[id] == nil {
		return nil, fmt.Errorf("connectwise emulator: no %s %d", resource, id)
	}
	s.asPerson = true
	defer func() { s.asPerson = false }()
	old := t.rows[id]
	rec := cloneRec(old)
	for k, v := range clone(fields).(map[string]any) {
		if v == nil {
			delete(rec, k)
			continue
		}
		rec[k] = v
	}
	parent, _ := t.parentOf(old)
	saved, err := s.save(t.res, old, rec, parent, http.MethodPatch, slices.Collect(maps.Keys(fields)))
	if err != nil {
		return nil, err
	}
	return wireCopy(saved), nil
}

// Delete removes a record and its children.
func (s *Server) Delete(resource string, id int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tables[resource]
	if t == nil || t.rows[id] == nil {
		return fmt.Errorf("connectwise emulator: no %s %d", resource, id)
	}
	s.deleteRecord(t, id)
	return nil
}

// SetAdditionQuantity changes an addition's quantity, as an accountant
// editing the agreement would.
func (s *Server) SetAdditionQuantity(agreementID, additionID int, quantity float64) error {
	rec, ok := s.Record("additions", additionID)
	if !ok || intField(rec, "agreementId") != agreementID {
		return fmt.Errorf("connectwise emulator: agreement %d has no addition %d", agreementID, additionID)
	}
	_, err := s.Update("additions", additionID, map[string]any{"quantity": quantity})
	return err
}

// CloseTicket moves a ticket to its board's closed status, as a technician
// closing it in the UI would.
func (s *Server) CloseTicket(id int) error {
	s.mu.Lock()
	t := s.tables["tickets"]
	rec := t.rows[id]
	var closed record
	if rec != nil {
		st := s.tables["statuses"]
		for _, sid := range st.byParent[refID(rec["board"])] {
			if st.rows[sid]["closedStatus"] == true {
				closed = st.rows[sid]
				break
			}
		}
	}
	s.mu.Unlock()
	if closed == nil {
		return fmt.Errorf("connectwise emulator: ticket %d has no board with a closed status", id)
	}
	_, err := s.Update("tickets", id, map[string]any{"status": map[string]any{"id": closed["id"]}})
	return err
}

// Role returns a copy of the API member's current role.
func (s *Server) Role() Role {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.role.Clone()
}

// SetRole replaces the API member's role; the next request sees it.
func (s *Server) SetRole(r Role) {
	s.mu.Lock()
	defer s.mu.Unlock()
	name := s.role.Name
	s.role = r.Clone()
	if s.role.Name == "" {
		s.role.Name = name
	}
}

// SetLevel sets the four levels of one role function.
func (s *Server) SetLevel(fn Function, l Levels) { s.SetRole(s.Role().With(fn, l)) }

// APIPath is the request path of an API path on the advertised codebase,
// e.g. APIPath("/service/tickets") = "/v2025_1/apis/3.0/service/tickets";
// fault rules match on it.
func (s *Server) APIPath(p string) string {
	return "/" + s.opts.Codebase + "apis/3.0/" + strings.TrimPrefix(p, "/")
}
