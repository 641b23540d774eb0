package doctor

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"centralpsa"
	"centralpsa/config"
	"centralpsa/connectwise"
)

const cwSection = "ConnectWise"

// checkConnectWise walks the ConnectWise setup checklist
// (integration-behaviour.md a.1 and a.2) as far as the API lets it.
func checkConnectWise(ctx context.Context, r *Report, s *config.Settings, opts Options) {
	add := func(c Check) { c.Section = cwSection; r.add(c) }
	if probs := s.Check(config.ConnectWiseKeys...); len(probs) > 0 {
		for _, p := range probs {
			add(Check{Name: "setting " + p.Key, Status: Fail, Detail: p.Message, Fix: fixFor(p)})
		}
		return
	}
	add(Check{Name: "settings present", Status: OK})
	c, err := connectwise.New(connectwise.Options{
		URL: s.Get("cw.url"), Company: s.Get("cw.company"), PublicKey: s.Get("cw.public_key"),
		PrivateKey: s.Secret("cw.private_key"), ClientID: s.Get("cw.client_id"), AllowHTTP: s.Bool("allow_http"),
		HTTPClient: opts.HTTPClient, Timeout: opts.Timeout, MaxRetries: 1, Logger: opts.Logger,
	})
	if err != nil {
		add(Check{Name: "client", Status: Fail, Detail: err.Error()})
		return
	}
	if !siteChecks(ctx, c, s, add) {
		return
	}
	me, ok := memberChecks(ctx, c, add)
	if !ok {
		return
	}
	role := ""
	if me.SecurityRole != nil {
		role = me.SecurityRole.Name
	}
	add(integratorLoginCheck(ctx, c))
	for _, ch := range roleChecks(ctx, c, role) {
		add(ch)
	}
	for _, ch := range boardChecks(ctx, c, s) {
		add(ch)
	}
}

// siteChecks finds the codebase: the site must answer and know the company.
func siteChecks(ctx context.Context, c *connectwise.Client, s *config.Settings, add func(Check)) bool {
	info, err := c.CompanyInfo(ctx)
	var unknown *connectwise.UnknownCompanyError
	switch {
	case errors.As(err, &unknown):
		add(Check{Name: "site reachable", Status: OK, Detail: s.Get("cw.url")})
		add(Check{Name: "company known", Status: Fail,
			Detail: fmt.Sprintf("the site does not know the company id %q (companyinfo answered null)", s.Get("cw.company")),
			Fix:    "set cw.company to the company id typed on the ConnectWise login screen, and check that cw.url is your region's site (api-na, api-eu, api-au …, or your own host on-premises)"})
		return false
	case err != nil:
		add(Check{Name: "site reachable", Status: Fail, Detail: err.Error(),
			Fix: "check cw.url (e.g. https://api-na.myconnectwise.net) and that this machine can reach it"})
		return false
	}
	add(Check{Name: "site reachable", Status: OK, Detail: s.Get("cw.url")})
	add(Check{Name: "company known", Status: OK, Detail: fmt.Sprintf("%s, codebase %s, version %s", info.CompanyName, info.Codebase, info.VersionNumber)})
	return true
}

// memberChecks makes the first authenticated call: the keys and clientId
// must be accepted, and the keys should belong to an API member.
func memberChecks(ctx context.Context, c *connectwise.Client, add func(Check)) (*connectwise.Member, bool) {
	me, err := c.Members.Me(ctx)
	if err != nil {
		var e *connectwise.Error
		isCW := errors.As(err, &e)
		switch {
		case isCW && strings.Contains(strings.ToLower(e.Message), "clientid"):
			add(Check{Name: "keys accepted", Status: OK})
			add(Check{Name: "clientId accepted", Status: Fail, Detail: e.Error(),
				Fix: "create a clientId at developer.connectwise.com (ClientID) and set cw.client_id"})
		case isCW && e.Status == 401:
			add(Check{Name: "keys accepted", Status: Fail,
				Detail: "authentication failed (401): ConnectWise rejected the company id, public key or private key",
				Fix:    "check cw.company, cw.public_key and cw.private_key; the private key is shown only once: if it is lost, open System > Members > API Members > the member > API Keys, delete the pair and create a new one"})
		default:
			add(Check{Name: "keys accepted", Status: Fail, Detail: err.Error()})
		}
		return nil, false
	}
	add(Check{Name: "keys accepted", Status: OK, Detail: "authenticated as " + me.Identifier})
	add(Check{Name: "clientId accepted", Status: OK})
	if me.IsAPIMember() {
		add(Check{Name: "API member", Status: OK, Detail: me.Identifier + " is an API member"})
	} else {
		add(Check{Name: "API member", Status: Warn,
			Detail: fmt.Sprintf("the keys belong to %s, a person's account (license class %q)", me.Identifier, me.LicenseClass),
			Fix:    "use an API member (System > Members > API Members > +): it keeps control of who uses the API, tracks the integration's activity apart and makes sync errors easier to debug"})
	}
	role := "(none)"
	if me.SecurityRole != nil {
		role = me.SecurityRole.Name
	}
	add(Check{Name: "security role", Status: OK, Detail: role + " (the permissions below are this role's)"})
	return me, true
}

func integratorLoginCheck(ctx context.Context, c *connectwise.Client) Check {
	ch := Check{Name: "integrator login exists"}
	logins, err := c.IntegratorLogins.List(ctx, nil)
	if err != nil {
		ch.Status, ch.Detail = Warn, "could not verify: "+err.Error()
		if centralpsa.ErrorKind(err) == centralpsa.KindForbidden {
			ch.Fix = "reading integrator logins needs System > Table Setup Inquire Level = All"
		}
		return ch
	}
	active := 0
	for _, l := range logins {
		if !l.InactiveFlag {
			active++
		}
	}
	if active == 0 {
		ch.Status, ch.Detail = Fail, fmt.Sprintf("no active integrator login (%d inactive)", len(logins))
		ch.Fix = "System > Setup Tables > Integrator Login > + : username, password, access level All Records, enable the needed APIs, Save"
		return ch
	}
	ch.Status, ch.Detail = OK, fmt.Sprintf("%d active", active)
	return ch
}

// roleChecks checks each permission through /system/mySecurity, and by a
// side-effect-free probe where mySecurity cannot be read or has no row.
func roleChecks(ctx context.Context, c *connectwise.Client, role string) []Check {
	out := []Check{{Name: "Member as the role's Security Permission", Status: Info,
		Detail: "Sophos asks for it; the API cannot read it", Fix: "check it by hand on the role in System > Security Roles"}}
	mine, err := c.Security.Mine(ctx, nil)
	rows := make([]SecurityRow, 0, len(mine))
	for _, m := range mine {
		rows = append(rows, SecurityRow{ModuleName: m.ModuleName, ModuleIdentifier: m.ModuleIdentifier,
			FunctionName: m.ModuleFunctionName, FunctionIdentifier: m.ModuleFunctionIdentifier,
			AddLevel: string(m.AddLevel), EditLevel: string(m.EditLevel), DeleteLevel: string(m.DeleteLevel), InquireLevel: string(m.InquireLevel)})
	}
	if err != nil {
		out = append(out, Check{Name: "security levels readable", Status: Warn,
			Detail: "could not read /system/mySecurity (" + err.Error() + "); testing each permission with a harmless request instead"})
	}
	for _, p := range Permissions {
		var ch Check
		if row, ok := findRow(rows, p); ok {
			ch = levelCheck(p, row.level(p.Op), role)
		} else {
			ch = probeCheck(ctx, c, p, role)
		}
		out = append(out, ch)
	}
	return out
}

func levelCheck(p Permission, level, role string) Check {
	ch := Check{Name: p.Name(), Detail: fmt.Sprintf("%s Level is %s", p.Op, orNone(level))}
	switch {
	case strings.EqualFold(level, "All"):
		ch.Status = OK
	case p.Required:
		ch.Status, ch.Fix = Fail, p.Fix(role)
		ch.Detail += " (centralpsa needs All to " + p.Why + ")"
	default:
		ch.Status, ch.Fix = Warn, p.Fix(role)
		ch.Detail += " (recommended, to " + p.Why + ")"
	}
	return ch
}

func orNone(level string) string {
	if level == "" {
		return "None"
	}
	return level
}

// probeCheck tests one permission by a request that cannot change
// anything: a GET for Inquire; a POST with an empty body (refused as
// invalid when allowed, forbidden when not) for Add; a PATCH of id 0 with
// no operations for Edit.
func probeCheck(ctx context.Context, c *connectwise.Client, p Permission, role string) Check {
	ch := Check{Name: p.Name()}
	if p.ProbeMethod == "" {
		ch.Status, ch.Detail = Warn, "could not verify without /system/mySecurity"
		ch.Fix = p.Fix(role)
		return ch
	}
	var body any
	query := url.Values{}
	switch p.ProbeMethod {
	case "GET":
		query.Set("pageSize", "1")
	case "POST":
		body = map[string]any{}
	case "PATCH":
		body = []connectwise.PatchOp{}
	}
	var out any
	err := c.Do(ctx, p.ProbeMethod, p.ProbePath, query, body, &out)
	var e *connectwise.Error
	switch {
	case err == nil, errors.As(err, &e) && p.ProbeMethod != "GET" && (e.Status == 400 || e.Status == 404):
		ch.Status, ch.Detail = OK, "probe "+p.ProbeMethod+" "+p.ProbePath+" allowed"
	case errors.As(err, &e) && e.Status == 403:
		ch.Status, ch.Detail, ch.Fix = Fail, "ConnectWise denied "+p.ProbeMethod+" "+p.ProbePath+" (403)", p.Fix(role)
		if !p.Required {
			ch.Status = Warn
		}
	default:
		ch.Status, ch.Detail = Warn, "could not verify: "+err.Error()
	}
	return ch
}
