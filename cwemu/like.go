package cwemu

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

func (e *evaluator) like(pattern string) *regexp.Regexp {
	if re, ok := e.likes[pattern]; ok {
		return re
	}
	re, err := regexp.Compile(likeRegexp(pattern))
	if err != nil { // a set the translation cannot express: match the text literally
		re = regexp.MustCompile(`(?is)^` + regexp.QuoteMeta(pattern) + `$`)
	}
	e.likes[pattern] = re
	return re
}

// likeRegexp translates a SQL Server LIKE pattern: % and * match any run,
// _ one character, [abc], [a-z] and [^a] a set; "[[]" is a literal "[".
// An unclosed "[" is literal. Matching ignores case, as the server's
// collation does.
func likeRegexp(p string) string {
	var b strings.Builder
	b.WriteString(`(?is)^`)
	for i := 0; i < len(p); {
		r, size := utf8.DecodeRuneInString(p[i:])
		switch r {
		case '%', '*':
			b.WriteString(".*")
		case '_':
			b.WriteString(".")
		case '[':
			end := -1
			if i+size < len(p) {
				if j := strings.IndexByte(p[i+size+1:], ']'); j >= 0 {
					end = i + size + 1 + j
				}
			}
			if end < 0 {
				b.WriteString(regexp.QuoteMeta("["))
				break
			}
			b.WriteString(likeSet(p[i+size : end]))
			i = end + 1
			continue
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
		i += size
	}
	b.WriteString("$")
	return b.String()
}

// likeSet turns the inside of a LIKE bracket into a regexp class, escaping
// every character so none is special except a range dash and a leading ^.
func likeSet(s string) string {
	var b strings.Builder
	b.WriteByte('[')
	body := s
	if len(body) > 1 && body[0] == '^' {
		b.WriteByte('^')
		body = body[1:]
	}
	runes := []rune(body)
	for i, r := range runes {
		if r == '-' && i > 0 && i < len(runes)-1 && runes[i-1] <= runes[i+1] {
			b.WriteByte('-')
			continue
		}
		if r == '-' && i > 0 && i < len(runes)-1 {
			return regexp.QuoteMeta("[" + s + "]") // reversed range: treat the bracket literally
		}
		fmt.Fprintf(&b, `\x{%x}`, r)
	}
	b.WriteByte(']')
	return b.String()
}
