package connectwise

import (
	"context"
	"strings"
)

// SecurityService reads security roles and the caller's own levels.
type SecurityService service

// Level is a security-role level (§10.5): exactly None, My or All.
type Level string

// The levels ConnectWise uses.
const (
	LevelNone Level = "None"
	LevelMy   Level = "My"
	LevelAll  Level = "All"
)

// SecuritySetting is one module function of a role: a row of
// /system/mySecurity (with Member set) or of a role's settings.
type SecuritySetting struct {
	ID                        int        `json:"id,omitempty"`
	AddLevel                  Level      `json:"addLevel,omitempty"`
	EditLevel                 Level      `json:"editLevel,omitempty"`
	DeleteLevel               Level      `json:"deleteLevel,omitempty"`
	InquireLevel              Level      `json:"inquireLevel,omitempty"`
	ModuleName                string     `json:"moduleName,omitempty"`
	ModuleIdentifier          string     `json:"moduleIdentifier,omitempty"`
	ModuleDescription         string     `json:"moduleDescription,omitempty"`
	ModuleFunctionName        string     `json:"moduleFunctionName,omitempty"`
	ModuleFunctionIdentifier  string     `json:"moduleFunctionIdentifier,omitempty"`
	ModuleFunctionDescription string     `json:"moduleFunctionDescription,omitempty"`
	MyAllFlag                 bool       `json:"myAllFlag,omitempty"`
	ReportFlag                bool       `json:"reportFlag,omitempty"`
	RestrictFlag              bool       `json:"restrictFlag,omitempty"`
	CustomFlag                bool       `json:"customFlag,omitempty"`
	SortOrder                 int        `json:"sortOrder,omitempty"`
	Member                    *Reference `json:"member,omitempty"`
	Info                      Info       `json:"_info,omitempty"`
}

// LevelFor returns the level of the named column ("Add", "Edit", "Delete"
// or "Inquire", as RoleFunctionFor names them), or "" for another name.
func (s *SecuritySetting) LevelFor(column string) Level {
	switch strings.ToLower(column) {
	case "add":
		return s.AddLevel
	case "edit":
		return s.EditLevel
	case "delete":
		return s.DeleteLevel
	case "inquire":
		return s.InquireLevel
	}
	return ""
}

// Matches reports whether the row is module > function, compared
// case-insensitively because the exact strings are not documented (§10.5).
func (s *SecuritySetting) Matches(module, function string) bool {
	return strings.EqualFold(strings.TrimSpace(s.ModuleName), module) &&
		strings.EqualFold(strings.TrimSpace(s.ModuleFunctionName), function)
}

// CustomizeItem is an entry of a function's "Customize" allow-list, e.g. a
// setup table Table Setup covers (§10.6).
type CustomizeItem struct {
	ID                  int    `json:"id,omitempty"`
	CustomizeIdentifier string `json:"customizeIdentifier,omitempty"`
	ItemIdentifier      string `json:"itemIdentifier,omitempty"`
}

// SecurityRole is a role (§10.5).
type SecurityRole struct {
	ID           int    `json:"id,omitempty"`
	Name         string `json:"name,omitempty"`
	RoleType     string `json:"roleType,omitempty"`
	AdminFlag    bool   `json:"adminFlag,omitempty"`
	InactiveFlag bool   `json:"inactiveFlag,omitempty"`
	Info         Info   `json:"_info,omitempty"`
}

// Mine returns the caller's effective levels, one row per module function;
// no right on security roles is needed for it.
//
// CW: GET /system/mySecurity
func (s *SecurityService) Mine(ctx context.Context, opts *ListOptions) ([]SecuritySetting, error) {
	return list[SecuritySetting](ctx, s.client, "/system/mySecurity", opts)
}

// MyCustomizeItems returns the caller's Customize allow-list entries.
//
// CW: GET /system/mySecurity/customizeItems/
func (s *SecurityService) MyCustomizeItems(ctx context.Context, opts *ListOptions) ([]CustomizeItem, error) {
	return list[CustomizeItem](ctx, s.client, "/system/mySecurity/customizeItems/", opts)
}

// ListRoles returns the security roles matching opts.
//
// CW: GET /system/securityroles
func (s *SecurityService) ListRoles(ctx context.Context, opts *ListOptions) ([]SecurityRole, error) {
	return list[SecurityRole](ctx, s.client, "/system/securityroles", opts)
}

// RoleSettings returns the module-function levels of one role. The path is
// spelled with a capital R as in the spec.
//
// CW: GET /system/securityRoles/{id}/settings
func (s *SecurityService) RoleSettings(ctx context.Context, roleID int, opts *ListOptions) ([]SecuritySetting, error) {
	return list[SecuritySetting](ctx, s.client, idPath("/system/securityRoles", roleID)+"/settings", opts)
}
