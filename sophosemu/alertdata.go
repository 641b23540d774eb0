package sophosemu

import (
	"cmp"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"time"
)

// AlertSpec describes an alert. RaiseAlert fills zero fields from an
// endpoint "out of date" alert; Description may contain one %s for the
// device name.
type AlertSpec struct {
	Type        string // e.g. Event::Endpoint::OutOfDate
	Category    string // e.g. updating, malware, pua
	Product     string // e.g. endpoint, server, firewall
	Severity    string // low, medium or high
	Description string
	GroupKey    string // base64 of "1,<type>,<n>,"; derived from Type when empty
	// AllowedActions are the actions the alert accepts, e.g. acknowledge.
	AllowedActions []string
	AgentID        string // managedAgent.id; generated when empty
	AgentType      string // managedAgent.type: computer, server, mobile, xgFirewall …
	AgentName      string // managedAgent.name, the device's host name
	PersonID       string // person.id; "" leaves person out
	PersonName     string
	RaisedAt       time.Time // zero means NowFunc()
}

// Alert is an alert as tests see it.
type Alert struct {
	ID       string
	TenantID string
	AlertSpec
	Open bool
}

// alertTemplates are the kinds of alert the generator draws from: real
// types, categories, products and actions (§9.2).
var alertTemplates = []AlertSpec{
	{Type: "Event::Endpoint::OutOfDate", Category: "updating", Product: "endpoint", Severity: "medium", AgentType: "computer", AllowedActions: []string{"acknowledge"}, Description: "%s is out of date."},
	{Type: "Event::Endpoint::PUADetected", Category: "pua", Product: "endpoint", Severity: "medium", AgentType: "computer", AllowedActions: []string{"acknowledge", "cleanPua", "authPua"}, Description: "PUA detected on %s: 'Generic Reputation PUA' at C:\\Users\\Public\\Downloads\\setup.exe"},
	{Type: "Event::Endpoint::Threat::CleanupFailed", Category: "malware", Product: "endpoint", Severity: "high", AgentType: "computer", AllowedActions: []string{"clearThreat"}, Description: "Manual cleanup required on %s: 'Troj/Agent-BFKX' at C:\\Windows\\Temp\\svc.exe"},
	{Type: "Event::Endpoint::SavDisabled", Category: "protection", Product: "server", Severity: "high", AgentType: "server", AllowedActions: []string{"acknowledge"}, Description: "Real-time protection disabled on %s."},
	{Type: "Event::Endpoint::HeartbeatMissing", Category: "connectivity", Product: "server", Severity: "high", AgentType: "server", AllowedActions: []string{"acknowledge"}, Description: "%s stopped reporting its health status."},
	{Type: "Event::Endpoint::CloneDetected", Category: "general", Product: "endpoint", Severity: "low", AgentType: "computer", AllowedActions: []string{"acknowledge"}, Description: "Cloned installation detected on %s."},
	{Type: "Event::Endpoint::RuntimeDetection", Category: "runtimeDetections", Product: "endpoint", Severity: "high", AgentType: "computer", AllowedActions: []string{"acknowledge", "clearThreat"}, Description: "Malicious behaviour prevented on %s: 'Lateral movement'."},
	{Type: "Event::Firewall::FirewallGatewayDown", Category: "utm", Product: "firewall", Severity: "high", AgentType: "xgFirewall", AllowedActions: []string{"acknowledge"}, Description: "Gateway down on firewall %s."},
	{Type: "Event::Mobile::DeviceNonCompliant", Category: "mobiles", Product: "mobile", Severity: "medium", AgentType: "mobile", AllowedActions: []string{"acknowledge"}, Description: "Mobile device %s is not compliant."},
	{Type: "Event::Wireless::AccessPointOffline", Category: "wireless", Product: "wireless", Severity: "low", AgentType: "accessPoint", AllowedActions: []string{"acknowledge"}, Description: "Access point %s is offline."},
}

// groupKey encodes an alert kind the way Central's group keys do.
func groupKey(typ string) string {
	n := 500 + len(typ)*7
	return base64.StdEncoding.EncodeToString(fmt.Appendf(nil, "1,%s,%d,", typ, n))
}

var hostSuffix = map[string]string{"computer": "PC", "server": "SRV", "xgFirewall": "XGS", "mobile": "MOB", "accessPoint": "AP"}

// hostName makes a device name from the tenant's first word.
func hostName(tenant, agentType string, n uint64) string {
	word, _, _ := strings.Cut(strings.ToUpper(slug(tenant)), "-")
	if len(word) > 8 {
		word = word[:8]
	}
	return fmt.Sprintf("%s-%s%02d", word, cmp.Or(hostSuffix[agentType], "DEV"), n%40+1)
}

// buildAlerts raises AlertsPerTenant alerts on every tenant, spread over
// the fortnight before NowFunc().
func (s *Server) buildAlerts() {
	n := max(s.opts.AlertsPerTenant, 0)
	s.alerts = make(map[string]*Alert, n*len(s.tenants))
	s.tenantAlerts = make(map[string][]*Alert, len(s.tenants))
	now := s.now().UTC().Truncate(time.Millisecond)
	for i, t := range s.tenants {
		for k := range n {
			key := uint64(i)<<8 | uint64(k)
			h := hash2(s.seed, "alert", key)
			spec := alertTemplates[h%uint64(len(alertTemplates))]
			spec.AgentID = uuidFrom(s.seed, "agent", uint64(i)<<6|(h>>8)%8)
			spec.AgentName = hostName(t.Name, spec.AgentType, h>>8)
			if spec.AgentType == "computer" {
				spec.PersonID, spec.PersonName = uuidFrom(s.seed, "person", key), "User "+spec.AgentName
			}
			spec.RaisedAt = now.Add(-time.Duration((h>>16)%(14*24*3600*1000)) * time.Millisecond)
			s.addAlert(uuidFrom(s.seed, "alert-id", key), t.ID, spec)
		}
	}
}

// addAlert stores a new open alert, filling defaults; s.mu must be held
// (or the server not yet shared).
func (s *Server) addAlert(id, tenantID string, spec AlertSpec) *Alert {
	def := alertTemplates[0]
	spec.Type = cmp.Or(spec.Type, def.Type)
	spec.Category = cmp.Or(spec.Category, def.Category)
	spec.Product = cmp.Or(spec.Product, def.Product)
	spec.Severity = cmp.Or(spec.Severity, def.Severity)
	spec.AgentType = cmp.Or(spec.AgentType, def.AgentType)
	spec.AgentName = cmp.Or(spec.AgentName, "DEVICE-01")
	spec.AgentID = cmp.Or(spec.AgentID, uuidFrom(s.seed, "agent-raised", uint64(len(s.alerts))))
	spec.Description = cmp.Or(spec.Description, def.Description)
	if strings.Count(spec.Description, "%s") == 1 {
		spec.Description = fmt.Sprintf(spec.Description, spec.AgentName)
	}
	spec.GroupKey = cmp.Or(spec.GroupKey, groupKey(spec.Type))
	if spec.AllowedActions == nil {
		spec.AllowedActions = def.AllowedActions
	}
	spec.AllowedActions = slices.Clone(spec.AllowedActions)
	if spec.RaisedAt.IsZero() {
		spec.RaisedAt = s.now()
	}
	spec.RaisedAt = spec.RaisedAt.UTC().Truncate(time.Millisecond)
	a := &Alert{ID: id, TenantID: tenantID, AlertSpec: spec, Open: true}
	s.alerts[id] = a
	s.tenantAlerts[tenantID] = append(s.tenantAlerts[tenantID], a)
	return a
}

// RaiseAlert opens a new alert on a tenant and returns its id ("" when
// the tenant is unknown). Raising the same spec again opens another alert
// with a new id, as Central does when a problem recurs.
func (s *Server) RaiseAlert(tenantID string, spec AlertSpec) string {
	if _, ok := s.byID[tenantID]; !ok {
		return ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.alertSeq++
	return s.addAlert(uuidFrom(s.seed, "raised-alert", s.alertSeq), tenantID, spec).ID
}

// ClearAlert closes an alert as if Sophos had resolved it; it reports
// whether the alert was open.
func (s *Server) ClearAlert(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.alerts[id]
	if !ok || !a.Open {
		return false
	}
	a.Open = false
	return true
}

// OpenAlerts returns a tenant's open alerts, oldest first.
func (s *Server) OpenAlerts(tenantID string) []Alert {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Alert
	for _, a := range s.tenantAlerts[tenantID] {
		if a.Open {
			out = append(out, a.copy())
		}
	}
	slices.SortStableFunc(out, func(a, b Alert) int { return a.RaisedAt.Compare(b.RaisedAt) })
	return out
}

// Alert returns any alert by id, open or closed.
func (s *Server) Alert(id string) (Alert, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.alerts[id]
	if !ok {
		return Alert{}, false
	}
	return a.copy(), true
}

func (a *Alert) copy() Alert {
	c := *a
	c.AllowedActions = slices.Clone(c.AllowedActions)
	return c
}
