package cwemu_test

import (
	"net/http"
	"strconv"
	"testing"
)

func TestTicketLifecycle(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.do(t, http.MethodPost, "/service/tickets", map[string]any{
		"summary": "[Sophos] Malware detected on PC-01", "company": map[string]any{"identifier": "acmesonsdental0"},
		"board": map[string]any{"name": "Sophos Alerts"}, "priority": map[string]any{"name": "Priority 1 - Emergency Response"},
		"source": map[string]any{"name": "Sophos Central"}, "externalXRef": "sophos:t1:malware:pc-01",
		"initialDescription": "Line one\nLine two", "initialInternalAnalysis": "raw alert json",
	})
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	tk := r.object(t)
	id := strconv.Itoa(int(num(tk["id"])))
	if _, echoed := tk["initialDescription"]; echoed {
		t.Error("initialDescription is write-only but was returned")
	}
	if ref(tk["status"], "name") != "New" || tk["closedFlag"] != false || ref(tk["company"], "identifier") != "AcmeSonsDental0" ||
		ref(tk["priority"], "level") != "Critical" || tk["externalXRef"] != "sophos:t1:malware:pc-01" {
		t.Errorf("created ticket = %s", r.body)
	}
	info, _ := tk["_info"].(map[string]any)
	if info["notes_href"] != b.root+"/service/tickets/"+id+"/notes" {
		t.Errorf("notes_href = %v", info["notes_href"])
	}
	notes := b.get(t, "/service/tickets/"+id+"/notes").list(t)
	if len(notes) != 2 || notes[0]["text"] != "Line one\nLine two" || notes[0]["detailDescriptionFlag"] != true || notes[1]["internalAnalysisFlag"] != true {
		t.Fatalf("notes = %v", notes)
	}
	add := b.do(t, http.MethodPost, "/service/tickets/"+id+"/notes", map[string]any{"text": "Alert repeated", "internalAnalysisFlag": true})
	if add.status != http.StatusCreated || num(add.object(t)["ticketId"]) != num(tk["id"]) {
		t.Errorf("add note: %d %s", add.status, add.body)
	}

	closed := b.do(t, http.MethodPatch, "/service/tickets/"+id, []any{map[string]any{"op": "replace", "path": "status", "value": map[string]any{"name": "Closed"}}})
	c := closed.object(t)
	if closed.status != http.StatusOK || c["closedFlag"] != true || c["closedDate"] != "2026-03-10T12:00:00Z" || c["closedBy"] == nil {
		t.Fatalf("close: %d %s", closed.status, closed.body)
	}
	n := b.get(t, q("/service/tickets/count", "conditions", `closedFlag = false and board/name = "Sophos Alerts"`)).object(t)["count"]
	if n != 0.0 {
		t.Errorf("open Sophos tickets after closing = %v", n)
	}
	reopened := b.do(t, http.MethodPatch, "/service/tickets/"+id, []any{map[string]any{"op": "replace", "path": "status", "value": map[string]any{"name": "In Progress"}}})
	if o := reopened.object(t); o["closedFlag"] != false || o["closedDate"] != nil {
		t.Errorf("reopen: %s", reopened.body)
	}
	if err := b.srv.CloseTicket(int(num(tk["id"]))); err != nil {
		t.Fatal(err)
	}
	if got, _ := b.srv.Record("tickets", int(num(tk["id"]))); got["closedFlag"] != true {
		t.Errorf("CloseTicket left %v", got["status"])
	}
}

func TestTicketDefaultsToMemberBoard(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.do(t, http.MethodPost, "/service/tickets", map[string]any{"summary": "no board", "company": map[string]any{"id": 250}})
	tk := r.object(t)
	if r.status != http.StatusCreated || ref(tk["board"], "name") != "Help Desk" || ref(tk["status"], "name") != "New" ||
		ref(tk["priority"], "name") != "Priority 3 - Normal Response" {
		t.Errorf("defaults: %d %s", r.status, r.body)
	}
	r = b.do(t, http.MethodPost, "/service/tickets", map[string]any{"summary": "status by name", "company": map[string]any{"id": 250},
		"status": map[string]any{"name": "waiting customer"}})
	tk = r.object(t)
	if r.status != http.StatusCreated || ref(tk["status"], "name") != "Waiting Customer" || ref(tk["board"], "name") != "Help Desk" {
		t.Fatalf("status by name on the default board: %d %s", r.status, r.body)
	}
	moved := b.do(t, http.MethodPatch, "/service/tickets/"+strconv.Itoa(int(num(tk["id"]))),
		[]any{map[string]any{"op": "replace", "path": "board", "value": map[string]any{"name": "Sophos Alerts"}}})
	m := moved.object(t)
	if moved.status != http.StatusOK || ref(m["board"], "name") != "Sophos Alerts" || ref(m["status"], "name") != "New" || num(ref(m["status"], "id")) != 5 {
		t.Errorf("moved ticket: %d %s", moved.status, moved.body)
	}
}

func TestAdditionLifecycle(t *testing.T) {
	t.Parallel()
	b := setup(t)
	item := b.do(t, http.MethodPost, "/procurement/catalog", with(catalogItem("Sophos_Intercept_X_Advanced"), "price", 4.5, "cost", 2.25)).object(t)
	r := b.do(t, http.MethodPost, "/finance/agreements/601/additions", map[string]any{
		"product": map[string]any{"id": item["id"]}, "billCustomer": "Billable", "quantity": 20, "invoiceDescription": "Intercept X Advanced - March"})
	add := r.object(t)
	if r.status != http.StatusCreated || add["unitPrice"] != 4.5 || add["unitCost"] != 2.25 || add["agreementStatus"] != "Active" ||
		num(add["agreementId"]) != 601 || add["extPrice"] != 90.0 || ref(add["product"], "identifier") != "Sophos_Intercept_X_Advanced" {
		t.Fatalf("addition: %d %s", r.status, r.body)
	}
	id := strconv.Itoa(int(num(add["id"])))
	found := b.get(t, q("/finance/agreements/601/additions", "conditions", `product/identifier="Sophos_Intercept_X_Advanced" and cancelledDate = null`)).list(t)
	if len(found) != 1 {
		t.Errorf("lookup by product identifier found %d", len(found))
	}
	cancel := b.do(t, http.MethodPatch, "/finance/agreements/601/additions/"+id,
		[]any{map[string]any{"op": "replace", "path": "cancelledDate", "value": "2026-03-01T00:00:00Z"}})
	if c := cancel.object(t); c["agreementStatus"] != "Cancelled" {
		t.Errorf("cancelled addition: %s", cancel.body)
	}
	later := b.do(t, http.MethodPatch, "/finance/agreements/601/additions/"+id,
		[]any{map[string]any{"op": "replace", "path": "cancelledDate", "value": "2026-04-30"}})
	if c := later.object(t); c["agreementStatus"] != "Active" || c["cancelledDate"] != "2026-04-30T00:00:00Z" {
		t.Errorf("future cancellation: %s", later.body)
	}
	if err := b.srv.SetAdditionQuantity(601, int(num(add["id"])), 3); err != nil {
		t.Fatal(err)
	}
	if got := b.srv.Additions(601); num(got[len(got)-1]["quantity"]) != 3 {
		t.Errorf("SetAdditionQuantity: %v", got)
	}
	if err := b.srv.SetAdditionQuantity(600, int(num(add["id"])), 3); err == nil {
		t.Error("SetAdditionQuantity accepted the wrong agreement")
	}
}

func TestSeededAgreements(t *testing.T) {
	t.Parallel()
	b := setup(t)
	statuses := map[string]int{}
	perCompany := map[float64]int{}
	for _, a := range b.srv.Agreements() {
		statuses[a["agreementStatus"].(string)]++
		if a["agreementStatus"] == "Active" {
			perCompany[num(ref(a["company"], "id"))]++
		}
	}
	if statuses["Cancelled"] != 1 || statuses["Expired"] != 1 || statuses["Active"] < 20 {
		t.Errorf("agreement statuses = %v", statuses)
	}
	two := 0
	for _, n := range perCompany {
		if n == 2 {
			two++
		}
	}
	if two != 2 {
		t.Errorf("%d companies have two active agreements, want 2", two)
	}
	for _, c := range b.srv.CatalogItems() {
		if id := c["identifier"].(string); len(id) > 7 && id[:7] == "Sophos_" {
			t.Errorf("seed has a Sophos item %s; usage sync must create them", id)
		}
	}
}
