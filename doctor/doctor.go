package doctor

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"centralpsa/config"
)

// Options tune a doctor run. The zero value is usable.
type Options struct {
	HTTPClient *http.Client
	// Timeout bounds each API call; Deadline bounds the whole run, so an
	// unreachable site fails clearly instead of hanging.
	Timeout  time.Duration
	Deadline time.Duration
	Logger   *slog.Logger
	NowFunc  func() time.Time
	// SkipSophos and SkipConnectWise run one section only.
	SkipSophos, SkipConnectWise bool
	// Lang is the language of the report's text ("en" when empty or
	// unsupported); Report.Localize can change it afterwards.
	Lang string
}

func (o Options) now() time.Time {
	if o.NowFunc != nil {
		return o.NowFunc()
	}
	return time.Now()
}

// Run performs every check and returns the report; it never writes
// anything to ConnectWise or Sophos.
func Run(ctx context.Context, s *config.Settings, opts Options) *Report {
	if opts.Timeout == 0 {
		opts.Timeout = 15 * time.Second
	}
	if opts.Deadline == 0 {
		opts.Deadline = 2 * time.Minute
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithTimeout(ctx, opts.Deadline)
	defer cancel()
	lang, _ := ParseLang(opts.Lang)
	r := &Report{lang: lang}
	if !opts.SkipConnectWise {
		checkConnectWise(ctx, r, s, opts)
	}
	if !opts.SkipSophos {
		checkSophos(ctx, r, s, opts)
	}
	return r
}

// settingCheck reports a missing or invalid setting. A validator's message
// comes from the config package in English and is shown as it is.
func settingCheck(s *config.Settings, p config.Problem) Check {
	detail := verbatim(p.Message)
	if s.Get(p.Key) == "" {
		detail = m("doctor.setting.not_set")
	}
	return newCheck("setting."+p.Key, Fail, m("doctor.setting.name", p.Key)).
		withDetail(detail).withFix(m("doctor.setting.fix", p.Key, config.EnvName(p.Key)))
}
