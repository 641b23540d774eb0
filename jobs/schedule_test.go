package jobs

import (
	"testing"
	"time"
	_ "time/tzdata" // the DST cases must not depend on the machine's zoneinfo

	"centralpsa"
	"centralpsa/config"
)

func mustLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestScheduleNext(t *testing.T) {
	t.Parallel()
	berlin, newYork := mustLoc(t, "Europe/Berlin"), mustLoc(t, "America/New_York")
	at := func(loc *time.Location, y int, m time.Month, d, h, mi int) time.Time {
		return time.Date(y, m, d, h, mi, 0, 0, loc)
	}
	tests := []struct {
		name string
		s    Schedule
		from time.Time
		want time.Time
	}{
		{"DailyLaterToday", Daily{2, 0, berlin}, at(berlin, 2026, 5, 10, 1, 59), at(berlin, 2026, 5, 10, 2, 0)},
		{"DailyAtTheMinuteIsTomorrow", Daily{2, 0, berlin}, at(berlin, 2026, 5, 10, 2, 0), at(berlin, 2026, 5, 11, 2, 0)},
		{"DailyJustAfterIsTomorrow", Daily{2, 0, berlin}, at(berlin, 2026, 5, 10, 2, 0).Add(time.Nanosecond), at(berlin, 2026, 5, 11, 2, 0)},
		{"DailyYearEnd", Daily{23, 30, berlin}, at(berlin, 2026, 12, 31, 23, 45), at(berlin, 2027, 1, 1, 23, 30)},
		{"DailyFromUTCInstant", Daily{2, 0, berlin}, time.Date(2026, 5, 10, 0, 30, 0, 0, time.UTC), at(berlin, 2026, 5, 11, 2, 0)},
		// Clocks go forward 02:00→03:00: 02:30 does not exist that night and
		// runs at 03:30, the same instant as 02:30 in winter time.
		{"DailySpringGapBerlin", Daily{2, 30, berlin}, at(berlin, 2026, 3, 29, 1, 0), time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC)},
		{"DailySpringGapNewYork", Daily{2, 30, newYork}, at(newYork, 2026, 3, 8, 1, 0), time.Date(2026, 3, 8, 7, 30, 0, 0, time.UTC)},
		{"DailyAfterSpringGap", Daily{2, 30, berlin}, time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC), at(berlin, 2026, 3, 30, 2, 30)},
		// Clocks go back 03:00→02:00: 02:30 happens twice; the first one runs.
		{"DailyFallFoldBerlin", Daily{2, 30, berlin}, at(berlin, 2026, 10, 25, 1, 0), time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC)},
		{"DailyFallFoldNewYork", Daily{1, 30, newYork}, at(newYork, 2026, 11, 1, 0, 0), time.Date(2026, 11, 1, 5, 30, 0, 0, time.UTC)},
		{"DailyNotTwiceInFold", Daily{2, 30, berlin}, time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC), at(berlin, 2026, 10, 26, 2, 30)},
		{"DailyNotAgainInSecondPass", Daily{2, 30, berlin}, time.Date(2026, 10, 25, 1, 15, 0, 0, time.UTC), at(berlin, 2026, 10, 26, 2, 30)},

		{"MonthlyLaterThisMonth", Monthly{15, 2, 0, berlin}, at(berlin, 2026, 5, 10, 12, 0), at(berlin, 2026, 5, 15, 2, 0)},
		{"MonthlySameDayEarlier", Monthly{15, 2, 0, berlin}, at(berlin, 2026, 5, 15, 1, 0), at(berlin, 2026, 5, 15, 2, 0)},
		{"MonthlySameDayLater", Monthly{15, 2, 0, berlin}, at(berlin, 2026, 5, 15, 2, 0), at(berlin, 2026, 6, 15, 2, 0)},
		{"Monthly28InFebruary", Monthly{28, 2, 0, berlin}, at(berlin, 2027, 1, 28, 3, 0), at(berlin, 2027, 2, 28, 2, 0)},
		{"Monthly28InLeapFebruary", Monthly{28, 2, 0, berlin}, at(berlin, 2028, 2, 1, 0, 0), at(berlin, 2028, 2, 28, 2, 0)},
		{"Monthly28AfterFebruary", Monthly{28, 2, 0, berlin}, at(berlin, 2027, 2, 28, 2, 0), at(berlin, 2027, 3, 28, 2, 0)},
		{"MonthlyDecemberToJanuary", Monthly{1, 0, 5, berlin}, at(berlin, 2026, 12, 1, 0, 5), at(berlin, 2027, 1, 1, 0, 5)},
		{"MonthlyOnSpringGapDay", Monthly{29, 2, 30, berlin}, at(berlin, 2026, 3, 1, 0, 0), time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC)},

		{"Interval", Interval(2 * time.Minute), at(berlin, 2026, 5, 10, 23, 59), at(berlin, 2026, 5, 11, 0, 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := tt.s.Next(tt.from)
			if !got.Equal(tt.want) {
				t.Fatalf("Next(%s) = %s, want %s", tt.from, got, tt.want)
			}
		})
	}
}

// TestDailyOncePerDay walks two years of a daily schedule through both DST
// changes in several zones: it must fire exactly once per local date, at
// the wall time except on the night the time does not exist.
func TestDailyOncePerDay(t *testing.T) {
	t.Parallel()
	for _, zone := range []string{"Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC"} {
		for _, hm := range [][2]int{{0, 0}, {1, 30}, {2, 0}, {2, 30}, {23, 59}} {
			loc := mustLoc(t, zone)
			s := Daily{hm[0], hm[1], loc}
			cur := time.Date(2026, 1, 1, 0, 0, 0, 0, loc).Add(-time.Minute)
			prevDate := time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)
			for range 730 {
				next := s.Next(cur)
				if !next.After(cur) {
					t.Fatalf("%s %v: Next(%s) = %s is not after it", zone, hm, cur, next)
				}
				l := next.In(loc)
				date := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC)
				if !date.Equal(prevDate.AddDate(0, 0, 1)) {
					t.Fatalf("%s %v: after %s fired on %s, skipping or repeating a day", zone, hm, prevDate.Format(time.DateOnly), l)
				}
				if l.Hour() != hm[0] || l.Minute() != hm[1] {
					// Only a spring-forward night may move it, by the gap.
					if _, off := l.Zone(); off == zoneOffsetBefore(l) {
						t.Fatalf("%s %v: fired at %s", zone, hm, l)
					}
				}
				prevDate, cur = date, next
			}
		}
	}
}

// zoneOffsetBefore is the offset a day before t, to tell a DST night.
func zoneOffsetBefore(t time.Time) int {
	_, off := t.Add(-24 * time.Hour).Zone()
	return off
}

func TestParseUsageSchedule(t *testing.T) {
	t.Parallel()
	utc := time.UTC
	tests := []struct {
		schedule, clock string
		want            Schedule
		wantErr         bool
	}{
		{"nightly", "02:00", Daily{2, 0, utc}, false},
		{"", "23:15", Daily{23, 15, utc}, false},
		{" monthly:28 ", "04:05", Monthly{28, 4, 5, utc}, false},
		{"monthly:1", "00:00", Monthly{1, 0, 0, utc}, false},
		{"manual", "02:00", nil, false},
		{"monthly:29", "02:00", nil, true},
		{"monthly:0", "02:00", nil, true},
		{"monthly:x", "02:00", nil, true},
		{"weekly", "02:00", nil, true},
		{"nightly", "25:00", nil, true},
		{"nightly", "2am", nil, true},
	}
	for _, tt := range tests {
		got, err := ParseUsageSchedule(tt.schedule, tt.clock, utc)
		if tt.wantErr {
			if err == nil || centralpsa.ErrorKind(err) != centralpsa.KindInvalid {
				t.Errorf("ParseUsageSchedule(%q, %q) = %v, %v; want an invalid error", tt.schedule, tt.clock, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseUsageSchedule(%q, %q) = %#v, %v; want %#v", tt.schedule, tt.clock, got, err, tt.want)
		}
	}
}

func TestParseTicketInterval(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]time.Duration{"": 2 * time.Minute, "90s": 90 * time.Second, " 5m ": 5 * time.Minute} {
		if got, err := ParseTicketInterval(in); err != nil || time.Duration(got) != want {
			t.Errorf("ParseTicketInterval(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"0s", "-1m", "often", "5"} {
		if _, err := ParseTicketInterval(in); centralpsa.ErrorKind(err) != centralpsa.KindInvalid {
			t.Errorf("ParseTicketInterval(%q): err %v, want invalid", in, err)
		}
	}
}

func TestNextUsageSync(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 10, 12, 0, 0, 0, time.UTC)
	next, ok, err := NextUsageSync(config.FromMap(map[string]string{"usage.schedule": "monthly:3", "usage.time": "06:00"}), now, time.UTC)
	if err != nil || !ok || !next.Equal(time.Date(2026, 6, 3, 6, 0, 0, 0, time.UTC)) {
		t.Fatalf("NextUsageSync = %s, %v, %v", next, ok, err)
	}
	if _, ok, err := NextUsageSync(config.FromMap(map[string]string{"usage.schedule": "manual"}), now, time.UTC); ok || err != nil {
		t.Fatalf("manual: ok %v, err %v", ok, err)
	}
	next, ok, err = NextUsageSync(config.FromMap(nil), now, time.UTC)
	if err != nil || !ok || !next.Equal(time.Date(2026, 5, 11, 2, 0, 0, 0, time.UTC)) {
		t.Fatalf("default (nightly at 02:00) = %s, %v, %v", next, ok, err)
	}
}
