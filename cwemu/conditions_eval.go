package cwemu

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// evaluator applies conditions to records. It caches compiled like
// patterns for the duration of one request.
type evaluator struct {
	likes map[string]*regexp.Regexp
}

func newEvaluator() *evaluator { return &evaluator{likes: map[string]*regexp.Regexp{}} }

// match reports whether rec satisfies c; a nil c matches everything. The
// error is a type clash such as comparing a boolean field with a number,
// which ConnectWise reports instead of answering.
func (e *evaluator) match(c Cond, rec map[string]any) (bool, error) {
	switch c := c.(type) {
	case nil:
		return true, nil
	case Logic:
		l, err := e.match(c.L, rec)
		if err != nil {
			return false, err
		}
		if (c.Op == "and" && !l) || (c.Op == "or" && l) {
			return l, nil
		}
		return e.match(c.R, rec)
	case Clause:
		var err error
		hit := eachValue(rec, c.Path, func(v any) bool {
			ok, cerr := e.clause(c, v)
			if cerr != nil {
				err = cerr
				return true
			}
			return ok
		})
		return hit && err == nil, err
	}
	return false, fmt.Errorf("unknown condition %T", c)
}

// eachValue calls fn with every value the path reaches in v (several when
// the path crosses an array, nil when it reaches nothing) and reports
// whether any call returned true. Field names match case-insensitively; a
// single name missing at the top level is looked up in _info, so
// "lastUpdated" works like "_info/lastUpdated".
func eachValue(v any, path []string, fn func(any) bool) bool {
	if len(path) == 0 {
		if arr, ok := v.([]any); ok && len(arr) > 0 {
			for _, x := range arr {
				if fn(x) {
					return true
				}
			}
			return false
		}
		return fn(v)
	}
	switch t := v.(type) {
	case map[string]any:
		next, ok := lookupFold(t, path[0])
		if !ok && len(path) == 1 {
			if info, isMap := t["_info"].(map[string]any); isMap {
				next, _ = lookupFold(info, path[0])
			}
		}
		return eachValue(next, path[1:], fn)
	case []any:
		for _, x := range t {
			if eachValue(x, path, fn) {
				return true
			}
		}
		if len(t) > 0 {
			return false
		}
	}
	return fn(nil)
}

func lookupFold(m map[string]any, key string) (any, bool) {
	if v, ok := m[key]; ok {
		return v, true
	}
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}

// clause compares one field value with the clause's literal(s).
func (e *evaluator) clause(c Clause, field any) (bool, error) {
	if c.Op == "in" {
		for _, lit := range c.Values {
			ok, err := field == nil && lit.Kind == ValNull, error(nil)
			if lit.Kind != ValNull {
				ok, err = e.compare("=", field, lit)
			}
			if err != nil || ok {
				return ok && !c.Not, err
			}
		}
		return c.Not && field != nil, nil
	}
	return e.single(c, field)
}

func (e *evaluator) single(c Clause, field any) (bool, error) {
	lit := c.Values[0]
	if lit.Kind == ValNull {
		return (field == nil) == (c.Op == "="), nil
	}
	if field == nil {
		return false, nil // SQL: a comparison with null is never true
	}
	ok, err := e.compare(c.Op, field, lit)
	return ok != c.Not, err
}

func (e *evaluator) compare(op string, field any, lit Value) (bool, error) {
	if field == nil {
		return false, nil
	}
	switch f := field.(type) {
	case string:
		return e.compareString(op, f, lit)
	case bool:
		return compareBool(op, f, lit)
	case map[string]any, []any:
		return false, nil
	}
	if n, ok := toFloat(field); ok {
		return compareNumber(op, n, lit)
	}
	return false, nil
}

func (e *evaluator) compareString(op, f string, lit Value) (bool, error) {
	switch lit.Kind {
	case ValString:
		a, b := strings.ToLower(f), strings.ToLower(lit.Str)
		switch op {
		case "contains":
			return strings.Contains(a, b), nil
		case "like":
			return e.like(lit.Str).MatchString(f), nil
		}
		return order(op, strings.Compare(a, b)), nil
	case ValDate:
		t, ok := parseTime(f)
		if !ok {
			return false, nil
		}
		return order(op, t.Compare(lit.Time)), nil
	case ValNumber:
		if n, err := strconv.ParseFloat(f, 64); err == nil {
			return compareNumber(op, n, lit)
		}
		return false, &LiteralError{Msg: "Expected a string value, not a numeric."}
	}
	return false, &LiteralError{Msg: "Expected a string value, not a boolean."}
}

func compareBool(op string, f bool, lit Value) (bool, error) {
	b := lit.Bool
	switch lit.Kind {
	case ValBool:
	case ValString:
		v, err := strconv.ParseBool(lit.Str)
		if err != nil {
			return false, &LiteralError{Msg: "Expected a boolean value, not a string."}
		}
		b = v
	case ValNumber:
		return false, &LiteralError{Msg: "Expected a boolean value, not a numeric."}
	default:
		return false, &LiteralError{Msg: "Expected a boolean value, not a date."}
	}
	switch op {
	case "=":
		return f == b, nil
	case "!=":
		return f != b, nil
	}
	return false, &LiteralError{Msg: "Booleans compare only with = and !=."}
}

func compareNumber(op string, f float64, lit Value) (bool, error) {
	n := lit.Num
	switch lit.Kind {
	case ValNumber:
	case ValString:
		v, err := strconv.ParseFloat(strings.TrimSpace(lit.Str), 64)
		if err != nil {
			return false, &LiteralError{Msg: "Expected a numeric value, not a string."}
		}
		n = v
	case ValBool:
		return false, &LiteralError{Msg: "Expected a numeric value, not a boolean."}
	default:
		return false, &LiteralError{Msg: "Expected a numeric value, not a date."}
	}
	switch {
	case f < n:
		return order(op, -1), nil
	case f > n:
		return order(op, 1), nil
	}
	return order(op, 0), nil
}

// order turns a three-way comparison into the answer for op.
func order(op string, cmp int) bool {
	switch op {
	case "=":
		return cmp == 0
	case "!=":
		return cmp != 0
	case "<":
		return cmp < 0
	case "<=":
		return cmp <= 0
	case ">":
		return cmp > 0
	case ">=":
		return cmp >= 0
	}
	return false
}

func toFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	}
	return 0, false
}
