package web

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"centralpsa/usage"
	"centralpsa/web/i18n"
)

// Every message key the templates and handlers name exists, and every
// setting on the Setup page has a label and help text.
func TestMessageKeysExist(t *testing.T) {
	t.Parallel()
	used := map[string]string{}
	tmpl := regexp.MustCompile(`\.T "([a-z0-9_.]+)"`)
	code := regexp.MustCompile(`(?:\.T\(|i18n\.T\([a-z]+, |Title: |key: )"([a-z0-9_]+\.[a-z0-9_.]+)"`)
	files, _ := fs.Glob(templateFS, "templates/*.html")
	for _, f := range files {
		b, _ := fs.ReadFile(templateFS, f)
		for _, m := range tmpl.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = f
		}
	}
	goFiles, _ := filepath.Glob("*.go")
	for _, f := range goFiles {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range code.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = f
		}
	}
	for _, sec := range setupSections {
		used[sec.Title] = "setupSections"
		for _, k := range sec.Keys {
			used["setting."+k], used["setting."+k+".help"] = "setupSections", "setupSections"
		}
	}
	for _, n := range nav {
		used[n.Key] = "nav"
	}
	for _, s := range []string{"ok", "fail", "warn", "info"} {
		used["doctor.status."+s] = "doctor_view.go"
	}
	// Keys built from a value: the op kinds of a plan, the task kinds and
	// the ticket states.
	for _, k := range []usage.OpKind{usage.OpCreateCatalogItem, usage.OpCreateAddition, usage.OpUpdateQuantity, usage.OpZeroAddition, usage.OpCancelAddition} {
		used["plan.kind."+string(k)] = "plan_view.go"
	}
	for k := range taskNav {
		used["task.kind."+k] = "taskNav"
	}
	for _, a := range bulkActions {
		used["task.kind."+a] = "bulkActions"
	}
	for _, st := range ticketStates {
		used["tickets.state."+st] = "ticketStates"
	}
	if len(used) < 50 {
		t.Fatalf("found only %d keys; the patterns no longer match the code", len(used))
	}
	for k, where := range used {
		if !i18n.Has(k) {
			t.Errorf("%s uses message %q, which is not in the catalog", where, k)
		}
	}
}
