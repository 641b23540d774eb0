package jobs

import (
	"context"
	"strings"
	"sync"
	"time"

	"centralpsa/config"
)

// follower keeps a running process's schedules in step with the settings
// in the database (Config.SettingsFunc). In a cluster the process that
// saves a setting is rarely the leader, and only the leader inserts
// periodic jobs, so every process polls rather than trusting the one that
// saw the change.
type follower struct {
	settings func(context.Context) (*config.Settings, error)
	every    time.Duration

	mu      sync.Mutex
	applied string // scheduleKey of the schedules in force (or last tried)
	cancel  context.CancelFunc
	done    chan struct{}
}

// scheduleKey is what the periodic jobs depend on.
func scheduleKey(s *config.Settings) string {
	return strings.Join([]string{s.Get("usage.schedule"), s.Get("usage.time"), s.Get("tickets.poll_interval")}, "\x00")
}

func (f *follower) setApplied(key string) {
	f.mu.Lock()
	f.applied = key
	f.mu.Unlock()
}

// start polls until stop or until ctx ends; without SettingsFunc it does
// nothing.
func (f *follower) start(ctx context.Context, r *Runner) {
	if f.settings == nil {
		return
	}
	ctx, cancel := context.WithCancel(ctx)
	f.mu.Lock()
	f.cancel, f.done = cancel, make(chan struct{})
	f.mu.Unlock()
	go func() {
		defer close(f.done)
		t := time.NewTicker(f.every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				f.check(ctx, r)
			}
		}
	}()
}

// check reschedules when the settings' schedules differ from the ones in
// force. A value that fails to apply is remembered too, so its warning is
// logged once rather than at every poll.
func (f *follower) check(ctx context.Context, r *Runner) {
	s, err := f.settings(ctx)
	if err != nil {
		if ctx.Err() == nil {
			r.log.Warn("read settings for the schedules", "error", err)
		}
		return
	}
	key := scheduleKey(s)
	f.mu.Lock()
	same := key == f.applied
	f.mu.Unlock()
	if same {
		return
	}
	if err := r.Reschedule(s); err != nil {
		f.setApplied(key)
		r.log.Warn("schedules changed but cannot be applied; keeping the old ones", "error", err)
		return
	}
	r.log.Info("schedules changed; periodic jobs rescheduled", "usage_schedule", s.Get("usage.schedule"),
		"usage_time", s.Get("usage.time"), "tickets_poll_interval", s.Get("tickets.poll_interval"))
}

// stop ends the polling and waits for it.
func (f *follower) stop() {
	f.mu.Lock()
	cancel, done := f.cancel, f.done
	f.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
}
