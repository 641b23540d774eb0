package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// Audit is one change sent to (or attempted on) an external system. The
// log is append-only: the store has no method to change or delete a row
// and the database refuses to.
//
// Callers pass request and response bodies, never headers: credentials
// travel in headers (ConnectWise's Authorization, Sophos's bearer token)
// and must not be recorded. As a second line of defence, AppendAudit
// replaces the values of JSON fields whose names look like credentials
// (password, secret, token, private key, authorization) with "<secret>".
type Audit struct {
	ID       int64     // set by the store
	RunID    int64     // 0 when the change was not part of a run
	At       time.Time // the store's clock when zero
	Method   string
	Endpoint string // path without host or query secrets
	Entity   string // e.g. "agreement_addition", "ticket"
	EntityID string
	Before   []byte // JSON; nil when not known
	After    []byte // JSON
	Status   int    // HTTP status, 0 when no response arrived
	Error    string
}

// AuditFilter narrows Audit; zero fields do not filter.
type AuditFilter struct {
	RunID  int64
	Since  time.Time // entries at or after
	Entity string
	Limit  int // <= 0 means 1000
}

// AppendAudit adds an entry at the end of the log.
func (h *handle) AppendAudit(ctx context.Context, a Audit) error {
	before, err := redactJSON(a.Before)
	if err != nil {
		return invalid("audit %s %s: before is not valid JSON", a.Method, a.Endpoint)
	}
	after, err := redactJSON(a.After)
	if err != nil {
		return invalid("audit %s %s: after is not valid JSON", a.Method, a.Endpoint)
	}
	at := a.At
	if at.IsZero() {
		at = h.now()
	}
	_, err = h.exec(ctx, `INSERT INTO audit (run_id, at, method, endpoint, entity, entity_id, body_before, body_after, status, error)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		idArg(a.RunID), h.d.timeArg(at), a.Method, a.Endpoint, a.Entity, a.EntityID, jsonArg(before), jsonArg(after), a.Status, a.Error)
	if err != nil {
		return classify(err, "append audit entry for %s %s", a.Method, a.Endpoint)
	}
	return nil
}

// Audit returns entries matching f in the order they were appended.
func (h *handle) Audit(ctx context.Context, f AuditFilter) ([]Audit, error) {
	var where []string
	var args []any
	if f.RunID != 0 {
		where, args = append(where, "run_id = ?"), append(args, f.RunID)
	}
	if !f.Since.IsZero() {
		where, args = append(where, "at >= ?"), append(args, h.d.timeArg(f.Since))
	}
	if f.Entity != "" {
		where, args = append(where, "entity = ?"), append(args, f.Entity)
	}
	q := `SELECT id, run_id, at, method, endpoint, entity, entity_id, body_before, body_after, status, error FROM audit`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	if f.Limit <= 0 {
		f.Limit = 1000
	}
	rows, err := h.query(ctx, q+" ORDER BY id LIMIT ?", append(args, f.Limit)...)
	if err != nil {
		return nil, classify(err, "read audit log")
	}
	defer rows.Close()
	out := []Audit{}
	for rows.Next() {
		var a Audit
		var runID *int64
		var before, after *string
		if err := rows.Scan(&a.ID, &runID, timeScanner{&a.At}, &a.Method, &a.Endpoint, &a.Entity, &a.EntityID,
			&before, &after, &a.Status, &a.Error); err != nil {
			return nil, classify(err, "read audit log")
		}
		if runID != nil {
			a.RunID = *runID
		}
		if before != nil {
			a.Before = []byte(*before)
		}
		if after != nil {
			a.After = []byte(*after)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, classify(err, "read audit log")
	}
	return out, nil
}

// redactJSON returns doc with credential-like fields masked. A document
// without such fields is returned byte for byte. It is a safety net, not
// a sanitizer: an object with duplicate keys is judged by the last one.
func redactJSON(doc []byte) ([]byte, error) {
	if len(doc) == 0 {
		return nil, nil
	}
	if !json.Valid(doc) {
		return nil, errors.New("invalid JSON")
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber() // keep big ids and amounts exact if the document is re-encoded
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if !redactValue(v) {
		return doc, nil
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false) // keep the marker readable: <secret>, not \u003csecret\u003e
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(out.Bytes(), []byte("\n")), nil
}

// redactValue masks credential-like fields in place and reports whether
// it masked any.
func redactValue(v any) bool {
	changed := false
	switch v := v.(type) {
	case map[string]any:
		for k, val := range v {
			if credentialName(k) {
				if val != nil && val != "" && val != redactedValue {
					v[k], changed = redactedValue, true
				}
				continue
			}
			changed = redactValue(val) || changed
		}
	case []any:
		for _, val := range v {
			changed = redactValue(val) || changed
		}
	}
	return changed
}

const redactedValue = "<secret>"

// keySeparators folds "private_key" and "private-key" into "privatekey".
// Built once: a Replacer is costly to build and every audited key passes
// here.
var keySeparators = strings.NewReplacer("_", "", "-", "")

func credentialName(k string) bool {
	n := keySeparators.Replace(strings.ToLower(k))
	for _, s := range []string{"password", "secret", "token", "privatekey", "authorization", "apikey"} {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}
