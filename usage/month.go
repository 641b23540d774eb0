package usage

import (
	"fmt"
	"time"

	"centralpsa"
)

// Month is a billing month.
type Month struct {
	Year  int
	Month time.Month
}

// ParseMonth reads "YYYY-MM".
func ParseMonth(s string) (Month, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil {
		// Not wrapped: time's error repeats the input, which may be huge.
		return Month{}, centralpsa.Errorf(centralpsa.KindInvalid, "month %.40q is not YYYY-MM", s)
	}
	return Month{Year: t.Year(), Month: t.Month()}, nil
}

// MonthOf returns the month t falls in, in UTC.
func MonthOf(t time.Time) Month {
	t = t.UTC()
	return Month{Year: t.Year(), Month: t.Month()}
}

// IsZero reports whether the month is unset.
func (m Month) IsZero() bool { return m == Month{} }

func (m Month) valid() bool { return m.Year >= 1 && m.Year <= 9999 && m.Month >= 1 && m.Month <= 12 }

// String formats the month as "YYYY-MM".
func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, int(m.Month)) }

// FirstDay is the effective date of additions created for the month. It is
// a calendar date; the adapter decides how ConnectWise wants it written.
func (m Month) FirstDay() string { return m.String() + "-01" }

// Start is midnight UTC on the first day of the month.
func (m Month) Start() time.Time { return time.Date(m.Year, m.Month, 1, 0, 0, 0, 0, time.UTC) }

// MarshalText writes "YYYY-MM".
func (m Month) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText reads "YYYY-MM".
func (m *Month) UnmarshalText(b []byte) error {
	v, err := ParseMonth(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// Basis is which Sophos quantity is billed (setting usage.quantity).
type Basis string

// The bases; the empty Basis means BasisBillable.
const (
	BasisBillable Basis = "billable"
	BasisActual   Basis = "actual"
	BasisOrdered  Basis = "ordered"
)

// ZeroPolicy is what happens to an addition whose product has no usage any
// more (setting usage.zero_policy); the empty policy means ZeroPolicyZero.
type ZeroPolicy string

// The zero policies.
const (
	ZeroPolicyZero   ZeroPolicy = "zero"
	ZeroPolicyCancel ZeroPolicy = "cancel"
)

func (b Basis) orDefault() (Basis, error) {
	switch b {
	case "":
		return BasisBillable, nil
	case BasisBillable, BasisActual, BasisOrdered:
		return b, nil
	}
	return b, centralpsa.Errorf(centralpsa.KindInvalid, "usage.quantity %q is not billable, actual or ordered", string(b))
}

func (p ZeroPolicy) orDefault() (ZeroPolicy, error) {
	switch p {
	case "":
		return ZeroPolicyZero, nil
	case ZeroPolicyZero, ZeroPolicyCancel:
		return p, nil
	}
	return p, centralpsa.Errorf(centralpsa.KindInvalid, "usage.zero_policy %q is not zero or cancel", string(p))
}
