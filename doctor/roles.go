package doctor

import (
	"strings"
	"unicode"
)

// Level is a security-role level: "None", "My" or "All".
type Level string

// Permission is one module-function level the integration needs, with the
// probes that test it when /system/mySecurity cannot be read.
type Permission struct {
	Module   string
	Function string
	// Op is "Add", "Edit", "Delete" or "Inquire".
	Op       string
	Required bool // false: recommended only (a warning)
	// Probe is a side-effect-free request whose answer shows the level:
	// a GET for Inquire; for Add a POST with a body the server must
	// refuse (400 = allowed, 403 = denied); for Edit a PATCH of id 0.
	ProbeMethod, ProbePath string
}

// Fix is the menu path that grants the permission, in English.
func (p Permission) Fix(role string) string { return p.fixMsg(role).render(DefaultLang) }

// Name is how the check is titled, in English.
func (p Permission) Name() string { return p.nameMsg().render(DefaultLang) }

// ID is the check's stable id: "cw.role." and the module, function and
// operation in lower case, e.g. "cw.role.finance.agreements.add".
func (p Permission) ID() string { return "cw.role." + p.slug() }

func (p Permission) slug() string {
	under := strings.NewReplacer(" ", "_")
	return strings.ToLower(under.Replace(p.Module) + "." + under.Replace(p.Function) + "." + p.Op)
}

// The module, function, operation and level are ConnectWise labels, so
// they are arguments that no catalog translates.
func (p Permission) nameMsg() msg { return m("doctor.perm.name", p.Module, p.Function, p.Op) }

func (p Permission) fixMsg(role string) msg {
	var r any = role
	if role == "" {
		r = m("doctor.perm.any_role")
	}
	return m("doctor.perm.fix", r, p.Module, p.Function, p.Op)
}

// whyMsg says what centralpsa uses the permission for.
func (p Permission) whyMsg() msg { return m("doctor.why." + p.slug()) }

// Permissions is Sophos's published permission table for the integration
// (integration-behaviour.md a.2, rows R2–R8) plus the recommended Close
// Service Tickets row (R9).
var Permissions = []Permission{
	{Module: "Companies", Function: "Company Maintenance", Op: "Inquire", Required: true, ProbeMethod: "GET", ProbePath: "/company/companies/count"},
	{Module: "Finance", Function: "Agreements", Op: "Add", Required: true, ProbeMethod: "POST", ProbePath: "/finance/agreements"},
	{Module: "Finance", Function: "Agreements", Op: "Edit", Required: true, ProbeMethod: "PATCH", ProbePath: "/finance/agreements/0"},
	{Module: "Finance", Function: "Agreements", Op: "Inquire", Required: true, ProbeMethod: "GET", ProbePath: "/finance/agreements/count"},
	{Module: "Procurement", Function: "Product Catalog", Op: "Add", Required: true, ProbeMethod: "POST", ProbePath: "/procurement/catalog"},
	{Module: "Procurement", Function: "Product Catalog", Op: "Edit", Required: true, ProbeMethod: "PATCH", ProbePath: "/procurement/catalog/0"},
	{Module: "Procurement", Function: "Product Catalog", Op: "Inquire", Required: true, ProbeMethod: "GET", ProbePath: "/procurement/catalog/count"},
	{Module: "System", Function: "Table Setup", Op: "Add", Required: true, ProbeMethod: "POST", ProbePath: "/procurement/categories"},
	{Module: "System", Function: "Table Setup", Op: "Edit", Required: true, ProbeMethod: "PATCH", ProbePath: "/procurement/categories/0"},
	{Module: "System", Function: "Table Setup", Op: "Inquire", Required: true, ProbeMethod: "GET", ProbePath: "/service/boards/count"},
	{Module: "System", Function: "Member Maintenance", Op: "Inquire", Required: true, ProbeMethod: "GET", ProbePath: "/system/members/count"},
	{Module: "Service Desk", Function: "Service Tickets", Op: "Add", Required: true, ProbeMethod: "POST", ProbePath: "/service/tickets"},
	{Module: "Service Desk", Function: "Service Tickets", Op: "Edit", Required: true, ProbeMethod: "PATCH", ProbePath: "/service/tickets/0"},
	{Module: "Service Desk", Function: "Service Tickets", Op: "Inquire", Required: true, ProbeMethod: "GET", ProbePath: "/service/tickets/count"},
	{Module: "System", Function: "API Reports", Op: "Inquire", Required: true, ProbeMethod: "GET", ProbePath: "/system/reports"},
	{Module: "Service Desk", Function: "Close Service Tickets", Op: "Edit", Required: false, ProbeMethod: "", ProbePath: ""},
}

// SecurityRow is one row of /system/mySecurity as the doctor needs it.
type SecurityRow struct {
	ModuleName, ModuleIdentifier                   string
	FunctionName, FunctionIdentifier               string
	AddLevel, EditLevel, DeleteLevel, InquireLevel string
}

func (r SecurityRow) level(op string) string {
	switch op {
	case "Add":
		return r.AddLevel
	case "Edit":
		return r.EditLevel
	case "Delete":
		return r.DeleteLevel
	}
	return r.InquireLevel
}

// fold reduces a name to lower-case letters and digits, because the exact
// identifiers ConnectWise uses in mySecurity are not documented: "Service
// Desk", "ServiceDesk" and "service_desk" must all match.
func fold(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// matches reports whether a row is the module function p names, by name
// or by identifier.
func (p Permission) matches(r SecurityRow) bool {
	fn := fold(p.Function)
	if fold(r.FunctionName) != fn && fold(r.FunctionIdentifier) != fn {
		return false
	}
	mod := fold(p.Module)
	// The module may be missing or spelled as an identifier; the function
	// name alone is unique among the rows we care about.
	return r.ModuleName == "" && r.ModuleIdentifier == "" || fold(r.ModuleName) == mod || fold(r.ModuleIdentifier) == mod ||
		strings.Contains(mod, fold(r.ModuleIdentifier)) && r.ModuleIdentifier != ""
}

// findRow returns the row for p, if any.
func findRow(rows []SecurityRow, p Permission) (SecurityRow, bool) {
	for _, r := range rows {
		if p.matches(r) {
			return r, true
		}
	}
	return SecurityRow{}, false
}
