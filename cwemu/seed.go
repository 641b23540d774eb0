package cwemu

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
)

// seedDate stamps every seeded record, so a seeded site is the same on
// every run and lastUpdated filters can tell seed from new writes.
const seedDate = "2025-01-06T09:00:00Z"

// seedMember entered the seed data; a role with "My" levels does not see it.
const seedMember = "admin1"

// add stores a seed record through the normal write pipeline, so seeded
// records get the same references, defaults and side effects as API writes.
func (s *Server) add(key string, parent int, rec record) record {
	saved, err := s.save(s.tables[key].res, nil, rec, parent, http.MethodPost, slices.Collect(maps.Keys(rec)))
	if err != nil {
		panic(fmt.Sprintf("cwemu: seed %s %v: %s %+v", key, rec, err.body.Message, err.body.Errors))
	}
	return saved
}

func name(n string) record            { return record{"name": n} }
func byID(id any) record              { return record{"id": id} }
func with(r record, kv ...any) record { return kvs(maps.Clone(r), kv...) }

func kvs(r record, kv ...any) record {
	for i := 0; i+1 < len(kv); i += 2 {
		r[kv[i].(string)] = kv[i+1]
	}
	return r
}

// seed builds the demo site (connectwise-api.md §13.20 and the brief):
// setup tables, the API member and its role, companies and agreements from
// the sample customers, one MSP-owned catalog item and a few tickets.
func (s *Server) seed() {
	s.asPerson = true
	defer func() { s.asPerson = false }()
	s.seedSetup()
	s.seedPeople()
	s.seedCatalog()
	companies := s.seedCompanies()
	s.seedAgreements(companies)
	s.seedTickets(companies)
	s.restamp()
}

func (s *Server) seedSetup() {
	s.add("locations", 0, name("Main"))
	s.add("departments", 0, record{"identifier": "Services", "name": "Services"})
	for _, c := range []string{"Monthly", "Quarterly", "Annual"} {
		s.add("billingCycles", 0, name(c))
	}
	s.add("companyStatuses", 0, record{"name": "Active", "defaultFlag": true})
	s.add("companyStatuses", 0, name("Inactive"))
	for _, t := range []string{"Customer", "Vendor", "Prospect"} {
		s.add("companyTypes", 0, name(t))
	}
	where := record{"location": byID(1), "department": byID(1)}
	for _, b := range []string{"Help Desk", "Sophos Alerts"} {
		board := s.add("boards", 0, with(where, "name", b, "billTime", "Billable", "billExpense", "Billable", "billProduct", "Billable", "inactiveFlag", false))
		id := intField(board, "id")
		statuses := []string{"New", "In Progress", "Waiting Customer", "Closed"}
		if b == "Sophos Alerts" {
			statuses = []string{"New", "In Progress", "Closed"}
		}
		for i, st := range statuses {
			s.add("statuses", id, record{"name": st, "sortOrder": float64(i), "defaultFlag": i == 0, "closedStatus": st == "Closed",
				"displayOnBoard": st != "Closed", "inactive": false, "timeEntryNotAllowed": st == "Closed"})
		}
		for _, ty := range map[string][]string{"Help Desk": {"Incident", "Service Request"}, "Sophos Alerts": {"Security Alert"}}[b] {
			s.add("boardTypes", id, record{"name": ty, "category": "Reactive", "inactiveFlag": false})
		}
		s.add("subtypes", id, record{"name": "Malware", "inactiveFlag": false})
	}
	for i, p := range []struct{ name, color, level string }{
		{"Priority 1 - Emergency Response", "Red", "Critical"},
		{"Priority 2 - Quick Response", "Orange", "High"},
		{"Priority 3 - Normal Response", "Green", "Medium"},
	} {
		s.add("priorities", 0, record{"name": p.name, "color": p.color, "level": p.level, "sortOrder": float64(i + 1), "defaultFlag": i == 2})
	}
	for i, src := range []string{"Sophos Central", "Email", "Phone", "Portal"} {
		s.add("sources", 0, record{"name": src, "defaultFlag": i == 2})
	}
	for _, t := range []string{"Managed Services", "Security Services", "Block Time"} {
		s.add("agreementTypes", 0, record{"name": t, "employeeCompRate": "Actual", "employeeCompNotExceed": "Billing",
			"invoicingCycle": "ContractYear", "billTime": "Billable", "billExpenses": "Billable", "billProducts": "Billable",
			"billingCycle": name("Monthly"), "prorateFlag": true, "inactiveFlag": false, "defaultFlag": t == "Managed Services"})
	}
}

func (s *Server) seedPeople() {
	s.add("securityRoles", 0, record{"name": "Admin", "roleType": "Standard", "adminFlag": true, "inactiveFlag": false})
	s.add("securityRoles", 0, record{"name": s.role.Name, "roleType": "Standard", "adminFlag": false, "inactiveFlag": false})
	s.add("securityRoles", 0, record{"name": "Technician", "roleType": "Standard", "adminFlag": false, "inactiveFlag": false})
	for _, m := range []struct{ id, first, last, role string }{
		{seedMember, "Alex", "Admin", "Admin"}, {"jsmith", "Jane", "Smith", "Technician"}, {"mlee", "Marco", "Lee", "Technician"},
	} {
		s.add("members", 0, record{"identifier": m.id, "firstName": m.first, "lastName": m.last, "licenseClass": "F",
			"hireDate": "2020-03-02T00:00:00Z", "defaultEmail": "Office", "defaultPhone": "Office",
			"officeEmail": m.id + "@msp.example", "primaryEmail": m.id + "@msp.example", "securityRole": name(m.role),
			"inactiveFlag": false, "adminFlag": m.role == "Admin", "serviceDefaultBoard": name("Help Desk"),
			"defaultLocation": byID(1), "defaultDepartment": byID(1), "dailyCapacity": 8.0})
	}
	s.add("apiMembers", 0, record{"identifier": apiMemberID, "name": "CentralPSA Integration", "emailAddress": "centralpsa@msp.example",
		"securityRole": name(s.role.Name), "serviceDefaultBoard": name("Help Desk"), "defaultLocation": byID(1),
		"defaultDepartment": byID(1), "inactiveFlag": false})
	if !s.opts.NoIntegratorLogins {
		s.add("integratorLogins", 0, record{"username": "sophos_central", "password": "integrator-demo", "canAccessAllRecordsFlag": true,
			"canAccessAllApisFlag": false, "inactiveFlag": false, "serviceTicketApiFlag": true, "companyApiFlag": true,
			"agreementApiFlag": true, "productApiFlag": true, "board": name("Sophos Alerts")})
	}
}

func (s *Server) seedCatalog() {
	for _, t := range []string{"Non-Inventory", "Service", "Software"} {
		s.add("productTypes", 0, record{"name": t, "defaultFlag": t == "Non-Inventory", "inactiveFlag": false})
	}
	for _, c := range []string{"Software", "Services", "Hardware"} {
		s.add("categories", 0, record{"name": c, "defaultFlag": c == "Software", "inactiveFlag": false})
	}
	for _, sc := range [][2]string{{"Security", "Software"}, {"Licensing", "Software"}, {"Managed Services", "Services"}, {"Networking", "Hardware"}} {
		s.add("subcategories", 0, record{"name": sc[0], "category": name(sc[1]), "inactiveFlag": false})
	}
	for _, m := range []string{"Sophos", "Microsoft", "Generic"} {
		s.add("manufacturers", 0, record{"name": m, "inactiveFlag": false})
	}
	item := record{"type": name("Service"), "subcategory": name("Managed Services"), "manufacturer": name("Generic"),
		"taxableFlag": false, "inactiveFlag": false, "recurringFlag": true, "billableOption": "Billable", "priceAttribute": "FixedFee"}
	s.add("catalog", 0, with(item, "identifier", "MSP-EDR-BUNDLE", "description", "Managed EDR bundle (per device)",
		"customerDescription", "Managed endpoint detection and response, billed per protected device.", "price", 12.5, "cost", 4.75,
		"productClass", "Service"))
	s.add("catalog", 0, with(item, "identifier", "LEGACY-AV-SEAT", "description", "Legacy antivirus seat (retired)",
		"customerDescription", "Retired antivirus product.", "price", 2.0, "cost", 1.0, "inactiveFlag", true))
}

// seedCompanies makes one company per customer that has one, then the
// extra companies. It returns the company of each customer (nil if none).
func (s *Server) seedCompanies() []record {
	cities := map[string]string{"eu01": "Dublin", "eu02": "Frankfurt", "us01": "Boston", "us03": "Denver", "de01": "Munich", "ca01": "Toronto", "au01": "Sydney"}
	mk := func(i int, name, identifier, city string, deleted bool) record {
		if s.findBy(s.tables["companies"], "identifier", identifier, 0) != nil {
			identifier = fmt.Sprintf("%s_%d", identifier, i)
		}
		rec := record{"identifier": truncate(identifier, 30), "name": truncate(name, 50), "status": byID(1), "types": []any{byID(1)},
			"addressLine1": fmt.Sprintf("%d Market Street", 10+i), "city": city, "phoneNumber": fmt.Sprintf("555-%04d", i%10000),
			"deletedFlag": deleted, "isVendorFlag": false, "leadFlag": false}
		if deleted {
			rec["status"], rec["dateDeleted"], rec["deletedBy"] = byID(2), "2024-11-15T10:00:00Z", seedMember
		}
		co := s.add("companies", 0, rec)
		s.add("contacts", 0, record{"firstName": "IT", "lastName": "Contact", "company": byID(co["id"]), "defaultFlag": true,
			"inactiveFlag": false, "communicationItems": []any{record{"type": record{"id": 1, "name": "Email"}, "value": "it@" + strings.ToLower(identifier) + ".example",
				"communicationType": "Email", "defaultFlag": true}}})
		return co
	}
	out := make([]record, len(s.opts.Customers))
	for i, c := range s.opts.Customers {
		if c.CompanyName != "" {
			out[i] = mk(i, c.CompanyName, c.CompanyIdentifier, cities[c.Region], false)
		}
	}
	for i, x := range s.opts.Extra {
		mk(len(out)+i, x.Name, x.Identifier, "Springfield", x.Deleted)
	}
	return out
}

// seedAgreements gives most usage customers an active agreement, two of
// them a second active one, and one each a cancelled and an expired one.
func (s *Server) seedAgreements(companies []record) {
	n := 0
	for i, c := range s.opts.Customers {
		co := companies[i]
		if co == nil || c.BillingType != "usage" || i%6 == 5 {
			continue
		}
		first := s.agreement(co, "Managed Services", nil)
		switch n {
		case 0, 1:
			s.agreement(co, "Security Services", nil)
		case 2:
			s.agreement(co, "Security Services", record{"cancelledFlag": true, "dateCancelled": "2024-06-30T00:00:00Z", "reasonCancelled": "Replaced by Managed Services"})
		case 3:
			s.agreement(co, "Block Time", record{"noEndingDateFlag": false, "endDate": "2024-12-31T00:00:00Z"})
		}
		switch n {
		case 0:
			s.add("additions", intField(first, "id"), record{"product": record{"identifier": "MSP-EDR-BUNDLE"}, "billCustomer": "Billable", "quantity": 10.0})
		case 1:
			s.add("additions", intField(first, "id"), record{"product": record{"identifier": "MSP-EDR-BUNDLE"}, "billCustomer": "Billable",
				"quantity": 4.0, "cancelledDate": "2024-09-30T00:00:00Z"})
		}
		n++
	}
}

func (s *Server) agreement(co record, typ string, extra record) record {
	contact := s.tables["contacts"].byCompany(intField(co, "id"))
	rec := record{"name": truncate(co["name"].(string)+" - "+typ, 100), "type": name(typ), "company": byID(co["id"]), "contact": byID(contact),
		"startDate": "2024-01-01T00:00:00Z", "noEndingDateFlag": true, "billingCycle": name("Monthly"), "applicationUnits": "Amount",
		"applicationUnlimitedFlag": false, "prorateFlag": true, "billAmount": 0.0, "employeeCompRate": "Actual",
		"employeeCompNotExceed": "Billing", "invoicingCycle": "ContractYear", "billTime": "Billable", "billExpenses": "Billable",
		"billProducts": "Billable", "location": byID(1), "department": byID(1), "cancelledFlag": false}
	maps.Copy(rec, extra)
	return s.add("agreements", 0, rec)
}

func (s *Server) seedTickets(companies []record) {
	var cos []record
	for _, c := range companies {
		if c != nil {
			cos = append(cos, c)
		}
	}
	if len(cos) < 2 {
		return
	}
	s.add("tickets", 0, record{"summary": "Printer offline in reception", "company": byID(cos[0]["id"]), "board": name("Help Desk"),
		"source": name("Phone"), "initialDescription": "The reception printer shows offline since this morning.", "severity": "Low", "impact": "Low"})
	s.add("tickets", 0, record{"summary": "New starter laptop setup", "company": byID(cos[1]["id"]), "board": name("Help Desk"),
		"status": name("Closed"), "initialDescription": "Prepare a laptop for the new accountant.", "severity": "Low", "impact": "Low"})
}

// restamp makes every seeded record look entered by an admin on seedDate.
func (s *Server) restamp() {
	for _, t := range s.tables {
		for _, rec := range t.rows {
			if info, ok := rec["_info"].(map[string]any); ok {
				info["dateEntered"], info["lastUpdated"], info["enteredBy"], info["updatedBy"] = seedDate, seedDate, seedMember, seedMember
			}
			for _, k := range []string{"dateCreated", "dateEntered", "closedDate"} {
				if _, ok := rec[k]; ok {
					rec[k] = seedDate
				}
			}
			for _, k := range []string{"createdBy", "enteredBy", "closedBy"} {
				if _, ok := rec[k]; ok {
					rec[k] = seedMember
				}
			}
		}
	}
}

// byCompany returns the first contact id of a company (contacts only).
func (t *table) byCompany(companyID int) int {
	if ids := t.index["company/id"][itoa(companyID)]; len(ids) > 0 {
		return ids[0]
	}
	return 0
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n]))
}
