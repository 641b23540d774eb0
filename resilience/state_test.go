package resilience_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"
)

// endState is what the syncs leave in ConnectWise, without the ids the
// server assigns (a retried create may legitimately get another id):
// additions per agreement, catalog items, and tickets per company.
type endState struct {
	Additions map[int64][]string // "identifier quantity=N [cancelled]"
	Catalog   []string           // "identifier description"
	Tickets   map[int64][]string // "key summary state notes=N"
}

// state reads the end state and fails the test on anything duplicated:
// two catalog items with one identifier, two live additions of one item on
// one agreement, two open tickets for one key, or a note written twice.
func (w *world) state(t *testing.T) endState {
	t.Helper()
	s := endState{Additions: map[int64][]string{}, Tickets: map[int64][]string{}}
	seen := map[string]bool{}
	for _, c := range w.cw.CatalogItems() {
		id, _ := c["identifier"].(string)
		if seen[strings.ToLower(id)] {
			t.Errorf("duplicate catalog item %s", id)
		}
		seen[strings.ToLower(id)] = true
		s.Catalog = append(s.Catalog, fmt.Sprintf("%s %v", id, c["description"]))
	}
	sort.Strings(s.Catalog)
	for _, m := range w.mapped {
		if m.AgreementID == 0 || s.Additions[m.AgreementID] != nil {
			continue
		}
		live := map[string]bool{}
		list := []string{}
		for _, a := range w.cw.Additions(int(m.AgreementID)) {
			p, _ := a["product"].(map[string]any)
			id, _ := p["identifier"].(string)
			line := fmt.Sprintf("%s quantity=%v", id, a["quantity"])
			if c, _ := a["cancelledDate"].(string); c != "" {
				line += " cancelled"
			} else if live[strings.ToLower(id)] {
				t.Errorf("agreement %d has two live additions of %s", m.AgreementID, id)
			} else {
				live[strings.ToLower(id)] = true
			}
			list = append(list, line)
		}
		sort.Strings(list)
		s.Additions[m.AgreementID] = list
	}
	open := map[string]int{}
	for _, tk := range w.cw.Tickets() {
		key, _ := tk["externalXRef"].(string)
		if key == "" {
			continue // the seeded help-desk tickets are not ours
		}
		state := "open"
		if tk["closedFlag"] == true {
			state = "closed"
		} else if open[key]++; open[key] > 1 {
			t.Errorf("key %s has %d open tickets", key, open[key])
		}
		co, _ := tk["company"].(map[string]any)
		notes := w.cw.Notes(int(num(tk["id"])))
		texts := map[string]bool{}
		for _, n := range notes {
			text, _ := n["text"].(string)
			if texts[text] {
				t.Errorf("ticket %s has the note %q twice", key, clip(text))
			}
			texts[text] = true
		}
		s.Tickets[num(co["id"])] = append(s.Tickets[num(co["id"])], fmt.Sprintf("%s %q %s notes=%d", key, tk["summary"], state, len(notes)))
	}
	for _, list := range s.Tickets {
		sort.Strings(list)
	}
	return s
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
