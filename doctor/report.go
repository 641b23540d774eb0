// Package doctor checks that centralpsa can do its work: the settings, the
// ConnectWise site, keys, integrator login and every security-role
// permission the integration needs, and the Sophos Central partner
// credential. Each failed check names its cause and the exact place to fix
// it, so an MSP engineer does not learn of a missing permission from a
// failed sync.
package doctor

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Status is the outcome of one check.
type Status string

const (
	OK   Status = "ok"
	Fail Status = "fail"
	// Warn is a problem that does not stop the integration from working,
	// or a check that could not be made.
	Warn Status = "warn"
	// Info is a reminder of a step that cannot be verified through the API.
	Info Status = "info"
)

// Check is one line of the report.
type Check struct {
	Section string `json:"section"`
	Name    string `json:"name"`
	Status  Status `json:"status"`
	Detail  string `json:"detail,omitempty"`
	Fix     string `json:"fix,omitempty"`
}

// Report is the ordered list of checks.
type Report struct {
	Checks []Check `json:"checks"`
}

// OK reports whether every required check passed.
func (r *Report) OK() bool {
	for _, c := range r.Checks {
		if c.Status == Fail {
			return false
		}
	}
	return true
}

func (r *Report) add(c Check) { r.Checks = append(r.Checks, c) }

// Failed returns the failed checks.
func (r *Report) Failed() []Check {
	var out []Check
	for _, c := range r.Checks {
		if c.Status == Fail {
			out = append(out, c)
		}
	}
	return out
}

var marks = map[Status]string{OK: "✓", Fail: "✗", Warn: "!", Info: "·"}

// WriteText prints one line per check, with the fix indented beneath a
// failure or warning.
func (r *Report) WriteText(w io.Writer) error {
	section := ""
	for _, c := range r.Checks {
		if c.Section != section {
			if section != "" {
				fmt.Fprintln(w)
			}
			section = c.Section
			fmt.Fprintln(w, section)
		}
		line := fmt.Sprintf("  %s %s", marks[c.Status], c.Name)
		if c.Detail != "" {
			line += ": " + c.Detail
		}
		fmt.Fprintln(w, line)
		if c.Fix != "" && c.Status != OK {
			fmt.Fprintln(w, "      fix: "+strings.ReplaceAll(c.Fix, "\n", "\n           "))
		}
	}
	fails, warns := 0, 0
	for _, c := range r.Checks {
		switch c.Status {
		case Fail:
			fails++
		case Warn:
			warns++
		}
	}
	_, err := fmt.Fprintf(w, "\n%d checks: %d failed, %d warnings\n", len(r.Checks), fails, warns)
	return err
}

// WriteJSON prints the report for scripts: every check with name, status,
// detail and fix, and the overall result.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		OK     bool    `json:"ok"`
		Checks []Check `json:"checks"`
	}{r.OK(), r.Checks})
}
