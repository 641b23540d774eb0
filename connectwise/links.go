package connectwise

import (
	"errors"
	"strings"
)

// link is one entry of an RFC 8288 Link header.
type link struct {
	url  string
	rels []string // lower-cased; rel="next last" gives two
}

var errBadLink = errors.New("malformed link header")

// parseLinks reads a Link header such as
// `<https://h/…?page=2>; rel="next", <https://h/…?page=4>; rel="last"`.
// It returns every entry or an error, never a partial list.
func parseLinks(h string) ([]link, error) {
	var out []link
	rest := h
	for {
		rest = strings.TrimLeft(rest, " \t,")
		if rest == "" {
			return out, nil
		}
		if rest[0] != '<' {
			return nil, errBadLink
		}
		end := strings.IndexByte(rest, '>')
		if end < 0 {
			return nil, errBadLink
		}
		l := link{url: strings.TrimSpace(rest[1:end])}
		rest = rest[end+1:]
		var err error
		if rest, err = parseLinkParams(rest, &l); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
}

// parseLinkParams reads `; name=value` pairs up to the next top-level comma.
func parseLinkParams(rest string, l *link) (string, error) {
	for {
		rest = strings.TrimLeft(rest, " \t")
		if rest == "" || rest[0] == ',' {
			return rest, nil
		}
		if rest[0] != ';' {
			return "", errBadLink
		}
		rest = strings.TrimLeft(rest[1:], " \t")
		i := strings.IndexAny(rest, "=;,")
		if i < 0 {
			i = len(rest)
		}
		name := strings.ToLower(strings.TrimSpace(rest[:i]))
		rest = rest[i:]
		if name == "" {
			return "", errBadLink
		}
		if !strings.HasPrefix(rest, "=") {
			continue // a parameter without a value
		}
		var val string
		var err error
		if val, rest, err = linkParamValue(strings.TrimLeft(rest[1:], " \t")); err != nil {
			return "", err
		}
		if name == "rel" {
			l.rels = append(l.rels, strings.Fields(strings.ToLower(val))...)
		}
	}
}

// linkParamValue reads a token or a quoted string with backslash escapes.
func linkParamValue(s string) (val, rest string, err error) {
	if !strings.HasPrefix(s, `"`) {
		i := strings.IndexAny(s, ";,")
		if i < 0 {
			i = len(s)
		}
		return strings.TrimSpace(s[:i]), s[i:], nil
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 >= len(s) {
				return "", "", errBadLink
			}
			i++
			b.WriteByte(s[i])
		case '"':
			return b.String(), s[i+1:], nil
		default:
			b.WriteByte(s[i])
		}
	}
	return "", "", errBadLink
}

// findRel returns the URL of the first link with relation rel, or "".
func findRel(links []link, rel string) string {
	for _, l := range links {
		for _, r := range l.rels {
			if r == rel {
				return l.url
			}
		}
	}
	return ""
}
