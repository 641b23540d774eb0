package web

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"time"

	"centralpsa"
	"centralpsa/store"
)

// auditLimit is how many entries one request returns at most.
const auditLimit = 1000

// AuditFilter is the filter as typed, echoed back into the form.
type AuditFilter struct {
	Run, Entity, Since string
}

// parseAuditFilter reads run, entity and since (YYYY-MM-DD, a UTC day, or
// an RFC 3339 time) from a query. The page and the API share it.
func parseAuditFilter(q url.Values) (AuditFilter, store.AuditFilter, error) {
	typed := AuditFilter{Run: strings.TrimSpace(q.Get("run")), Entity: strings.TrimSpace(q.Get("entity")), Since: strings.TrimSpace(q.Get("since"))}
	f := store.AuditFilter{Entity: typed.Entity, Limit: auditLimit}
	if typed.Run != "" {
		id, err := strconv.ParseInt(typed.Run, 10, 64)
		if err != nil || id <= 0 {
			return typed, f, centralpsa.Errorf(centralpsa.KindInvalid, "run must be a run number, not %q", typed.Run)
		}
		f.RunID = id
	}
	if typed.Since != "" {
		t, err := time.Parse(time.DateOnly, typed.Since)
		if err != nil {
			t, err = time.Parse(time.RFC3339, typed.Since)
		}
		if err != nil {
			return typed, f, centralpsa.Errorf(centralpsa.KindInvalid, "since must be a date (YYYY-MM-DD) or an RFC 3339 time, not %q", typed.Since)
		}
		f.Since = t
	}
	return typed, f, nil
}

// AuditRow is one audit entry as the page shows it.
type AuditRow struct {
	At, AtISO        string
	RunID            int64
	Method, Endpoint string
	Entity, EntityID string
	Status           int
	StatusClass      int // 2 for 2xx...; 0 when no response arrived
	Error            string
	Before, After    string // indented JSON
}

func auditRow(a store.Audit) AuditRow {
	return AuditRow{At: a.At.UTC().Format("2006-01-02 15:04:05 UTC"), AtISO: a.At.UTC().Format(time.RFC3339),
		RunID: a.RunID, Method: a.Method, Endpoint: a.Endpoint, Entity: a.Entity, EntityID: a.EntityID,
		Status: a.Status, StatusClass: a.Status / 100, Error: a.Error, Before: indentJSON(a.Before), After: indentJSON(a.After)}
}

func indentJSON(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		return string(b)
	}
	return out.String()
}

// apiAuditEntry is one entry in the API; bodies stay JSON.
type apiAuditEntry struct {
	ID       int64           `json:"id"`
	RunID    int64           `json:"runId,omitempty"`
	At       time.Time       `json:"at"`
	Method   string          `json:"method"`
	Endpoint string          `json:"endpoint"`
	Entity   string          `json:"entity"`
	EntityID string          `json:"entityId,omitempty"`
	Before   json.RawMessage `json:"before,omitempty"`
	After    json.RawMessage `json:"after,omitempty"`
	Status   int             `json:"status"`
	Error    string          `json:"error,omitempty"`
}

func apiAuditEntryOf(a store.Audit) apiAuditEntry {
	return apiAuditEntry{ID: a.ID, RunID: a.RunID, At: a.At.UTC(), Method: a.Method, Endpoint: a.Endpoint,
		Entity: a.Entity, EntityID: a.EntityID, Before: a.Before, After: a.After, Status: a.Status, Error: a.Error}
}
