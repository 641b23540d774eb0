package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"centralpsa"
	"centralpsa/customers"
	"centralpsa/store"
)

// Products: the list, mapping a code to an existing catalog item (page and
// API), creating a new item for a code, and the refusals.
func TestProductsPages(t *testing.T) {
	t.Parallel()
	lb := setupLive(t, 6)
	br := lb.browser(t)
	csrf := br.signIn("admin", testPassword)

	page := br.get("/products")
	if page.status != 200 || !strings.Contains(page.body, "CIXA-MSP") || !strings.Contains(page.body, "Codes billed in") {
		t.Fatalf("products page: %d", page.status)
	}
	var list customers.ProductList
	if err := json.Unmarshal([]byte(br.get("/api/v1/products").body), &list); err != nil || len(list.Products) == 0 || list.Month == "" {
		t.Fatalf("API products: %v %+v", err, list)
	}

	// An existing item, found by the catalog search.
	items := lb.cw.CatalogItems()
	if len(items) == 0 {
		t.Fatal("the emulator has no catalog item")
	}
	ident := items[0]["identifier"].(string)
	edit := br.get("/products/edit?code=CIXA-MSP&q=" + url.QueryEscape(ident))
	if edit.status != 200 || !strings.Contains(edit.body, `value="`+ident+`"`) || !strings.Contains(edit.body, "code=CIXA-MSP&amp;lang=it") {
		t.Fatalf("edit page (%d) lacks the item %q or the language link", edit.status, ident)
	}
	if frag := br.get("/lookup/catalog?q=" + url.QueryEscape(ident)); !strings.Contains(frag.body, `value="`+ident+`"`) || strings.Contains(frag.body, "<html") {
		t.Fatalf("catalog fragment:\n%s", frag.body)
	}
	r := br.post("/products", url.Values{"csrf_token": {csrf}, "code": {"CIXA-MSP"}, "identifier": {ident}})
	if r.status != http.StatusSeeOther || r.location() != "/products?saved=1" {
		t.Fatalf("map: %d %s", r.status, r.body)
	}
	if p, _ := lb.db.Product(t.Context(), "CIXA-MSP"); p.CatalogIdentifier != ident || p.Source != store.SourceUser {
		t.Fatalf("stored %+v", p)
	}

	// A missing item is refused on the page and in the API.
	r = br.post("/products", url.Values{"csrf_token": {csrf}, "code": {"CIXA-MSP"}, "identifier": {"No_Such_Item"}})
	if r.status != 404 || !strings.Contains(r.body, "No_Such_Item") {
		t.Fatalf("missing item: %d", r.status)
	}
	wantAPIError(t, "API missing item", br.api("PUT", "/api/v1/products/CIXA-MSP", apiProductRequest{CatalogIdentifier: "No_Such_Item"}, csrf), 404, centralpsa.KindNotFound)

	// A new item is created in ConnectWise, audited and used.
	lb.cw.Log().Reset()
	r = br.post("/products/create", url.Values{"csrf_token": {csrf}, "code": {"XDR-MSP"}, "identifier": {"Console_XDR"}, "description": {"XDR from the console"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	if p, _ := lb.db.Product(t.Context(), "XDR-MSP"); p.CatalogIdentifier != "Console_XDR" || p.CatalogID == 0 {
		t.Fatalf("stored %+v", p)
	}
	if a, _ := lb.db.Audit(t.Context(), store.AuditFilter{Entity: "catalog_item"}); len(a) != 1 {
		t.Fatalf("audit entries for the created item: %d", len(a))
	}
	var out apiProductOut
	r = br.api("POST", "/api/v1/products/CDE-MSP/catalog", apiProductRequest{CatalogIdentifier: "Console_XDR"}, csrf)
	if r.status != 200 || json.Unmarshal([]byte(r.body), &out) != nil || out.CatalogIdentifier != "Console_XDR" {
		t.Fatalf("API create of an existing identifier: %d %s", r.status, r.body)
	}
	if n := len(lb.cw.Log().Writes()); n == 0 || n > 4 {
		t.Fatalf("%d writes; the second create must find the item", n)
	}
	r = br.post("/products/create", url.Values{"csrf_token": {csrf}, "code": {"XDR-MSP"}, "identifier": {strings.Repeat("x", 61)}})
	if r.status != 400 || !strings.Contains(r.body, `role="alert"`) {
		t.Fatalf("too long an identifier: %d", r.status)
	}
	wantStatus(t, "edit without a code", br.get("/products/edit"), 400)
}
