package cwemu

import (
	"encoding/json"
	"fmt"
	"os"
)

// loadSeedFile creates the records of a JSON seed file:
//
//	{"companies": [{"identifier": "X", "name": "X Ltd"}],
//	 "additions": [{"parentId": 600, "product": {"identifier": "MSP-EDR-BUNDLE"}, "billCustomer": "Billable"}]}
//
// Resources are created in declaration order (companies before
// agreements before additions), so records may refer to earlier ones by
// identifier or name. A child names its parent with "parentId".
func (s *Server) loadSeedFile(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var data map[string][]map[string]any
	if err := json.Unmarshal(b, &data); err != nil {
		return fmt.Errorf("parse %s: %w", path, err)
	}
	for key := range data {
		if s.tables[key] == nil {
			return fmt.Errorf("seed file %s: unknown resource %q", path, key)
		}
	}
	for _, res := range resources {
		for i, rec := range data[res.key] {
			parent, _ := intOf(rec["parentId"])
			delete(rec, "parentId")
			if _, err := s.Create(res.key, parent, rec); err != nil {
				return fmt.Errorf("seed file %s: %s[%d]: %w", path, res.key, i, err)
			}
		}
	}
	return nil
}
