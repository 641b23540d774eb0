package connectwise

import (
	"net/http"
	"strings"
)

// roleFunctions maps API path prefixes to the security-role function that
// governs them (§11). ConnectWise publishes no such table; this one follows
// the vendor setup pages cited there. Longer prefixes come first so that,
// e.g., agreement types (a setup table) win over agreements.
var roleFunctions = []struct {
	prefix, module, function string
}{
	{"/finance/agreements/types", "System", "Table Setup"},
	{"/finance/agreements", "Finance", "Agreements"},
	{"/company/companies", "Companies", "Company Maintenance"},
	{"/company/contacts", "Companies", "Contacts"},
	{"/procurement/catalog", "Procurement", "Product Catalog"},
	{"/procurement/types", "System", "Table Setup"},
	{"/procurement/categories", "System", "Table Setup"},
	{"/procurement/subcategories", "System", "Table Setup"},
	{"/procurement/manufacturers", "System", "Table Setup"},
	{"/service/boards", "System", "Table Setup"},
	{"/service/priorities", "System", "Table Setup"},
	{"/service/sources", "System", "Table Setup"},
	{"/service/tickets", "Service Desk", "Service Tickets"},
	{"/system/integratorlogins", "System", "Table Setup"},
	{"/system/members", "System", "Member Maintenance"},
	{"/system/apimembers", "System", "Member Maintenance"},
	{"/system/reports", "System", "API Reports"},
	{"/system/securityroles", "System", "Security"},
}

// RoleFunctionFor names the security-role function and level column (Add,
// Edit, Delete or Inquire) that a call needs, e.g. POST
// /finance/agreements/12/additions → Finance, Agreements, Add. path may be
// relative to the API root or a full URL. ok is false for calls no function
// is known to govern (companyinfo, /system/info, /system/myMembers,
// /system/mySecurity).
func RoleFunctionFor(method, path string) (module, function, level string, ok bool) {
	p := normalizeAPIPath(path)
	for _, rf := range roleFunctions {
		if p == rf.prefix || strings.HasPrefix(p, rf.prefix+"/") {
			return rf.module, rf.function, levelFor(method, p), true
		}
	}
	return "", "", "", false
}

// normalizeAPIPath lower-cases path, drops the query, the site and the
// codebase, so both "/company/companies" and
// "https://h/v4_6_release/apis/3.0/company/companies?x=1" give the former.
func normalizeAPIPath(path string) string {
	p := strings.ToLower(path)
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	if i := strings.Index(p, "/apis/3.0/"); i >= 0 {
		p = p[i+len("/apis/3.0"):]
	}
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return strings.TrimRight(p, "/")
}

func levelFor(method, p string) string {
	switch strings.ToUpper(method) {
	case http.MethodPost:
		if strings.HasSuffix(p, "/search") {
			return "Inquire" // a POST that only reads (§3.1)
		}
		return "Add"
	case http.MethodPut, http.MethodPatch:
		return "Edit"
	case http.MethodDelete:
		return "Delete"
	default:
		return "Inquire"
	}
}
