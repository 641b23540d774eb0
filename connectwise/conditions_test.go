package connectwise

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

type testLevel string

func TestConditions(t *testing.T) {
	t.Parallel()
	when := time.Date(2016, 8, 20, 20, 4, 26, 0, time.FixedZone("CEST", 2*3600))
	id := 7
	tests := []struct {
		name    string
		c       Condition
		want    string
		wantErr string
	}{
		{"Zero", Condition{}, "", ""},
		{"EqString", Eq("name", "O'Brien & Sons"), `name = "O'Brien & Sons"`, ""},
		{"EqStringWithDoubleQuote", Eq("name", `The "Best" Ltd`), `name = 'The "Best" Ltd'`, ""},
		{"ErrEqStringWithBothQuotes", Eq("name", `O'Brien "Best"`), "", "both"},
		{"Int", Eq("company/id", 250), "company/id = 250", ""},
		{"NegativeFloat", Gt("quantity", -1.5), "quantity > -1.5", ""},
		{"Uint", Le("a", uint8(3)), "a <= 3", ""},
		{"Bool", Eq("closedFlag", false), "closedFlag = false", ""},
		{"TimeInUTC", Gt("_info/lastUpdated", when), "_info/lastUpdated > [2016-08-20T18:04:26Z]", ""},
		{"ModelTime", Lt("dateEntered", At(when)), "dateEntered < [2016-08-20T18:04:26Z]", ""},
		{"Null", Eq("cancelledDate", nil), "cancelledDate = null", ""},
		{"NotNull", Ne("value", nil), "value != null", ""},
		{"NamedString", Eq("inquireLevel", testLevel("All")), `inquireLevel = "All"`, ""},
		{"Pointer", Eq("id", &id), "id = 7", ""},
		{"NilPointer", Eq("id", (*int)(nil)), "id = null", ""},
		{"Contains", Contains("summary", "Low Priority"), `summary contains "Low Priority"`, ""},
		{"HasPrefix", HasPrefix("summary", "[Sophos] "), `summary like "[[]Sophos] %"`, ""},
		{"HasPrefixEscapesWildcards", HasPrefix("identifier", "Sophos_50%"), `identifier like "Sophos[_]50[%]%"`, ""},
		{"In", In("board/id", 3, 2, 4), "board/id in (3, 2, 4)", ""},
		{"InStrings", In("status/name", "New", "Open"), `status/name in ("New", "Open")`, ""},
		{"ErrEmptyIn", In("board/id"), "", "at least one"},
		{"AndOrParenthesised", And(Eq("a", 1), Or(Eq("b", 2), Eq("c", 3)), Eq("d", 4)),
			"a = 1 and (b = 2 or c = 3) and d = 4", ""},
		{"AndSkipsEmpty", And(Condition{}, Eq("a", 1), Condition{}), "a = 1", ""},
		{"AndOfNothing", And(), "", ""},
		{"NotEq", Not(Eq("a", 1)), "a != 1", ""},
		{"NotLt", Not(Lt("a", 1)), "a >= 1", ""},
		{"NotLike", Not(Like("name", "Fred%")), `name not like "Fred%"`, ""},
		{"NotIn", Not(In("id", 1, 2)), "id not in (1, 2)", ""},
		{"NotNotContains", Not(Not(Contains("s", "x"))), `s contains "x"`, ""},
		{"NotDeMorgan", Not(And(Eq("a", 1), Or(Eq("b", 2), Contains("c", "x")))),
			`a != 1 or (b != 2 and c not contains "x")`, ""},
		{"Raw", And(Raw("a = 1 or b = 2"), Eq("c", 3)), "(a = 1 or b = 2) and c = 3", ""},
		{"ErrNotRaw", Not(Raw("a = 1")), "", "raw"},
		{"ErrFieldInjection", Eq(`name = "x" or id`, 1), "", "not a field path"},
		{"ErrFieldEmpty", Eq("", 1), "", "not a field path"},
		{"ErrType", Eq("a", struct{}{}), "", "cannot be used"},
		{"ErrNaN", Eq("a", math.NaN()), "", "no literal"},
		{"ErrPropagatesThroughAnd", And(Eq("a", 1), Eq("b", []int{1})), "", "cannot be used"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.c.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
			err := tt.c.Err()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("Err() = %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("Err() = %v, want %q", err, tt.wantErr)
			}
		})
	}
	if !errors.Is(Eq("n", `'"`).Err(), ErrUnquotable) {
		t.Error("both quotes should wrap ErrUnquotable")
	}
	if got := QuoteFree(`O'Brien "Best" Sons`); got != "Brien " {
		t.Errorf("QuoteFree = %q", got)
	}
}

// TestConditionsOnTheWire checks that the server decodes exactly the text
// we built, whatever the value holds.
func TestConditionsOnTheWire(t *testing.T) {
	t.Parallel()
	b := setup(t)
	seen := make(chan [2]string, 1)
	b.handle("GET /company/companies", func(w http.ResponseWriter, r *http.Request) {
		seen <- [2]string{r.URL.Query().Get("conditions"), r.URL.RawQuery}
		writeJSON(w, 200, []any{})
	})
	for _, v := range []string{
		"O'Brien & Sons", `The "Best" Ltd`, "50% off + more", "Müller GmbH — 東京", "a=b&c=d;e#f",
		`back\slash`, "tab\there", "  spaced  ", "[bracket]", "%25 literal",
	} {
		c := And(Eq("name", v), Eq("deletedFlag", false))
		if _, err := b.client.Companies.List(t.Context(), &ListOptions{Conditions: c}); err != nil {
			t.Fatalf("%q: %v", v, err)
		}
		got := <-seen
		if got[0] != c.String() {
			t.Errorf("server saw %q, want %q", got[0], c.String())
		}
		if strings.Contains(got[1], "+") {
			t.Errorf("raw query %q uses '+' (space or plus are ambiguous)", got[1])
		}
	}
}

func TestInvalidConditionSendsNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var hits counter
	b.handle("GET /company/companies", hits.wrap(func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, []any{}) }))
	_, err := b.client.Companies.List(t.Context(), &ListOptions{Conditions: Eq("name", `'"`)})
	if !errors.Is(err, ErrUnquotable) || hits.n.Load() != 0 {
		t.Errorf("err = %v, requests = %d", err, hits.n.Load())
	}
}

// token is one lexeme of the reference condition lexer below, written
// independently of the builder from the grammar in §4.1.
type token struct{ kind, text string }

func lexConditions(s string) ([]token, error) {
	var out []token
	for i := 0; i < len(s); {
		ch := s[i]
		switch {
		case ch == ' ':
			i++
		case ch == '(' || ch == ')' || ch == ',':
			out = append(out, token{"punct", string(ch)})
			i++
		case ch == '"' || ch == '\'':
			end := strings.IndexByte(s[i+1:], ch)
			if end < 0 {
				return nil, fmt.Errorf("unterminated string at %d", i)
			}
			out = append(out, token{"string", s[i+1 : i+1+end]})
			i += end + 2
		case ch == '[':
			end := strings.IndexByte(s[i:], ']')
			if end < 0 {
				return nil, fmt.Errorf("unterminated date at %d", i)
			}
			out = append(out, token{"date", s[i+1 : i+end]})
			i += end + 1
		case strings.ContainsRune("=!<>", rune(ch)):
			j := i + 1
			if j < len(s) && s[j] == '=' {
				j++
			}
			out = append(out, token{"op", s[i:j]})
			i = j
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(` ()=!<>,"'[`, rune(s[j])) {
				j++
			}
			if j == i {
				return nil, fmt.Errorf("unexpected %q at %d", ch, i)
			}
			out = append(out, token{"word", s[i:j]})
			i = j
		}
	}
	return out, nil
}

// FuzzConditionString checks that no value escapes its literal: the
// condition lexes into exactly field, operator and one string token equal to
// the value, or the builder refuses the value.
func FuzzConditionString(f *testing.F) {
	for _, s := range []string{"", "O'Brien & Sons", `"`, `'`, `'"`, `x" or id > 0 or name = "`, "a\x00b", "ü)("} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range []Condition{Eq("company/name", s), Contains("company/name", s)} {
			if err := c.Err(); err != nil {
				if !errors.Is(err, ErrUnquotable) || !strings.Contains(s, `"`) || !strings.Contains(s, "'") {
					t.Fatalf("unexpected error for %q: %v", s, err)
				}
				if c.String() != "" {
					t.Fatalf("refused condition still renders %q", c.String())
				}
				continue
			}
			toks, err := lexConditions(c.String())
			if err != nil {
				t.Fatalf("%q: %v", c.String(), err)
			}
			if len(toks) != 3 || toks[0] != (token{"word", "company/name"}) || toks[2] != (token{"string", s}) {
				t.Fatalf("%q lexes to %q", c.String(), toks)
			}
		}
	})
}

// FuzzConditionCombined checks the same property inside groups and lists.
func FuzzConditionCombined(f *testing.F) {
	f.Add("a", "b")
	f.Add(`x" or 1=1 or "`, `') or ('`)
	f.Fuzz(func(t *testing.T, a, b string) {
		c := Not(And(Eq("x", a), Or(In("y", b, 2), Gt("z", 1.5))))
		if c.Err() != nil {
			return
		}
		toks, err := lexConditions(c.String())
		if err != nil {
			t.Fatalf("%q: %v", c.String(), err)
		}
		want := []token{{"word", "x"}, {"op", "!="}, {"string", a}, {"word", "or"}, {"punct", "("},
			{"word", "y"}, {"word", "not"}, {"word", "in"}, {"punct", "("}, {"string", b}, {"punct", ","}, {"word", "2"},
			{"punct", ")"}, {"word", "and"}, {"word", "z"}, {"op", "<="}, {"word", "1.5"}, {"punct", ")"}}
		if !slices.Equal(toks, want) {
			t.Fatalf("%q lexes to\n%q\nwant\n%q", c.String(), toks, want)
		}
	})
}
