package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Tenant is a Sophos Central tenant as the partner API lists it.
type Tenant struct {
	ID          string
	Name        string
	BillingType string // usage, term or trial
	APIHost     string // the tenant's regional API host
}

// Mapping ties a Sophos tenant to a ConnectWise company and agreement,
// with the switches for usage and ticket sync and the last usage outcome.
// A zero CompanyID or AgreementID means none is chosen (NULL).
type Mapping struct {
	TenantID       string
	TenantName     string
	BillingType    string
	APIHost        string
	CompanyID      int64
	CompanyName    string
	AgreementID    int64
	AgreementName  string
	UsageEnabled   bool
	TicketsEnabled bool
	// The last usage sync for this tenant, set by SetUsageStatus.
	LastUsageStatus  string
	LastUsageMessage string
	LastUsageAt      time.Time
	UpdatedAt        time.Time
}

// Mapped reports whether the tenant has a ConnectWise company.
func (m Mapping) Mapped() bool { return m.CompanyID != 0 }

// UpsertTenants records tenants as Sophos lists them, refreshing names,
// billing types and API hosts of known tenants without touching their
// mapping. New tenants start unmapped with both syncs off.
func (h *handle) UpsertTenants(ctx context.Context, tenants []Tenant) error {
	for _, t := range tenants {
		if t.ID == "" {
			return invalid("tenant %q has no id", t.Name)
		}
	}
	return h.atomic(ctx, func(h *handle) error {
		now := h.d.timeArg(h.now())
		for _, t := range tenants {
			_, err := h.exec(ctx, `INSERT INTO mappings (tenant_id, tenant_name, billing_type, api_host, updated_at)
				VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (tenant_id) DO UPDATE SET tenant_name = excluded.tenant_name,
					billing_type = excluded.billing_type, api_host = excluded.api_host, updated_at = excluded.updated_at`,
				t.ID, t.Name, t.BillingType, t.APIHost, now)
			if err != nil {
				return classify(err, "store tenant %s", t.ID)
			}
		}
		return nil
	})
}

// SetMapping stores the company, agreement and switches of m.TenantID,
// creating the row if the tenant is not known yet. Tenant fields left
// empty keep their stored values; the last usage outcome is kept.
func (h *handle) SetMapping(ctx context.Context, m Mapping) error {
	if m.TenantID == "" {
		return invalid("mapping has no tenant id")
	}
	if m.AgreementID != 0 && m.CompanyID == 0 {
		return invalid("tenant %s: an agreement needs a company", m.TenantID)
	}
	_, err := h.exec(ctx, `INSERT INTO mappings (tenant_id, tenant_name, billing_type, api_host, company_id, company_name,
			agreement_id, agreement_name, usage_enabled, tickets_enabled, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (tenant_id) DO UPDATE SET
			tenant_name = CASE WHEN excluded.tenant_name = '' THEN mappings.tenant_name ELSE excluded.tenant_name END,
			billing_type = CASE WHEN excluded.billing_type = '' THEN mappings.billing_type ELSE excluded.billing_type END,
			api_host = CASE WHEN excluded.api_host = '' THEN mappings.api_host ELSE excluded.api_host END,
			company_id = excluded.company_id, company_name = excluded.company_name,
			agreement_id = excluded.agreement_id, agreement_name = excluded.agreement_name,
			usage_enabled = excluded.usage_enabled, tickets_enabled = excluded.tickets_enabled,
			updated_at = excluded.updated_at`,
		m.TenantID, m.TenantName, m.BillingType, m.APIHost, idArg(m.CompanyID), m.CompanyName,
		idArg(m.AgreementID), m.AgreementName, m.UsageEnabled, m.TicketsEnabled, h.d.timeArg(h.now()))
	if err != nil {
		return classify(err, "store mapping of tenant %s", m.TenantID)
	}
	return nil
}

const mappingColumns = `tenant_id, tenant_name, billing_type, api_host, company_id, company_name, agreement_id,
	agreement_name, usage_enabled, tickets_enabled, last_usage_status, last_usage_message, last_usage_at, updated_at`

func scanMapping(row interface{ Scan(...any) error }) (Mapping, error) {
	var m Mapping
	var company, agreement sql.NullInt64
	err := row.Scan(&m.TenantID, &m.TenantName, &m.BillingType, &m.APIHost, &company, &m.CompanyName, &agreement,
		&m.AgreementName, &m.UsageEnabled, &m.TicketsEnabled, &m.LastUsageStatus, &m.LastUsageMessage,
		timeScanner{&m.LastUsageAt}, timeScanner{&m.UpdatedAt})
	m.CompanyID, m.AgreementID = company.Int64, agreement.Int64
	return m, err
}

// Mapping returns one tenant's mapping, or a KindNotFound error.
func (h *handle) Mapping(ctx context.Context, tenantID string) (Mapping, error) {
	m, err := scanMapping(h.queryRow(ctx, `SELECT `+mappingColumns+` FROM mappings WHERE tenant_id = ?`, tenantID))
	if errors.Is(err, sql.ErrNoRows) {
		return Mapping{}, notFound("tenant %s is not known; refresh tenants from Sophos Central first", tenantID)
	}
	if err != nil {
		return Mapping{}, classify(err, "read mapping of tenant %s", tenantID)
	}
	return m, nil
}

// Mappings returns every tenant ordered by name.
func (h *handle) Mappings(ctx context.Context) ([]Mapping, error) {
	rows, err := h.query(ctx, `SELECT `+mappingColumns+` FROM mappings ORDER BY tenant_name, tenant_id`)
	if err != nil {
		return nil, classify(err, "read mappings")
	}
	defer rows.Close()
	out := []Mapping{}
	for rows.Next() {
		m, err := scanMapping(rows)
		if err != nil {
			return nil, classify(err, "read mappings")
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, classify(err, "read mappings")
	}
	return out, nil
}

// SetUsageStatus records the outcome of the last usage sync for a tenant
// (status such as ok, failed or skipped, with a message for the console).
func (h *handle) SetUsageStatus(ctx context.Context, tenantID, status, message string, at time.Time) error {
	res, err := h.exec(ctx, `UPDATE mappings SET last_usage_status = ?, last_usage_message = ?, last_usage_at = ? WHERE tenant_id = ?`,
		status, message, h.d.timeArg(at), tenantID)
	if err != nil {
		return classify(err, "store usage status of tenant %s", tenantID)
	}
	if ok, err := rowsAffected(res); err != nil {
		return classify(err, "store usage status of tenant %s", tenantID)
	} else if !ok {
		return notFound("tenant %s is not known", tenantID)
	}
	return nil
}
