// Package ticket is the pure core of alert ticketing: how a Sophos Central
// alert is named in ConnectWise (its consolidation key and external
// reference), what its ticket says (summary, description, notes), and the
// lifecycle rule that turns the alerts open now and the ticket linked to
// a key into one Action: create, append a note, reopen, close, or nothing.
//
// It does no I/O. Package ticketsync reads alerts and tickets, calls
// Decide, carries out the Action and stores the Link it returns.
//
// The rules follow contract.md ("Ticket consolidation"): one open ticket
// per key (tenant + alert type + device, or the alert's groupKey when it
// has no device); repeats append notes; the priority follows the highest
// severity among the key's open alerts; when no alert remains the ticket
// is closed (or, with close_on_resolve off, told so and left open); a key
// that recurs within the reopen window reopens its ticket, after that it
// gets a new one.
package ticket
