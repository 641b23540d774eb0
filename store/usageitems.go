package store

import (
	"context"
	"strings"
	"time"
)

// UsageItem is a ConnectWise catalog item that centralpsa created for usage
// billing. Usage sync passes their identifiers back to the planner as
// managed, so an addition keeps being maintained (zeroed or cancelled)
// after its product disappears from Sophos's report.
type UsageItem struct {
	Identifier  string
	CatalogID   int64
	ProductCode string    // the Sophos code it was created for, when known
	RunID       int64     // the run that created it; 0 when none
	CreatedAt   time.Time // set by the store
}

// AddUsageItem records a created catalog item. Identifiers are compared
// without case, as ConnectWise does; recording one again (a retried run)
// only refreshes its catalog id, keeping when and by which run it was
// first recorded.
func (h *handle) AddUsageItem(ctx context.Context, it UsageItem) error {
	if strings.TrimSpace(it.Identifier) == "" || it.CatalogID <= 0 {
		return invalid("usage item needs an identifier and a catalog id (got %q, %d)", it.Identifier, it.CatalogID)
	}
	_, err := h.exec(ctx, `INSERT INTO usage_items (identifier_key, identifier, catalog_id, product_code, run_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (identifier_key) DO UPDATE SET catalog_id = excluded.catalog_id`,
		strings.ToLower(it.Identifier), it.Identifier, it.CatalogID, it.ProductCode, idArg(it.RunID), h.d.timeArg(h.now()))
	if err != nil {
		return classify(err, "record usage item %s", it.Identifier)
	}
	return nil
}

// UsageItems returns every recorded item ordered by identifier.
func (h *handle) UsageItems(ctx context.Context) ([]UsageItem, error) {
	rows, err := h.query(ctx, `SELECT identifier, catalog_id, product_code, run_id, created_at
		FROM usage_items ORDER BY identifier_key`)
	if err != nil {
		return nil, classify(err, "read usage items")
	}
	defer rows.Close()
	out := []UsageItem{}
	for rows.Next() {
		var it UsageItem
		var run *int64
		if err := rows.Scan(&it.Identifier, &it.CatalogID, &it.ProductCode, &run, timeScanner{&it.CreatedAt}); err != nil {
			return nil, classify(err, "read usage items")
		}
		if run != nil {
			it.RunID = *run
		}
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, classify(err, "read usage items")
	}
	return out, nil
}
