package cwemu

import (
	"math"
	"time"
)

// prepareAgreement derives agreementStatus: Cancelled when cancelledFlag
// is set, Expired after endDate (unless noEndingDateFlag), else Active.
func prepareAgreement(s *Server, old, rec record, _ string) *apiError {
	status := "Active"
	switch {
	case rec["cancelledFlag"] == true:
		status = "Cancelled"
		if _, ok := rec["dateCancelled"]; !ok {
			rec["dateCancelled"] = s.nowString()
		}
	case rec["noEndingDateFlag"] != true && s.isPast(rec["endDate"]):
		status = "Expired"
	}
	rec["agreementStatus"] = status
	if old != nil && old["agreementStatus"] != status {
		s.refreshAdditions(intField(old, "id"), status)
	}
	return nil
}

// refreshAdditions carries an agreement's new status to its additions
// that are not cancelled themselves.
func (s *Server) refreshAdditions(agreementID int, status string) {
	t := s.tables["additions"]
	for _, id := range t.byParent[agreementID] {
		add := t.rows[id]
		if !s.isPast(add["cancelledDate"]) {
			add["agreementStatus"] = status
		}
	}
}

// prepareAddition fills an addition from its catalog item when the caller
// leaves price, cost or description out (inferred, doc §10.12), derives the
// extended amounts, and sets agreementStatus: Cancelled once cancelledDate
// has passed, else the agreement's status.
func prepareAddition(s *Server, _, rec record, _ string) *apiError {
	if item := s.tables["catalog"].rows[refID(rec["product"])]; item != nil {
		for to, from := range map[string]string{"unitPrice": "price", "unitCost": "cost", "description": "description", "taxableFlag": "taxableFlag"} {
			if _, ok := rec[to]; !ok && item[from] != nil {
				rec[to] = item[from]
			}
		}
	}
	if _, ok := rec["quantity"]; !ok {
		rec["quantity"] = 1.0
	}
	if _, ok := rec["lessIncluded"]; !ok {
		rec["lessIncluded"] = 0.0
	}
	if _, ok := rec["effectiveDate"]; !ok {
		rec["effectiveDate"] = s.now().Truncate(24 * time.Hour).Format(time.RFC3339)
	}
	qty, _ := toFloat(rec["quantity"])
	less, _ := toFloat(rec["lessIncluded"])
	price, _ := toFloat(rec["unitPrice"])
	cost, _ := toFloat(rec["unitCost"])
	billable := math.Max(qty-less, 0)
	rec["extPrice"], rec["extCost"] = round2(billable*price), round2(billable*cost)
	rec["margin"] = round2(billable*price - billable*cost)
	status := "Active"
	if ag := s.tables["agreements"].rows[intField(rec, "agreementId")]; ag != nil {
		if st, ok := ag["agreementStatus"].(string); ok {
			status = st
		}
	}
	if s.isPast(rec["cancelledDate"]) {
		status = "Cancelled"
	}
	rec["agreementStatus"] = status
	return nil
}

// prepareCatalogItem derives the category from the subcategory, as the
// server does (inferred, doc §10.13), and defaults the product class.
func prepareCatalogItem(s *Server, _, rec record, _ string) *apiError {
	if sub := s.tables["subcategories"].rows[refID(rec["subcategory"])]; sub != nil {
		if cat := s.tables["categories"].rows[refID(sub["category"])]; cat != nil {
			rec["category"] = s.refTo(s.tables["categories"], cat)
		}
	}
	if _, ok := rec["productClass"]; !ok {
		rec["productClass"] = "NonInventory"
	}
	return nil
}

// prepareSource keeps a source's top-level entry marks (Source has them
// besides _info).
func prepareSource(s *Server, old, rec record, _ string) *apiError {
	if old != nil {
		rec["enteredBy"], rec["dateEntered"] = old["enteredBy"], old["dateEntered"]
		return nil
	}
	rec["enteredBy"], rec["dateEntered"] = s.actor(), s.nowString()
	return nil
}

// isPast reports whether v is a date at or before now.
func (s *Server) isPast(v any) bool {
	str, _ := v.(string)
	t, ok := parseTime(str)
	return ok && !t.After(s.now())
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }
