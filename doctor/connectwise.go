package doctor

import (
	"context"
	"errors"
	"net/url"
	"strings"

	"centralpsa"
	"centralpsa/config"
	"centralpsa/connectwise"
)

// checkConnectWise walks the ConnectWise setup checklist
// (integration-behaviour.md a.1 and a.2) as far as the API lets it.
func checkConnectWise(ctx context.Context, r *Report, s *config.Settings, opts Options) {
	add := func(c Check) { c.text.section = m("doctor.section.connectwise"); r.add(c) }
	if probs := s.Check(config.ConnectWiseKeys...); len(probs) > 0 {
		for _, p := range probs {
			add(settingCheck(s, p))
		}
		return
	}
	add(newCheck("cw.settings", OK, m("doctor.settings.name")))
	c, err := connectwise.New(connectwise.Options{
		URL: s.Get("cw.url"), Company: s.Get("cw.company"), PublicKey: s.Get("cw.public_key"),
		PrivateKey: s.Secret("cw.private_key"), ClientID: s.Get("cw.client_id"), AllowHTTP: s.Bool("allow_http"),
		HTTPClient: opts.HTTPClient, Timeout: opts.Timeout, MaxRetries: 1, Logger: opts.Logger,
	})
	if err != nil {
		add(newCheck("cw.client", Fail, m("doctor.client.name")).withDetail(verbatim(err.Error())))
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
	site := newCheck("cw.site", OK, m("doctor.cw.site.name")).withDetail(verbatim(s.Get("cw.url")))
	company := newCheck("cw.company", OK, m("doctor.cw.company.name"))
	var unknown *connectwise.UnknownCompanyError
	switch {
	case errors.As(err, &unknown):
		add(site)
		company.Status = Fail
		add(company.withDetail(m("doctor.cw.company.unknown", s.Get("cw.company"))).withFix(m("doctor.cw.company.fix")))
		return false
	case err != nil:
		site.Status = Fail
		add(site.withDetail(verbatim(err.Error())).withFix(m("doctor.cw.site.fix")))
		return false
	}
	add(site)
	add(company.withDetail(m("doctor.cw.company.ok", info.CompanyName, info.Codebase, info.VersionNumber)))
	return true
}

// memberChecks makes the first authenticated call: the keys and clientId
// must be accepted, and the keys should belong to an API member.
func memberChecks(ctx context.Context, c *connectwise.Client, add func(Check)) (*connectwise.Member, bool) {
	keys := newCheck("cw.keys", OK, m("doctor.cw.keys.name"))
	clientID := newCheck("cw.client_id", OK, m("doctor.cw.client_id.name"))
	me, err := c.Members.Me(ctx)
	if err != nil {
		var e *connectwise.Error
		isCW := errors.As(err, &e)
		switch {
		case isCW && strings.Contains(strings.ToLower(e.Message), "clientid"):
			add(keys)
			clientID.Status = Fail
			add(clientID.withDetail(verbatim(e.Error())).withFix(m("doctor.cw.client_id.fix")))
		case isCW && e.Status == 401:
			keys.Status = Fail
			add(keys.withDetail(m("doctor.cw.keys.rejected")).withFix(m("doctor.cw.keys.fix")))
		default:
			keys.Status = Fail
			add(keys.withDetail(verbatim(err.Error())))
		}
		return nil, false
	}
	add(keys.withDetail(m("doctor.cw.keys.ok", me.Identifier)))
	add(clientID)
	member := newCheck("cw.api_member", OK, m("doctor.cw.api_member.name"))
	if me.IsAPIMember() {
		add(member.withDetail(m("doctor.cw.api_member.ok", me.Identifier)))
	} else {
		member.Status = Warn
		add(member.withDetail(m("doctor.cw.api_member.person", me.Identifier, me.LicenseClass)).withFix(m("doctor.cw.api_member.fix")))
	}
	var role any = m("doctor.cw.security_role.none")
	if me.SecurityRole != nil {
		role = me.SecurityRole.Name
	}
	add(newCheck("cw.security_role", OK, m("doctor.cw.security_role.name")).withDetail(m("doctor.cw.security_role.detail", role)))
	return me, true
}

func integratorLoginCheck(ctx context.Context, c *connectwise.Client) Check {
	ch := newCheck("cw.integrator_login", OK, m("doctor.cw.integrator.name"))
	logins, err := c.IntegratorLogins.List(ctx, nil)
	if err != nil {
		ch.Status = Warn
		ch = ch.withDetail(m("doctor.unverified", err.Error()))
		if centralpsa.ErrorKind(err) == centralpsa.KindForbidden {
			ch = ch.withFix(m("doctor.cw.integrator.forbidden_fix"))
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
		ch.Status = Fail
		return ch.withDetail(m("doctor.cw.integrator.none", len(logins))).withFix(m("doctor.cw.integrator.fix"))
	}
	return ch.withDetail(m("doctor.cw.integrator.ok", active))
}

// roleChecks checks each permission through /system/mySecurity, and by a
// side-effect-free probe where mySecurity cannot be read or has no row.
func roleChecks(ctx context.Context, c *connectwise.Client, role string) []Check {
	out := []Check{newCheck("cw.member_permission", Info, m("doctor.cw.member_permission.name")).
		withDetail(m("doctor.cw.member_permission.detail")).withFix(m("doctor.cw.member_permission.fix"))}
	mine, err := c.Security.Mine(ctx, nil)
	rows := make([]SecurityRow, 0, len(mine))
	for _, sec := range mine {
		rows = append(rows, SecurityRow{ModuleName: sec.ModuleName, ModuleIdentifier: sec.ModuleIdentifier,
			FunctionName: sec.ModuleFunctionName, FunctionIdentifier: sec.ModuleFunctionIdentifier,
			AddLevel: string(sec.AddLevel), EditLevel: string(sec.EditLevel), DeleteLevel: string(sec.DeleteLevel), InquireLevel: string(sec.InquireLevel)})
	}
	if err != nil {
		out = append(out, newCheck("cw.security_levels", Warn, m("doctor.cw.security_levels.name")).
			withDetail(m("doctor.cw.security_levels.unreadable", err.Error())))
	}
	for _, p := range Permissions {
		if row, ok := findRow(rows, p); ok {
			out = append(out, levelCheck(p, row.level(p.Op), role))
		} else {
			out = append(out, probeCheck(ctx, c, p, role))
		}
	}
	return out
}

func levelCheck(p Permission, level, role string) Check {
	ch := newCheck(p.ID(), OK, p.nameMsg())
	switch {
	case strings.EqualFold(level, "All"):
		return ch.withDetail(m("doctor.perm.level", p.Op, orNone(level)))
	case p.Required:
		ch.Status = Fail
		return ch.withDetail(m("doctor.perm.level_required", p.Op, orNone(level), p.whyMsg())).withFix(p.fixMsg(role))
	default:
		ch.Status = Warn
		return ch.withDetail(m("doctor.perm.level_recommended", p.Op, orNone(level), p.whyMsg())).withFix(p.fixMsg(role))
	}
}

// orNone shows a missing level as ConnectWise's own label for it.
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
	ch := newCheck(p.ID(), OK, p.nameMsg())
	if p.ProbeMethod == "" {
		ch.Status = Warn
		return ch.withDetail(m("doctor.perm.unverifiable")).withFix(p.fixMsg(role))
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
		return ch.withDetail(m("doctor.perm.probe_ok", p.ProbeMethod, p.ProbePath))
	case errors.As(err, &e) && e.Status == 403:
		ch.Status = Fail
		if !p.Required {
			ch.Status = Warn
		}
		return ch.withDetail(m("doctor.perm.probe_denied", p.ProbeMethod, p.ProbePath)).withFix(p.fixMsg(role))
	default:
		ch.Status = Warn
		return ch.withDetail(m("doctor.unverified", err.Error()))
	}
}
