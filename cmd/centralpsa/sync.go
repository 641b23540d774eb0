package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"centralpsa"
	"centralpsa/usage"
	"centralpsa/usagesync"
)

const syncUsageText = "usage [--month YYYY-MM] [--dry-run] [--json] [--csv FILE] [--resume RUN]"

// syncCommands are the subcommands of sync. Package-level so that another
// file's init can add its own (sync tickets) without editing this one.
var syncCommands = map[string]func(*app, context.Context, []string) error{
	"usage": (*app).syncUsage,
}

func init() {
	register("sync", command{
		summary: "sync Sophos Central usage to ConnectWise agreement additions (and other syncs)",
		usage:   syncUsageText,
		run:     (*app).syncCmd,
	})
}

func (a *app) syncCmd(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return centralpsa.Errorf(centralpsa.KindInvalid, "usage: centralpsa sync %s", syncUsageText)
	}
	sub := syncCommands[args[0]]
	if sub == nil {
		return centralpsa.Errorf(centralpsa.KindInvalid, "unknown sync command %q; usage: centralpsa sync %s", args[0], syncUsageText)
	}
	return sub(a, ctx, args[1:])
}

// syncUsage plans the month's usage sync and applies it unless --dry-run.
// The exit status is 1 when any customer failed, 2 for bad flags or
// settings.
func (a *app) syncUsage(ctx context.Context, args []string) error {
	fs := a.flags("sync")
	month := fs.String("month", "", "billing month YYYY-MM (default: the latest month Sophos Central has billing data for)")
	dry := fs.Bool("dry-run", false, "show the plan; write nothing to ConnectWise or the database")
	asJSON := fs.Bool("json", false, "print the plan and results as JSON")
	csvPath := fs.String("csv", "", "also write the reconciliation report as CSV to `FILE`")
	resume := fs.Int64("resume", 0, "finish the interrupted usage run `RUN` instead of starting a new one")
	if err := parse(fs, args); err != nil {
		return err
	}
	opts, err := syncUsageOptions(fs.Args(), *month, *dry, *resume)
	if err != nil {
		return err
	}
	svc, closeSvc, err := a.usageService(ctx)
	if err != nil {
		return err
	}
	defer closeSvc()
	var res *usagesync.Result
	if *resume != 0 {
		res, err = svc.Resume(ctx, *resume)
	} else {
		res, err = svc.Run(ctx, opts)
	}
	if res != nil {
		if werr := a.writeUsageResult(res, *asJSON, *csvPath); werr != nil {
			return werr
		}
	}
	if err != nil {
		return err
	}
	if *resume == 0 && !*dry {
		a.noteUnfinished(ctx, svc, res.RunID)
	}
	if res.Failed > 0 {
		return &exitError{code: 1, msg: fmt.Sprintf("usage sync run %d: %d customer(s) failed; see the advice above", res.RunID, res.Failed)}
	}
	return nil
}

// noteUnfinished points at usage runs an earlier process left open (it
// was killed, or its machine died). The run just made has brought
// ConnectWise up to date without them, but only --resume audits the
// writes such a run had in flight and closes it.
func (a *app) noteUnfinished(ctx context.Context, svc *usagesync.Service, current int64) {
	runs, err := svc.Unfinished(ctx)
	if err != nil {
		return
	}
	for _, r := range runs {
		if r.ID != current {
			fmt.Fprintf(a.stderr, "note: usage run %d (started %s) never finished; `centralpsa sync usage --resume %d` audits the writes it left in flight and closes it\n",
				r.ID, r.StartedAt.UTC().Format(time.RFC3339), r.ID)
		}
	}
}

func syncUsageOptions(rest []string, month string, dry bool, resume int64) (usagesync.Options, error) {
	var opts usagesync.Options
	switch {
	case len(rest) > 0:
		return opts, centralpsa.Errorf(centralpsa.KindInvalid, "unexpected argument %q; usage: centralpsa sync %s", rest[0], syncUsageText)
	case resume != 0 && (month != "" || dry):
		return opts, centralpsa.Errorf(centralpsa.KindInvalid, "--resume continues a stored run; it takes no --month or --dry-run")
	}
	opts.DryRun = dry
	if month != "" {
		m, err := usage.ParseMonth(month)
		if err != nil {
			return opts, err
		}
		opts.Month = m
	}
	return opts, nil
}

// writeUsageResult prints the result (text or JSON) and writes the CSV
// report when asked. The report rows are the ones the run left: a change
// that was not applied keeps ConnectWise's quantity and says why.
func (a *app) writeUsageResult(res *usagesync.Result, asJSON bool, csvPath string) error {
	if csvPath != "" {
		if err := writeUsageCSV(csvPath, res); err != nil {
			return err
		}
	}
	if asJSON {
		out := *res
		out.Plan.Report = res.Report()
		return a.writeJSON(out)
	}
	return usagesync.WriteText(a.stdout, res)
}

func writeUsageCSV(path string, res *usagesync.Result) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write the CSV report: %w", err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("write the CSV report: %w", cerr)
		}
	}()
	return usage.WriteCSV(f, res.Month, res.Report())
}

// usageService opens the database and builds both clients from the
// settings (environment over database). close releases the database. The
// demo uses it too.
func (a *app) usageService(ctx context.Context) (svc *usagesync.Service, close func(), err error) {
	sv, closeFn, err := a.openServices(ctx)
	if err != nil {
		return nil, nil, err
	}
	return sv.usage, closeFn, nil
}
