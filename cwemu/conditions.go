package cwemu

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Cond is a parsed ConnectWise conditions expression (doc §4.1): a Clause
// or two conditions joined by and/or.
type Cond interface {
	// String prints the condition back in the conditions language, fully
	// parenthesised, so that parsing the output gives the same tree.
	String() string
	isCond()
}

// Logic joins two conditions with "and" or "or".
type Logic struct {
	Op   string // "and" or "or"
	L, R Cond
}

// Clause compares one field path with a literal, e.g. board/name = "X".
type Clause struct {
	Path   []string // "company/id" → ["company", "id"], spelled as written
	Not    bool     // "not like", "not contains", "not in"
	Op     string   // = != < <= > >= contains like in
	Values []Value  // one value, or the list of "in"
}

// ValueKind says which kind of literal a Value holds.
type ValueKind int

// The literal kinds of the conditions language.
const (
	ValString ValueKind = iota
	ValNumber
	ValBool
	ValDate
	ValNull
)

// Value is one literal.
type Value struct {
	Kind ValueKind
	Str  string
	Num  float64
	Bool bool
	Time time.Time // UTC
}

func (Logic) isCond()  {}
func (Clause) isCond() {}

func (l Logic) String() string { return "(" + l.L.String() + " " + l.Op + " " + l.R.String() + ")" }

func (c Clause) String() string {
	var b strings.Builder
	b.WriteString(strings.Join(c.Path, "/"))
	b.WriteByte(' ')
	if c.Not {
		b.WriteString("not ")
	}
	b.WriteString(c.Op)
	b.WriteByte(' ')
	if c.Op == "in" {
		b.WriteByte('(')
		for i, v := range c.Values {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(v.String())
		}
		b.WriteByte(')')
		return b.String()
	}
	b.WriteString(c.Values[0].String())
	return b.String()
}

func (v Value) String() string {
	switch v.Kind {
	case ValNumber:
		return strconv.FormatFloat(v.Num, 'f', -1, 64)
	case ValBool:
		return strconv.FormatBool(v.Bool)
	case ValDate:
		return "[" + v.Time.Format(time.RFC3339Nano) + "]"
	case ValNull:
		return "null"
	}
	if strings.Contains(v.Str, `"`) {
		return "'" + v.Str + "'"
	}
	return `"` + v.Str + `"`
}

// LiteralError is a literal that the conditions language does not allow.
// Its message spells out the literal rules, as ConnectWise's does.
type LiteralError struct{ Msg string }

func (e *LiteralError) Error() string {
	return e.Msg + " Strings are quoted with ' or \", numbers are bare digits (e.g. 250 or 1.5)," +
		" booleans are true or false, dates are in square brackets (e.g. [2016-08-20T18:04:26Z])," +
		" and null is null."
}

// ParseConditions parses a conditions string. An empty string is a nil
// condition (everything matches). Precedence: "and" binds tighter than
// "or", which the documentation leaves open (§4.1, uncertain).
func ParseConditions(s string) (Cond, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	toks, err := lex(s)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	c, err := p.or(0)
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		return nil, fmt.Errorf("unexpected %q at position %d", t.text, t.pos)
	}
	return c, nil
}

type parser struct {
	toks []token
	i    int
}

// maxDepth bounds parenthesis nesting so that hostile input cannot exhaust
// the stack.
const maxDepth = 100

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token { t := p.toks[p.i]; p.i++; return t }

func (p *parser) isWord(w string) bool {
	t := p.peek()
	return t.kind == tokWord && strings.EqualFold(t.text, w)
}

func (p *parser) or(depth int) (Cond, error) {
	l, err := p.and(depth)
	for err == nil && p.isWord("or") {
		p.next()
		var r Cond
		if r, err = p.and(depth); err == nil {
			l = Logic{Op: "or", L: l, R: r}
		}
	}
	return l, err
}

func (p *parser) and(depth int) (Cond, error) {
	l, err := p.factor(depth)
	for err == nil && p.isWord("and") {
		p.next()
		var r Cond
		if r, err = p.factor(depth); err == nil {
			l = Logic{Op: "and", L: l, R: r}
		}
	}
	return l, err
}

func (p *parser) factor(depth int) (Cond, error) {
	if p.peek().kind != tokLParen {
		return p.clause()
	}
	if depth >= maxDepth {
		return nil, fmt.Errorf("conditions nested too deeply")
	}
	p.next()
	c, err := p.or(depth + 1)
	if err != nil {
		return nil, err
	}
	if t := p.next(); t.kind != tokRParen {
		return nil, fmt.Errorf("expected ')' at position %d", t.pos)
	}
	return c, nil
}

var keywords = []string{"and", "or", "not", "contains", "like", "in", "true", "false", "null"}

func isKeyword(w string) bool {
	for _, k := range keywords {
		if strings.EqualFold(w, k) {
			return true
		}
	}
	return false
}

func (p *parser) clause() (Cond, error) {
	t := p.next()
	if t.kind != tokWord || isKeyword(t.text) {
		return nil, fmt.Errorf("expected a field name at position %d", t.pos)
	}
	path := strings.Split(t.text, "/")
	for _, seg := range path {
		if seg == "" {
			return nil, fmt.Errorf("bad field path %q", t.text)
		}
	}
	c := Clause{Path: path}
	if p.isWord("not") {
		p.next()
		c.Not = true
	}
	op := p.next()
	switch {
	case op.kind == tokOp && !c.Not:
		c.Op = op.text
	case op.kind == tokWord && (strings.EqualFold(op.text, "contains") || strings.EqualFold(op.text, "like") || strings.EqualFold(op.text, "in")):
		c.Op = strings.ToLower(op.text)
	default:
		return nil, fmt.Errorf("expected an operator after %q at position %d", t.text, op.pos)
	}
	var err error
	if c.Op == "in" {
		c.Values, err = p.list()
	} else {
		var v Value
		v, err = p.value()
		c.Values = []Value{v}
	}
	if err != nil {
		return nil, err
	}
	return c, checkOperands(c)
}

func (p *parser) list() ([]Value, error) {
	if t := p.next(); t.kind != tokLParen {
		return nil, fmt.Errorf("expected '(' after in at position %d", t.pos)
	}
	var vals []Value
	for {
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		vals = append(vals, v)
		switch t := p.next(); t.kind {
		case tokComma:
			continue
		case tokRParen:
			return vals, nil
		default:
			return nil, fmt.Errorf("expected ',' or ')' at position %d", t.pos)
		}
	}
}

func (p *parser) value() (Value, error) {
	t := p.next()
	switch t.kind {
	case tokString:
		return Value{Kind: ValString, Str: t.text}, nil
	case tokNumber:
		f, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			return Value{}, &LiteralError{Msg: fmt.Sprintf("Expected a numeric value, not %q.", t.text)}
		}
		return Value{Kind: ValNumber, Num: f}, nil
	case tokDate:
		tm, ok := parseTime(strings.TrimSpace(t.text))
		if !ok {
			return Value{}, &LiteralError{Msg: fmt.Sprintf("Expected a date value, not [%s].", t.text)}
		}
		return Value{Kind: ValDate, Time: tm}, nil
	case tokWord:
		switch strings.ToLower(t.text) {
		case "true", "false":
			return Value{Kind: ValBool, Bool: strings.EqualFold(t.text, "true")}, nil
		case "null":
			return Value{Kind: ValNull}, nil
		}
		return Value{}, &LiteralError{Msg: fmt.Sprintf("Unrecognised literal %s.", t.text)}
	}
	return Value{}, fmt.Errorf("expected a value at position %d", t.pos)
}

// checkOperands rejects literal kinds an operator cannot take.
func checkOperands(c Clause) error {
	for _, v := range c.Values {
		switch {
		case v.Kind == ValNull && c.Op != "=" && c.Op != "!=":
			return &LiteralError{Msg: "Expected a non-null value for operator " + c.Op + "."}
		case (c.Op == "contains" || c.Op == "like") && v.Kind != ValString:
			return &LiteralError{Msg: "Expected a string value for operator " + c.Op + "."}
		}
	}
	return nil
}

// timeLayouts are the date forms accepted inside brackets and in stored
// records: RFC 3339 with or without fractions, without a zone, or a bare day.
var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"}

func parseTime(s string) (time.Time, bool) {
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}
