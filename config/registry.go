// Package config is the registry of centralpsa's settings: each dotted key
// with its environment name, default, secret flag, validator and help, and
// the one place where a value is resolved (environment, then database,
// then default). Settings are a value passed down, never a package
// variable, so tests can run side by side with different settings.
package config

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Setting describes one key.
type Setting struct {
	Key     string
	Default string
	Secret  bool
	Help    string
	// Validate checks a value before it is stored or used; nil accepts any.
	Validate func(string) error
	// EnvOnly settings cannot be stored in the database (the database
	// location itself).
	EnvOnly bool
}

// EnvName is the environment variable that overrides the setting:
// CENTRALPSA_ + the key upper-cased with dots turned into underscores.
func (s Setting) EnvName() string { return EnvName(s.Key) }

// EnvName derives the environment variable for a key.
func EnvName(key string) string {
	return "CENTRALPSA_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// Registry lists every setting, in the order `config list` shows them.
var Registry = []Setting{
	{Key: "db", Default: "centralpsa.db", EnvOnly: true, Help: "SQLite file path or postgres:// URL (environment only: CENTRALPSA_DB)"},
	{Key: "allow_http", Default: "false", Validate: isBool, Help: "accept http:// URLs (loopback emulators only)"},

	{Key: "cw.url", Validate: isURL, Help: "ConnectWise site, e.g. https://api-na.myconnectwise.net"},
	{Key: "cw.company", Validate: nonBlank, Help: "company id typed at the ConnectWise login screen"},
	{Key: "cw.public_key", Validate: nonBlank, Help: "API member public key"},
	{Key: "cw.private_key", Secret: true, Validate: nonBlank, Help: "API member private key"},
	{Key: "cw.client_id", Validate: nonBlank, Help: "clientId GUID from developer.connectwise.com"},

	{Key: "sophos.client_id", Validate: nonBlank, Help: "Sophos Central partner API credential: client id"},
	{Key: "sophos.client_secret", Secret: true, Validate: nonBlank, Help: "Sophos Central partner API credential: client secret"},
	{Key: "sophos.id_url", Default: "https://id.sophos.com", Validate: isURL, Help: "Sophos token service"},
	{Key: "sophos.api_url", Default: "https://api.central.sophos.com", Validate: isURL, Help: "Sophos global API host"},
	{Key: "cw.requests_per_minute", Default: "600", Validate: isNonNegInt, Help: "client-side limit on ConnectWise requests a minute (0 = none: emulators and benchmarks only)"},
	{Key: "sophos.requests_per_minute", Default: "300", Validate: isNonNegInt, Help: "client-side limit on Sophos Central requests a minute (0 = none: emulators and benchmarks only)"},

	{Key: "usage.quantity", Default: "billable", Validate: oneOf("billable", "actual", "ordered"), Help: "which Sophos quantity is billed"},
	{Key: "usage.zero_policy", Default: "zero", Validate: oneOf("zero", "cancel"), Help: "what happens to an addition whose product has no usage any more"},
	{Key: "usage.schedule", Default: "nightly", Validate: isSchedule, Help: "nightly, monthly:DAY or manual"},
	{Key: "usage.time", Default: "02:00", Validate: isClock, Help: "time of day (HH:MM, local) for scheduled usage syncs"},
	{Key: "usage.concurrency", Default: "6", Validate: isPosInt, Help: "agreements read, and then written, at once during a usage sync (the clients' rate limits still apply)"},
	{Key: "usage.catalog_category", Default: "Sophos", Validate: nonBlank, Help: "product category for created catalog items"},
	{Key: "usage.catalog_subcategory", Default: "Sophos Central", Validate: nonBlank, Help: "product subcategory for created catalog items"},
	{Key: "usage.catalog_type", Default: "Sophos", Validate: nonBlank, Help: "product type for created catalog items"},

	{Key: "tickets.board", Help: "service board for alert tickets (required for ticket sync)"},
	{Key: "tickets.status_new", Default: "New", Validate: nonBlank, Help: "status of a new ticket"},
	{Key: "tickets.status_closed", Default: "Closed", Validate: nonBlank, Help: "status that closes a ticket"},
	{Key: "tickets.priority.high", Default: "Priority 1 - Emergency Response", Validate: nonBlank, Help: "priority for high-severity alerts"},
	{Key: "tickets.priority.medium", Default: "Priority 2 - Quick Response", Validate: nonBlank, Help: "priority for medium-severity alerts"},
	{Key: "tickets.priority.low", Default: "Priority 3 - Normal Response", Validate: nonBlank, Help: "priority for low-severity alerts"},
	{Key: "tickets.type", Help: "optional ticket type"},
	{Key: "tickets.subtype", Help: "optional ticket subtype"},
	{Key: "tickets.source", Help: "optional ticket source name, so integration tickets are reportable"},
	{Key: "tickets.min_severity", Default: "low", Validate: oneOf("low", "medium", "high"), Help: "lowest alert severity that makes a ticket"},
	{Key: "tickets.close_on_resolve", Default: "true", Validate: isBool, Help: "close the ticket when its alerts are gone"},
	{Key: "tickets.reopen_days", Default: "1", Validate: isNonNegInt, Help: "reopen a ticket closed this many days ago when its alert recurs"},
	{Key: "tickets.acknowledge_on_close", Default: "false", Validate: isBool, Help: "acknowledge Sophos alerts when a technician closes the ticket"},
	{Key: "tickets.poll_interval", Default: "2m", Validate: isDuration, Help: "how often ticket sync runs"},
	{Key: "tickets.concurrency", Default: "4", Validate: isPosInt, Help: "tenants synced at once in a ticket pass (the clients' rate limits still apply)"},
}

// Lookup returns the setting for key.
func Lookup(key string) (Setting, bool) {
	for _, s := range Registry {
		if s.Key == key {
			return s, true
		}
	}
	return Setting{}, false
}

func nonBlank(v string) error {
	if strings.TrimSpace(v) == "" {
		return fmt.Errorf("must not be empty")
	}
	return nil
}

func isBool(v string) error {
	if _, err := ParseBool(v); err != nil {
		return err
	}
	return nil
}

// ParseBool accepts the spellings people type: 1/0, true/false, yes/no,
// on/off, in any case.
func ParseBool(v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "yes", "on":
		return true, nil
	case "0", "false", "no", "off", "":
		return false, nil
	}
	return false, fmt.Errorf("%q is not a boolean (use true or false)", clip(v))
}

func isURL(v string) error {
	u, err := url.Parse(strings.TrimSpace(v))
	if err != nil {
		return fmt.Errorf("not a URL: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("%q is not an http(s) URL with a host", clip(v))
	}
	return nil
}

func isNonNegInt(v string) error {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 0 {
		return fmt.Errorf("%q is not a whole number of 0 or more", clip(v))
	}
	return nil
}

func isPosInt(v string) error {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 1 {
		return fmt.Errorf("%q is not a whole number of 1 or more", clip(v))
	}
	return nil
}

func isDuration(v string) error {
	d, err := time.ParseDuration(strings.TrimSpace(v))
	if err != nil || d <= 0 {
		return fmt.Errorf("%q is not a positive duration such as 2m or 90s", clip(v))
	}
	return nil
}

func isClock(v string) error {
	if _, err := time.Parse("15:04", strings.TrimSpace(v)); err != nil {
		return fmt.Errorf("%q is not a time of day such as 02:00", clip(v))
	}
	return nil
}

func isSchedule(v string) error {
	v = strings.TrimSpace(v)
	switch {
	case v == "nightly" || v == "manual":
		return nil
	case strings.HasPrefix(v, "monthly:"):
		day, err := strconv.Atoi(strings.TrimPrefix(v, "monthly:"))
		if err == nil && day >= 1 && day <= 28 {
			return nil
		}
		return fmt.Errorf("%q: the day in monthly:DAY must be 1 to 28", clip(v))
	}
	return fmt.Errorf("%q is not nightly, monthly:DAY or manual", clip(v))
}

func oneOf(allowed ...string) func(string) error {
	return func(v string) error {
		for _, a := range allowed {
			if strings.TrimSpace(v) == a {
				return nil
			}
		}
		return fmt.Errorf("%q is not one of %s", clip(v), strings.Join(allowed, ", "))
	}
}
