package doctor

import (
	"context"
	"errors"
	"fmt"
	"time"

	"centralpsa"
	"centralpsa/config"
	"centralpsa/sophos"
)

const sophosSection = "Sophos Central"

const fixSophosCredential = "in Sophos Central Partner open Settings & policies > API credentials, add a credential (role Service Principal Super Admin), and set sophos.client_id and sophos.client_secret"

// checkSophos verifies the partner credential and that the data every
// sync starts from can be read: tenants, billing usage and alerts.
func checkSophos(ctx context.Context, r *Report, s *config.Settings, opts Options) {
	add := func(c Check) { c.Section = sophosSection; r.add(c) }
	if probs := s.Check(config.SophosKeys...); len(probs) > 0 {
		for _, p := range probs {
			add(Check{Name: "setting " + p.Key, Status: Fail, Detail: p.Message, Fix: fixFor(p)})
		}
		return
	}
	add(Check{Name: "settings present", Status: OK})
	c, err := sophos.New(sophos.Options{
		ClientID: s.Get("sophos.client_id"), ClientSecret: s.Secret("sophos.client_secret"),
		IDURL: s.Get("sophos.id_url"), APIURL: s.Get("sophos.api_url"), AllowHTTP: s.Bool("allow_http"),
		HTTPClient: opts.HTTPClient, Timeout: opts.Timeout, MaxRetries: 1, Logger: opts.Logger,
	})
	if err != nil {
		add(Check{Name: "client", Status: Fail, Detail: err.Error()})
		return
	}
	id, err := c.WhoAmI(ctx)
	if err != nil {
		add(sophosAuthCheck(err))
		return
	}
	add(Check{Name: "credential accepted", Status: OK, Detail: "token issued, whoami answered"})
	if !id.IsPartner() {
		add(Check{Name: "partner credential", Status: Fail,
			Detail: fmt.Sprintf("this is a %s credential; centralpsa needs a partner credential to see every customer", id.IDType),
			Fix:    fixSophosCredential})
		return
	}
	add(Check{Name: "partner credential", Status: OK, Detail: "partner " + id.ID})
	tenants, err := c.ListTenants(ctx)
	if err != nil {
		add(Check{Name: "tenants readable", Status: Fail, Detail: err.Error(), Fix: adviceOf(err)})
		return
	}
	usage := 0
	for _, t := range tenants {
		if t.BillingType == "usage" {
			usage++
		}
	}
	add(Check{Name: "tenants", Status: OK, Detail: fmt.Sprintf("%d tenants", len(tenants))})
	usageCheck := Check{Name: "usage-billed tenants", Status: OK, Detail: fmt.Sprintf("%d of %d tenants are MSP Flex (billingType usage)", usage, len(tenants))}
	if usage == 0 {
		usageCheck.Status, usageCheck.Fix = Warn, "usage sync bills MSP Flex (monthly) customers only; term and trial tenants can still get tickets"
	}
	add(usageCheck)
	add(latestMonthCheck(ctx, c, opts.now()))
	add(alertsCheck(ctx, c, tenants))
}

func sophosAuthCheck(err error) Check {
	c := Check{Name: "credential accepted", Status: Fail, Detail: err.Error()}
	switch {
	case errors.Is(err, sophos.ErrWrongSecret):
		c.Detail = "Sophos rejected the client secret (the client id is known)"
		c.Fix = "the secret is shown only when the credential is created: " + fixSophosCredential
	case errors.Is(err, sophos.ErrUnknownClient):
		c.Detail = "Sophos does not know this client id"
		c.Fix = fixSophosCredential
	case sophos.ErrorKind(err) == centralpsa.KindUnavailable:
		c.Fix = "check sophos.id_url and sophos.api_url and that this machine can reach them (proxy, firewall)"
	default:
		c.Fix = fixSophosCredential
	}
	return c
}

// latestMonthCheck looks for the newest month with a billing report,
// starting with the current month: the report for a month appears during
// or after it, and a month without one answers "no data".
func latestMonthCheck(ctx context.Context, c *sophos.Client, now time.Time) Check {
	m := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	for range 4 {
		rep, err := c.Usage(ctx, m.Year(), int(m.Month()), sophos.UsageOptions{})
		switch {
		case err == nil:
			return Check{Name: "billing usage", Status: OK, Detail: fmt.Sprintf("latest month with data: %s (%d lines)", m.Format("2006-01"), len(rep.Lines))}
		case errors.Is(err, sophos.ErrNoData):
			m = m.AddDate(0, -1, 0)
		default:
			return Check{Name: "billing usage", Status: Fail, Detail: err.Error(), Fix: adviceOf(err)}
		}
	}
	return Check{Name: "billing usage", Status: Warn, Detail: "no billing data in the last 4 months",
		Fix: "usage sync needs MSP Flex usage; check Managed Customer Usage in Sophos Central Partner"}
}

// alertsCheck reads the alerts of the first tenant that allows it; term
// tenants without Partner Assistance refuse, which is not a setup error.
func alertsCheck(ctx context.Context, c *sophos.Client, tenants []sophos.Tenant) Check {
	var lastErr error
	tried := 0
	for _, t := range tenants {
		if t.BillingType == "trial" || t.APIHost == "" {
			continue
		}
		alerts, err := c.ListAlerts(ctx, t, sophos.AlertsOptions{PageSize: 100})
		if err == nil {
			return Check{Name: "alerts readable", Status: OK, Detail: fmt.Sprintf("tenant %s: %d open alerts on the first page", t.DisplayName(), len(alerts))}
		}
		lastErr = err
		if tried++; tried == 3 {
			break
		}
	}
	if lastErr == nil {
		return Check{Name: "alerts readable", Status: Warn, Detail: "no tenant to read alerts from"}
	}
	return Check{Name: "alerts readable", Status: Fail, Detail: lastErr.Error(), Fix: adviceOf(lastErr)}
}

// adviceOf returns the client's advice for a Sophos error.
func adviceOf(err error) string {
	var e *sophos.Error
	if errors.As(err, &e) {
		return e.Advice()
	}
	return ""
}

func fixFor(p config.Problem) string {
	return fmt.Sprintf("centralpsa config set %s VALUE (or set %s)", p.Key, config.EnvName(p.Key))
}
