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
	"unicode/utf8"
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

// Check is one line of the report. Section, Name, Detail and Fix are
// rendered in the report's language.
type Check struct {
	// ID names the check for scripts ("cw.role.finance.agreements.add");
	// it does not change with the language or the wording.
	ID      string `json:"id"`
	Section string `json:"section"`
	Name    string `json:"name"`
	Status  Status `json:"status"`
	Detail  string `json:"detail,omitempty"`
	Fix     string `json:"fix,omitempty"`

	// text holds the messages the strings are rendered from. A Check built
	// by hand has none, and Localize leaves its strings as they are.
	text texts
}

type texts struct{ section, name, detail, fix msg }

func newCheck(id string, status Status, name msg) Check {
	return Check{ID: id, Status: status, text: texts{name: name}}
}

func (c Check) withDetail(d msg) Check { c.text.detail = d; return c }

func (c Check) withFix(f msg) Check { c.text.fix = f; return c }

// localized renders the check's messages in lang.
func (c Check) localized(lang string) Check {
	for _, f := range []struct {
		dst *string
		src msg
	}{{&c.Section, c.text.section}, {&c.Name, c.text.name}, {&c.Detail, c.text.detail}, {&c.Fix, c.text.fix}} {
		if !f.src.empty() {
			*f.dst = f.src.render(lang)
		}
	}
	return c
}

// Report is the ordered list of checks.
type Report struct {
	Checks []Check `json:"checks"`
	lang   string
}

// Lang is the language the report is rendered in.
func (r *Report) Lang() string {
	if r.lang == "" {
		return DefaultLang
	}
	return r.lang
}

// Localize returns a copy of the report rendered in lang (a tag such as
// "it" or "it-IT"; an unsupported one gives English). A nil report stays
// nil, so a caller can chain it onto a runner that may not have run.
func (r *Report) Localize(lang string) *Report {
	if r == nil {
		return nil
	}
	lang, _ = ParseLang(lang)
	out := &Report{lang: lang, Checks: make([]Check, len(r.Checks))}
	for i, c := range r.Checks {
		out.Checks[i] = c.localized(lang)
	}
	return out
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

// add renders c in the report's language and appends it.
func (r *Report) add(c Check) { r.Checks = append(r.Checks, c.localized(r.Lang())) }

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
	label := "      " + translate(r.Lang(), "doctor.report.fix") + ": "
	indent := "\n" + strings.Repeat(" ", utf8.RuneCountInString(label))
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
			fmt.Fprintln(w, label+strings.ReplaceAll(c.Fix, "\n", indent))
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
	_, err := fmt.Fprintf(w, "\n%s\n", translate(r.Lang(), "doctor.report.summary", len(r.Checks), fails, warns))
	return err
}

// WriteJSON prints the report for scripts: every check with its stable id,
// name, status, detail and fix (in the report's language), and the
// overall result.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		OK     bool    `json:"ok"`
		Checks []Check `json:"checks"`
	}{r.OK(), r.Checks})
}
