package usagesync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"centralpsa"
	"centralpsa/connectwise"
	"centralpsa/store"
	"centralpsa/usage"
)

// bookTimeout bounds each store write made after the caller's context
// ended: a write that reached ConnectWise is still recorded, but a stuck
// database must not hold the process forever.
const bookTimeout = 15 * time.Second

// applier carries one apply of a plan under a run. Customers are applied
// by several workers at once (see customers); mu guards what they share.
type applier struct {
	mu    sync.Mutex
	s     *Service
	p     *Prepared
	runID int64
	log   *slog.Logger
	res   *Result

	done    map[string]bool // op keys done in an earlier attempt of the run
	pending map[string]bool // op keys an earlier attempt started but never finished
	// audited holds the op keys whose write that took effect is already
	// in the audit log (see sent and late).
	audited map[string]bool
	failed  map[string]string
	writes  int   // write requests sent in this attempt
	bookErr error // the first store failure; no write is sent after one

	productSkips map[string][]string // tenant → its skipped products

	catalogIDs map[string]int64 // lower-case identifier → catalog id
	catalogErr map[string]error // lower-case identifier → why it is missing
	setup      *setupIDs
	live       map[int64]map[string]*connectwise.Addition // see liveAddition

	// fromPlan is set when the run read ConnectWise and planned moments
	// ago under the usage sync lease: the plan's own read of an agreement
	// then serves as the look-up before its creates (see createAddition).
	fromPlan bool
}

// Apply carries out a prepared plan as a new run: catalog items first,
// then usage.concurrency customers at a time. It returns the per-customer results; the
// error is set when the run could not be recorded or was interrupted (the
// run then stays resumable with Resume).
//
// It holds the usage sync lease while it writes (see Run).
func (s *Service) Apply(ctx context.Context, p *Prepared) (*Result, error) {
	return s.held(ctx, func(ctx context.Context) (*Result, error) { return s.applyNew(ctx, p, false) })
}

// applyNew is Apply under a lease already held. justPlanned says p was
// read and planned by this very run under the lease (see
// applier.fromPlan).
func (s *Service) applyNew(ctx context.Context, p *Prepared, justPlanned bool) (*Result, error) {
	body, err := json.Marshal(p.Plan)
	if err != nil {
		return nil, fmt.Errorf("encode usage plan: %w", err)
	}
	id, err := s.Store.CreateRun(ctx, store.Run{Kind: store.RunKindUsage, Month: p.Month.String(), Plan: body, PlanHash: p.Plan.Hash})
	if err != nil {
		return nil, fmt.Errorf("record usage run: %w", err)
	}
	return s.apply(ctx, p, id, nil, func(a *applier) { a.fromPlan = justPlanned })
}

// apply runs p under runID; prior are the run's ops from an earlier
// attempt (nil for a new run), and before, when set, runs first.
func (s *Service) apply(ctx context.Context, p *Prepared, runID int64, prior []store.Op, before func(*applier)) (*Result, error) {
	a := &applier{s: s, p: p, runID: runID, log: s.logger().With("run_id", runID, "month", p.Month.String()),
		res:  &Result{RunID: runID, Month: p.Month, Plan: p.Plan, Writes: map[string]int{}, Customers: []CustomerResult{}},
		done: map[string]bool{}, pending: map[string]bool{}, failed: map[string]string{}, audited: map[string]bool{},
		catalogIDs: map[string]int64{}, catalogErr: map[string]error{}, productSkips: p.productSkips(),
		live: map[int64]map[string]*connectwise.Addition{},
	}
	for _, o := range prior {
		switch o.Status {
		case store.OpDone:
			a.done[o.Key] = true
		case store.OpPending:
			a.pending[o.Key] = true
			a.audited[o.Key] = isAudited(o.Result)
		}
	}
	for l, c := range p.catalog {
		a.catalogIDs[l] = c.ID
	}
	if before != nil {
		before(a)
	}
	groups := p.groups()
	s.progress(0, len(groups))
	a.catalogPhase(ctx)
	a.customers(ctx, groups)
	if a.stopped(ctx) {
		return a.interrupted(ctx)
	}
	a.skips()
	return a.finish()
}

// progress reports done of total customers to ProgressFunc, if set.
func (s *Service) progress(done, total int) {
	if s.ProgressFunc != nil {
		s.ProgressFunc(done, total)
	}
}

// customers applies the agreements' ops, usage.concurrency agreements at
// a time: writes cost a round trip each, and one at a time they would
// leave most of the rate limit unused. An agreement's own ops stay in plan
// order on one worker, so its creates and the look-ups that guard them
// never race; ConnectWise then assigns ids in arrival order, which may
// differ from run to run. Results are kept in plan order.
func (a *applier) customers(ctx context.Context, groups []*group) {
	next := make(chan *group)
	var wg sync.WaitGroup
	finished := 0
	for range max(1, min(a.s.concurrency(), len(groups))) {
		wg.Go(func() {
			for g := range next {
				a.customer(ctx, g)
				a.mu.Lock()
				finished++
				a.s.progress(finished, len(groups))
				a.mu.Unlock()
			}
		})
	}
	for _, g := range groups {
		if a.stopped(ctx) {
			break
		}
		next <- g
	}
	close(next)
	wg.Wait()
	order := make(map[int64]int, len(groups))
	for i, g := range groups {
		order[g.agreementID] = i
	}
	slices.SortStableFunc(a.res.Customers, func(x, y CustomerResult) int { return order[x.AgreementID] - order[y.AgreementID] })
}

// stopped reports whether no further write may be sent: the caller gave
// up, or the store cannot record what we do.
func (a *applier) stopped(ctx context.Context) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return ctx.Err() != nil || a.bookErr != nil
}

// book returns a context for recording what happened: it outlives the
// caller's context, because a write that reached ConnectWise must be
// recorded even when the caller is shutting down.
func (a *applier) book(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), bookTimeout)
}

// bookkeep runs one store write, keeping the first failure.
func (a *applier) bookkeep(ctx context.Context, what string, fn func(context.Context) error) {
	bctx, cancel := a.book(ctx)
	defer cancel()
	if err := fn(bctx); err != nil {
		a.log.Error("cannot record usage sync progress", "what", what, "error", err)
		a.mu.Lock()
		if a.bookErr == nil {
			a.bookErr = fmt.Errorf("%s: %w", what, err)
		}
		a.mu.Unlock()
	}
}

func (a *applier) mark(ctx context.Context, key, status string, result any) {
	var body []byte
	if result != nil {
		body, _ = json.Marshal(result)
	}
	a.bookkeep(ctx, "mark op "+key, func(ctx context.Context) error {
		return a.s.Store.MarkOp(ctx, a.runID, key, status, body)
	})
}

func (a *applier) fail(ctx context.Context, key string, err error) {
	a.mu.Lock()
	a.failed[key] = err.Error()
	a.mu.Unlock()
	a.bookkeep(ctx, "mark op "+key+" failed", func(ctx context.Context) error {
		return a.s.Store.FailOp(ctx, a.runID, key, err.Error())
	})
}

// customer applies one agreement's ops and records the result on each of
// its tenants. An op's failure is kept and the others are still tried,
// unless the failure would repeat for every op (permissions, credentials,
// an unreachable server).
func (a *applier) customer(ctx context.Context, g *group) {
	c := a.p.customer(g)
	log := a.log.With("agreement_id", g.agreementID, "company_id", c.CompanyID)
	var errs []error
	for _, op := range g.ops {
		if a.isDone(op.Key) {
			c.Applied++
			continue
		}
		if a.stopped(ctx) {
			return // interrupted: the customer is finished on resume
		}
		err := a.op(ctx, op)
		if err == nil {
			c.Applied++
			continue
		}
		if a.stopped(ctx) {
			return
		}
		log.Warn("usage sync change failed", "op", op.Key, "error", err)
		errs = append(errs, err)
		if repeats(err) {
			break
		}
	}
	a.conclude(ctx, &c, g, errs)
}

func (a *applier) isDone(key string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.done[key]
}

// repeats reports failures that every further write would hit too.
func repeats(err error) bool {
	switch centralpsa.ErrorKind(err) {
	case centralpsa.KindForbidden, centralpsa.KindUnauthorized, centralpsa.KindUnavailable:
		return !errors.Is(err, connectwise.ErrOutcomeUnknown)
	}
	return false
}

// knows reports whether the store has a row for the tenant.
func (p *Prepared) knows(tenantID string) bool { return p.known[tenantID] }

// writeGrace bounds an op that is finished after the run was told to
// stop (see op).
const writeGrace = time.Minute

// op applies one addition op and marks it. Once started, an op is carried
// to its end even when the run is being stopped: stopping sends no new
// write, but abandoning one in flight on another agreement would leave
// its outcome unknown.
func (a *applier) op(ctx context.Context, op usage.Op) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), writeGrace)
	defer cancel()
	a.mark(ctx, op.Key, store.OpPending, nil)
	var result any
	var err error
	switch op.Kind {
	case usage.OpCreateAddition:
		result, err = a.createAddition(ctx, op)
	case usage.OpUpdateQuantity, usage.OpZeroAddition:
		result, err = a.patchAddition(ctx, op, connectwise.Replace("quantity", op.New))
	case usage.OpCancelAddition:
		result, err = a.patchAddition(ctx, op, connectwise.Replace("cancelledDate", connectwise.At(opDate(op.CancelledDate, a.p.Month))))
	default:
		err = centralpsa.Errorf(centralpsa.KindInternal, "unknown usage op kind %q", op.Kind)
	}
	if err != nil {
		a.fail(ctx, op.Key, err)
		return err
	}
	a.mark(ctx, op.Key, store.OpDone, result)
	return nil
}
