package bench

import (
	"fmt"
	"strconv"
	"time"

	"centralpsa/cwemu"
	"centralpsa/emu"
	"centralpsa/sample"
	"centralpsa/sophosemu"
)

// site is a pair of emulators serving one copy of the sample MSP on
// loopback: one for centralpsa, another for the naive baseline.
type site struct {
	cw     *cwemu.Server
	sophos *sophosemu.Server
	cwURL  string
	soURL  string
	close  func()
}

func startSite(cfg Config, customers []sample.Customer) (*site, error) {
	cwSrv, err := emu.Listen("")
	if err != nil {
		return nil, fmt.Errorf("listen for the connectwise emulator: %w", err)
	}
	soSrv, err := emu.Listen("")
	if err != nil {
		cwSrv.Close()
		return nil, fmt.Errorf("listen for the sophos emulator: %w", err)
	}
	closeBoth := func() { cwSrv.Close(); soSrv.Close() }
	cw, err := cwemu.Open(cwemu.Options{BaseURL: cwSrv.URL, Customers: customers, Extra: sample.ExtraCompanies(cfg.Seed),
		RequestsPerMinute: cfg.CWRatePerMinute})
	if err != nil {
		closeBoth()
		return nil, fmt.Errorf("seed the connectwise emulator: %w", err)
	}
	so := sophosemu.New(sophosemu.Options{BaseURL: soSrv.URL, Customers: customers, Seed: cfg.Seed,
		AlertsPerTenant: alertsOption(cfg.AlertsPerTenant), RequestsPerMinute: cfg.SophosRatePerMinute,
		// Every term customer has Partner Assistance on, so every
		// reachable tenant can have its alerts ticketed.
		PartnerAssistanceOffTenants: []string{}})
	cwSrv.Serve(cw)
	soSrv.Serve(so)
	return &site{cw: cw, sophos: so, cwURL: cwSrv.URL, soURL: soSrv.URL, close: closeBoth}, nil
}

// alertsOption translates Config.AlertsPerTenant (0 = none) into the
// emulator's option (0 = its default of three, negative = none).
func alertsOption(n int) int {
	if n <= 0 {
		return -1
	}
	return n
}

// env is the environment that points centralpsa at the site.
func (s *site) env(cfg Config, dbPath string) []string {
	id, secret := s.sophos.Credentials()
	rate := func(n int) string { return strconv.Itoa(n) } // 0 turns the client's limit off, like the emulator's
	return []string{
		"CENTRALPSA_DB=" + dbPath,
		"CENTRALPSA_SECRET_KEY=" + benchSecretKey,
		"CENTRALPSA_ALLOW_HTTP=1",
		"CENTRALPSA_LOG_LEVEL=ERROR",
		"CENTRALPSA_CW_URL=" + s.cwURL,
		"CENTRALPSA_CW_COMPANY=" + cwemu.DefaultCompany,
		"CENTRALPSA_CW_PUBLIC_KEY=" + cwemu.DefaultPublicKey,
		"CENTRALPSA_CW_PRIVATE_KEY=" + cwemu.DefaultPrivateKey,
		"CENTRALPSA_CW_CLIENT_ID=" + cwemu.DefaultClientID,
		"CENTRALPSA_SOPHOS_CLIENT_ID=" + id,
		"CENTRALPSA_SOPHOS_CLIENT_SECRET=" + secret,
		"CENTRALPSA_SOPHOS_ID_URL=" + s.soURL,
		"CENTRALPSA_SOPHOS_API_URL=" + s.soURL,
		"CENTRALPSA_TICKETS_BOARD=Sophos Alerts",
		"CENTRALPSA_CW_REQUESTS_PER_MINUTE=" + rate(cfg.CWRatePerMinute),
		"CENTRALPSA_SOPHOS_REQUESTS_PER_MINUTE=" + rate(cfg.SophosRatePerMinute),
		"CENTRALPSA_USAGE_CONCURRENCY=" + strconv.Itoa(cfg.Concurrency),
		"CENTRALPSA_TICKETS_CONCURRENCY=" + strconv.Itoa(cfg.Concurrency),
	}
}

// benchSecretKey seals secret settings in the benchmark's throw-away
// database (none are stored: they come from the environment).
const benchSecretKey = "0000000000000000000000000000000000000000000000000000000000000000"

// slow adds latency to every call of both emulators; the returned func
// takes it away again.
func (s *site) slow(d time.Duration) func() {
	if d <= 0 {
		return func() {}
	}
	a := s.cw.Faults().Add(emu.Fault{Kind: emu.FaultDelay, Delay: d})
	b := s.sophos.Faults().Add(emu.Fault{Kind: emu.FaultDelay, Delay: d})
	return func() { a(); b() }
}

// resetLogs forgets the calls made so far.
func (s *site) resetLogs() {
	s.cw.Log().Reset()
	s.sophos.Log().Reset()
}

// calls counts the calls made since the last reset, per upstream.
func (s *site) calls() Calls {
	return Calls{ConnectWise: count(s.cw.Log().Requests()), Sophos: count(s.sophos.Log().Requests())}
}

func count(reqs []emu.Request) Count {
	var c Count
	for _, r := range reqs {
		c.Total++
		if r.IsWrite() {
			c.Writes++
		}
		if r.Status == 429 {
			c.Throttled++
		}
	}
	return c
}
