package cwemu

// ops is the set of operations a resource answers; anything else on its
// paths is 405, as on the real server (methods per cw-openapi/endpoints-2025.1.tsv).
type ops uint16

const (
	opList ops = 1 << iota
	opCreate
	opCount
	opGet
	opPut
	opPatch
	opDelete
	opSearch
)

const crud = opList | opCreate | opCount | opGet | opPut | opPatch | opDelete

// ref declares a reference field: the resource it points to, and for
// per-board lookups (a ticket's status by name) the field of the record
// that holds the parent.
type ref struct {
	to    string // resource key; "" keeps the reference as sent (a table we do not model)
	scope string
}

// resource declares everything the generic handlers need to serve one
// ConnectWise resource. Field facts come from connectwise-api.md §10 and
// the 2025.1 max lengths (the codebase the emulator advertises).
type resource struct {
	key    string // store name, e.g. "tickets"; Server.Records takes it
	path   string // collection path below /apis/3.0; {parentId} marks the parent
	object string // name in validation errors: "ticket object is invalid"
	entity string // name in 404s: "Ticket 12 not found"

	parent      string // parent resource key
	parentField string // where a child keeps its parent: an int field or a reference
	firstID     int    // ids start here, so ids of different resources rarely collide

	ops   ops      // none: a lookup table that answers no requests
	fn    Function // security-role function governing the resource (§11)
	table string   // Table Setup "Customize" item for setup tables

	required  []string
	maxLen    map[string]int
	enums     map[string][]string
	numbers   []string // fields that must be JSON numbers (…Flag are booleans, …Date dates by name)
	refs      map[string]ref
	unique    []string // case-insensitive, within the parent
	indexed   []string // paths with an equality index
	readOnly  []string // computed by the server; ignored on writes
	writeOnly []string // accepted on POST, never returned
	children  []string // child collections linked from _info as <name>_href

	refKeys []string            // keys of a reference to this resource: "name" or "sort=sortOrder"
	hrefKey string              // _info key of such a reference
	toRef   func(record) record // replaces refKeys when a reference needs computed keys

	defaults func(s *Server, rec record) []string                 // on create, before references resolve; returns the fields it set
	prepare  func(s *Server, old, rec record, m string) *apiError // defaults and side effects before validation
	saved    func(s *Server, rec record, created bool)            // side effects after storing
}

var billOptions = []string{"Billable", "DoNotBill", "NoCharge", "NoDefault"}

var ticketEnums = map[string][]string{
	"recordType": {"ProjectIssue", "ProjectTicket", "ServiceTicket"}, "severity": {"Low", "Medium", "High"}, "impact": {"Low", "Medium", "High"},
	"billTime": billOptions, "billExpenses": billOptions, "billProducts": billOptions,
	"billingMethod": {"ActualRates", "FixedFee", "NotToExceed", "OverrideRate"}, "subBillingMethod": {"ActualRates", "FixedFee", "NotToExceed", "OverrideRate"},
	"predecessorType":       {"Ticket", "Phase"},
	"knowledgeBaseLinkType": {"Activity", "ProjectIssue", "KnowledgeBaseArticle", "ProjectTicket", "ServiceTicket", "Time"},
}

// resources is the one place that declares the emulated API.
var resources = []*resource{
	{key: "companies", path: "/company/companies", object: "company", entity: "Company", firstID: 250,
		ops: crud, fn: FnCompanyMaintenance, required: []string{"identifier", "name"},
		maxLen:  map[string]int{"identifier": 30, "name": 50, "addressLine1": 50, "addressLine2": 50, "city": 50, "state": 50, "zip": 12, "phoneNumber": 30, "faxNumber": 30, "website": 255},
		numbers: []string{"annualRevenue", "creditLimit", "additionalDebt", "numberOfEmployees", "yearEstablished", "revenueYear"},
		refs: map[string]ref{"status": {to: "companyStatuses"}, "types": {to: "companyTypes"}, "defaultContact": {to: "contacts"},
			"parentCompany": {to: "companies"}, "billToCompany": {to: "companies"}, "territoryManager": {to: "members"}},
		unique: []string{"identifier"}, indexed: []string{"identifier", "name"},
		refKeys: []string{"identifier", "name"}, hrefKey: "company_href", defaults: falseFlags("deletedFlag")},
	{key: "companyStatuses", path: "/company/companies/statuses", object: "companyStatus", entity: "CompanyStatus", firstID: 1,
		ops: crud, fn: FnTableSetup, table: "Company / Company Status", required: []string{"name"}, maxLen: map[string]int{"name": 50},
		unique: []string{"name"}, refKeys: []string{"name"}, hrefKey: "status_href"},
	{key: "companyTypes", path: "/company/companies/types", object: "companyType", entity: "CompanyType", firstID: 1,
		ops: crud, fn: FnTableSetup, table: "Company / Company Type", required: []string{"name"}, maxLen: map[string]int{"name": 50},
		unique: []string{"name"}, refKeys: []string{"name"}, hrefKey: "type_href"},
	{key: "contacts", path: "/company/contacts", object: "contact", entity: "Contact", firstID: 3000,
		ops: crud, fn: FnContacts, maxLen: map[string]int{"firstName": 30, "lastName": 30, "title": 100},
		refs:    map[string]ref{"company": {to: "companies"}},
		indexed: []string{"company/id"}, hrefKey: "contact_href", toRef: personRef},
	{key: "agreementTypes", path: "/finance/agreements/types", object: "agreementType", entity: "AgreementType", firstID: 1,
		ops: crud, fn: FnTableSetup, table: "Finance / Agreement Type",
		required: []string{"name", "employeeCompRate", "employeeCompNotExceed", "invoicingCycle", "billTime", "billExpenses", "billProducts"},
		maxLen:   map[string]int{"name": 50, "invoicePreSuffix": 5, "invoiceDescription": 4000, "integrationXRef": 50},
		enums: map[string][]string{"employeeCompRate": {"Actual", "Hourly"}, "employeeCompNotExceed": {"Billing", "Amount", "Percent"},
			"invoicingCycle": {"ContractYear", "CalendarYear"}, "billTime": billOptions, "billExpenses": billOptions, "billProducts": billOptions,
			"prefixSuffixOption": {"Prefix", "Suffix"}},
		numbers: []string{"applicationLimit", "compHourlyRate", "compLimitAmount", "billAmount"},
		refs:    map[string]ref{"billingCycle": {to: "billingCycles"}, "location": {to: "locations"}, "department": {to: "departments"}},
		unique:  []string{"name"}, refKeys: []string{"name"}, hrefKey: "type_href"},
	{key: "agreements", path: "/finance/agreements", object: "agreement", entity: "Agreement", firstID: 600,
		ops: crud, fn: FnAgreements, required: []string{"name", "type", "company", "contact"},
		maxLen: map[string]int{"name": 100, "customerPO": 50, "workOrder": 20, "reasonCancelled": 100},
		enums: map[string][]string{"agreementStatus": {"Active", "Cancelled", "Expired", "Inactive"}, "applicationUnits": {"Amount", "Hours", "Incidents"},
			"applicationCycle": {"Contract2Weeks", "Contract4Weeks", "ContractYear", "CalendarMonth", "CalendarQuarter", "CalendarWeek", "ContractQuarter", "CalendarYear"},
			"employeeCompRate": {"Actual", "Hourly"}, "employeeCompNotExceed": {"Billing", "Amount", "Percent"}, "invoicingCycle": {"ContractYear", "CalendarYear"},
			"billTime": billOptions, "billExpenses": billOptions, "billProducts": billOptions, "periodType": {"Current", "Future", "Both", "Undefined"}},
		numbers: []string{"applicationLimit", "compHourlyRate", "compLimitAmount", "billAmount", "prorateFirstBill", "expiredDays", "limit"},
		refs: map[string]ref{"type": {to: "agreementTypes"}, "company": {to: "companies"}, "contact": {to: "contacts"}, "parentAgreement": {to: "agreements"},
			"billToCompany": {to: "companies"}, "billToContact": {to: "contacts"}, "billingCycle": {to: "billingCycles"},
			"location": {to: "locations"}, "department": {to: "departments"}},
		readOnly: []string{"agreementStatus"}, indexed: []string{"company/id", "name"}, children: []string{"additions"},
		refKeys: []string{"name", "type=type/name"}, hrefKey: "agreement_href", prepare: prepareAgreement},
	{key: "additions", path: "/finance/agreements/{parentId}/additions", object: "addition", entity: "Addition", firstID: 7000,
		parent: "agreements", parentField: "agreementId",
		ops: crud, fn: FnAgreements, required: []string{"product", "billCustomer"},
		maxLen:  map[string]int{"serialNumber": 50, "invoiceDescription": 6000},
		enums:   map[string][]string{"billCustomer": {"Billable", "DoNotBill", "NoCharge"}},
		numbers: []string{"quantity", "lessIncluded", "unitPrice", "unitCost", "billedQuantity", "sequenceNumber", "prorateCost", "proratePrice"},
		refs:    map[string]ref{"product": {to: "catalog"}},
		readOnly: []string{"agreementStatus", "agreementId", "extPrice", "extCost", "margin",
			"extendedProrateCost", "extendedProratePrice"},
		indexed: []string{"product/identifier", "product/id"}, hrefKey: "addition_href",
		prepare: prepareAddition},
	{key: "catalog", path: "/procurement/catalog", object: "catalogItem", entity: "CatalogItem", firstID: 40,
		ops: crud, fn: FnProductCatalog, required: []string{"identifier", "description", "subcategory", "type", "customerDescription"},
		maxLen: map[string]int{"identifier": 75, "description": 60, "customerDescription": 6000, "manufacturerPartNumber": 50, "vendorSku": 50, "integrationXRef": 50},
		enums: map[string][]string{"productClass": {"Agreement", "Bundle", "Inventory", "NonInventory", "Service"},
			"priceAttribute": {"FixedFee", "NotToExceed", "OverrideRate", "TimeAndMaterials"}, "billableOption": billOptions,
			"recurringCycleType": {"ContractYear", "CalendarYear"}},
		numbers: []string{"price", "cost", "minStockLevel", "recurringRevenue", "recurringCost", "calculatedPrice", "calculatedCost", "markupPercentage"},
		refs: map[string]ref{"subcategory": {to: "subcategories"}, "type": {to: "productTypes"}, "category": {to: "categories"},
			"manufacturer": {to: "manufacturers"}, "vendor": {to: "companies"}, "agreementType": {to: "agreementTypes"}, "recurringBillCycle": {to: "billingCycles"}},
		unique: []string{"identifier"}, indexed: []string{"identifier"},
		refKeys: []string{"identifier", "serializedFlag"}, hrefKey: "catalogItem_href", prepare: prepareCatalogItem,
		defaults: falseFlags("inactiveFlag")},
	setupTable("productTypes", "/procurement/types", "productType", "ProductType", "Procurement / Product Type", "type_href"),
	setupTable("categories", "/procurement/categories", "category", "Category", "Procurement / Category", "category_href"),
	{key: "subcategories", path: "/procurement/subcategories", object: "subCategory", entity: "SubCategory", firstID: 1,
		ops: crud, fn: FnTableSetup, table: "Procurement / Subcategory", required: []string{"name", "category"},
		maxLen: map[string]int{"name": 50, "integrationXref": 50}, refs: map[string]ref{"category": {to: "categories"}},
		unique: []string{"name"}, refKeys: []string{"name"}, hrefKey: "subcategory_href"},
	setupTable("manufacturers", "/procurement/manufacturers", "manufacturer", "Manufacturer", "Procurement / Manufacturer", "manufacturer_href"),
	{key: "boards", path: "/service/boards", object: "board", entity: "Board", firstID: 1,
		ops: crud, fn: FnTableSetup, table: "Service / Service Board", required: []string{"name", "location", "department"},
		maxLen: map[string]int{"name": 50, "notifyEmailFrom": 50, "notifyEmailFromName": 60},
		enums:  map[string][]string{"billTime": billOptions, "billExpense": billOptions, "billProduct": billOptions},
		refs: map[string]ref{"location": {to: "locations"}, "department": {to: "departments"}, "dispatchMember": {to: "members"},
			"serviceManagerMember": {to: "members"}, "dutyManagerMember": {to: "members"}},
		unique: []string{"name"}, indexed: []string{"name"}, children: []string{"statuses", "types", "subtypes"},
		refKeys: []string{"name"}, hrefKey: "board_href"},
	boardChild("statuses", "boardStatus", "BoardStatus", "status_href", []string{"name", "sort=sortOrder"},
		map[string][]string{"escalationStatus": {"NotResponded", "Responded", "ResolutionPlan", "Resolved", "NoEscalation"}}),
	boardChild("types", "boardType", "BoardType", "type_href", []string{"name"}, map[string][]string{"category": {"Reactive", "Proactive"}}),
	boardChild("subtypes", "boardSubType", "BoardSubType", "subType_href", []string{"name"}, nil),
	{key: "priorities", path: "/service/priorities", object: "priority", entity: "Priority", firstID: 1,
		ops: crud, fn: FnTableSetup, table: "Service / Priority", required: []string{"name", "color"}, maxLen: map[string]int{"name": 50},
		enums: map[string][]string{"color": {"Black", "Blue", "Cyan", "Gray", "Green", "Lime", "Orange", "Pink", "Purple", "Red", "White", "Yellow", "Custom"},
			"level": {"Critical", "High", "Medium", "Low"}},
		numbers: []string{"sortOrder"}, unique: []string{"name"}, indexed: []string{"name"},
		refKeys: []string{"name", "sort=sortOrder", "level"}, hrefKey: "priority_href"},
	{key: "sources", path: "/service/sources", object: "source", entity: "Source", firstID: 1,
		ops: crud, fn: FnTableSetup, table: "Service / Source", required: []string{"name"}, maxLen: map[string]int{"name": 50},
		readOnly: []string{"enteredBy", "dateEntered"}, unique: []string{"name"}, refKeys: []string{"name"}, hrefKey: "source_href",
		prepare: prepareSource},
	// /service/tickets (doc §10.17): externalXRef is filterable and indexed,
	// so a client can find its own ticket by key.
	{key: "tickets", path: "/service/tickets", object: "ticket", entity: "Ticket", firstID: 1500,
		ops: crud | opSearch, fn: FnServiceTickets, required: []string{"summary", "company"},
		maxLen: map[string]int{"summary": 100, "siteName": 50, "addressLine1": 50, "addressLine2": 50, "city": 50, "stateIdentifier": 50, "zip": 12,
			"contactName": 62, "contactPhoneNumber": 20, "contactPhoneExtension": 15, "contactEmailAddress": 250, "externalXRef": 100,
			"poNumber": 50, "automaticEmailCc": 1000},
		enums:   ticketEnums,
		numbers: []string{"budgetHours", "actualHours", "billingAmount", "hourlyRate", "subBillingAmount"},
		refs: map[string]ref{"board": {to: "boards"}, "status": {to: "statuses", scope: "board"}, "company": {to: "companies"},
			"contact": {to: "contacts"}, "type": {to: "boardTypes", scope: "board"}, "subType": {to: "subtypes", scope: "board"},
			"owner": {to: "members"}, "priority": {to: "priorities"}, "source": {to: "sources"}, "agreement": {to: "agreements"},
			"location": {to: "locations"}, "department": {to: "departments"}},
		readOnly:  []string{"closedFlag", "closedDate", "closedBy"},
		writeOnly: []string{"initialDescription", "initialInternalAnalysis", "initialResolution", "processNotifications", "skipCallback"},
		indexed:   []string{"company/id", "externalXRef", "board/id"}, children: []string{"notes"},
		refKeys: []string{"summary"}, hrefKey: "ticket_href",
		defaults: ticketDefaults, prepare: prepareTicket, saved: ticketSaved},
	{key: "notes", path: "/service/tickets/{parentId}/notes", object: "serviceNote", entity: "ServiceNote", firstID: 90000,
		parent: "tickets", parentField: "ticketId", ops: crud, fn: FnServiceTickets,
		refs:     map[string]ref{"member": {to: "members"}, "contact": {to: "contacts"}},
		readOnly: []string{"ticketId", "dateCreated", "createdBy"}, hrefKey: "note_href", prepare: prepareNote},
	{key: "members", path: "/system/members", object: "member", entity: "Member", firstID: 100,
		ops: opList | opCreate | opCount | opGet | opPut | opPatch, fn: FnMemberMaintenance,
		required: []string{"identifier", "licenseClass", "firstName", "lastName", "hireDate", "defaultEmail", "defaultPhone", "securityRole"},
		maxLen: map[string]int{"identifier": 15, "password": 60, "firstName": 30, "lastName": 30, "middleInitial": 1,
			"officeEmail": 250, "mobileEmail": 250, "homeEmail": 250, "primaryEmail": 250, "officePhone": 15, "mobilePhone": 15, "homePhone": 15},
		enums:   map[string][]string{"licenseClass": {"A", "C", "F", "X"}, "defaultEmail": {"Office", "Mobile", "Home"}, "defaultPhone": {"Office", "Mobile", "Home"}},
		numbers: []string{"dailyCapacity", "hourlyCost", "hourlyRate"},
		refs: map[string]ref{"securityRole": {to: "securityRoles"}, "serviceDefaultBoard": {to: "boards"}, "defaultLocation": {to: "locations"},
			"defaultDepartment": {to: "departments"}, "reportsTo": {to: "members"}},
		unique: []string{"identifier"}, indexed: []string{"identifier"}, writeOnly: []string{"password"},
		hrefKey: "member_href", toRef: personRef},
	{key: "apiMembers", path: "/system/apiMembers", object: "apiMember", entity: "ApiMember", firstID: 180,
		ops: opList | opCreate | opCount | opGet | opPut | opPatch, fn: FnMemberMaintenance, required: []string{"identifier"},
		maxLen: map[string]int{"identifier": 15, "name": 30, "emailAddress": 250},
		refs: map[string]ref{"securityRole": {to: "securityRoles"}, "serviceDefaultBoard": {to: "boards"}, "defaultLocation": {to: "locations"},
			"defaultDepartment": {to: "departments"}},
		unique: []string{"identifier"}, refKeys: []string{"identifier", "name"}, hrefKey: "member_href"},
	{key: "securityRoles", path: "/system/securityroles", object: "securityRole", entity: "SecurityRole", firstID: 1,
		ops: opList | opCreate | opCount | opGet | opDelete, fn: FnSecurity, required: []string{"name"},
		maxLen: map[string]int{"name": 30, "roleType": 30}, unique: []string{"name"}, refKeys: []string{"name"}, hrefKey: "securityRole_href"},
	{key: "integratorLogins", path: "/system/integratorlogins", object: "integratorLogin", entity: "IntegratorLogin", firstID: 1,
		ops: crud, fn: FnTableSetup, table: "System / Integrator Login", required: []string{"username"},
		maxLen: map[string]int{"username": 50, "password": 50, "serviceBoardCallbackUrl": 1000},
		refs:   map[string]ref{"board": {to: "boards"}, "member": {to: "members"}},
		unique: []string{"username"}, writeOnly: []string{"password"}, refKeys: []string{"name=username"}, hrefKey: "integratorLogin_href"},
	lookupTable("locations", "/system/locations", "location_href", "name"),
	lookupTable("departments", "/system/departments", "department_href", "identifier", "name"),
	lookupTable("billingCycles", "/finance/billingCycles", "billingCycle_href", "name"),
}

func setupTable(key, path, object, entity, table, href string) *resource {
	return &resource{key: key, path: path, object: object, entity: entity, firstID: 1, ops: crud, fn: FnTableSetup, table: table,
		required: []string{"name"}, maxLen: map[string]int{"name": 50}, unique: []string{"name"}, indexed: []string{"name"},
		refKeys: []string{"name"}, hrefKey: href}
}

func boardChild(child, object, entity, href string, refKeys []string, enums map[string][]string) *resource {
	return &resource{key: map[string]string{"statuses": "statuses", "types": "boardTypes", "subtypes": "subtypes"}[child],
		path: "/service/boards/{parentId}/" + child, object: object, entity: entity, firstID: 1,
		parent: "boards", parentField: "board", ops: crud, fn: FnTableSetup, table: "Service / Service Board",
		required: []string{"name"}, maxLen: map[string]int{"name": 50, "customerPortalDescription": 500, "customStatusIndicatorName": 30},
		enums: enums, numbers: []string{"sortOrder"}, refs: map[string]ref{"board": {to: "boards"}},
		unique: []string{"name"}, refKeys: refKeys, hrefKey: href}
}

// lookupTable is a table the emulator keeps only so that references to it
// resolve and render (locations, departments, billing cycles); it answers
// no requests (no ops), but its path makes the hrefs realistic.
func lookupTable(key, path, href string, refKeys ...string) *resource {
	return &resource{key: key, path: path, object: key, entity: key, firstID: 1, refKeys: refKeys, hrefKey: href}
}

// personRef renders a member or contact reference, whose name is not a
// field of the record.
func personRef(rec record) record {
	out := record{"id": rec["id"]}
	if v, ok := rec["identifier"]; ok {
		out["identifier"] = v
	}
	first, _ := rec["firstName"].(string)
	last, _ := rec["lastName"].(string)
	if name := joinName(first, last); name != "" {
		out["name"] = name
	}
	return out
}

func joinName(first, last string) string {
	switch {
	case first == "":
		return last
	case last == "":
		return first
	}
	return first + " " + last
}
