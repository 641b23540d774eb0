package cwemu_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/legacy"

	"centralpsa/cwemu"
	"centralpsa/internal/shareddir"
)

// The vendor schema is read from the shared data directory beside the
// checkout, never copied into the repository.
const defaultSchema = "cw-openapi-trimmed-get-2026.4.json"

func schemaPath(t *testing.T, env, file string) string {
	t.Helper()
	p, ok := shareddir.Find(env, "cw-openapi", file)
	if !ok {
		t.Skipf("ConnectWise schema %s not found; set %s to the file to run this test", p, env)
	}
	return p
}

// loadSchema loads an OpenAPI file and drops every required list: required
// says what a create must send, not what a (partial) response holds.
func loadSchema(t *testing.T, path string) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(path)
	if err != nil {
		t.Fatalf("load %s: %v", path, err)
	}
	seen := map[*openapi3.Schema]bool{}
	for _, s := range doc.Components.Schemas {
		dropRequired(s, seen)
	}
	return doc
}

func dropRequired(ref *openapi3.SchemaRef, seen map[*openapi3.Schema]bool) {
	if ref == nil || ref.Value == nil || seen[ref.Value] {
		return
	}
	s := ref.Value
	seen[s] = true
	s.Required = nil
	for _, p := range s.Properties {
		dropRequired(p, seen)
	}
	dropRequired(s.Items, seen)
	dropRequired(s.AdditionalProperties.Schema, seen)
	for _, l := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
		for _, x := range l {
			dropRequired(x, seen)
		}
	}
}

// unknownKeys lists keys of v that the schema does not declare: a field
// our emulator invents would otherwise pass, since the schemas allow
// additional properties.
func unknownKeys(ref *openapi3.SchemaRef, v any, at string, out *[]string) {
	if ref == nil || ref.Value == nil {
		return
	}
	s := ref.Value
	switch x := v.(type) {
	case map[string]any:
		if len(s.Properties) == 0 {
			return // a free-form object such as _info
		}
		for k, e := range x {
			p, ok := s.Properties[k]
			if !ok {
				*out = append(*out, at+"/"+k)
				continue
			}
			unknownKeys(p, e, at+"/"+k, out)
		}
	case []any:
		for _, e := range x {
			unknownKeys(s.Items, e, at+"[]", out)
		}
	}
}

// enrich writes through the API what the seed lacks, so API-made records
// (with every reference a ticket can carry) are checked too.
func enrich(t *testing.T, b *testBundle) {
	t.Helper()
	b.srv.SetLevel(cwemu.FnContacts, cwemu.Levels{Inquire: cwemu.All})
	posts := []struct {
		path string
		body map[string]any
	}{
		{"/procurement/catalog", with(catalogItem("Sophos_Intercept_X_Advanced"), "manufacturer", map[string]any{"name": "Sophos"},
			"vendor", map[string]any{"identifier": "InternalIT"}, "productClass", "NonInventory", "recurringFlag", true)},
		{"/finance/agreements/600/additions", map[string]any{"product": map[string]any{"identifier": "Sophos_Intercept_X_Advanced"},
			"billCustomer": "Billable", "quantity": 7, "invoiceDescription": "Intercept X", "cancelledDate": "2026-01-31T00:00:00Z"}},
		{"/service/tickets", map[string]any{"summary": "[Sophos] Malware", "company": map[string]any{"id": 250}, "board": map[string]any{"name": "Sophos Alerts"},
			"status": map[string]any{"name": "New"}, "type": map[string]any{"name": "Security Alert"}, "subType": map[string]any{"name": "Malware"},
			"priority": map[string]any{"name": "Priority 1 - Emergency Response"}, "source": map[string]any{"name": "Sophos Central"},
			"contact": map[string]any{"id": 3000}, "owner": map[string]any{"identifier": "jsmith"}, "agreement": map[string]any{"id": 600},
			"severity": "High", "impact": "Medium", "externalXRef": "sophos:x", "initialDescription": "d", "initialResolution": "r",
			"budgetHours": 1.5, "requiredDate": "2026-03-20T00:00:00Z"}},
	}
	for _, p := range posts {
		if r := b.do(t, http.MethodPost, p.path, p.body); r.status != http.StatusCreated {
			t.Fatalf("POST %s: %d %s", p.path, r.status, r.body)
		}
	}
	if _, err := b.srv.Update("companies", 250, map[string]any{"customFields": []any{map[string]any{"id": 1, "caption": "TenantId",
		"type": "Text", "entryMethod": "EntryField", "numberOfDecimals": 0, "value": "abc"}}, "integratorTags": []any{"sophos"}}); err != nil {
		t.Fatal(err)
	}
}

func TestConformanceWithVendorSchema(t *testing.T) {
	t.Parallel()
	doc := loadSchema(t, schemaPath(t, "CENTRALPSA_CW_SCHEMA", defaultSchema))
	// CustomFieldValue.value is typed object, but custom field values are
	// scalars (text, numbers, dates; doc §4.2): accept any value there.
	doc.Components.Schemas["CustomFieldValue"].Value.Properties["value"] = openapi3.NewSchemaRef("", openapi3.NewSchema())
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatalf("router: %v", err)
	}
	b := setup(t)
	enrich(t, b)
	items := map[string]string{
		"/company/companies": "250", "/company/contacts": "3000", "/finance/agreements": "600", "/finance/agreements/types": "1",
		"/finance/agreements/600/additions": "7000", "/procurement/catalog": "40", "/service/boards": "2",
		"/service/boards/2/statuses": "7", "/service/boards/2/types": "3", "/service/boards/2/subtypes": "2",
		"/service/priorities": "1", "/service/sources": "1", "/service/tickets": "1502", "/service/tickets/1502/notes": "90002",
		"/system/members": "100",
	}
	covered := map[string]bool{}
	server := doc.Servers[0].URL
	for base, id := range items {
		for _, p := range []string{base + "?pageSize=1000", base + "/count", base + "/" + id} {
			r := b.get(t, p)
			req, _ := http.NewRequest(http.MethodGet, server+p, nil)
			route, params, err := router.FindRoute(req)
			if err != nil {
				t.Errorf("%s: no such path in the vendor schema: %v", p, err)
				continue
			}
			covered[route.Path] = true
			in := &openapi3filter.ResponseValidationInput{
				RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
				Status:                 http.StatusOK,
				Header:                 http.Header{"Content-Type": {"application/vnd.connectwise.com+json; version=2026.4"}},
				Body:                   io.NopCloser(bytes.NewReader(r.body)),
				Options:                &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true},
			}
			if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
				t.Errorf("GET %s does not match the vendor schema:\n%v", p, err)
			}
			var v any
			_ = json.Unmarshal(r.body, &v)
			var extra []string
			mt := route.Operation.Responses.Status(200).Value.Content.Get("application/vnd.connectwise.com+json; version=2026.4")
			unknownKeys(mt.Schema, v, "", &extra)
			if len(extra) > 0 {
				sort.Strings(extra)
				t.Errorf("GET %s has keys the schema does not know: %v", p, compact(extra))
			}
		}
	}
	for path, item := range doc.Paths.Map() {
		if item.Get != nil && !covered[path] {
			t.Errorf("schema path %s is not exercised by this test", path)
		}
	}
}

// TestConformanceWithSupplement checks the resources missing from the GET
// subset against the schemas reconstructed from the 2025.1 Go client.
func TestConformanceWithSupplement(t *testing.T) {
	t.Parallel()
	doc := loadSchema(t, schemaPath(t, "CENTRALPSA_CW_SUPPLEMENT", "supplement-models-2025.1-from-go-client.json"))
	// The spec types report rows as objects; real rows are scalars (doc §10.19).
	doc.Components.Schemas["ReportDataResponse"].Value.Properties["row_values"].Value.Items.Value.Items = openapi3.NewSchemaRef("", openapi3.NewSchema())
	b := setup(t)
	b.srv.SetRole(cwemu.FullRole().With(cwemu.FnSecurity, cwemu.Levels{Inquire: cwemu.All}))
	tests := []struct{ path, schema string }{
		{"/system/info", "Info"},
		{"/system/mySecurity", "[]MySecurity"},
		{"/system/securityroles", "[]SecurityRole"},
		{"/system/securityRoles/2/settings", "[]SecurityRoleSetting"},
		{"/system/apiMembers", "[]ApiMember"},
		{"/system/integratorlogins", "[]IntegratorLogin"},
		{"/procurement/types", "[]ProductType"},
		{"/procurement/categories", "[]Category"},
		{"/procurement/subcategories/", "[]SubCategory"},
		{"/procurement/manufacturers", "[]Manufacturer"},
		{"/system/reports", "[]Report"},
		{"/system/reports/Service", "ReportDataResponse"},
	}
	for _, tt := range tests {
		r := b.get(t, tt.path)
		var v any
		_ = json.Unmarshal(r.body, &v)
		name, list := strings.CutPrefix(tt.schema, "[]")
		ref := doc.Components.Schemas[name]
		values := []any{v}
		if list {
			values, _ = v.([]any)
			if len(values) == 0 {
				t.Errorf("%s: empty list, nothing checked", tt.path)
			}
		}
		for _, e := range values {
			if err := ref.Value.VisitJSON(e, openapi3.MultiErrors(), openapi3.VisitAsResponse()); err != nil {
				t.Errorf("GET %s does not match %s:\n%v", tt.path, name, err)
			}
			var extra []string
			unknownKeys(ref, e, "", &extra)
			if len(extra) > 0 {
				t.Errorf("GET %s has keys %s does not know: %v", tt.path, name, compact(extra))
			}
		}
	}
}

func compact(keys []string) []string {
	sort.Strings(keys)
	out := keys[:0]
	for i, k := range keys {
		if i == 0 || k != keys[i-1] {
			out = append(out, k)
		}
	}
	return out
}
