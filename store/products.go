package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Where a product mapping came from.
const (
	SourceDefault = "default" // seeded from the built-in table
	SourceUser    = "user"    // chosen by a person
)

// Product maps a Sophos product code to a ConnectWise catalog item. A
// zero CatalogID means the item's id is not known yet (NULL).
type Product struct {
	Code              string
	CatalogIdentifier string
	CatalogID         int64
	Description       string
	Source            string // SourceDefault or SourceUser
	UpdatedAt         time.Time
}

// SetProduct stores a product mapping. A SourceDefault mapping never
// replaces a SourceUser one, so re-seeding the defaults keeps what a
// person chose; such a call is a silent no-op.
func (h *handle) SetProduct(ctx context.Context, p Product) error {
	if p.Code == "" || p.CatalogIdentifier == "" {
		return invalid("product mapping needs a product code and a catalog identifier")
	}
	if p.Source != SourceDefault && p.Source != SourceUser {
		return invalid("product %s: source %q is not %s or %s", p.Code, p.Source, SourceDefault, SourceUser)
	}
	_, err := h.exec(ctx, `INSERT INTO products (product_code, catalog_identifier, catalog_id, description, source, updated_at)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (product_code) DO UPDATE SET catalog_identifier = excluded.catalog_identifier,
			catalog_id = excluded.catalog_id, description = excluded.description, source = excluded.source,
			updated_at = excluded.updated_at
		WHERE products.source = 'default' OR excluded.source = 'user'`,
		p.Code, p.CatalogIdentifier, idArg(p.CatalogID), p.Description, p.Source, h.d.timeArg(h.now()))
	if err != nil {
		return classify(err, "store product %s", p.Code)
	}
	return nil
}

const productColumns = `product_code, catalog_identifier, catalog_id, description, source, updated_at`

func scanProduct(row interface{ Scan(...any) error }) (Product, error) {
	var p Product
	var id sql.NullInt64
	err := row.Scan(&p.Code, &p.CatalogIdentifier, &id, &p.Description, &p.Source, timeScanner{&p.UpdatedAt})
	p.CatalogID = id.Int64
	return p, err
}

// Product returns the mapping of one product code, or a KindNotFound error.
func (h *handle) Product(ctx context.Context, code string) (Product, error) {
	p, err := scanProduct(h.queryRow(ctx, `SELECT `+productColumns+` FROM products WHERE product_code = ?`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return Product{}, notFound("product %s has no catalog mapping", code)
	}
	if err != nil {
		return Product{}, classify(err, "read product %s", code)
	}
	return p, nil
}

// Products returns every product mapping ordered by code.
func (h *handle) Products(ctx context.Context) ([]Product, error) {
	rows, err := h.query(ctx, `SELECT `+productColumns+` FROM products ORDER BY product_code`)
	if err != nil {
		return nil, classify(err, "read products")
	}
	defer rows.Close()
	out := []Product{}
	for rows.Next() {
		p, err := scanProduct(rows)
		if err != nil {
			return nil, classify(err, "read products")
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, classify(err, "read products")
	}
	return out, nil
}
