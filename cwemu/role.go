package cwemu

import "maps"

// Level is a security-role level. ConnectWise uses exactly these three
// strings (doc §10.5).
type Level string

// The security levels.
const (
	None Level = "None"
	My   Level = "My"
	All  Level = "All"
)

// Access is one column of the security-role matrix.
type Access int

// The four columns of a role function.
const (
	Add Access = iota
	Edit
	Delete
	Inquire
)

func (a Access) String() string {
	return [...]string{"Add", "Edit", "Delete", "Inquire"}[a]
}

// Levels are the four levels of one role function.
type Levels struct{ Add, Edit, Delete, Inquire Level }

func (l Levels) get(a Access) Level {
	v := [...]Level{l.Add, l.Edit, l.Delete, l.Inquire}[a]
	if v == "" {
		return None
	}
	return v
}

func (l *Levels) set(a Access, v Level) {
	*[...]*Level{&l.Add, &l.Edit, &l.Delete, &l.Inquire}[a] = v
}

// Function is a module function of a security role, named as in the
// ConnectWise UI (System > Security Roles).
type Function struct{ Module, Name string }

// The role functions the emulator enforces (doc §11), plus a few it only
// lists in mySecurity.
var (
	FnCompanyMaintenance  = Function{"Companies", "Company Maintenance"}
	FnContacts            = Function{"Companies", "Contacts"}
	FnAgreements          = Function{"Finance", "Agreements"}
	FnProductCatalog      = Function{"Procurement", "Product Catalog"}
	FnTableSetup          = Function{"System", "Table Setup"}
	FnMemberMaintenance   = Function{"System", "Member Maintenance"}
	FnAPIReports          = Function{"System", "API Reports"}
	FnSecurity            = Function{"System", "Security"}
	FnServiceTickets      = Function{"Service Desk", "Service Tickets"}
	FnCloseServiceTickets = Function{"Service Desk", "Close Service Tickets"}
	fnMyCompany           = Function{"System", "My Company"}
	fnConfigurations      = Function{"Companies", "Configurations"}
	fnBillingViewTime     = Function{"Finance", "Billing View Time"}
	fnProducts            = Function{"Procurement", "Products"}
)

// functionOrder is the order of the rows of /system/mySecurity.
var functionOrder = []Function{
	FnCompanyMaintenance, FnContacts, fnConfigurations,
	FnAgreements, fnBillingViewTime,
	FnProductCatalog, fnProducts,
	FnServiceTickets, FnCloseServiceTickets,
	FnTableSetup, FnMemberMaintenance, FnAPIReports, fnMyCompany, FnSecurity,
}

// Role is the API member's security role. A function missing from Levels
// has None everywhere. Customize holds a function's "Customize" allow-list
// (for Table Setup: the setup tables it may touch); an empty list allows
// every table.
type Role struct {
	Name      string
	Levels    map[Function]Levels
	Customize map[Function][]string
}

// FullRole is the role Sophos's setup page asks for (integration-behaviour
// §a.2), with Close Service Tickets added so ticket closing works.
func FullRole() Role {
	aei := Levels{Add: All, Edit: All, Delete: None, Inquire: All}
	return Role{
		Name: "centralpsa API",
		Levels: map[Function]Levels{
			FnCompanyMaintenance:  {Inquire: All},
			FnAgreements:          aei,
			FnProductCatalog:      aei,
			FnTableSetup:          aei,
			FnMemberMaintenance:   {Inquire: All},
			FnServiceTickets:      aei,
			FnCloseServiceTickets: {Edit: All, Inquire: All},
			FnAPIReports:          {Inquire: All},
		},
	}
}

// Clone returns a copy that shares no maps with r.
func (r Role) Clone() Role {
	c := Role{Name: r.Name, Levels: maps.Clone(r.Levels), Customize: map[Function][]string{}}
	if c.Levels == nil {
		c.Levels = map[Function]Levels{}
	}
	for k, v := range r.Customize {
		c.Customize[k] = append([]string(nil), v...)
	}
	return c
}

// With returns a copy of r with fn set to l.
func (r Role) With(fn Function, l Levels) Role {
	c := r.Clone()
	c.Levels[fn] = l
	return c
}

// Without returns a copy of r with the given columns of fn set to None;
// with no columns, all four.
func (r Role) Without(fn Function, which ...Access) Role {
	c := r.Clone()
	l := c.Levels[fn]
	if len(which) == 0 {
		which = []Access{Add, Edit, Delete, Inquire}
	}
	for _, a := range which {
		l.set(a, None)
	}
	c.Levels[fn] = l
	return c
}

// Level returns the level of one column of fn.
func (r Role) Level(fn Function, a Access) Level { return r.Levels[fn].get(a) }
