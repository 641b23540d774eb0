package sophos

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// FuzzUsageLine: a line either decodes and survives a round trip through
// MarshalJSON unchanged, or fails with a field error and leaves the
// destination untouched. Never a panic, never a partial value.
func FuzzUsageLine(f *testing.F) {
	for _, s := range []string{usageLineJSON, `{}`, `null`, `[]`, `{"billableQuantity":"abc"}`, `{"billableQuantity":20.000}`,
		`{"unitPrice":1.40}`, `{"unitPrice":""}`, `{"accountId":7,"orderedQuantity":"-3"}`, `{"sku":null}`, `{"netPrice":"1e3"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sentinel := UsageLine{SKU: "sentinel", BillableQuantity: -7, Missing: 3}
		l := sentinel
		err := l.UnmarshalJSON(data)
		if err != nil {
			if _, ok := errors.AsType[*UsageFieldError](err); !ok {
				t.Fatalf("error %T %v is not a field error", err, err)
			}
			if d := cmp.Diff(sentinel, l); d != "" {
				t.Fatalf("partial value on error:\n%s", d)
			}
			return
		}
		for i, f := range usageFields {
			if d, ok := f.get(&l).(Decimal); ok && l.Has(f.name) && d.Rat() == nil {
				t.Fatalf("field %d %s holds invalid decimal %q", i, f.name, d)
			}
		}
		enc, err := json.Marshal(l)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		var back UsageLine
		if err := json.Unmarshal(enc, &back); err != nil {
			t.Fatalf("re-decode %s: %v", enc, err)
		}
		if d := cmp.Diff(l, back); d != "" {
			t.Fatalf("round trip of %s:\n%s", enc, d)
		}
	})
}

// FuzzUsagePage: a report page decodes whole or fails naming a line of
// that page.
func FuzzUsagePage(f *testing.F) {
	f.Add([]byte(`{"items":[{"accountId":"a","billableQuantity":1},{"billableQuantity":"x"}],"pages":{"nextKey":"K2"}}`), 100)
	f.Add([]byte(`{"items":[],"pages":{}}`), 0)
	f.Fuzz(func(t *testing.T, data []byte, offset int) {
		offset = max(offset, 0) % 1_000_000
		p, err := decodePage(data)
		if err != nil {
			return
		}
		for i, raw := range p.Items {
			_, err := decodeUsageItem(raw, offset+i)
			fe, ok := errors.AsType[*UsageFieldError](err)
			if err != nil && (!ok || fe.Index != offset+i) {
				t.Fatalf("item %d: error %v does not name line %d", i, err, offset+i)
			}
		}
	})
}

// FuzzPagination: paging data decodes and re-encodes to the same value,
// and the loop decisions always move forward.
func FuzzPagination(f *testing.F) {
	for _, s := range []string{
		`{"items":[],"pages":{"current":2,"total":1,"size":50,"maxSize":100}}`,
		`{"items":[{}],"pages":{"nextKey":"2000432653939","size":3,"maxSize":100}}`,
		`{"items":[1],"pages":{"nextKey":2000432653939}}`,
		`{"items":null}`, `{"pages":{}}`, `{"items":[{ "a" : 1 }, 2 ]}`, `{"items":[{}],"pages":{"fromKey":"a","nextKey":"a"}}`,
	} {
		f.Add([]byte(s), 1)
	}
	f.Fuzz(func(t *testing.T, data []byte, cur int) {
		p, err := decodePage(data)
		if err != nil {
			if p.Items != nil || p.Pages != (pages{}) {
				t.Fatalf("partial page on error: %+v", p)
			}
			return
		}
		if p.Items == nil {
			t.Fatal("decoded page without items")
		}
		enc, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		back, err := decodePage(enc)
		if err != nil {
			t.Fatalf("re-decode %s: %v", enc, err)
		}
		if d := cmp.Diff(p, back, compactRaw); d != "" {
			t.Fatalf("round trip:\n%s", d)
		}
		cur = max(cur, 1) % maxPages
		next := nextPageNumber(cur, p.Pages, len(p.Items))
		if next != 0 && next != cur+1 {
			t.Fatalf("nextPageNumber(%d) = %d", cur, next)
		}
		if len(p.Items) == 0 && next != 0 {
			t.Fatal("continued after an empty page")
		}
		var k keyCursor
		key, err := k.next(p.Pages)
		if err != nil || key != string(p.Pages.NextKey) {
			t.Fatalf("first key %q, %v", key, err)
		}
		if _, err := k.next(p.Pages); key != "" && err == nil {
			t.Fatal("a repeated key was accepted")
		}
	})
}

// compactRaw compares raw items by content: encoding compacts them.
var compactRaw = cmp.Transformer("compact", func(r json.RawMessage) string {
	var b bytes.Buffer
	if err := json.Compact(&b, r); err != nil {
		return "invalid: " + string(r)
	}
	return b.String()
})

// FuzzDecimal: a decimal that parses has an exact value and survives JSON.
func FuzzDecimal(f *testing.F) {
	for _, s := range []string{"1.40", "-0", "+1", "1e3", ".5", "", "9999999999999999999999.99"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDecimal(s)
		if err != nil {
			if d != "" {
				t.Fatalf("partial value %q", d)
			}
			return
		}
		if d.Rat() == nil || d.String() != s {
			t.Fatalf("ParseDecimal(%q) = %q without an exact value", s, d)
		}
		enc, _ := json.Marshal(d)
		var back Decimal
		if err := json.Unmarshal(enc, &back); err != nil || back != d {
			t.Fatalf("round trip %q → %s → %q, %v", d, enc, back, err)
		}
	})
}

// FuzzParseTime: a parsed time is UTC and survives RFC 3339.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2020-11-04T09:31:17.546Z", "2021-02-12T15:04:53.780", "2021-02-12T15:04:53+05:30", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tm, err := ParseTime(s)
		if err != nil {
			return
		}
		if tm.Location() != time.UTC {
			t.Fatalf("%q parsed to zone %v", s, tm.Location())
		}
		back, err := ParseTime(tm.Format(time.RFC3339Nano))
		if err != nil || !back.Equal(tm) {
			t.Fatalf("round trip %v: %v %v", tm, back, err)
		}
	})
}
