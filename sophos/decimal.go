package sophos

import (
	"encoding/json"
	"fmt"
	"math/big"
)

// maxDecimalLen bounds a price's text; real values look like "1.40".
const maxDecimalLen = 40

// Decimal is an exact decimal number kept as its text, such as a billing
// price "1.40". Money never passes through float64: Rat gives the exact
// value for arithmetic and String the text Sophos sent. The zero value ""
// means absent.
type Decimal string

// ParseDecimal accepts an optional sign, digits and an optional fraction:
// "12", "-0.5", "1.40". Exponents, grouping and bare dots are refused.
func ParseDecimal(s string) (Decimal, error) {
	if !validDecimal(s) {
		return "", fmt.Errorf("%q is not a decimal number", truncate(s))
	}
	return Decimal(s), nil
}

func validDecimal(s string) bool {
	if len(s) == 0 || len(s) > maxDecimalLen {
		return false
	}
	if s[0] == '-' || s[0] == '+' {
		s = s[1:]
	}
	intDigits, dot, fracDigits := 0, false, 0
	for i := 0; i < len(s); i++ {
		switch ch := s[i]; {
		case ch >= '0' && ch <= '9' && !dot:
			intDigits++
		case ch >= '0' && ch <= '9':
			fracDigits++
		case ch == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return intDigits > 0 && (!dot || fracDigits > 0)
}

// String returns the decimal's text.
func (d Decimal) String() string { return string(d) }

// IsZero reports an absent value.
func (d Decimal) IsZero() bool { return d == "" }

// Rat returns the exact value, or nil for an absent or invalid decimal.
func (d Decimal) Rat() *big.Rat {
	if !validDecimal(string(d)) {
		return nil
	}
	r, ok := new(big.Rat).SetString(string(d))
	if !ok {
		return nil
	}
	return r
}

// UnmarshalJSON accepts a JSON string (the documented form) or a bare JSON
// number, keeping its exact text; null means absent.
func (d *Decimal) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = ""
		return nil
	}
	s := string(b)
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		if s == "" {
			*d = ""
			return nil
		}
	}
	v, err := ParseDecimal(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalJSON writes the decimal as a JSON string, as Sophos does.
func (d Decimal) MarshalJSON() ([]byte, error) { return json.Marshal(string(d)) }

// truncate shortens a bad value quoted in an error message.
func truncate(s string) string {
	if len(s) > maxDecimalLen {
		return s[:maxDecimalLen] + "…"
	}
	return s
}
