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
	key      string // the op the write belongs to, "" for none
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
// A successful write of an op is audited in one transaction with a mark
// on the op (see late), so that if the process dies before the op is
// marked done, the next attempt that finds the change applied does not
// audit it again.
func (a *applier) sent(ctx context.Context, w write, after any, err error) {
	a.mu.Lock()
	a.writes++
	n := a.writes
	if err == nil {
		a.res.Writes[w.kind]++
	}
	a.mu.Unlock()
	if after == nil || err != nil {
		after = w.body
	}
	entry := store.Audit{RunID: a.runID, Method: w.method, Endpoint: w.endpoint, Entity: w.entity, EntityID: w.entityID,
		Before: jsonOf(w.before), After: jsonOf(after), Status: statusOf(w.method, err)}
	if err != nil {
		entry.Error = err.Error()
	}
	a.auditOp(ctx, entry, w.key, err == nil)
	if a.s.AfterWriteFunc != nil {
		a.s.AfterWriteFunc(n)
	}
}

// auditOp appends entry and, when the write surely took effect, marks
// the op key audited, in one transaction.
func (a *applier) auditOp(ctx context.Context, entry store.Audit, key string, applied bool) {
	if applied && key != "" && a.runID != 0 {
		a.mu.Lock()
		a.audited[key] = true
		a.mu.Unlock()
	}
	a.bookkeep(ctx, "audit "+entry.Method+" "+entry.Endpoint, func(ctx context.Context) error {
		if !applied || key == "" || a.runID == 0 {
			return a.s.Store.AppendAudit(ctx, entry)
		}
		return a.s.Store.Tx(ctx, func(tx *store.Tx) error {
			if err := tx.AppendAudit(ctx, entry); err != nil {
				return err
			}
			return tx.MarkOp(ctx, a.runID, key, store.OpPending, []byte(auditedMark))
		})
	})
}

// auditedMark is the result a pending op carries once a write of it that
// took effect is in the audit log.
const auditedMark = `{"audited":true}`

// isAudited reads auditedMark from an op's result.
func isAudited(result []byte) bool {
	var r struct {
		Audited bool `json:"audited"`
	}
	return json.Unmarshal(result, &r) == nil && r.Audited
}

// late audits a write that an earlier attempt of the run sent but died
// before recording: its op (key) was left pending and its effect is now
// found in ConnectWise. Without this entry the log would miss a change;
// with a second one it would claim the change twice, so an op already
// marked audited is skipped.
func (a *applier) late(ctx context.Context, key string, w write, found any) {
	a.mu.Lock()
	seen := a.audited[key]
	a.mu.Unlock()
	if seen {
		return
	}
	entry := store.Audit{RunID: a.runID, Method: w.method, Endpoint: w.endpoint, Entity: w.entity, EntityID: w.entityID,
		Before: jsonOf(w.before), After: jsonOf(found),
		Error: "sent by an earlier attempt of this run that stopped before recording the answer; found applied on resume"}
	a.auditOp(ctx, entry, key, true)
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
