package jobs

import (
	"strconv"
	"strings"
	"time"

	"centralpsa"
	"centralpsa/config"
)

// Schedule says when a periodic job runs next. Next must return a time
// strictly after its argument. (It is river.PeriodicSchedule, declared here
// so that callers need not import River.)
type Schedule interface {
	Next(time.Time) time.Time
}

// Daily runs every day at a wall-clock time in Loc.
type Daily struct {
	Hour, Minute int
	Loc          *time.Location
}

// Next is the first Hour:Minute in Loc after t. See wallTime for the two
// days a year when that wall-clock time happens twice or not at all.
func (s Daily) Next(t time.Time) time.Time {
	loc := orLocal(s.Loc)
	y, m, d := t.In(loc).Date()
	for i := 0; ; i++ {
		if c := wallTime(y, m, d+i, s.Hour, s.Minute, loc); c.After(t) {
			return c
		}
	}
}

// Monthly runs on Day of every month at a wall-clock time in Loc. Day is
// 1 to 28 so that every month has it.
type Monthly struct {
	Day, Hour, Minute int
	Loc               *time.Location
}

// Next is the first Day, Hour:Minute in Loc after t.
func (s Monthly) Next(t time.Time) time.Time {
	loc := orLocal(s.Loc)
	y, m, _ := t.In(loc).Date()
	for i := 0; ; i++ {
		if c := wallTime(y, m+time.Month(i), s.Day, s.Hour, s.Minute, loc); c.After(t) {
			return c
		}
	}
}

// Interval runs every fixed duration.
type Interval time.Duration

// Next is t plus the interval.
func (s Interval) Next(t time.Time) time.Time { return t.Add(time.Duration(s)) }

// wallTime is the instant the wall clock in loc shows y-m-d h:mi (day and
// month may overflow; they normalize like time.Date). time.Date leaves the
// two DST edge cases unspecified, and does pick differently from one zone
// to another, so they are settled here:
//
//   - a time that happens twice (clocks go back) is its first occurrence,
//     so a schedule fires once that day;
//   - a time that does not exist (clocks go forward) is read with the
//     offset before the change, which moves it later by the gap (02:30
//     becomes 03:30), so a schedule still fires that day.
func wallTime(y int, m time.Month, d, h, mi int, loc *time.Location) time.Time {
	naive := time.Date(y, m, d, h, mi, 0, 0, time.UTC)
	// The zone's offsets a day either side of the wall time cover both
	// sides of any transition near it.
	_, before := naive.Add(-24 * time.Hour).In(loc).Zone()
	_, after := naive.Add(24 * time.Hour).In(loc).Zone()
	var best time.Time
	for _, off := range []int{before, after} {
		u := naive.Add(-time.Duration(off) * time.Second).In(loc)
		if sameWall(u, naive) && (best.IsZero() || u.Before(best)) {
			best = u
		}
	}
	if best.IsZero() {
		best = naive.Add(-time.Duration(before) * time.Second).In(loc)
	}
	return best
}

func sameWall(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd && a.Hour() == b.Hour() && a.Minute() == b.Minute()
}

func orLocal(loc *time.Location) *time.Location {
	if loc == nil {
		return time.Local
	}
	return loc
}

// ParseUsageSchedule reads usage.schedule ("nightly", "monthly:DAY" or
// "manual") and usage.time ("HH:MM"). It returns a nil Schedule for manual.
func ParseUsageSchedule(schedule, clock string, loc *time.Location) (Schedule, error) {
	at, err := time.Parse("15:04", strings.TrimSpace(clock))
	if err != nil {
		return nil, centralpsa.Errorf(centralpsa.KindInvalid, "usage.time: %q is not a time of day such as 02:00", clock)
	}
	schedule = strings.TrimSpace(schedule)
	switch {
	case schedule == "" || schedule == "nightly":
		return Daily{Hour: at.Hour(), Minute: at.Minute(), Loc: loc}, nil
	case schedule == "manual":
		return nil, nil
	case strings.HasPrefix(schedule, "monthly:"):
		day, err := strconv.Atoi(strings.TrimPrefix(schedule, "monthly:"))
		if err != nil || day < 1 || day > 28 {
			return nil, centralpsa.Errorf(centralpsa.KindInvalid, "usage.schedule: %q: the day in monthly:DAY must be 1 to 28", schedule)
		}
		return Monthly{Day: day, Hour: at.Hour(), Minute: at.Minute(), Loc: loc}, nil
	}
	return nil, centralpsa.Errorf(centralpsa.KindInvalid, "usage.schedule: %q is not nightly, monthly:DAY or manual", schedule)
}

// ParseTicketInterval reads tickets.poll_interval ("" means the 2m default).
func ParseTicketInterval(v string) (Interval, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		v = "2m"
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, centralpsa.Errorf(centralpsa.KindInvalid, "tickets.poll_interval: %q is not a positive duration such as 2m", v)
	}
	return Interval(d), nil
}

// NextUsageSync is when the schedule in settings next starts a usage sync
// after now, for the console and `config list`; ok is false for manual.
func NextUsageSync(settings *config.Settings, now time.Time, loc *time.Location) (next time.Time, ok bool, err error) {
	s, err := ParseUsageSchedule(settings.Get("usage.schedule"), settings.Get("usage.time"), loc)
	if err != nil || s == nil {
		return time.Time{}, false, err
	}
	return s.Next(now), true, nil
}

// schedules reads both schedules from settings; a nil Schedule means none.
func schedules(settings *config.Settings, loc *time.Location) (usage, tickets Schedule, err error) {
	usage, err = ParseUsageSchedule(settings.Get("usage.schedule"), settings.Get("usage.time"), loc)
	if err != nil {
		return nil, nil, err
	}
	interval, err := ParseTicketInterval(settings.Get("tickets.poll_interval"))
	if err != nil {
		return nil, nil, err
	}
	return usage, interval, nil
}
