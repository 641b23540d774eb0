package sophos

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// FuzzAlert: an alert decodes whole, with an id and a UTC raisedAt, and
// survives its own encoding; or it fails naming its index and gives the
// zero Alert. Never a panic, never part of an alert.
func FuzzAlert(f *testing.F) {
	for _, s := range []string{
		`{"id":"a","type":"Event::Endpoint::OutOfDate","severity":"high","raisedAt":"2026-03-01T10:00:00.123Z",` +
			`"managedAgent":{"id":"d","type":"computer","name":"PC"},"person":{"id":"p","name":"Jo"},"allowedActions":["acknowledge"]}`,
		`{"id":"a","raisedAt":"2021-02-12T15:04:53.780"}`, `{"id":"a","severity":"critical"}`, `{"type":"X"}`, `{"id":42}`,
		`{"id":"a","raisedAt":7}`, `{"id":"a","managedAgent":"PC"}`, `null`, `[]`, `{"id":"a","description":"\u0000\r\n\u202e"}`,
	} {
		f.Add([]byte(s), 3)
	}
	f.Fuzz(func(t *testing.T, raw []byte, index int) {
		a, err := decodeAlert(raw, index)
		if err != nil {
			if !strings.Contains(err.Error(), fmt.Sprint("alert ", index)) {
				t.Fatalf("error %q does not name alert %d", err, index)
			}
			if d := cmp.Diff(Alert{}, a, cmpopts.EquateEmpty()); d != "" {
				t.Fatalf("partial alert on error:\n%s", d)
			}
			return
		}
		if a.ID == "" || (!a.RaisedAt.IsZero() && a.RaisedAt.Location() != time.UTC) {
			t.Fatalf("decoded %+v", a)
		}
		enc, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		back, err := decodeAlert(enc, index)
		if err != nil {
			t.Fatalf("re-decode %s: %v", enc, err)
		}
		a.RaisedAt = a.RaisedAt.Truncate(time.Millisecond) // encoded to the millisecond, as Sophos does
		if d := cmp.Diff(a, back, cmpopts.EquateEmpty()); d != "" {
			t.Fatalf("round trip of %s:\n%s", enc, d)
		}
	})
}

// FuzzTenant: a tenant decodes with an id, its strict core intact and
// odd optional objects dropped, and survives its own encoding; or it
// fails naming its index and gives the zero Tenant.
func FuzzTenant(f *testing.F) {
	for _, s := range []string{
		`{"id":"t","name":"Acme","showAs":"Acme Ltd","billingType":"usage","apiHost":"https://api-eu02.central.sophos.com",` +
			`"dataRegion":"eu02","partner":{"id":"p"},"contact":{"email":"x@y"},"products":[{"code":"CIXA-MSP"}],"externalIds":["1"]}`,
		`{"id":"t","billingType":"flex-2027"}`, `{"id":"t","contact":"odd"}`, `{"id":"t","products":{"code":1}}`, `{"name":"x"}`,
		`{"id":7}`, `{"id":"t","name":{"first":"x"}}`, `null`, `"t"`, `{"id":"t","name":"A\u0000B\r\n\u202e"}`,
	} {
		f.Add([]byte(s), 5)
	}
	f.Fuzz(func(t *testing.T, raw []byte, index int) {
		tn, err := decodeTenant(raw, index)
		if err != nil {
			if !strings.Contains(err.Error(), fmt.Sprint("tenant ", index)) {
				t.Fatalf("error %q does not name tenant %d", err, index)
			}
			if d := cmp.Diff(Tenant{}, tn, cmpopts.EquateEmpty()); d != "" {
				t.Fatalf("partial tenant on error:\n%s", d)
			}
			return
		}
		if tn.ID == "" {
			t.Fatalf("decoded a tenant without id: %+v", tn)
		}
		enc, err := json.Marshal(tn)
		if err != nil {
			t.Fatal(err)
		}
		back, err := decodeTenant(enc, index)
		if err != nil {
			t.Fatalf("re-decode %s: %v", enc, err)
		}
		if d := cmp.Diff(tn, back, cmpopts.EquateEmpty()); d != "" {
			t.Fatalf("round trip of %s:\n%s", enc, d)
		}
	})
}
