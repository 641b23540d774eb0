package connectwise

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestTimeDecoding(t *testing.T) {
	t.Parallel()
	utc := func(s string) time.Time { v, _ := time.Parse(time.RFC3339Nano, s); return v }
	for in, want := range map[string]time.Time{
		`"2018-05-17T00:00:00Z"`:      utc("2018-05-17T00:00:00Z"),
		`"2018-05-17T10:11:12.123Z"`:  utc("2018-05-17T10:11:12.123Z"),
		`"2018-05-17T10:11:12+02:00"`: utc("2018-05-17T08:11:12Z"),
		`"2018-05-17T10:11:12"`:       utc("2018-05-17T10:11:12Z"),
		`"2018-05-17T10:11:12.5"`:     utc("2018-05-17T10:11:12.5Z"),
		`"2018-05-17"`:                utc("2018-05-17T00:00:00Z"),
		`" 2018-05-17T00:00:00Z "`:    utc("2018-05-17T00:00:00Z"),
		`null`:                        {},
		`""`:                          {},
		`"not a date"`:                {},
		`12345`:                       {},
		`{"a":1}`:                     {},
	} {
		var got Time
		if err := json.Unmarshal([]byte(in), &got); err != nil || !got.Equal(want) {
			t.Errorf("%s: got %v, %v; want %v", in, got, err, want)
		}
	}
	b, _ := json.Marshal(struct {
		A Time `json:"a,omitzero"`
		B Time `json:"b"`
		C Time `json:"c"`
	}{C: At(time.Date(2025, 2, 3, 4, 5, 6, 7, time.FixedZone("X", 3600)))})
	if string(b) != `{"b":null,"c":"2025-02-03T03:05:06Z"}` {
		t.Errorf("marshal: %s", b)
	}
}

// TestDecodingIsTolerant feeds thin, fat and oddly typed records: unknown
// keys are ignored and one unreadable date does not fail the record.
func TestDecodingIsTolerant(t *testing.T) {
	t.Parallel()
	var tk Ticket
	err := json.Unmarshal([]byte(`{"id":5,"summary":"s","brandNewField":{"x":[1]},"closedDate":"garbage",
		"status":{"id":3,"name":"New","sort":1,"_info":{"status_href":"https://h/x"}},
		"_info":{"lastUpdated":"2025-01-02T03:04:05Z","notes_href":"https://h/n"}}`), &tk)
	if err != nil || tk.ID != 5 || tk.Status.Name != "New" || tk.Status.Info["status_href"] == "" || !tk.ClosedDate.IsZero() {
		t.Fatalf("ticket = %+v, %v", tk, err)
	}
	if got := tk.Info.LastUpdated(); !got.Equal(time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)) {
		t.Errorf("LastUpdated = %v", got)
	}
	var p Priority
	if err := json.Unmarshal([]byte(`{"id":1,"name":"Priority 1 - Emergency Response"}`), &p); err != nil || p.Name == "" {
		t.Errorf("thin priority: %+v %v", p, err)
	}
}

func TestWriteBodies(t *testing.T) {
	t.Parallel()
	b := setup(t)
	bodies := make(chan string, 1)
	capture := func(status int, reply string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			raw, _ := io.ReadAll(r.Body)
			bodies <- r.Method + " " + r.URL.Path + " " + string(raw)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			io.WriteString(w, reply)
		}
	}
	b.handle("PATCH /finance/agreements/{a}/additions/{id}", capture(200, `{"id":3,"quantity":0}`))
	b.handle("POST /finance/agreements/{a}/additions", capture(201, `{"id":4,"quantity":0}`))
	b.handle("DELETE /finance/agreements/{a}/additions/{id}", capture(204, ""))
	b.handle("PATCH /service/tickets/{id}", capture(200, `{"id":8}`))
	ctx := t.Context()
	api := sitePrefix + "/v2025_1/apis/3.0"

	cancelled := time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC)
	add, err := b.client.Agreements.UpdateAddition(ctx, 12, 3, []PatchOp{
		Replace("quantity", 0), Replace("cancelledDate", At(cancelled)), {Op: "remove", Path: "serialNumber", Value: "ignored"},
	})
	if err != nil || add.ID != 3 || add.Quantity == nil || *add.Quantity != 0 {
		t.Fatalf("UpdateAddition = %+v, %v", add, err)
	}
	assertJSON(t, <-bodies, "PATCH "+api+"/finance/agreements/12/additions/3",
		`[{"op":"replace","path":"quantity","value":0},{"op":"replace","path":"cancelledDate","value":"2025-03-31T00:00:00Z"},{"op":"remove","path":"serialNumber"}]`)

	if _, err := b.client.Tickets.Update(ctx, 8, []PatchOp{Replace("status", Ref(77)), Replace("owner", nil)}); err != nil {
		t.Fatal(err)
	}
	assertJSON(t, <-bodies, "PATCH "+api+"/service/tickets/8",
		`[{"op":"replace","path":"status","value":{"id":77}},{"op":"replace","path":"owner","value":null}]`)

	_, err = b.client.Agreements.CreateAddition(ctx, 12, &Addition{Product: &Reference{ID: 9}, Quantity: Float(0), BillCustomer: "Billable"})
	if err != nil {
		t.Fatal(err)
	}
	assertJSON(t, <-bodies, "POST "+api+"/finance/agreements/12/additions",
		`{"product":{"id":9},"quantity":0,"billCustomer":"Billable"}`)

	if err := b.client.Agreements.DeleteAddition(ctx, 12, 3); err != nil {
		t.Fatal(err)
	}
	if got := <-bodies; got != "DELETE "+api+"/finance/agreements/12/additions/3 " {
		t.Errorf("delete: %q", got)
	}
}

// assertJSON compares "METHOD PATH BODY" with the body as JSON.
func assertJSON(t *testing.T, got, wantPrefix, wantBody string) {
	t.Helper()
	body, ok := strings.CutPrefix(got, wantPrefix+" ")
	if !ok {
		t.Fatalf("request %q, want %q", got, wantPrefix)
	}
	var g, w any
	if err := json.Unmarshal([]byte(body), &g); err != nil {
		t.Fatalf("body %q: %v", body, err)
	}
	json.Unmarshal([]byte(wantBody), &w)
	if !reflect.DeepEqual(g, w) {
		t.Errorf("body = %s\nwant   %s", body, wantBody)
	}
}

// TestModelKeysExistInSchema is the contract test of §1: every JSON key a
// model reads or writes exists in the ConnectWise schema.
func TestModelKeysExistInSchema(t *testing.T) {
	t.Parallel()
	schemas := map[string]map[string]any{}
	for _, f := range []string{"supplement-models-2025.1-from-go-client.json", "cw-openapi-trimmed-get-2026.4.json"} {
		raw, err := os.ReadFile("/work/shared/cw-openapi/" + f)
		if err != nil {
			t.Skipf("schema not available: %v", err)
		}
		var doc struct {
			Components struct {
				Schemas map[string]struct {
					Properties map[string]any `json:"properties"`
				} `json:"schemas"`
			} `json:"components"`
		}
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatal(err)
		}
		for name, s := range doc.Components.Schemas {
			schemas[name] = s.Properties // the 2026.4 file, read last, wins
		}
	}
	for model, schema := range map[reflect.Type]string{
		reflect.TypeFor[Ticket](): "Ticket", reflect.TypeFor[Note](): "ServiceNote", reflect.TypeFor[Company](): "Company", reflect.TypeFor[Agreement](): "Agreement",
		reflect.TypeFor[AgreementType](): "AgreementType", reflect.TypeFor[Addition](): "Addition", reflect.TypeFor[CatalogItem](): "CatalogItem",
		reflect.TypeFor[Board](): "Board", reflect.TypeFor[BoardStatus](): "BoardStatus", reflect.TypeFor[BoardType](): "BoardType", reflect.TypeFor[Priority](): "Priority",
		reflect.TypeFor[Source](): "Source", reflect.TypeFor[Member](): "Member", reflect.TypeFor[APIMember](): "ApiMember", reflect.TypeFor[SecuritySetting](): "MySecurity",
		reflect.TypeFor[CustomizeItem](): "MySecurityCustomizeItem", reflect.TypeFor[SecurityRole](): "SecurityRole", reflect.TypeFor[IntegratorLogin](): "IntegratorLogin",
		reflect.TypeFor[SystemInfo](): "Info", reflect.TypeFor[ProductType](): "ProductType", reflect.TypeFor[Category](): "Category", reflect.TypeFor[Subcategory](): "SubCategory",
		reflect.TypeFor[Manufacturer](): "Manufacturer", reflect.TypeFor[CustomField](): "CustomFieldValue", reflect.TypeFor[LicenseBit](): "LicenseBit",
	} {
		props, ok := schemas[schema]
		if !ok {
			t.Errorf("schema %s missing", schema)
			continue
		}
		rt := model
		for i := range rt.NumField() {
			key, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
			if _, ok := props[key]; !ok {
				t.Errorf("%s.%s: key %q is not in schema %s", rt.Name(), rt.Field(i).Name, key, schema)
			}
		}
	}
}
