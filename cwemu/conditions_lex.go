package cwemu

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// tokKind classifies a token of the conditions language.
type tokKind int

const (
	tokEOF tokKind = iota
	tokWord
	tokString
	tokNumber
	tokDate
	tokLParen
	tokRParen
	tokComma
	tokOp
)

type token struct {
	kind tokKind
	text string // for tokString the unquoted text, for tokDate the text inside brackets
	pos  int
}

// lex splits a conditions string into tokens. It never panics; an
// unterminated string or date, or a stray character, is an error.
func lex(s string) ([]token, error) {
	var toks []token
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case unicode.IsSpace(r):
			i += size
		case r == '(' || r == ')' || r == ',':
			kind := tokComma
			if r == '(' {
				kind = tokLParen
			} else if r == ')' {
				kind = tokRParen
			}
			toks = append(toks, token{kind: kind, text: string(r), pos: i})
			i++
		case r == '\'' || r == '"':
			end := strings.IndexRune(s[i+1:], r)
			if end < 0 {
				return nil, fmt.Errorf("unterminated string starting at position %d", i)
			}
			toks = append(toks, token{kind: tokString, text: s[i+1 : i+1+end], pos: i})
			i += end + 2
		case r == '[':
			end := strings.IndexByte(s[i+1:], ']')
			if end < 0 {
				return nil, fmt.Errorf("unterminated date starting at position %d", i)
			}
			toks = append(toks, token{kind: tokDate, text: s[i+1 : i+1+end], pos: i})
			i += end + 2
		case r == '=' || r == '<' || r == '>' || r == '!':
			n := 1
			if i+1 < len(s) && s[i+1] == '=' && r != '=' {
				n = 2
			}
			op := s[i : i+n]
			if op == "!" {
				return nil, fmt.Errorf("unexpected '!' at position %d", i)
			}
			toks = append(toks, token{kind: tokOp, text: op, pos: i})
			i += n
		case r == '-' || isDigit(r):
			n := scanNumber(s[i:])
			if n == 0 {
				return nil, fmt.Errorf("bad number at position %d", i)
			}
			toks = append(toks, token{kind: tokNumber, text: s[i : i+n], pos: i})
			i += n
		case isWordStart(r):
			n := scanWord(s[i:])
			toks = append(toks, token{kind: tokWord, text: s[i : i+n], pos: i})
			i += n
		default:
			return nil, fmt.Errorf("unexpected character %q at position %d", r, i)
		}
	}
	return append(toks, token{kind: tokEOF, pos: len(s)}), nil
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

func isWordStart(r rune) bool { return r == '_' || unicode.IsLetter(r) }

// scanNumber returns the length of a number -?digits(.digits)? at the start
// of s, or 0 when there is none. A number directly followed by a letter
// (e.g. 12abc) is not a number.
func scanNumber(s string) int {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	start := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == start {
		return 0
	}
	if i+1 < len(s) && s[i] == '.' && s[i+1] >= '0' && s[i+1] <= '9' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	}
	if i < len(s) {
		if r, _ := utf8.DecodeRuneInString(s[i:]); isWordStart(r) || r == '.' {
			return 0
		}
	}
	return i
}

// scanWord returns the length of a field path or keyword: letters, digits,
// underscores and the '/' that separates nested fields.
func scanWord(s string) int {
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !(r == '_' || r == '/' || unicode.IsLetter(r) || unicode.IsDigit(r)) {
			break
		}
		i += size
	}
	return i
}
