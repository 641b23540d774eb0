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
	r := &Report{}
	if !opts.SkipConnectWise {
		checkConnectWise(ctx, r, s, opts)
	}
	if !opts.SkipSophos {
		checkSophos(ctx, r, s, opts)
	}
	return r
}
