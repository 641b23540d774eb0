package jobs

import (
	"cmp"
	"context"
	"database/sql"
	"log/slog"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"

	"centralpsa"
	"centralpsa/config"
	"centralpsa/store"
)

// Config wires a Runner. Usage, Tickets and Settings are the ones that
// matter; the rest have working defaults.
type Config struct {
	// Usage and Tickets do the work. A nil one means that sync is not
	// configured: it gets no schedule and Enqueue refuses it.
	Usage   UsageSyncer
	Tickets TicketSyncer
	// Refresh, when set, refreshes tenant and company details once a day
	// (RefreshEvery), as Sophos's own integration does.
	Refresh      Refresher
	RefreshEvery time.Duration
	// Settings supplies usage.schedule, usage.time and
	// tickets.poll_interval; nil means the defaults.
	Settings *config.Settings
	// Logger receives the jobs' and River's logs; discarded when nil.
	Logger *slog.Logger
	// Workers is how many jobs this process runs at once; default 2 (one
	// usage sync and one ticket sync, each unique).
	Workers int
	// NowFunc replaces River's clock, for tests; leave nil in production
	// so that River keeps using the database's time.
	NowFunc func() time.Time
	// Location is the zone of usage.time; time.Local when nil (set TZ).
	Location *time.Location
	// PollInterval is how often a process looks for jobs when no
	// notification arrives; River's default (1s) when zero.
	PollInterval time.Duration
	// RescueStuckJobsAfter is how long a job may stay running before the
	// leader assumes its process died and retries it; it must be at least
	// the job timeout. Default: the usage timeout plus 5 minutes (35).
	RescueStuckJobsAfter time.Duration
	// JobTimeout, when set, replaces both jobs' timeouts (30 minutes for a
	// usage sync, 5 for a ticket sync). With RescueStuckJobsAfter it lets a
	// test (or an operator with small syncs) see a dead process's job
	// retried in seconds rather than after half an hour.
	JobTimeout time.Duration
	// SettingsFunc, when set, is read every SettingsPoll (default 30s)
	// while the runner runs, and a changed schedule is applied as
	// Reschedule would. Without it a schedule changed through another
	// instance of a cluster, or with `config set`, would wait for a
	// restart: Reschedule only reaches this process's River client, and
	// only the leader's schedule counts.
	SettingsFunc func(context.Context) (*config.Settings, error)
	SettingsPoll time.Duration

	testOnly bool // River's TestOnly: no staggered start of maintenance
}

// Runner owns the River client. Methods may be called before Start: a
// process that only enqueues (the CLI's "sync now") never starts it.
type Runner struct {
	client      *river.Client[*sql.Tx]
	driver      riverdriver.Driver[*sql.Tx]
	db          *store.DB
	log         *slog.Logger
	loc         *time.Location
	usage       bool
	tickets     bool
	refresh     time.Duration // 0: no refresh schedule
	closeDriver func()
	closeOnce   sync.Once
	follow      follower
	scheduleMu  sync.Mutex // Reschedule's clear-and-add is not atomic; the console and the follower both call it
}

// New migrates River's tables in db (idempotent, safe from several
// processes at once) and builds a Runner. dsn is the store's DSN; on
// PostgreSQL it opens the one connection that LISTENs for new jobs.
func New(ctx context.Context, db *store.DB, dsn string, cfg Config) (*Runner, error) {
	r := &Runner{
		db:      db,
		log:     cmp.Or(cfg.Logger, slog.New(slog.DiscardHandler)),
		loc:     orLocal(cfg.Location),
		usage:   cfg.Usage != nil,
		tickets: cfg.Tickets != nil,
		follow:  follower{settings: cfg.SettingsFunc, every: cmp.Or(cfg.SettingsPoll, 30*time.Second)},
	}
	if cfg.Refresh != nil {
		r.refresh = cmp.Or(cfg.RefreshEvery, 24*time.Hour)
	}
	if cfg.RescueStuckJobsAfter > 0 && cfg.RescueStuckJobsAfter < cmp.Or(cfg.JobTimeout, usageTimeout) {
		// River's rescuer leaves a job alone until its timeout has passed,
		// so a shorter rescue delay would not do what it says.
		return nil, centralpsa.Errorf(centralpsa.KindInvalid, "the stuck-job rescue delay (%s) must be at least the job timeout (%s)",
			cfg.RescueStuckJobsAfter, cmp.Or(cfg.JobTimeout, usageTimeout))
	}
	settings := cfg.Settings
	if settings == nil {
		settings = config.FromMap(nil)
	}
	periodic, err := r.periodicJobs(settings)
	if err != nil {
		return nil, err
	}
	r.follow.applied = scheduleKey(settings)
	if r.driver, r.closeDriver, err = newDriver(ctx, db, dsn); err != nil {
		return nil, err
	}
	if err := migrate(ctx, db, r.driver, r.log); err != nil {
		r.closeDriver()
		return nil, err
	}
	rc := r.riverConfig(cfg, periodic)
	if r.client, err = river.NewClient(r.driver, rc); err != nil {
		r.closeDriver()
		return nil, &centralpsa.Error{Kind: centralpsa.KindInvalid, Message: "configure the job runner", Err: err}
	}
	return r, nil
}

// riverConfig is River's configuration for cfg: both workers (always, so
// that a job of either kind finds its worker), one queue, and the knobs.
func (r *Runner) riverConfig(cfg Config, periodic []*river.PeriodicJob) *river.Config {
	workers := river.NewWorkers()
	river.AddWorker(workers, &usageWorker{syncer: cfg.Usage, log: r.log.With("job", KindUsageSync), timeout: cmp.Or(cfg.JobTimeout, usageTimeout)})
	river.AddWorker(workers, &refreshWorker{refresher: cfg.Refresh, log: r.log.With("job", KindRefresh)})
	river.AddWorker(workers, &ticketWorker{syncer: cfg.Tickets, log: r.log.With("job", KindTicketSync), timeout: cmp.Or(cfg.JobTimeout, ticketTimeout)})
	rc := &river.Config{
		Logger:               r.log,
		Workers:              workers,
		Queues:               map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cmp.Or(cfg.Workers, 2)}},
		PeriodicJobs:         periodic,
		FetchPollInterval:    cfg.PollInterval,
		JobTimeout:           cfg.JobTimeout, // River checks it against RescueStuckJobsAfter
		RescueStuckJobsAfter: cmp.Or(cfg.RescueStuckJobsAfter, cmp.Or(cfg.JobTimeout, usageTimeout)+5*time.Minute),
		TestOnly:             cfg.testOnly,
	}
	if cfg.PollInterval > 0 {
		// River refuses a poll interval shorter than the fetch cooldown
		// (100ms by default).
		rc.FetchCooldown = min(cfg.PollInterval, 100*time.Millisecond)
	}
	if cfg.NowFunc != nil {
		rc.Test.Time = clock(cfg.NowFunc)
	}
	return rc
}

// Start works jobs and, on the process elected leader, inserts the
// periodic ones, until ctx ends or Stop is called.
func (r *Runner) Start(ctx context.Context) error {
	if err := r.client.Start(ctx); err != nil {
		return &centralpsa.Error{Kind: centralpsa.KindInternal, Message: "start the job runner", Err: err}
	}
	r.follow.start(ctx, r)
	return nil
}

// Stop stops fetching and waits for running jobs to finish until ctx
// ends; then it cancels them (they are retried, with Resume, later) and
// waits a little more. It releases the LISTEN connection either way.
func (r *Runner) Stop(ctx context.Context) error {
	defer r.closeOnce.Do(r.closeDriver)
	r.follow.stop()
	err := r.client.Stop(ctx)
	if err == nil || ctx.Err() == nil {
		return err
	}
	r.log.Warn("jobs still running at shutdown; cancelling them", "error", err)
	hard, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := r.client.StopAndCancel(hard); err != nil {
		return &centralpsa.Error{Kind: centralpsa.KindUnavailable, Message: "stop the job runner", Err: err}
	}
	return nil
}

// Reschedule replaces the periodic jobs with the schedules in settings,
// for a change of usage.schedule, usage.time or tickets.poll_interval
// without a restart. Invalid settings leave the old schedules in place.
func (r *Runner) Reschedule(settings *config.Settings) error {
	periodic, err := r.periodicJobs(settings)
	if err != nil {
		return err
	}
	r.scheduleMu.Lock()
	defer r.scheduleMu.Unlock()
	bundle := r.client.PeriodicJobs()
	bundle.Clear()
	if _, err := bundle.AddManySafely(periodic); err != nil {
		return &centralpsa.Error{Kind: centralpsa.KindInternal, Message: "schedule periodic jobs", Err: err}
	}
	r.follow.setApplied(scheduleKey(settings))
	return nil
}

// periodicJobs builds the schedules in settings for the configured
// syncers. The ticket sync also runs when a leader starts, since its
// interval is short and a restart should not delay it; the usage sync does
// not, or every deploy would bill.
func (r *Runner) periodicJobs(settings *config.Settings) ([]*river.PeriodicJob, error) {
	usage, tickets, err := schedules(settings, r.loc)
	if err != nil {
		return nil, err
	}
	scheduled := &river.InsertOpts{Tags: []string{triggerSchedule}}
	var out []*river.PeriodicJob
	if r.usage && usage != nil {
		out = append(out, river.NewPeriodicJob(usage,
			func() (river.JobArgs, *river.InsertOpts) { return UsageSyncArgs{}, scheduled },
			&river.PeriodicJobOpts{ID: KindUsageSync}))
		r.log.Debug("usage sync scheduled", "schedule", settings.Get("usage.schedule"), "time", settings.Get("usage.time"), "zone", r.loc.String())
	}
	if r.tickets {
		out = append(out, river.NewPeriodicJob(tickets,
			func() (river.JobArgs, *river.InsertOpts) { return TicketSyncArgs{}, scheduled },
			&river.PeriodicJobOpts{ID: KindTicketSync, RunOnStart: true}))
	}
	if r.refresh > 0 {
		out = append(out, river.NewPeriodicJob(Interval(r.refresh),
			func() (river.JobArgs, *river.InsertOpts) { return RefreshArgs{}, scheduled },
			&river.PeriodicJobOpts{ID: KindRefresh}))
	}
	return out, nil
}

// clock adapts NowFunc to River's stubbable time generator.
type clock func() time.Time

func (c clock) Now() time.Time { return c() }

func (c clock) NowOrNil() *time.Time {
	t := c()
	return &t
}
