package cwemu

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseConditions(t *testing.T) {
	t.Parallel()
	day := time.Date(2016, 8, 20, 18, 4, 26, 0, time.UTC)
	tests := []struct {
		name, in string
		want     Cond
	}{
		{"Empty", "  ", nil},
		{"StringDouble", `board/name="Integration"`, Clause{Path: []string{"board", "name"}, Op: "=", Values: []Value{{Kind: ValString, Str: "Integration"}}}},
		{"StringSingleWithDoubleInside", `name = 'Say "hi"'`, Clause{Path: []string{"name"}, Op: "=", Values: []Value{{Kind: ValString, Str: `Say "hi"`}}}},
		{"NonASCII", `name contains "Müller & Söhne"`, Clause{Path: []string{"name"}, Op: "contains", Values: []Value{{Kind: ValString, Str: "Müller & Söhne"}}}},
		{"Number", "company/id = -250.5", Clause{Path: []string{"company", "id"}, Op: "=", Values: []Value{{Kind: ValNumber, Num: -250.5}}}},
		{"BoolAnyCase", "ClosedFlag = True", Clause{Path: []string{"ClosedFlag"}, Op: "=", Values: []Value{{Kind: ValBool, Bool: true}}}},
		{"Date", "_info/lastUpdated > [2016-08-20T18:04:26Z]", Clause{Path: []string{"_info", "lastUpdated"}, Op: ">", Values: []Value{{Kind: ValDate, Time: day}}}},
		{"DateWithOffsetIsUTC", "lastUpdated >= [2016-08-20T20:04:26+02:00]", Clause{Path: []string{"lastUpdated"}, Op: ">=", Values: []Value{{Kind: ValDate, Time: day}}}},
		{"Null", "value != null", Clause{Path: []string{"value"}, Op: "!=", Values: []Value{{Kind: ValNull}}}},
		{"In", "board/id in (3, 2,4)", Clause{Path: []string{"board", "id"}, Op: "in", Values: []Value{{Kind: ValNumber, Num: 3}, {Kind: ValNumber, Num: 2}, {Kind: ValNumber, Num: 4}}}},
		{"NotLike", `Summary Not Like "Low%"`, Clause{Path: []string{"Summary"}, Not: true, Op: "like", Values: []Value{{Kind: ValString, Str: "Low%"}}}},
		{"AndBindsTighterThanOr", "a = 1 or b = 2 AND c = 3", Logic{Op: "or",
			L: Clause{Path: []string{"a"}, Op: "=", Values: []Value{{Kind: ValNumber, Num: 1}}},
			R: Logic{Op: "and", L: Clause{Path: []string{"b"}, Op: "=", Values: []Value{{Kind: ValNumber, Num: 2}}},
				R: Clause{Path: []string{"c"}, Op: "=", Values: []Value{{Kind: ValNumber, Num: 3}}}}}},
		{"Parentheses", "(a = 1 or b = 2) and c = 3", Logic{Op: "and",
			L: Logic{Op: "or", L: Clause{Path: []string{"a"}, Op: "=", Values: []Value{{Kind: ValNumber, Num: 1}}},
				R: Clause{Path: []string{"b"}, Op: "=", Values: []Value{{Kind: ValNumber, Num: 2}}}},
			R: Clause{Path: []string{"c"}, Op: "=", Values: []Value{{Kind: ValNumber, Num: 3}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseConditions(tt.in)
			if err != nil {
				t.Fatalf("ParseConditions(%q): %v", tt.in, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseConditions(%q)\n got %#v\nwant %#v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseConditionsErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		literal  bool // the error must be a LiteralError, reported with the literal rules
	}{
		{"BareWord", "name = Acme", true},
		{"BadDate", "lastUpdated > [yesterday]", true},
		{"NullWithLess", "quantity < null", true},
		{"LikeNumber", "summary like 5", true},
		{"Unterminated", `name = "Acme`, false},
		{"MissingOperator", `name "Acme"`, false},
		{"NotBeforeEquals", `name not = "x"`, false},
		{"DanglingAnd", `a = 1 and`, false},
		{"UnbalancedParen", `(a = 1`, false},
		{"ExtraParen", `a = 1)`, false},
		{"EmptyIn", `a in ()`, false},
		{"KeywordAsField", `and = 1`, false},
		{"NumberGlued", `a = 12abc`, false},
		{"BangAlone", `a ! 1`, false},
		{"EmptyPathSegment", `company//id = 1`, false},
		{"TooDeep", strings.Repeat("(", 200) + "a = 1" + strings.Repeat(")", 200), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseConditions(tt.in)
			if err == nil {
				t.Fatalf("ParseConditions(%q) = %v, want error", tt.in, c)
			}
			if c != nil {
				t.Errorf("ParseConditions(%q) returned a partial condition %v with its error", tt.in, c)
			}
			var le *LiteralError
			if tt.literal != errors.As(err, &le) {
				t.Errorf("ParseConditions(%q) error %v: literal error = %v, want %v", tt.in, err, !tt.literal, tt.literal)
			}
			if tt.literal && !strings.Contains(err.Error(), "square brackets") {
				t.Errorf("literal error %q does not explain the literal rules", err)
			}
		})
	}
}

func TestMatch(t *testing.T) {
	t.Parallel()
	rec := map[string]any{
		"id": 7, "summary": "[Sophos] Malware on PC-01", "closedFlag": false, "quantity": 2.5,
		"name": "Müller & Söhne GmbH", "company": map[string]any{"id": 250.0, "identifier": "Mueller1"},
		"_info":          map[string]any{"lastUpdated": "2025-01-06T09:00:00Z"},
		"integratorTags": []any{"sophos", "edr"},
		"customFields":   []any{map[string]any{"caption": "TenantId", "value": "abc"}},
	}
	tests := []struct {
		cond string
		want bool
	}{
		{`summary = "[sophos] malware on pc-01"`, true},
		{`SUMMARY like "[[]Sophos]%"`, true},
		{`summary like "[Sophos]%"`, false}, // [Sophos] is a set: one of S,o,p,h,s
		{`summary like "*Malware*"`, true},
		{`summary like "_Sophos_ Malware%"`, true},
		{`summary not contains "malware"`, false},
		{`name contains "müller & söhne"`, true},
		{`name like "%& Söhne%"`, true},
		{`name = 'Müller & Söhne GmbH'`, true},
		{`company/id = 250`, true},
		{`company/id in (1, 250)`, true},
		{`company/id not in (1, 2)`, true},
		{`company/identifier = "mueller1" and closedFlag = false`, true},
		{`closedFlag = true or quantity > 2`, true},
		{`quantity >= 2.5 and quantity < 3`, true},
		{`lastUpdated > [2025-01-01T00:00:00Z]`, true},
		{`_info/lastUpdated < [2025-01-01T00:00:00Z]`, false},
		{`contact/name = null`, true},
		{`contact/name != null`, false},
		{`contact/name != "x"`, false}, // SQL: comparing null is never true
		{`integratorTags = "EDR"`, true},
		{`customFields/caption = "TenantId"`, true},
		{`id = 7`, true},
	}
	ev := newEvaluator()
	for _, tt := range tests {
		c, err := ParseConditions(tt.cond)
		if err != nil {
			t.Fatalf("parse %q: %v", tt.cond, err)
		}
		got, err := ev.match(c, rec)
		if err != nil || got != tt.want {
			t.Errorf("match(%q) = %v, %v; want %v", tt.cond, got, err, tt.want)
		}
	}
}

func TestMatchTypeClash(t *testing.T) {
	t.Parallel()
	rec := map[string]any{"closedFlag": false, "quantity": 1.0, "summary": "x"}
	for _, cond := range []string{"closedFlag = 1", "quantity = true", `quantity = "many"`, "summary = false"} {
		c, err := ParseConditions(cond)
		if err != nil {
			t.Fatal(err)
		}
		var le *LiteralError
		if _, err := newEvaluator().match(c, rec); !errors.As(err, &le) {
			t.Errorf("match(%q) error = %v, want a LiteralError", cond, err)
		}
	}
}

func TestLikeRegexpNeverPanics(t *testing.T) {
	t.Parallel()
	for _, p := range []string{"[", "[]", "[]]", "[a-]", "[z-a]", "[^]", `\`, "[[]", "%[", "a[b-c-d]e", "[\xff]"} {
		_ = newEvaluator().like(p).MatchString("abc")
	}
}

// FuzzParseConditions checks the parser's contract on any input: it never
// panics, returns either a condition or an error (never both), and a
// condition printed back parses to the same tree.
func FuzzParseConditions(f *testing.F) {
	for _, s := range []string{
		`board/name="Integration"`, `status/name = 'Open'`, `company/id = 250`, `quantity > 1.5`,
		`ClosedFlag = True`, `lastUpdated > [2016-08-20T18:04:26Z]`, `value != null`, `board/id in (3, 2, 4)`,
		`(contact/name like "Fred%" and closedFlag = false) and dateEntered > [2015-12-23T05:53:27Z] or summary contains "test" AND summary != "Some Summary"`,
		`Summary Not Contains "Low Priority"`, `name = "A & B"`, `summary like "[[]Sophos]%"`, `name = 'x"y'`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseConditions(s)
		if err != nil {
			if c != nil {
				t.Fatalf("ParseConditions(%q) returned both %v and %v", s, c, err)
			}
			return
		}
		if c == nil {
			if strings.TrimSpace(s) != "" {
				t.Fatalf("ParseConditions(%q) returned nil without error", s)
			}
			return
		}
		printed := c.String()
		again, err := ParseConditions(printed)
		if err != nil {
			t.Fatalf("re-parse of %q (from %q): %v", printed, s, err)
		}
		if !reflect.DeepEqual(c, again) {
			t.Fatalf("round trip changed the tree:\n in  %q\n out %q\n %#v\n %#v", s, printed, c, again)
		}
		_, _ = newEvaluator().match(c, map[string]any{"a": "x", "b": 1.0, "c": true})
	})
}
