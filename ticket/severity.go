package ticket

import "strings"

// Severity is an alert severity, ordered so that a higher value is more
// urgent. The zero value means "not known".
type Severity int

// The severities Sophos Central uses (doc §9.2).
const (
	Low Severity = iota + 1
	Medium
	High
)

// ParseSeverity reads a Sophos severity ("low", "medium", "high", in any
// case). ok is false for anything else; such an alert ranks as Low so that
// it is still ticketed with the default tickets.min_severity but never
// takes the emergency priority on a guess.
func ParseSeverity(s string) (sev Severity, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "low":
		return Low, true
	case "medium":
		return Medium, true
	case "high":
		return High, true
	}
	return Low, false
}

// String is the lower-case name Sophos and the settings use, or "" for
// the zero value.
func (s Severity) String() string {
	switch s {
	case Low:
		return "low"
	case Medium:
		return "medium"
	case High:
		return "high"
	}
	return ""
}

// AtLeast reports whether s is as urgent as min or more.
func (s Severity) AtLeast(min Severity) bool { return s >= min }

// Title is the capitalised name used in ticket texts.
func (s Severity) Title() string {
	n := s.String()
	if n == "" {
		return "Unknown"
	}
	return strings.ToUpper(n[:1]) + n[1:]
}
