package usagesync

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"centralpsa/usage"
)

// Report is the month's reconciliation report as the run left it: the
// plan's rows, except that rows whose change was not applied (its customer
// failed, or the run was interrupted) keep the quantity ConnectWise still
// has and say why.
func (r *Result) Report() []usage.ReportRow {
	if r.DryRun {
		return slices.Clone(r.Plan.Report)
	}
	return reportOf(r.Plan, r.notApplied)
}

// reportOf is the plan's report with the rows of the ops in notApplied
// (op key → why) put back to what ConnectWise still has.
func reportOf(plan usage.Plan, notApplied map[string]string) []usage.ReportRow {
	rows := slices.Clone(plan.Report)
	if len(notApplied) == 0 {
		return rows
	}
	for i := range rows {
		row := &rows[i]
		if row.Action == usage.ActionUnchanged || row.Action == usage.ActionSkip || row.AgreementID == 0 {
			continue
		}
		key := "addition:" + strconv.FormatInt(row.AgreementID, 10) + ":" + row.CatalogIdentifier
		why, ok := notApplied[key+":"+strconv.FormatInt(row.AdditionID, 10)]
		if !ok {
			why, ok = notApplied[key]
		}
		if ok {
			row.After, row.Reason = row.Before, "not applied: "+why+" (planned: "+row.Reason+")"
		}
	}
	return rows
}

// WriteText prints the result for people: the changes (customer and
// agreement, product, before → after, reason), the catalog items to
// create, the skipped tenants and, after an apply, each customer's outcome.
func WriteText(w io.Writer, r *Result) error {
	p := r.Plan
	names := customerNames(r)
	ew := &errWriter{w: w}
	mode := "applied"
	if r.DryRun {
		mode = "dry run: nothing was written"
	}
	ew.printf("Usage sync %s (%s quantities, zero policy %s) — %s\n", p.Month, p.Basis, p.ZeroPolicy, mode)
	var additions, catalog []usage.Op
	for _, op := range p.Ops {
		if op.Kind == usage.OpCreateCatalogItem {
			catalog = append(catalog, op)
		} else {
			additions = append(additions, op)
		}
	}
	ew.printf("%d change(s) to additions, %d catalog item(s) to create, %d skip(s)\n", len(additions), len(catalog), len(p.Skips))
	if len(additions) > 0 {
		ew.printf("\n")
		tw := tabwriter.NewWriter(ew, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "CUSTOMER / AGREEMENT\tPRODUCT\tBEFORE → AFTER\tREASON")
		for _, op := range additions {
			fmt.Fprintf(tw, "%s\t%s\t%d → %d\t%s\n", names[op.AgreementID], op.CatalogIdentifier, op.Old, op.New, oneLine(op.Reason))
		}
		ew.err = firstErr(ew.err, tw.Flush())
	}
	if len(catalog) > 0 {
		ew.printf("\nCatalog items to create:\n")
		for _, op := range catalog {
			ew.printf("  %s  %q  (%s)\n", op.CatalogIdentifier, op.Description, strings.Join(op.ProductCodes, ", "))
		}
	}
	if len(p.Skips) > 0 {
		ew.printf("\nSkipped:\n")
		skips := slices.Clone(p.Skips)
		slices.SortStableFunc(skips, func(a, b usage.Skip) int { return strings.Compare(a.TenantName, b.TenantName) })
		for _, sk := range skips {
			who := sk.TenantName
			if who == "" {
				who = "(no tenant)"
			}
			if sk.ProductCode != "" {
				who += " / " + sk.ProductCode
			}
			ew.printf("  %s [%s] %s\n", who, sk.Code, oneLine(sk.Reason))
		}
	}
	if !r.DryRun {
		writeOutcome(ew, r, names)
	}
	return ew.err
}

func writeOutcome(ew *errWriter, r *Result, names map[int64]string) {
	ew.printf("\nCustomers:\n")
	for _, c := range r.Customers {
		if c.Status == StatusOK && c.Applied == 0 {
			continue // up to date: the count below covers them
		}
		ew.printf("  %-6s %s: %s\n", c.Status, names[c.AgreementID], oneLine(c.Message))
		if c.Advice != "" {
			ew.printf("         fix: %s\n", c.Advice)
		}
	}
	kinds := make([]string, 0, len(r.Writes))
	for k, n := range r.Writes {
		kinds = append(kinds, fmt.Sprintf("%s %d", k, n))
	}
	slices.Sort(kinds)
	ew.printf("\nRun %d: %s; %d write(s)", r.RunID, r.Status, r.TotalWrites())
	if len(kinds) > 0 {
		ew.printf(" (%s)", strings.Join(kinds, ", "))
	}
	ew.printf("; %d customer(s), %d failed\n", len(r.Customers), r.Failed)
}

// customerNames labels agreements "Company / Agreement (#id)", leaving
// the company out when the agreement's name already says it.
func customerNames(r *Result) map[int64]string {
	out := map[int64]string{}
	for _, c := range r.Customers {
		label := c.AgreementName
		if label == "" {
			label = "agreement"
		}
		if c.CompanyName != "" && !strings.Contains(strings.ToLower(label), strings.ToLower(c.CompanyName)) {
			label = c.CompanyName + " / " + label
		}
		out[c.AgreementID] = fmt.Sprintf("%s (#%d)", label, c.AgreementID)
	}
	for _, op := range r.Plan.Ops {
		if _, ok := out[op.AgreementID]; !ok && op.AgreementID != 0 {
			out[op.AgreementID] = fmt.Sprintf("agreement #%d", op.AgreementID)
		}
	}
	return out
}

// oneLine keeps third-party text on one line of the table.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// errWriter keeps the first write error so the printing code stays flat.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(b []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(b)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, args ...any) { fmt.Fprintf(e, format, args...) }

func firstErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}
