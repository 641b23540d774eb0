// Package ticketsync carries out alert ticketing: for every mapped tenant
// with ticket sync on, it reads Sophos Central alerts, asks package ticket
// what each consolidation key needs, and creates, updates, reopens or
// closes ConnectWise tickets, keeping the link table in the store.
//
// Creation is idempotent. The ticket carries its key in externalXRef.
// Before any create the key is looked up in the listing of the board's
// open tickets that the pass read at its start (one paged read for the
// whole pass; key by key in ConnectWise when that listing failed), and
// after any create whose answer was lost (connectwise.ErrOutcomeUnknown)
// it is looked up in ConnectWise again. The intent is stored
// (pending_create) before the POST, so a run after a crash settles it by
// asking ConnectWise instead of making a second ticket. A pass holds the
// store's ticket sync lease, so no other process creates tickets while a
// listing is in use. A note's digest is stored on its link before the note
// is added (NotePending) and cleared with the link after the action; only a
// run that finds it set reads the ticket's notes first, so a repeated run
// does not repeat a note either.
//
// One tenant's failure (a 403 without Partner Assistance, say) is recorded
// on that tenant with advice, and the others go on.
//
// Tenants are synced tickets.concurrency at a time, paced by the clients'
// rate limiters, and the ConnectWise state of the open tickets is read for
// the whole run up front (the board listing, then 200 tickets a request
// for those it did not show) rather than per tenant: a pass over thousands
// of tenants costs a few ticket reads, not one each.
package ticketsync
