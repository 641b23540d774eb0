package main

import (
	"time"

	"centralpsa"
	"centralpsa/jobs"
)

// Job-runner knobs read from the environment only. They are for tests and
// for operators with unusual needs, not settings: each process reads them
// before it touches the database, and a bad value stored there could stop
// every instance of a cluster at once.
//
//   - CENTRALPSA_JOBS_TIMEOUT: how long one sync job may run (default 30m
//     for usage, 5m for tickets).
//   - CENTRALPSA_JOBS_RESCUE_AFTER: how long a job may stay running before
//     the leader decides its process died and retries it (default the
//     timeout plus 5m; it may not be less than the timeout).
//   - CENTRALPSA_JOBS_POLL_INTERVAL: how often an idle process looks for
//     jobs when no notification arrives (default 1s).
//   - CENTRALPSA_JOBS_SETTINGS_POLL: how often each process reads the
//     schedule settings again, to follow a change made through another
//     instance or with `config set` (default 30s).
var jobKnobs = []struct {
	env string
	set func(c *jobs.Config, d time.Duration)
}{
	{"CENTRALPSA_JOBS_TIMEOUT", func(c *jobs.Config, d time.Duration) { c.JobTimeout = d }},
	{"CENTRALPSA_JOBS_RESCUE_AFTER", func(c *jobs.Config, d time.Duration) { c.RescueStuckJobsAfter = d }},
	{"CENTRALPSA_JOBS_POLL_INTERVAL", func(c *jobs.Config, d time.Duration) { c.PollInterval = d }},
	{"CENTRALPSA_JOBS_SETTINGS_POLL", func(c *jobs.Config, d time.Duration) { c.SettingsPoll = d }},
}

// tuneJobs applies the knobs set in the environment to cfg; a malformed
// one is a usage error naming the variable.
func (a *app) tuneJobs(cfg jobs.Config) (jobs.Config, error) {
	for _, k := range jobKnobs {
		v, ok := a.env(k.env)
		if !ok || v == "" {
			continue
		}
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return cfg, centralpsa.Errorf(centralpsa.KindInvalid, "%s: %q is not a positive duration such as 30s", k.env, v)
		}
		k.set(&cfg, d)
	}
	return cfg, nil
}
