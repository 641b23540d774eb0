package usagesync

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"centralpsa/connectwise"
	"centralpsa/store"
)

// write is one request that changes ConnectWise, as the audit log keeps
// it. kind is what Result.Writes counts it under.
type write struct {
	kind     string
	method   string
	endpoint string // relative to the API root, as connectwise.Error.Path
	entity   string
	entityID string
	before   any // the record before, when known
	body     any // what was sent
}

// Audit entities.
const (
	entityAddition    = "agreement_addition"
	entityCatalogItem = "catalog_item"
)

// sent audits a write once its answer (or failure) is known, counts it
// and calls the test hook. after is the answer; when there is none the
// body sent is kept instead, so the entry still shows what was attempted.
func (a *applier) sent(ctx context.Context, w write, after any, err error) {
	a.writes++
	if after == nil || err != nil {
		after = w.body
	}
	entry := store.Audit{RunID: a.runID, Method: w.method, Endpoint: w.endpoint, Entity: w.entity, EntityID: w.entityID,
		Before: jsonOf(w.before), After: jsonOf(after), Status: statusOf(w.method, err)}
	if err != nil {
		entry.Error = err.Error()
	}
	a.bookkeep(ctx, "audit "+w.method+" "+w.endpoint, func(ctx context.Context) error {
		return a.s.Store.AppendAudit(ctx, entry)
	})
	if err == nil {
		a.res.Writes[w.kind]++
	}
	if a.s.AfterWriteFunc != nil {
		a.s.AfterWriteFunc(a.writes)
	}
}

// late audits a write that an earlier attempt of the run sent but died
// before recording: its op was left pending and its effect is now found
// in ConnectWise. Without this entry the log would miss a change.
func (a *applier) late(ctx context.Context, w write, found any) {
	entry := store.Audit{RunID: a.runID, Method: w.method, Endpoint: w.endpoint, Entity: w.entity, EntityID: w.entityID,
		Before: jsonOf(w.before), After: jsonOf(found),
		Error: "sent by an earlier attempt of this run that stopped before recording the answer; found applied on resume"}
	a.bookkeep(ctx, "audit "+w.method+" "+w.endpoint, func(ctx context.Context) error {
		return a.s.Store.AppendAudit(ctx, entry)
	})
}

// statusOf is the HTTP status to audit: the success status of the method,
// the error status of a refusal, or 0 when no answer arrived.
func statusOf(method string, err error) int {
	if err == nil {
		if method == http.MethodPost {
			return http.StatusCreated
		}
		return http.StatusOK
	}
	var ce *connectwise.Error
	if errors.As(err, &ce) && !errors.Is(err, connectwise.ErrOutcomeUnknown) {
		return ce.Status
	}
	return 0
}

func jsonOf(v any) []byte {
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil || string(b) == "null" {
		return nil
	}
	return b
}

// additionRecord is the part of an addition the audit log keeps.
type additionRecord struct {
	ID            int              `json:"id,omitempty"`
	AgreementID   int              `json:"agreementId,omitempty"`
	ProductID     int              `json:"productId,omitempty"`
	Product       string           `json:"product,omitempty"`
	Quantity      *float64         `json:"quantity,omitempty"`
	BillCustomer  string           `json:"billCustomer,omitempty"`
	EffectiveDate connectwise.Time `json:"effectiveDate,omitzero"`
	CancelledDate connectwise.Time `json:"cancelledDate,omitzero"`
}

func additionView(a *connectwise.Addition) any {
	if a == nil {
		return nil
	}
	r := additionRecord{ID: a.ID, AgreementID: a.AgreementID, Quantity: a.Quantity, BillCustomer: a.BillCustomer,
		EffectiveDate: a.EffectiveDate, CancelledDate: a.CancelledDate}
	if a.Product != nil {
		r.ProductID, r.Product = a.Product.ID, a.Product.Identifier
	}
	return r
}

// catalogRecord is the part of a catalog item the audit log keeps.
type catalogRecord struct {
	ID          int    `json:"id,omitempty"`
	Identifier  string `json:"identifier"`
	Description string `json:"description,omitempty"`
	TypeID      int    `json:"typeId,omitempty"`
	Subcategory int    `json:"subcategoryId,omitempty"`
}

func catalogView(c *connectwise.CatalogItem) any {
	if c == nil {
		return nil
	}
	r := catalogRecord{ID: c.ID, Identifier: c.Identifier, Description: c.Description}
	if c.Type != nil {
		r.TypeID = c.Type.ID
	}
	if c.Subcategory != nil {
		r.Subcategory = c.Subcategory.ID
	}
	return r
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
