// Package connect builds the ConnectWise and Sophos clients from resolved
// settings, so every command and job (map, sync, tickets, serve) checks the
// same keys and passes the same options instead of repeating the wiring.
package connect

import (
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"centralpsa"
	"centralpsa/config"
	"centralpsa/connectwise"
	"centralpsa/sophos"
)

// Options are the knobs callers may set on top of the settings; zero values
// leave each client's own default.
type Options struct {
	HTTPClient *http.Client
	Logger     *slog.Logger
	// Timeout bounds each attempt of a request.
	Timeout time.Duration
	// RequestsPerMinute is the client-side rate limit; a negative value
	// turns it off (tests against the emulators). Zero means the setting
	// cw.requests_per_minute or sophos.requests_per_minute, where 0 turns
	// the limit off as well.
	RequestsPerMinute int
}

// perMinute is the client-side rate limit for a client: the caller's, else
// the setting's, where the setting's 0 means none (the clients' -1).
func perMinute(s *config.Settings, key string, o Options) int {
	if o.RequestsPerMinute != 0 {
		return o.RequestsPerMinute
	}
	n, err := strconv.Atoi(strings.TrimSpace(s.Get(key)))
	switch {
	case err != nil: // unset or invalid (Check reports it elsewhere): the client's default
		return 0
	case n == 0:
		return -1
	}
	return n
}

// ConnectWise checks the ConnectWise settings and returns a client. A
// missing or malformed setting is a KindInvalid error naming every key at
// fault, so one run tells the user everything to fix.
func ConnectWise(s *config.Settings, o Options) (*connectwise.Client, error) {
	if err := check(s, "ConnectWise", config.ConnectWiseKeys); err != nil {
		return nil, err
	}
	c, err := connectwise.New(connectwise.Options{
		URL:               s.Get("cw.url"),
		Company:           s.Get("cw.company"),
		PublicKey:         s.Get("cw.public_key"),
		PrivateKey:        s.Secret("cw.private_key"),
		ClientID:          s.Get("cw.client_id"),
		AllowHTTP:         s.Bool("allow_http"),
		HTTPClient:        o.HTTPClient,
		Timeout:           o.Timeout,
		RequestsPerMinute: perMinute(s, "cw.requests_per_minute", o),
		Logger:            o.Logger,
	})
	if err != nil {
		return nil, &centralpsa.Error{Kind: centralpsa.KindInvalid, Message: "connectwise client", Err: err}
	}
	return c, nil
}

// Sophos checks the Sophos settings and returns a partner client.
func Sophos(s *config.Settings, o Options) (*sophos.Client, error) {
	if err := check(s, "Sophos", config.SophosKeys); err != nil {
		return nil, err
	}
	c, err := sophos.New(sophos.Options{
		ClientID:          s.Get("sophos.client_id"),
		ClientSecret:      s.Secret("sophos.client_secret"),
		IDURL:             s.Get("sophos.id_url"),
		APIURL:            s.Get("sophos.api_url"),
		AllowHTTP:         s.Bool("allow_http"),
		HTTPClient:        o.HTTPClient,
		Timeout:           o.Timeout,
		RequestsPerMinute: perMinute(s, "sophos.requests_per_minute", o),
		Logger:            o.Logger,
	})
	if err != nil {
		return nil, &centralpsa.Error{Kind: centralpsa.KindInvalid, Message: "sophos client", Err: err}
	}
	return c, nil
}

// check turns the settings problems for keys into one KindInvalid error.
func check(s *config.Settings, what string, keys []string) error {
	probs := s.Check(keys...)
	if len(probs) == 0 {
		return nil
	}
	names := make([]string, len(probs))
	lines := make([]string, len(probs))
	for i, p := range probs {
		names[i] = p.Key
		lines[i] = p.Error()
	}
	return centralpsa.Errorf(centralpsa.KindInvalid, "%s settings incomplete (%s):\n  %s",
		what, strings.Join(names, ", "), strings.Join(lines, "\n  "))
}
