package config

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxValue bounds a setting's length in bytes. Every setting is a name, a
// key, a URL or a number; a value of megabytes would only end up in a
// query string, a header or an error message.
const MaxValue = 2048

// checkText refuses what no setting may hold, whatever its validator:
// more than MaxValue bytes, invalid UTF-8, control characters (NUL, line
// breaks inside the value, escapes) and invisible format characters such
// as bidi overrides. Settings end up in HTTP headers, queries, logs and
// the console, and PostgreSQL cannot store NUL. Leading and trailing
// space, a pasted key's final newline among it, is trimmed on use and
// allowed here.
func checkText(v string) error {
	v = strings.TrimSpace(v)
	switch {
	case len(v) > MaxValue:
		return fmt.Errorf("the value is %d bytes long; at most %d are allowed", len(v), MaxValue)
	case !utf8.ValidString(v):
		return fmt.Errorf("the value is not valid UTF-8 text")
	}
	for _, r := range v {
		if unicode.IsControl(r) || (unicode.In(r, unicode.Cf) && r != '\u200d') || r == '\u2028' || r == '\u2029' {
			return fmt.Errorf("the value contains the invisible or control character %U; type it on one line without it", r)
		}
	}
	return nil
}

// clip is a value as an error message may quote it: trimmed, and cut
// after 60 characters so a pasted file does not flood the terminal.
func clip(v string) string {
	v = strings.TrimSpace(v)
	if utf8.RuneCountInString(v) <= 60 {
		return v
	}
	return string([]rune(v)[:60]) + "…"
}
