package web

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// A real browser signs in and presses "Test connection": htmx, loaded
// under the console's Content-Security-Policy, swaps the checklist into
// the page without a navigation. Skipped where no Chromium is installed.
func TestBrowserTestConnection(t *testing.T) {
	t.Parallel()
	path := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("CI is set but no Chromium is installed (chromium, chromium-browser, google-chrome or headless-shell on PATH)")
		}
		t.Skip("no Chromium on PATH (chromium, chromium-browser, google-chrome or headless-shell); install it to run the browser check")
	}
	b := setup(t, func(c *Config) { c.DoctorFunc = fixedDoctor }).withAdmin(t)
	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1366, 768)}
	actx, cancel := chromedp.NewExecAllocator(t.Context(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 20*time.Second)
	defer cancel()

	err := chromedp.Do(ctx,
		chromedp.Navigate(b.http.URL+"/login"),
		chromedp.SendKeys("#username", "admin"),
		chromedp.SendKeys("#password", testPassword),
		chromedp.Submit("#password"),
		chromedp.WaitVisible(`form[action="/setup/test"] button`),
		chromedp.Click(`form[action="/setup/test"] button`),
		chromedp.WaitVisible("#checklist .summary"),
	)
	if err != nil {
		t.Fatal(err)
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(loc, "/setup") {
		t.Fatalf("the browser navigated to %s; htmx did not handle the form", loc)
	}
}
