package sophosemu

import (
	"fmt"
	"strconv"
	"testing"
	"time"
)

// FuzzParseKey: a key is accepted only if it is exactly what the emulator
// would hand out for the offset it decodes to.
func FuzzParseKey(f *testing.F) {
	for _, k := range []string{"", "2000000000000", "2000000000100", "02000000000100", "+2000000000001", "abc", "-1", "9223372036854775807"} {
		f.Add(k)
	}
	f.Fuzz(func(t *testing.T, key string) {
		pq, err := parseKeyQuery("", key, "", 100)
		if err != nil {
			return
		}
		if key == "" {
			if pq.offset != 0 {
				t.Fatalf("empty key gave offset %d", pq.offset)
			}
			return
		}
		if pq.offset < 0 || strconv.FormatInt(keyBase+int64(pq.offset), 10) != key || pq.fromKey != key {
			t.Fatalf("key %q accepted as offset %d", key, pq.offset)
		}
	})
}

// FuzzParseMonth: an accepted year/month is four digits and a month
// 1–12 written with at most one leading zero, and nothing else.
func FuzzParseMonth(f *testing.F) {
	for _, s := range [][2]string{{"2025", "8"}, {"2025", "08"}, {"2025", "008"}, {"-202", "1"}, {"2025", "+1"}, {"２０２５", "1"}, {"2025", "13"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, year, month string) {
		m, ok := parseMonth(year, month)
		if !ok {
			return
		}
		if fmt.Sprintf("%04d", m.year) != year || m.month < time.January || m.month > time.December {
			t.Fatalf("%q/%q accepted as %+v", year, month, m)
		}
		if s := strconv.Itoa(int(m.month)); s != month && "0"+s != month {
			t.Fatalf("%q/%q accepted as month %d", year, month, m.month)
		}
	})
}

// FuzzParseTime: accepted times are UTC and survive a format round trip.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2021-02-12T10:00:00.000", "2020-11-04T09:31:17.546Z", "2021-02-12", "2021-02-12T10:00:00+02:00", "yesterday"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tm, err := parseTime(s)
		if err != nil {
			return
		}
		if tm.Location() != time.UTC {
			t.Fatalf("%q parsed into %v", s, tm.Location())
		}
		if back, err := parseTime(tm.Format(time.RFC3339Nano)); err != nil || !back.Equal(tm) {
			t.Fatalf("%q: round trip gave %v, %v", s, back, err)
		}
	})
}
