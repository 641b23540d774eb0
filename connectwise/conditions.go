package connectwise

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Condition is one ConnectWise filter expression (§4.1), built from values
// rather than pasted text so that a customer name can never end its string
// literal early. Build conditions with Eq, Ne, Lt, Le, Gt, Ge, Contains,
// Like, In, And, Or and Not; a bad field or value is kept in the condition
// and reported by Err (and by any call that uses it). The zero Condition
// means "no filter".
type Condition struct {
	op    string // comparison operator, "and", "or", or "raw"
	field string
	value string // rendered literal, or the list for "in"
	list  []Condition
	err   error
}

// ErrUnquotable is reported for a string that contains both quote
// characters: ConnectWise documents no escape, so no literal can hold it
// safely. Search with Contains on a quote-free part (QuoteFree) and compare
// locally instead (§4.1).
var ErrUnquotable = errors.New("string contains both ' and \", which a condition literal cannot hold")

var fieldPattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(/[A-Za-z_][A-Za-z0-9_]*)*$`)

// Eq is field = value. value may be a string, any integer or float, bool,
// time.Time (sent as [2006-01-02T15:04:05Z] in UTC) or nil (null).
func Eq(field string, value any) Condition { return clause(field, "=", value) }

// Ne is field != value.
func Ne(field string, value any) Condition { return clause(field, "!=", value) }

// Lt is field < value.
func Lt(field string, value any) Condition { return clause(field, "<", value) }

// Le is field <= value.
func Le(field string, value any) Condition { return clause(field, "<=", value) }

// Gt is field > value.
func Gt(field string, value any) Condition { return clause(field, ">", value) }

// Ge is field >= value.
func Ge(field string, value any) Condition { return clause(field, ">=", value) }

// Contains is field contains "s".
func Contains(field, s string) Condition { return clause(field, "contains", s) }

// Like is field like "pattern"; % _ and * are wildcards there, and
// EscapeLike makes a value literal.
func Like(field, pattern string) Condition { return clause(field, "like", pattern) }

// HasPrefix matches fields starting with prefix. A "*" in prefix stays a
// wildcard (see EscapeLike), so compare locally when that matters.
func HasPrefix(field, prefix string) Condition { return Like(field, EscapeLike(prefix)+"%") }

// In is field in (v1, v2, …); at least one value is required.
func In(field string, values ...any) Condition {
	if len(values) == 0 {
		return Condition{err: fmt.Errorf("condition on %q: in needs at least one value", field)}
	}
	parts := make([]string, len(values))
	for i, v := range values {
		lit, err := literal(v)
		if err != nil {
			return Condition{err: fmt.Errorf("condition on %q: %w", field, err)}
		}
		parts[i] = lit
	}
	c := clause(field, "in", nil)
	c.value = "(" + strings.Join(parts, ", ") + ")"
	return c
}

// Raw wraps trusted condition text written by a programmer. Never build it
// from data: use the other constructors for that.
func Raw(expr string) Condition {
	if strings.TrimSpace(expr) == "" {
		return Condition{}
	}
	return Condition{op: "raw", value: expr}
}

// And joins conditions with "and"; empty conditions are skipped.
func And(conds ...Condition) Condition { return group("and", conds) }

// Or joins conditions with "or"; empty conditions are skipped.
func Or(conds ...Condition) Condition { return group("or", conds) }

// negations pairs each operator with its opposite, so Not produces only the
// documented forms ("not like", "!=", …) instead of an undocumented
// "not (…)" prefix on a group.
var negations = map[string]string{
	"=": "!=", "!=": "=", "<": ">=", ">=": "<", ">": "<=", "<=": ">",
	"contains": "not contains", "not contains": "contains",
	"like": "not like", "not like": "like", "in": "not in", "not in": "in",
}

// Not negates c, pushing the negation into the clauses (De Morgan). On a
// null field ConnectWise, like SQL, matches neither c nor Not(c).
func Not(c Condition) Condition {
	switch c.op {
	case "":
		return c
	case "and", "or":
		list := make([]Condition, len(c.list))
		for i, x := range c.list {
			list[i] = Not(x)
		}
		return Condition{op: map[string]string{"and": "or", "or": "and"}[c.op], list: list, err: c.err}
	case "raw":
		return Condition{err: errors.New("cannot negate a raw condition")}
	}
	c.op = negations[c.op]
	return c
}

func clause(field, op string, value any) Condition {
	if !fieldPattern.MatchString(field) {
		return Condition{err: fmt.Errorf("condition field %q is not a field path like board/name", clip(field, 60))}
	}
	lit, err := literal(value)
	if err != nil {
		return Condition{err: fmt.Errorf("condition on %q: %w", field, err)}
	}
	return Condition{op: op, field: field, value: lit}
}

func group(op string, conds []Condition) Condition {
	g := Condition{op: op}
	for _, c := range conds {
		if c.err != nil && g.err == nil {
			g.err = c.err
		}
		if c.op != "" {
			g.list = append(g.list, c)
		}
	}
	switch {
	case g.err != nil:
		return Condition{err: g.err}
	case len(g.list) == 0:
		return Condition{}
	case len(g.list) == 1:
		return g.list[0]
	}
	return g
}

// String renders the condition as sent in the conditions parameter, or ""
// for the zero Condition and for a condition with an error.
func (c Condition) String() string {
	if c.err != nil {
		return ""
	}
	switch c.op {
	case "":
		return ""
	case "raw":
		return c.value
	case "and", "or":
		parts := make([]string, len(c.list))
		for i, x := range c.list {
			parts[i] = x.String()
			if x.op == "and" || x.op == "or" || x.op == "raw" {
				parts[i] = "(" + parts[i] + ")"
			}
		}
		return strings.Join(parts, " "+c.op+" ")
	}
	return c.field + " " + c.op + " " + c.value
}

// Err reports why the condition cannot be sent, if it cannot.
func (c Condition) Err() error { return c.err }

// IsZero reports whether c is the empty condition.
func (c Condition) IsZero() bool { return c.op == "" && c.err == nil }

// literal renders one value in the condition grammar (§4.1).
func literal(v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "null", nil
	case time.Time:
		return "[" + x.UTC().Format("2006-01-02T15:04:05Z") + "]", nil
	case Time:
		return literal(x.Time)
	case string:
		return quote(x)
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer:
		if rv.IsNil() {
			return "null", nil
		}
		return literal(rv.Elem().Interface())
	case reflect.String:
		return quote(rv.String())
	case reflect.Bool:
		return strconv.FormatBool(rv.Bool()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(rv.Int(), 10), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(rv.Uint(), 10), nil
	case reflect.Float32, reflect.Float64:
		f := rv.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return "", fmt.Errorf("number %v has no literal form", f)
		}
		return strconv.FormatFloat(f, 'f', -1, 64), nil
	}
	return "", fmt.Errorf("values of type %T cannot be used in a condition", v)
}

// quote delimits s with a quote character it does not contain; ConnectWise
// accepts both and documents no escape (§4.1).
func quote(s string) (string, error) {
	switch {
	case !strings.Contains(s, `"`):
		return `"` + s + `"`, nil
	case !strings.Contains(s, `'`):
		return `'` + s + `'`, nil
	}
	return "", ErrUnquotable
}

// likeEscaper brackets the characters a SQL Server LIKE pattern treats
// specially. "[[]" is documented (§4.1); "[%]" and "[_]" are the same
// bracket mechanism.
var likeEscaper = strings.NewReplacer("[", "[[]", "%", "[%]", "_", "[_]")

// EscapeLike makes s match literally inside a like pattern, e.g. for
// searching a "[Sophos]" summary prefix. "*", which ConnectWise also
// documents as a wildcard, is left alone: whether brackets escape it is not
// known, and a wider match is safer than a missed one.
func EscapeLike(s string) string { return likeEscaper.Replace(s) }

// QuoteFree returns the longest part of s that holds neither quote
// character, for a Contains search when s itself is unquotable.
func QuoteFree(s string) string {
	best := ""
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == '"' || r == '\'' }) {
		if len(part) > len(best) {
			best = part
		}
	}
	return best
}
