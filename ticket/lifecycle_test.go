package ticket

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var (
	t0  = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	day = 24 * time.Hour
)

// alert builds an open alert of tenant t1 on device d1, raised minutes
// after t0.
func alert(id string, sev Severity, minutes int, actions ...string) Alert {
	return Alert{ID: id, TenantID: "t1", Type: "Event::Endpoint::OutOfDate", Product: "endpoint", Severity: sev,
		Description: "PC-" + id + " is out of date.", DeviceID: "d1", DeviceType: "computer", DeviceName: "PC-1",
		RaisedAt: t0.Add(time.Duration(minutes) * time.Minute), AllowedActions: actions}
}

var key = Key("t1", "Event::Endpoint::OutOfDate", "d1", "")

func defaults() Settings {
	return Settings{MinSeverity: Low, CloseOnResolve: true, ReopenWindow: day}
}

func TestDecide(t *testing.T) {
	t.Parallel()
	now := t0.Add(2 * time.Hour)
	openLink := &Link{Key: key, TicketID: 7, State: StateOpen, AlertIDs: []string{"a1"}, Occurrences: 1, Severity: Medium,
		FirstSeen: t0, LastAlertAt: t0}
	closedLink := func(closedAt time.Time) *Link {
		return &Link{Key: key, TicketID: 7, State: StateClosed, AlertIDs: []string{"a1"}, Occurrences: 1, Severity: Medium,
			FirstSeen: t0, LastAlertAt: t0, ClosedAt: closedAt}
	}
	with := func(l *Link, f func(*Link)) *Link { c := *l; f(&c); return &c }
	tests := []struct {
		name     string
		link     *Link
		open     []Alert
		settings func(*Settings)
		want     Action // Note and Description are checked with noteHas
		noteHas  []string
	}{
		{name: "NoLinkNoAlerts", want: Action{Kind: Nothing}},
		{name: "NoLinkBelowMinSeverity", open: []Alert{alert("a1", Low, 0)},
			settings: func(s *Settings) { s.MinSeverity = Medium }, want: Action{Kind: Nothing}},
		{name: "NoLinkCreatesOneTicketForAllOccurrences", open: []Alert{alert("a2", High, 5), alert("a1", Medium, 0)},
			want: Action{Kind: Create, Summary: "Sophos Endpoint: Out of date on PC-1", Priority: High,
				Next: Link{Key: key, State: StateOpen, AlertIDs: []string{"a1", "a2"}, Occurrences: 2, Severity: High,
					FirstSeen: t0, LastAlertAt: t0.Add(5 * time.Minute)}},
			noteHas: []string{"PC-a1 is out of date.", "Other open alerts", "(alert a2)", "Alert id: a1"}},
		{name: "LinkWithoutTicketCreates", link: &Link{Key: key}, open: []Alert{alert("a1", Low, 0)},
			want: Action{Kind: Create, Summary: "Sophos Endpoint: Out of date on PC-1", Priority: Low,
				Next: Link{Key: key, State: StateOpen, AlertIDs: []string{"a1"}, Occurrences: 1, Severity: Low, FirstSeen: t0, LastAlertAt: t0}}},
		{name: "OpenSameAlertsNothing", link: openLink, open: []Alert{alert("a1", Medium, 0)},
			want: Action{Kind: Nothing, Next: *openLink}},
		{name: "OpenNewOccurrenceAppendsNote", link: openLink, open: []Alert{alert("a1", Medium, 0), alert("a2", Medium, 30)},
			want: Action{Kind: AppendNote, Next: with(openLink, func(l *Link) {
				l.AlertIDs, l.Occurrences, l.LastAlertAt = []string{"a1", "a2"}, 2, t0.Add(30*time.Minute)
			}).val()},
			noteHas: []string{"New occurrence of this alert", "2026-03-02 09:30:00 UTC, medium severity: PC-a2 is out of date. (alert a2)"}},
		{name: "OpenHigherSeverityRaisesPriority", link: openLink, open: []Alert{alert("a1", Medium, 0), alert("a2", High, 30)},
			want: Action{Kind: AppendNote, Priority: High, Next: with(openLink, func(l *Link) {
				l.AlertIDs, l.Occurrences, l.LastAlertAt, l.Severity = []string{"a1", "a2"}, 2, t0.Add(30*time.Minute), High
			}).val()},
			noteHas: []string{"Priority set for high severity"}},
		{name: "OpenNewAlertBelowMinIgnored", link: openLink, open: []Alert{alert("a1", Medium, 0), alert("a2", Low, 30)},
			settings: func(s *Settings) { s.MinSeverity = Medium }, want: Action{Kind: Nothing, Next: *openLink}},
		{name: "OpenTrackedBelowMinKeepsTicketOpen", link: openLink, open: []Alert{alert("a1", Medium, 0)},
			settings: func(s *Settings) { s.MinSeverity = High }, want: Action{Kind: Nothing, Next: *openLink}},
		{name: "OpenPartlyClearedForgetsGoneAlerts", link: with(openLink, func(l *Link) { l.AlertIDs = []string{"a1", "a2"} }),
			open: []Alert{alert("a2", Medium, 30)}, want: Action{Kind: Nothing, Next: with(openLink, func(l *Link) { l.AlertIDs = []string{"a2"} }).val()}},
		{name: "OpenAllGoneCloses", link: openLink,
			want:    Action{Kind: Close, Next: with(openLink, func(l *Link) { l.State, l.AlertIDs, l.ClosedAt = StateClosed, nil, now }).val()},
			noteHas: []string{"no longer lists", "a1", "Closing the ticket"}},
		{name: "OpenAllGoneWithoutCloseOnResolveResolves", link: openLink, settings: func(s *Settings) { s.CloseOnResolve = false },
			want:    Action{Kind: Resolve, Next: with(openLink, func(l *Link) { l.State, l.AlertIDs = StateResolved, nil }).val()},
			noteHas: []string{"stays open", "tickets.close_on_resolve"}},
		{name: "ResolvedStaysQuiet", link: with(openLink, func(l *Link) { l.State, l.AlertIDs = StateResolved, nil }),
			want: Action{Kind: Nothing, Next: with(openLink, func(l *Link) { l.State, l.AlertIDs = StateResolved, []string{} }).val()}},
		{name: "ResolvedRecursAppendsNote", link: with(openLink, func(l *Link) { l.State, l.AlertIDs = StateResolved, nil }),
			open: []Alert{alert("a3", Medium, 60)},
			want: Action{Kind: AppendNote, Next: with(openLink, func(l *Link) {
				l.AlertIDs, l.Occurrences, l.LastAlertAt = []string{"a3"}, 2, t0.Add(time.Hour)
			}).val()},
			noteHas: []string{"back after it was resolved"}},
		{name: "ClosedRecursWithinWindowReopens", link: closedLink(now.Add(-23 * time.Hour)), open: []Alert{alert("a3", Low, 60)},
			want: Action{Kind: Reopen, Priority: Low, Next: Link{Key: key, TicketID: 7, State: StateOpen, AlertIDs: []string{"a1", "a3"},
				Occurrences: 2, Severity: Low, FirstSeen: t0, LastAlertAt: t0.Add(time.Hour)}},
			noteHas: []string{"Reopened", "(alert a3)", "Priority set for low severity"}},
		{name: "ClosedRecursAfterWindowCreates", link: closedLink(now.Add(-25 * time.Hour)), open: []Alert{alert("a3", Medium, 60)},
			want: Action{Kind: Create, Summary: "Sophos Endpoint: Out of date on PC-1", Priority: Medium,
				Next: Link{Key: key, State: StateOpen, AlertIDs: []string{"a3"}, Occurrences: 1, Severity: Medium,
					FirstSeen: t0.Add(time.Hour), LastAlertAt: t0.Add(time.Hour)}},
			noteHas: []string{"previous ticket for this alert, #7"}},
		{name: "ClosedReopenDaysZeroCreates", link: closedLink(now), open: []Alert{alert("a3", Medium, 60)},
			settings: func(s *Settings) { s.ReopenWindow = 0 },
			want: Action{Kind: Create, Summary: "Sophos Endpoint: Out of date on PC-1", Priority: Medium,
				Next: Link{Key: key, State: StateOpen, AlertIDs: []string{"a3"}, Occurrences: 1, Severity: Medium,
					FirstSeen: t0.Add(time.Hour), LastAlertAt: t0.Add(time.Hour)}}},
		{name: "ClosedTrackedAlertIsNotNew", link: closedLink(now.Add(-time.Hour)), open: []Alert{alert("a1", Medium, 0)},
			want: Action{Kind: Nothing, Next: *closedLink(now.Add(-time.Hour))}},
		{name: "ClosedKeepsAlertIDsWhenListIsPartial", link: closedLink(now.Add(-time.Hour)),
			want: Action{Kind: Nothing, Next: *closedLink(now.Add(-time.Hour))}},
		{name: "ClosedByPersonIsRecorded", link: with(openLink, func(l *Link) { l.ClosedInPSA = true }),
			open: []Alert{alert("a1", Medium, 0, "acknowledge")},
			want: Action{Kind: RecordClose, Next: *closedLink(now)}},
		{name: "ClosedByPersonAcknowledgesWhenAllowed",
			link:     with(openLink, func(l *Link) { l.ClosedInPSA, l.AlertIDs = true, []string{"a1", "a2"} }),
			open:     []Alert{alert("a1", Medium, 0, "acknowledge"), alert("a2", Medium, 1, "clearThreat")},
			settings: func(s *Settings) { s.AcknowledgeOnClose = true },
			want: Action{Kind: RecordClose, Acknowledge: []string{"a1"},
				Next: *with(closedLink(now), func(l *Link) { l.AlertIDs = []string{"a1", "a2"} })},
			noteHas: []string{"closed in ConnectWise", "a1"}},
		{name: "ClosedByPersonWithNewAlertReopens", link: with(openLink, func(l *Link) { l.ClosedInPSA = true }),
			open: []Alert{alert("a1", Medium, 0), alert("a2", Medium, 90)},
			want: Action{Kind: Reopen, Next: Link{Key: key, TicketID: 7, State: StateOpen, AlertIDs: []string{"a1", "a2"},
				Occurrences: 2, Severity: Medium, FirstSeen: t0, LastAlertAt: t0.Add(90 * time.Minute)}}},
		{name: "DeletedTicketWithNewAlertCreates", link: with(openLink, func(l *Link) { l.GoneInPSA = true }),
			open: []Alert{alert("a2", High, 90)},
			want: Action{Kind: Create, Summary: "Sophos Endpoint: Out of date on PC-1", Priority: High,
				Next: Link{Key: key, State: StateOpen, AlertIDs: []string{"a2"}, Occurrences: 1, Severity: High,
					FirstSeen: t0.Add(90 * time.Minute), LastAlertAt: t0.Add(90 * time.Minute)}}},
		{name: "DuplicateListingCountsOnce", open: []Alert{alert("a1", Medium, 0), alert("a1", Medium, 0)},
			want: Action{Kind: Create, Summary: "Sophos Endpoint: Out of date on PC-1", Priority: Medium,
				Next: Link{Key: key, State: StateOpen, AlertIDs: []string{"a1"}, Occurrences: 1, Severity: Medium, FirstSeen: t0, LastAlertAt: t0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := defaults()
			if tt.settings != nil {
				tt.settings(&s)
			}
			got := Decide(tt.link, tt.open, now, s)
			text := got.Note + got.Description
			for _, want := range tt.noteHas {
				if !strings.Contains(text, want) {
					t.Errorf("note/description lacks %q:\n%s", want, text)
				}
			}
			if (got.Kind != Nothing && got.Kind != RecordClose && got.Kind != Create) && got.Note == "" {
				t.Errorf("%s without a note", got.Kind)
			}
			got.Note, got.Description = "", ""
			if diff := cmp.Diff(tt.want, got, cmp.Comparer(func(a, b []string) bool {
				return len(a) == len(b) && (len(a) == 0 || cmp.Equal(a, b))
			})); diff != "" {
				t.Fatalf("Decide (-want +got):\n%s", diff)
			}
		})
	}
}

func (l *Link) val() Link { return *l }

// TestDecideIgnoresListingOrder: Sophos lists alerts in any order; the
// decision and every text in it must not depend on it.
func TestDecideIgnoresListingOrder(t *testing.T) {
	t.Parallel()
	link := &Link{Key: key, TicketID: 7, State: StateOpen, AlertIDs: []string{"a1"}, Severity: Medium}
	open := []Alert{alert("a1", Medium, 0), alert("a2", Medium, 5), alert("a3", High, 5), alert("a4", Low, 9)}
	first := Decide(link, open, t0, defaults())
	r := rand.New(rand.NewPCG(1, 2))
	for range 20 {
		r.Shuffle(len(open), func(i, j int) { open[i], open[j] = open[j], open[i] })
		if got := Decide(link, open, t0, defaults()); !cmp.Equal(first, got) {
			t.Fatalf("order changed the decision:\n%s", cmp.Diff(first, got))
		}
	}
}

func TestDecideDoesNotModifyInput(t *testing.T) {
	t.Parallel()
	link := &Link{Key: key, TicketID: 7, State: StateOpen, AlertIDs: []string{"a2", "a1"}, ClosedInPSA: true}
	before := *link
	before.AlertIDs = []string{"a2", "a1"}
	open := []Alert{alert("a3", High, 5), alert("a1", Medium, 0)}
	Decide(link, open, t0, defaults())
	if !cmp.Equal(before, *link) || open[0].ID != "a3" {
		t.Fatalf("Decide changed its input: %+v", link)
	}
}
