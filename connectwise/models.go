package connectwise

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Reference points at another record: {"id":…, "name"|"identifier":…,
// "_info":{…_href}} (§8). When writing, set ID (preferred, §6.2) or the
// natural key.
type Reference struct {
	ID         int               `json:"id,omitempty"`
	Identifier string            `json:"identifier,omitempty"`
	Name       string            `json:"name,omitempty"`
	Info       map[string]string `json:"_info,omitempty"`
}

// Ref returns a reference by id, the form our writes use.
func Ref(id int) *Reference { return &Reference{ID: id} }

// CustomField is one entry of a record's customFields (§4.2). Value is
// absent when empty.
type CustomField struct {
	ID               int    `json:"id,omitempty"`
	Caption          string `json:"caption,omitempty"`
	Type             string `json:"type,omitempty"`
	EntryMethod      string `json:"entryMethod,omitempty"`
	NumberOfDecimals int    `json:"numberOfDecimals,omitempty"`
	Value            any    `json:"value,omitempty"`
	ConnectWiseID    string `json:"connectWiseId,omitempty"`
}

// Time is a ConnectWise date-time, decoded leniently: RFC 3339 with or
// without fractional seconds or zone, or a bare date. Null, "" and any
// unreadable value decode as the zero Time instead of failing the whole
// record (§8 "Dates"). It encodes as RFC 3339 UTC seconds.
type Time struct{ time.Time }

var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05", "2006-01-02"}

// UnmarshalJSON implements the lenient decoding described on Time.
func (t *Time) UnmarshalJSON(b []byte) error {
	*t = Time{}
	s, err := strconv.Unquote(string(bytes.TrimSpace(b)))
	if err != nil {
		return nil // null, a number or another non-string
	}
	s = strings.TrimSpace(s)
	for _, layout := range timeLayouts {
		if v, err := time.Parse(layout, s); err == nil {
			t.Time = v.UTC()
			return nil
		}
	}
	return nil
}

// MarshalJSON writes the form ConnectWise documents, or null when zero.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return []byte(`"` + t.UTC().Format("2006-01-02T15:04:05Z") + `"`), nil
}

// At wraps a time.Time for a model field.
func At(t time.Time) Time { return Time{t} }

// PatchOp is one JSON-Patch operation (§6.1). Op is "add", "replace" or
// "remove"; Path is the bare field name ("quantity", "status"); a reference
// is replaced whole, e.g. Value: Ref(12).
type PatchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value any    `json:"value,omitempty"`
}

// MarshalJSON always writes value for add and replace, even when it is nil
// (null) or zero, and leaves it out for remove.
func (op PatchOp) MarshalJSON() ([]byte, error) {
	type plain struct {
		Op    string `json:"op"`
		Path  string `json:"path"`
		Value any    `json:"value"`
	}
	if strings.EqualFold(op.Op, "remove") {
		return json.Marshal(struct {
			Op   string `json:"op"`
			Path string `json:"path"`
		}{op.Op, op.Path})
	}
	return json.Marshal(plain(op))
}

// Replace is the common PatchOp.
func Replace(path string, value any) PatchOp { return PatchOp{Op: "replace", Path: path, Value: value} }

// Do is the escape hatch for endpoints without a typed method: it sends
// body (JSON, may be nil) to path (relative to the API root, e.g.
// "/company/companies/12") and decodes the answer into out (may be nil).
// It shares discovery, headers, rate limiting and the retry policy.
func (c *Client) Do(ctx context.Context, method, path string, query url.Values, body, out any) error {
	_, err := c.call(ctx, newRequest(strings.ToUpper(method), path, query, body), out)
	return err
}

func get[T any](ctx context.Context, c *Client, path string) (*T, error) {
	var out T
	if _, err := c.call(ctx, newRequest(http.MethodGet, path, nil, nil), &out); err != nil {
		return nil, err
	}
	return &out, nil
}

func create[T any](ctx context.Context, c *Client, path string, body *T) (*T, error) {
	var out T
	if _, err := c.call(ctx, newRequest(http.MethodPost, path, nil, body), &out); err != nil {
		return nil, err
	}
	return &out, nil
}

func patch[T any](ctx context.Context, c *Client, path string, ops []PatchOp) (*T, error) {
	if ops == nil {
		ops = []PatchOp{} // always an array, even when empty (§6.1)
	}
	var out T
	if _, err := c.call(ctx, newRequest(http.MethodPatch, path, nil, ops), &out); err != nil {
		return nil, err
	}
	return &out, nil
}

func del(ctx context.Context, c *Client, path string) error {
	_, err := c.call(ctx, newRequest(http.MethodDelete, path, nil, nil), nil)
	return err
}

func idPath(prefix string, id int) string { return prefix + "/" + strconv.Itoa(id) }

// Info is a record's _info: lastUpdated, updatedBy, dateEntered, enteredBy
// and child links such as notes_href (§8).
type Info map[string]string

// LastUpdated parses _info.lastUpdated, or returns the zero time.
func (i Info) LastUpdated() time.Time { return parseLenient(i["lastUpdated"]) }

func parseLenient(s string) time.Time {
	var t Time
	_ = t.UnmarshalJSON([]byte(strconv.Quote(s)))
	return t.Time
}
