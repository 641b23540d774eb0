package sophos

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"centralpsa"
)

// alertPageMax is the page size we trust; the newest example claims 1000
// but 100 was observed (doc §5.2, §14.5).
const alertPageMax = 100

// Alert is an open alert of a tenant (doc §9.2). Enumerated fields are free
// strings because Sophos adds values over time.
type Alert struct {
	ID             string        `json:"id"`
	AllowedActions []string      `json:"allowedActions,omitempty"`
	Category       string        `json:"category,omitempty"`
	Description    string        `json:"description,omitempty"`
	GroupKey       string        `json:"groupKey,omitempty"`
	ManagedAgent   *ManagedAgent `json:"managedAgent,omitempty"`
	Person         *Person       `json:"person,omitempty"`
	Product        string        `json:"product,omitempty"`
	RaisedAt       time.Time     `json:"-"`                  // UTC; see UnmarshalJSON
	Severity       string        `json:"severity,omitempty"` // "low", "medium", "high"
	Tenant         *AlertTenant  `json:"tenant,omitempty"`
	Type           string        `json:"type,omitempty"` // e.g. Event::Endpoint::OutOfDate
}

// ManagedAgent is the device an alert is about.
type ManagedAgent struct {
	ID   string `json:"id"`
	Type string `json:"type,omitempty"` // computer, server, mobile, xgFirewall, …
	Name string `json:"name,omitempty"`
}

// Person is the user an alert is about.
type Person struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

// AlertTenant names the tenant that raised an alert.
type AlertTenant struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

type alertJSON Alert

// UnmarshalJSON reads raisedAt with or without a zone (the official
// example omits the Z, real captures have it) and treats zoneless times as
// UTC.
func (a *Alert) UnmarshalJSON(b []byte) error {
	var w struct {
		alertJSON
		RaisedAt string `json:"raisedAt"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	v := Alert(w.alertJSON)
	if w.RaisedAt != "" {
		t, err := ParseTime(w.RaisedAt)
		if err != nil {
			return fmt.Errorf("alert %s: field raisedAt: %w", v.ID, err)
		}
		v.RaisedAt = t
	}
	*a = v
	return nil
}

// MarshalJSON writes raisedAt in UTC with milliseconds, like Sophos.
func (a Alert) MarshalJSON() ([]byte, error) {
	w := struct {
		alertJSON
		RaisedAt string `json:"raisedAt,omitempty"`
	}{alertJSON: alertJSON(a)}
	if !a.RaisedAt.IsZero() {
		w.RaisedAt = formatTime(a.RaisedAt)
	}
	return json.Marshal(w)
}

// ParseTime reads a Central date-time: RFC 3339 with or without fractional
// seconds, and the zoneless form, taken as UTC.
func ParseTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date-time", truncate(s))
}

func formatTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// AlertsOptions filters the alert list. Zero values are left out.
type AlertsOptions struct {
	From, To time.Time // raised on or after From, before To
	Product  []string
	Category []string
	Severity []string
	GroupKey string
	Sort     string // e.g. "raisedAt:desc"
	PageSize int    // default and maximum 100
}

func (o AlertsOptions) query() url.Values {
	q := url.Values{}
	size := o.PageSize
	if size <= 0 || size > alertPageMax {
		size = alertPageMax
	}
	q.Set("pageSize", strconv.Itoa(size))
	if !o.From.IsZero() {
		q.Set("from", formatTime(o.From))
	}
	if !o.To.IsZero() {
		q.Set("to", formatTime(o.To))
	}
	for k, v := range map[string][]string{"product": o.Product, "category": o.Category, "severity": o.Severity} {
		if len(v) > 0 {
			q.Set(k, strings.Join(v, ","))
		}
	}
	if o.GroupKey != "" {
		q.Set("groupKey", o.GroupKey)
	}
	if o.Sort != "" {
		q.Set("sort", o.Sort)
	}
	return q
}

// tenantCall prepares a call to the tenant's own apiHost with X-Tenant-ID.
func (c *Client) tenantCall(t Tenant, method, path string) (*call, error) {
	host, err := c.tenantHost(t)
	if err != nil {
		return nil, err
	}
	return &call{method: method, host: host, path: path, tenantID: t.ID,
		header: map[string]string{"X-Tenant-ID": t.ID}}, nil
}

// AllAlerts yields the tenant's open alerts, asking the tenant's apiHost.
// It stops at the first error, which it yields; a 403 is the tenant's
// alone (Partner Assistance off, trial), so callers go on with the others.
//
// Sophos: GET /common/v1/alerts (doc §9.1).
func (c *Client) AllAlerts(ctx context.Context, t Tenant, opts AlertsOptions) iter.Seq2[Alert, error] {
	return func(yield func(Alert, error) bool) {
		r, err := c.tenantCall(t, "GET", "/common/v1/alerts")
		if err != nil {
			yield(Alert{}, fmt.Errorf("list alerts: %w", err))
			return
		}
		r.query = opts.query()
		for a, err := range keyPaged(ctx, c, r, decodeAlert) {
			if err != nil {
				err = fmt.Errorf("list alerts of tenant %s: %w", t.ID, err)
			}
			if !yield(a, err) || err != nil {
				return
			}
		}
	}
}

// ListAlerts returns all of the tenant's open alerts.
func (c *Client) ListAlerts(ctx context.Context, t Tenant, opts AlertsOptions) ([]Alert, error) {
	return collect(c.AllAlerts(ctx, t, opts))
}

// GetAlert returns one alert. An alert that was closed or acknowledged
// answers 404 resourceNotFound: errors.Is(err, ErrNotFound).
//
// Sophos: GET /common/v1/alerts/{alertId} (doc §9.1).
func (c *Client) GetAlert(ctx context.Context, t Tenant, id string) (*Alert, error) {
	r, err := c.tenantCall(t, "GET", "/common/v1/alerts/"+url.PathEscape(id))
	if err != nil {
		return nil, fmt.Errorf("get alert %s: %w", id, err)
	}
	var a Alert
	err = c.do(ctx, r, func(b []byte) error {
		var derr error
		a, derr = decodeAlert(b, 0)
		return derr
	})
	if err != nil {
		return nil, fmt.Errorf("get alert %s: %w", id, err)
	}
	return &a, nil
}

// ActionResult is Sophos's answer to an alert action.
type ActionResult struct {
	ID          string          `json:"id"`
	AlertID     string          `json:"alertId"`
	Action      string          `json:"action"`
	Status      string          `json:"status"` // requested, started, completed
	RequestedAt string          `json:"requestedAt,omitempty"`
	StartedAt   string          `json:"startedAt,omitempty"`
	CompletedAt string          `json:"completedAt,omitempty"`
	Result      json.RawMessage `json:"result,omitempty"` // a string in every example; kept raw
}

// AlertAction asks Sophos to act on an alert, e.g. "acknowledge". The action
// must be one of the alert's AllowedActions; otherwise it fails without
// calling the API.
//
// Sophos: POST /common/v1/alerts/{alertId}/actions → 201 (doc §9.1).
func (c *Client) AlertAction(ctx context.Context, t Tenant, a Alert, action string) (*ActionResult, error) {
	if !slices.Contains(a.AllowedActions, action) {
		return nil, centralpsa.Errorf(centralpsa.KindInvalid,
			"sophos alert %s does not allow %q (allowed: %s)", a.ID, action, strings.Join(a.AllowedActions, ", "))
	}
	r, err := c.tenantCall(t, "POST", "/common/v1/alerts/"+url.PathEscape(a.ID)+"/actions")
	if err != nil {
		return nil, fmt.Errorf("alert %s action %s: %w", a.ID, action, err)
	}
	r.body, _ = json.Marshal(map[string]string{"action": action})
	var res ActionResult
	err = c.do(ctx, r, func(b []byte) error { res = ActionResult{}; return json.Unmarshal(b, &res) })
	if err != nil {
		return nil, fmt.Errorf("alert %s action %s: %w", a.ID, action, err)
	}
	return &res, nil
}

func decodeAlert(raw json.RawMessage, index int) (Alert, error) {
	var a Alert
	if err := json.Unmarshal(raw, &a); err != nil {
		return Alert{}, fmt.Errorf("alert %d: %w", index, err)
	}
	if a.ID == "" {
		return Alert{}, fmt.Errorf("alert %d has no id", index)
	}
	return a, nil
}
