package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"centralpsa"
)

// Lease names: one per kind of sync that writes to ConnectWise.
const (
	LeaseUsageSync  = "usage_sync"
	LeaseTicketSync = "ticket_sync"
)

// DefaultLeaseTTL is how long a lease lasts unless renewed. Its holder
// renews it every third of that, so only a process that stopped renewing
// (killed, frozen, cut off from the database) loses it.
const DefaultLeaseTTL = time.Minute

// LeaseHeldError is the answer to Hold when another process holds the
// lease. A job runner can wait RetryAfterDelay and try again.
type LeaseHeldError struct {
	Name   string
	Holder string // host:pid of the process that holds it
	Until  time.Time
	now    time.Time
}

func (e *LeaseHeldError) Error() string {
	return fmt.Sprintf("another %s is running (process %s); it holds the lock until %s unless it finishes first",
		strings.ReplaceAll(e.Name, "_", " "), e.Holder, e.Until.UTC().Format(time.RFC3339))
}

// Kind and Unwrap make the error a conflict, for the job runner and for
// centralpsa.ErrorKind.
func (e *LeaseHeldError) Kind() centralpsa.Kind { return centralpsa.KindConflict }

func (e *LeaseHeldError) Unwrap() error {
	return &centralpsa.Error{Kind: centralpsa.KindConflict, Message: e.Error()}
}

// RetryAfterDelay is how long until the lease expires if not renewed.
func (e *LeaseHeldError) RetryAfterDelay() time.Duration {
	now := e.now
	if now.IsZero() {
		now = time.Now()
	}
	return max(e.Until.Sub(now), time.Second)
}

// holderID names this process in a lease: host and pid, for people and
// for taking over the lease of a dead process on the same host, plus a
// random tail so two stores opened by one process are two holders.
func holderID() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s:%d:%x", host, os.Getpid(), b)
}

// Hold takes the named lease for the duration of fn and renews it while
// fn runs. When another live process holds it, Hold returns a
// *LeaseHeldError without running fn. If the lease is lost while fn runs
// (the database was unreachable for longer than ttl and another process
// took it), fn's context is cancelled. ttl 0 means DefaultLeaseTTL.
func (db *DB) Hold(ctx context.Context, name string, ttl time.Duration, fn func(ctx context.Context) error) error {
	if ttl <= 0 {
		ttl = DefaultLeaseTTL
	}
	holder := holderID()
	if err := db.acquire(ctx, name, holder, ttl); err != nil {
		return err
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(ttl / 3)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				if err := db.renew(ctx, name, holder, ttl); err != nil && ctx.Err() == nil {
					cancel(err)
					return
				}
			}
		}
	}()
	err := fn(ctx)
	lost := context.Cause(ctx)
	cancel(nil)
	<-done
	rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer rcancel()
	if _, rerr := db.exec(rctx, `DELETE FROM leases WHERE name = ? AND holder = ?`, name, holder); rerr != nil && err == nil {
		err = classify(rerr, "release lease %s", name) // it expires by itself; say so only when nothing else failed
	}
	if err != nil && lost != nil && !errors.Is(lost, context.Canceled) {
		return errors.Join(err, lost)
	}
	return err
}

// acquire inserts the lease, or takes it over when it has expired or its
// holder is a process of this host that no longer runs.
func (db *DB) acquire(ctx context.Context, name, holder string, ttl time.Duration) error {
	now := db.now()
	take := func(where string, args ...any) (bool, error) {
		res, err := db.exec(ctx, `INSERT INTO leases (name, holder, acquired_at, expires_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at
			WHERE `+where, append([]any{name, holder, db.d.timeArg(now), db.d.timeArg(now.Add(ttl))}, args...)...)
		if err != nil {
			return false, classify(err, "take lease %s", name)
		}
		n, err := res.RowsAffected()
		return n == 1, err
	}
	ok, err := take(`leases.expires_at < ?`, db.d.timeArg(now))
	if err != nil || ok {
		return err
	}
	var held LeaseHeldError
	err = db.queryRow(ctx, `SELECT holder, expires_at FROM leases WHERE name = ?`, name).Scan(&held.Holder, timeScanner{&held.Until})
	switch {
	case errors.Is(err, sql.ErrNoRows): // released meanwhile
		return db.acquire(ctx, name, holder, ttl)
	case err != nil:
		return classify(err, "read lease %s", name)
	}
	if deadHere(held.Holder) {
		ok, err := take(`leases.holder = ?`, held.Holder)
		if err != nil || ok {
			return err
		}
	}
	held.Name, held.now = name, now
	held.Holder = shortHolder(held.Holder)
	return &held
}

// renew pushes the lease's expiry on; an error means it is no longer ours.
func (db *DB) renew(ctx context.Context, name, holder string, ttl time.Duration) error {
	res, err := db.exec(ctx, `UPDATE leases SET expires_at = ? WHERE name = ? AND holder = ?`, db.d.timeArg(db.now().Add(ttl)), name, holder)
	if err != nil {
		return classify(err, "renew lease %s", name)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return centralpsa.Errorf(centralpsa.KindConflict, "lost lease %s: another process took it after it expired; stopping so the two do not write at once", name)
	}
	return nil
}

func shortHolder(h string) string {
	if i := strings.LastIndex(h, ":"); i > 0 {
		return h[:i]
	}
	return h
}
