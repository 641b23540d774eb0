package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"centralpsa/sample"
)

// The console in a real headless Chromium, against the serving stack with
// both emulators: create the administrator, test the connection, map a
// customer, preview and apply a usage plan, see the run and its audit
// entries, and switch to Italian. Each page is saved as a screenshot in
// $CENTRALPSA_ARTIFACTS (default artifacts/screenshots at the repository
// root) for a person to look at.
func TestBrowserConsole(t *testing.T) {
	t.Parallel()
	st := startConsoleStack(t, 12)
	b := newBrowserSession(t)
	cu, companyID, agreementID := st.mappableWithAgreement(t)

	// The first visit leads to the first-run form; the administrator is
	// created and signed in, and lands on Setup.
	b.do("first run", chromedp.Navigate(st.url+"/login"), chromedp.WaitVisible(chromedp.CSS("#confirm")),
		chromedp.SendKeys(chromedp.CSS("#username"), "admin"), chromedp.SendKeys(chromedp.CSS("#password"), browserPassword),
		chromedp.SendKeys(chromedp.CSS("#confirm"), browserPassword), chromedp.Submit(chromedp.CSS("#confirm")),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/setup/test"] button`)))
	b.shot("01-setup")

	// Test connection: htmx swaps in the checklist, every check passed.
	b.do("test connection", chromedp.Click(chromedp.CSS(`form[action="/setup/test"] button`)),
		chromedp.WaitVisible(chromedp.CSS("#checklist .summary")))
	summary := b.text("#checklist .summary")
	if passed := b.count("#checklist .check.ok"); !strings.Contains(summary, " 0 failed") || passed == 0 {
		t.Fatalf("checklist: %q with %d ✓ rows", summary, passed)
	}
	b.shot("02-setup-checklist")

	// Refresh the customer details: a task with a progress page.
	b.do("refresh customers", chromedp.Navigate(st.url+"/customers"), chromedp.Click(chromedp.CSS(`button[value="refresh"]`)),
		chromedp.WaitVisible(chromedp.CSS("#task.done")))
	b.shot("03-task-refresh")

	// Map one customer: search the company as you type, pick it (htmx
	// loads its agreements), pick the agreement, turn usage on, save.
	b.do("open the customer", chromedp.Navigate(st.url+"/customers/"+cu.TenantID), chromedp.WaitVisible(chromedp.CSS("#q")),
		chromedp.SendKeys(chromedp.CSS("#q"), searchText(cu.CompanyName)))
	b.poll("company search results", fmt.Sprintf(`document.querySelector('#company option[value="%d"]') !== null`, companyID))
	b.eval("choose the company", fmt.Sprintf(`(() => { const s = document.querySelector('#company'); s.value = '%d';
		s.dispatchEvent(new Event('change', {bubbles: true})); return true })()`, companyID))
	b.poll("the company's agreements", fmt.Sprintf(`document.querySelector('#agreement option[value="%d"]') !== null`, agreementID))
	b.eval("choose the agreement", fmt.Sprintf(`(() => { document.querySelector('#agreement').value = '%d';
		document.querySelector('input[name=usage]').checked = true; return true })()`, agreementID))
	b.shot("04-customer-edit")
	b.do("save the mapping", chromedp.Click(chromedp.CSS("#save")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	if row := b.text("table.customers"); !strings.Contains(row, cu.CompanyName) {
		t.Fatalf("the customer list does not show the mapping to %q", cu.CompanyName)
	}
	b.shot("05-customers")

	// Preview the plan and apply it; the task page follows the apply.
	b.do("usage plan", chromedp.Navigate(st.url+"/usage"), chromedp.WaitVisible(chromedp.CSS("#apply")))
	if n := b.count("table.plan tbody tr"); n == 0 {
		t.Fatal("the plan shows no change")
	}
	b.shot("06-usage-plan")

	// Sophos changes after the preview: Apply is refused, nothing is
	// written, and the fresh plan is shown with its own Apply.
	st.bumpUsage(t, cu.TenantID)
	b.do("apply a stale plan", chromedp.Click(chromedp.CSS("#apply")), chromedp.WaitVisible(chromedp.CSS("#task.failed")))
	if s := b.text("#task"); !strings.Contains(s, "Nothing was applied.") || b.count("#task table.plan tbody tr") == 0 {
		t.Fatalf("stale apply: %q", s)
	}
	if w := st.demo.cw.Log().Writes(); len(w) != 0 {
		t.Fatalf("a refused apply wrote to ConnectWise: %v", w)
	}
	b.shot("07-task-conflict")
	b.do("apply the fresh plan", chromedp.Click(chromedp.CSS("#apply")), chromedp.WaitVisible(chromedp.CSS("#task.done")))
	if s := b.text("#task"); !strings.Contains(s, ": ok;") {
		t.Fatalf("apply outcome: %q", s)
	}
	b.shot("08-task-apply")

	// The run history shows it ok; the audit log has its writes.
	b.do("run history", chromedp.Navigate(st.url+"/usage"), chromedp.WaitVisible(chromedp.CSS("table.runs")))
	if s := b.text("table.runs tbody tr .status"); s != "ok" {
		t.Fatalf("latest run status %q, want ok", s)
	}
	b.shot("09-usage-history")
	b.do("run page", chromedp.Click(chromedp.CSS("table.runs tbody tr a")), chromedp.WaitVisible(chromedp.CSS("h1")))
	b.shot("10-run")
	b.do("audit", chromedp.Navigate(st.url+"/audit"), chromedp.WaitVisible(chromedp.CSS("main table tbody tr")))
	if s := b.text("main table tbody"); !strings.Contains(s, "POST") || !strings.Contains(s, "agreement_addition") {
		t.Fatalf("the audit log lacks the apply's writes: %.300s", s)
	}
	b.shot("11-audit")
	b.do("products", chromedp.Navigate(st.url+"/products"), chromedp.WaitVisible(chromedp.CSS("table.products")))
	b.shot("12-products")
	b.do("tickets", chromedp.Navigate(st.url+"/tickets"), chromedp.WaitVisible(chromedp.CSS(`select[name="tickets.board"]`)))
	b.shot("13-tickets")

	// The language switch: Italian from now on.
	b.do("italian", chromedp.Navigate(st.url+"/audit"), chromedp.WaitVisible(chromedp.CSS(`a[hreflang="it"]`)),
		chromedp.Click(chromedp.CSS(`a[hreflang="it"]`)), chromedp.WaitVisible(chromedp.CSS(`html[lang="it"]`)))
	if h := b.text("h1"); h != "Registro modifiche" {
		t.Fatalf("Italian audit page heading %q", h)
	}
	b.shot("14-audit-it")
	b.do("italian usage", chromedp.Navigate(st.url+"/usage"), chromedp.WaitVisible(chromedp.CSS("table.runs")))
	b.shot("15-usage-it")
}

// bumpUsage raises the tenant's first billed product in the latest
// month, so a plan previewed before no longer holds; the emulator's write
// log is reset so a refused apply can be seen to write nothing.
func (c *consoleStack) bumpUsage(t *testing.T, tenantID string) {
	t.Helper()
	y, m := c.demo.sophos.LastUsageMonth()
	for _, l := range c.demo.sophos.Usage(y, m) {
		if strings.EqualFold(l.AccountID, tenantID) {
			c.demo.sophos.SetUsageIn(y, m, l.AccountID, l.ProductCode, l.BillableQuantity+5)
			c.demo.cw.Log().Reset()
			return
		}
	}
	t.Fatalf("tenant %s has no usage", tenantID)
}

// searchText is what a person types to find a company: its first word.
func searchText(name string) string {
	if f := strings.Fields(name); len(f) > 0 {
		return f[0]
	}
	return name
}

// mappableWithAgreement returns a sample MSP Flex customer whose company
// has an active agreement in the emulator, with both ids.
func (c *consoleStack) mappableWithAgreement(t *testing.T) (cust sample.Customer, companyID, agreementID int) {
	t.Helper()
	for _, cu := range c.customers {
		if cu.BillingType != "usage" || cu.CompanyName == "" || cu.Ambiguous {
			continue
		}
		for _, co := range c.demo.cw.Companies() {
			if co["identifier"] != cu.CompanyIdentifier || co["deletedFlag"] == true {
				continue
			}
			id := int(co["id"].(float64))
			for _, a := range c.demo.cw.Agreements() {
				ref, _ := a["company"].(map[string]any)
				if ref != nil && int(ref["id"].(float64)) == id && a["agreementStatus"] == "Active" && a["cancelledFlag"] != true {
					return cu, id, int(a["id"].(float64))
				}
			}
		}
	}
	t.Fatal("no sample customer with an active agreement")
	return
}

// browserSession is one headless Chromium tab with bounded steps.
type browserSession struct {
	t     *testing.T
	ctx   context.Context
	shots string
}

// chromiumPath finds Chromium. Without one the test is skipped, unless
// CI is set: a CI machine must have it, so there it fails.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("CI is set but no Chromium is installed (looked for chromium, chromium-browser, google-chrome, headless-shell on PATH)")
	}
	t.Skip("no Chromium on PATH (chromium, chromium-browser, google-chrome or headless-shell); install it to run the browser test")
	return ""
}

func newBrowserSession(t *testing.T) *browserSession {
	t.Helper()
	path := chromiumPath(t)
	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1366, 768)}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	t.Cleanup(func() { cancel(); cancelAlloc() })
	// The first call starts the browser; it has no timeout of its own,
	// because a timeout on it would end the browser (chromedp.Run).
	start := make(chan error, 1)
	go func() { start <- chromedp.Do(ctx, chromedp.Navigate("about:blank")) }()
	select {
	case err := <-start:
		if err != nil {
			t.Fatalf("start chromium: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("chromium did not start within 20s")
	}
	return &browserSession{t: t, ctx: ctx, shots: screenshotDir(t)}
}

// stepTimeout bounds each step: navigations and htmx swaps on loopback
// take milliseconds; an apply of a dozen customers well under a second.
const stepTimeout = 10 * time.Second

func (b *browserSession) step() (context.Context, context.CancelFunc) {
	return context.WithTimeout(b.ctx, stepTimeout)
}

func (b *browserSession) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		loc, _ := chromedp.Run(b.ctx, chromedp.Location())
		b.t.Fatalf("%s: %v (at %s)", what, err, loc)
	}
}

func (b *browserSession) text(css string) string {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(css)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", css, err)
	}
	return strings.TrimSpace(s)
}

func (b *browserSession) count(css string) int {
	b.t.Helper()
	return b.eval("count "+css, "document.querySelectorAll("+strconv.Quote(css)+").length")
}

func (b *browserSession) eval(what, js string) int {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[any](js))
	if err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
	switch n := v.(type) {
	case float64:
		return int(n)
	case bool:
		if n {
			return 1
		}
	}
	return 0
}

// poll waits (bounded) until the expression is true, e.g. for an htmx swap.
func (b *browserSession) poll(what, js string) {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](js, chromedp.WithPollingInterval(20*time.Millisecond),
		chromedp.WithPollingTimeout(stepTimeout))); err != nil {
		b.t.Fatalf("wait for %s: %v", what, err)
	}
}

// shot saves a full-page PNG of the current page.
func (b *browserSession) shot(name string) {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(b.shots, name+".png"), png, 0o644); err != nil {
		b.t.Fatalf("save screenshot: %v", err)
	}
}

// screenshotDir is $CENTRALPSA_ARTIFACTS, else artifacts/screenshots at
// the repository root (ignored by git).
func screenshotDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("CENTRALPSA_ARTIFACTS")
	if dir == "" {
		root, err := filepath.Abs("../..")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
			t.Fatalf("the repository root is not two levels up from %s", root)
		}
		dir = filepath.Join(root, "artifacts", "screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}
