package connectwise

import (
	"context"
	"iter"
)

// SystemService reads site-wide information.
type SystemService service

// SystemInfo is /system/info (§10.1).
type SystemInfo struct {
	Version                   string       `json:"version,omitempty"`
	IsCloud                   bool         `json:"isCloud,omitempty"`
	ServerTimeZone            string       `json:"serverTimeZone,omitempty"`
	LicenseBits               []LicenseBit `json:"licenseBits,omitempty"`
	CloudRegion               string       `json:"cloudRegion,omitempty"`
	MaxWorkFlowRecordsAllowed int          `json:"maxWorkFlowRecordsAllowed,omitempty"`
}

// LicenseBit is one licensed feature of the site.
type LicenseBit struct {
	Name       string `json:"name,omitempty"`
	ActiveFlag bool   `json:"activeFlag,omitempty"`
}

// Info returns the server version and cloud flags. Some roles are refused
// with UserNotAuthenticated here, so treat a failure as "unknown" (§10.1).
//
// CW: GET /system/info
func (s *SystemService) Info(ctx context.Context) (*SystemInfo, error) {
	return get[SystemInfo](ctx, s.client, "/system/info")
}

// MembersService reads members and API members.
type MembersService service

// Member is a ConnectWise member (§10.2); /system/myMembers returns the same
// shape for the caller (§10.3).
type Member struct {
	ID                  int        `json:"id,omitempty"`
	Identifier          string     `json:"identifier,omitempty"`
	FirstName           string     `json:"firstName,omitempty"`
	LastName            string     `json:"lastName,omitempty"`
	Title               string     `json:"title,omitempty"`
	LicenseClass        string     `json:"licenseClass,omitempty"` // "A" = API member, "F" = full, …
	SecurityRole        *Reference `json:"securityRole,omitempty"`
	AdminFlag           bool       `json:"adminFlag,omitempty"`
	InactiveFlag        bool       `json:"inactiveFlag,omitempty"`
	PrimaryEmail        string     `json:"primaryEmail,omitempty"`
	OfficeEmail         string     `json:"officeEmail,omitempty"`
	DefaultEmail        string     `json:"defaultEmail,omitempty"`
	ServiceDefaultBoard *Reference `json:"serviceDefaultBoard,omitempty"`
	DefaultLocation     *Reference `json:"defaultLocation,omitempty"`
	DefaultDepartment   *Reference `json:"defaultDepartment,omitempty"`
	StructureLevel      *Reference `json:"structureLevel,omitempty"`
	Type                *Reference `json:"type,omitempty"`
	LastLogin           Time       `json:"lastLogin,omitzero"`
	Info                Info       `json:"_info,omitempty"`
}

// IsAPIMember reports licence class "A" (§10.3, inferred meaning).
func (m *Member) IsAPIMember() bool { return m.LicenseClass == "A" }

// APIMember is an entry of /system/apiMembers (§10.4).
type APIMember struct {
	ID                  int        `json:"id,omitempty"`
	Identifier          string     `json:"identifier,omitempty"`
	Name                string     `json:"name,omitempty"`
	EmailAddress        string     `json:"emailAddress,omitempty"`
	InactiveFlag        bool       `json:"inactiveFlag,omitempty"`
	SecurityRole        *Reference `json:"securityRole,omitempty"`
	ServiceDefaultBoard *Reference `json:"serviceDefaultBoard,omitempty"`
	DefaultLocation     *Reference `json:"defaultLocation,omitempty"`
	DefaultDepartment   *Reference `json:"defaultDepartment,omitempty"`
	Info                Info       `json:"_info,omitempty"`
}

// Me returns the member the API keys belong to (one object, not a list).
//
// CW: GET /system/myMembers
func (s *MembersService) Me(ctx context.Context) (*Member, error) {
	return get[Member](ctx, s.client, "/system/myMembers")
}

// List returns the members matching opts.
//
// CW: GET /system/members
func (s *MembersService) List(ctx context.Context, opts *ListOptions) ([]Member, error) {
	return list[Member](ctx, s.client, "/system/members", opts)
}

// All streams the members matching opts.
//
// CW: GET /system/members
func (s *MembersService) All(ctx context.Context, opts *ListOptions) iter.Seq2[Member, error] {
	return all[Member](ctx, s.client, "/system/members", opts)
}

// Count counts the members matching opts.
//
// CW: GET /system/members/count
func (s *MembersService) Count(ctx context.Context, opts *ListOptions) (int, error) {
	return count(ctx, s.client, "/system/members", opts)
}

// ListAPIMembers returns the API members matching opts.
//
// CW: GET /system/apiMembers
func (s *MembersService) ListAPIMembers(ctx context.Context, opts *ListOptions) ([]APIMember, error) {
	return list[APIMember](ctx, s.client, "/system/apiMembers", opts)
}

// IntegratorLoginsService reads the Integrator Login setup table.
type IntegratorLoginsService service

// IntegratorLogin is a legacy integrator login (§10.7); Sophos requires one
// to exist. Passwords are write-only and never returned.
type IntegratorLogin struct {
	ID                      int        `json:"id,omitempty"`
	Username                string     `json:"username,omitempty"`
	CanAccessAllRecordsFlag bool       `json:"canAccessAllRecordsFlag,omitempty"`
	CanAccessAllApisFlag    bool       `json:"canAccessAllApisFlag,omitempty"`
	InactiveFlag            bool       `json:"inactiveFlag,omitempty"`
	DateInactivated         Time       `json:"dateInactivated,omitzero"`
	InactivatedBy           string     `json:"inactivatedBy,omitempty"`
	ServiceTicketAPIFlag    bool       `json:"serviceTicketApiFlag,omitempty"`
	AgreementAPIFlag        bool       `json:"agreementApiFlag,omitempty"`
	CompanyAPIFlag          bool       `json:"companyApiFlag,omitempty"`
	ProductAPIFlag          bool       `json:"productApiFlag,omitempty"`
	Board                   *Reference `json:"board,omitempty"`
	Member                  *Reference `json:"member,omitempty"`
	ServiceBoardCallbackURL string     `json:"serviceBoardCallbackUrl,omitempty"`
	Info                    Info       `json:"_info,omitempty"`
}

// List returns the integrator logins matching opts.
//
// CW: GET /system/integratorlogins
func (s *IntegratorLoginsService) List(ctx context.Context, opts *ListOptions) ([]IntegratorLogin, error) {
	return list[IntegratorLogin](ctx, s.client, "/system/integratorlogins", opts)
}

// Count counts the integrator logins matching opts.
//
// CW: GET /system/integratorlogins/count
func (s *IntegratorLoginsService) Count(ctx context.Context, opts *ListOptions) (int, error) {
	return count(ctx, s.client, "/system/integratorlogins", opts)
}
