package doctor

import (
	"context"
	"errors"
	"net/http"
	"time"

	"centralpsa"
	"centralpsa/config"
	"centralpsa/sophos"
)

// checkSophos verifies the partner credential and that the data every
// sync starts from can be read: tenants, billing usage and alerts.
func checkSophos(ctx context.Context, r *Report, s *config.Settings, opts Options) {
	add := func(c Check) { c.text.section = m("doctor.section.sophos"); r.add(c) }
	if probs := s.Check(config.SophosKeys...); len(probs) > 0 {
		for _, p := range probs {
			add(settingCheck(s, p))
		}
		return
	}
	add(newCheck("sophos.settings", OK, m("doctor.settings.name")))
	c, err := sophos.New(sophos.Options{
		ClientID: s.Get("sophos.client_id"), ClientSecret: s.Secret("sophos.client_secret"),
		IDURL: s.Get("sophos.id_url"), APIURL: s.Get("sophos.api_url"), AllowHTTP: s.Bool("allow_http"),
		HTTPClient: opts.HTTPClient, Timeout: opts.Timeout, MaxRetries: 1, Logger: opts.Logger,
	})
	if err != nil {
		add(newCheck("sophos.client", Fail, m("doctor.client.name")).withDetail(verbatim(err.Error())))
		return
	}
	id, err := c.WhoAmI(ctx)
	if err != nil {
		add(sophosAuthCheck(err))
		return
	}
	add(newCheck("sophos.credential", OK, m("doctor.sophos.credential.name")).withDetail(m("doctor.sophos.credential.ok")))
	partner := newCheck("sophos.partner", OK, m("doctor.sophos.partner.name"))
	if !id.IsPartner() {
		partner.Status = Fail
		add(partner.withDetail(m("doctor.sophos.partner.wrong_type", id.IDType)).withFix(m("doctor.sophos.credential.fix")))
		return
	}
	add(partner.withDetail(m("doctor.sophos.partner.ok", id.ID)))
	tenants, err := c.ListTenants(ctx)
	if err != nil {
		add(newCheck("sophos.tenants", Fail, m("doctor.sophos.tenants_readable.name")).withDetail(verbatim(err.Error())).withFix(adviceOf(err)))
		return
	}
	add(newCheck("sophos.tenants", OK, m("doctor.sophos.tenants.name")).withDetail(m("doctor.sophos.tenants.count", len(tenants))))
	add(usageTenantsCheck(tenants))
	add(latestMonthCheck(ctx, c, opts.now()))
	add(alertsCheck(ctx, c, tenants))
}

func sophosAuthCheck(err error) Check {
	c := newCheck("sophos.credential", Fail, m("doctor.sophos.credential.name")).withDetail(verbatim(err.Error()))
	fix := m("doctor.sophos.credential.fix")
	switch {
	case errors.Is(err, sophos.ErrWrongSecret):
		return c.withDetail(m("doctor.sophos.wrong_secret")).withFix(m("doctor.sophos.wrong_secret_fix", fix))
	case errors.Is(err, sophos.ErrUnknownClient):
		return c.withDetail(m("doctor.sophos.unknown_client")).withFix(fix)
	case sophos.ErrorKind(err) == centralpsa.KindUnavailable:
		return c.withFix(m("doctor.sophos.unreachable_fix"))
	default:
		return c.withFix(fix)
	}
}

func usageTenantsCheck(tenants []sophos.Tenant) Check {
	usage := 0
	for _, t := range tenants {
		if t.BillingType == "usage" {
			usage++
		}
	}
	ch := newCheck("sophos.usage_tenants", OK, m("doctor.sophos.usage_tenants.name")).
		withDetail(m("doctor.sophos.usage_tenants.count", usage, len(tenants)))
	if usage == 0 {
		ch.Status = Warn
		ch = ch.withFix(m("doctor.sophos.usage_tenants.fix"))
	}
	return ch
}

// monthsBack is how many months latestMonthCheck looks for billing data.
const monthsBack = 4

// latestMonthCheck looks for the newest month with a billing report,
// starting with the current month: the report for a month appears during
// or after it, and a month without one answers "no data".
func latestMonthCheck(ctx context.Context, c *sophos.Client, now time.Time) Check {
	ch := newCheck("sophos.billing_usage", OK, m("doctor.sophos.billing.name"))
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	for range monthsBack {
		rep, err := c.Usage(ctx, month.Year(), int(month.Month()), sophos.UsageOptions{})
		switch {
		case err == nil:
			return ch.withDetail(m("doctor.sophos.billing.ok", month.Format("2006-01"), len(rep.Lines)))
		case errors.Is(err, sophos.ErrNoData):
			month = month.AddDate(0, -1, 0)
		default:
			ch.Status = Fail
			return ch.withDetail(verbatim(err.Error())).withFix(adviceOf(err))
		}
	}
	ch.Status = Warn
	return ch.withDetail(m("doctor.sophos.billing.none", monthsBack)).withFix(m("doctor.sophos.billing.none_fix"))
}

// alertsCheck reads the alerts of the first tenant that allows it; term
// tenants without Partner Assistance refuse, which is not a setup error.
func alertsCheck(ctx context.Context, c *sophos.Client, tenants []sophos.Tenant) Check {
	ch := newCheck("sophos.alerts", OK, m("doctor.sophos.alerts.name"))
	var lastErr error
	tried := 0
	for _, t := range tenants {
		if t.BillingType == "trial" || t.APIHost == "" {
			continue
		}
		alerts, err := c.ListAlerts(ctx, t, sophos.AlertsOptions{PageSize: 100})
		if err == nil {
			return ch.withDetail(m("doctor.sophos.alerts.ok", t.DisplayName(), len(alerts)))
		}
		lastErr = err
		if tried++; tried == 3 {
			break
		}
	}
	if lastErr == nil {
		ch.Status = Warn
		return ch.withDetail(m("doctor.sophos.alerts.no_tenant"))
	}
	ch.Status = Fail
	return ch.withDetail(verbatim(lastErr.Error())).withFix(adviceOf(lastErr))
}

// adviceOf is sophos.Error.Advice as a catalog message, so the fix can be
// shown in the report's language; it follows the same cases in the same
// order, and a test compares the English texts with the client's.
func adviceOf(err error) msg {
	var e *sophos.Error
	if !errors.As(err, &e) {
		return msg{}
	}
	switch {
	case e.Status == http.StatusUnauthorized:
		return m("doctor.sophos.advice.unauthorized")
	case e.Status == http.StatusForbidden && e.TenantID != "":
		return m("doctor.sophos.advice.tenant_forbidden")
	case e.Status == http.StatusForbidden:
		return m("doctor.sophos.advice.forbidden")
	case e.Status == http.StatusTooManyRequests && e.RetryAfter > 0:
		return m("doctor.sophos.advice.throttled_for", e.RetryAfter.String())
	case e.Status == http.StatusTooManyRequests:
		return m("doctor.sophos.advice.throttled")
	case e.Status >= 500:
		return m("doctor.sophos.advice.server_error")
	}
	// A status the catalog does not know: the client's own advice, if any.
	return verbatim(e.Advice())
}
