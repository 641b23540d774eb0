package ticketsync

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"centralpsa/connectwise"
	"centralpsa/sophos"
	"centralpsa/store"
)

var timeZero time.Time

// audit notes a write sent upstream. Entries are stored with the link the
// write led to (save) or, when the key failed, at the end of the tenant.
// Bodies hold no credentials: those travel in headers.
func (r *tenantRun) audit(method, endpoint, entity string, id int64, body any, err error) {
	after, _ := json.Marshal(body)
	a := store.Audit{RunID: r.runID, Method: method, Endpoint: endpoint, Entity: entity, After: after, Status: http.StatusOK}
	if method == http.MethodPost {
		a.Status = http.StatusCreated
	}
	if id != 0 {
		a.EntityID = strconv.FormatInt(id, 10)
	}
	if err != nil {
		a.Status, a.Error = 0, err.Error()
		var ce *connectwise.Error
		var se *sophos.Error
		switch {
		case errors.As(err, &ce):
			a.Status = ce.Status
		case errors.As(err, &se):
			a.Status = se.Status
		}
	}
	r.audits = append(r.audits, a)
}

// flushAudit records the writes that no link was stored with.
func (r *tenantRun) flushAudit(ctx context.Context) error {
	for _, a := range r.audits {
		if err := r.s.Store.AppendAudit(ctx, a); err != nil {
			return err
		}
	}
	r.audits = nil
	return nil
}
