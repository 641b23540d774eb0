// Package ticketsync carries out alert ticketing: for every mapped tenant
// with ticket sync on, it reads Sophos Central alerts, asks package ticket
// what each consolidation key needs, and creates, updates, reopens or
// closes ConnectWise tickets, keeping the link table in the store.
//
// Creation is idempotent. The ticket carries its key in externalXRef;
// before any create, and after any create whose answer was lost
// (connectwise.ErrOutcomeUnknown), the key is looked up in ConnectWise,
// and the intent is stored (pending_create) in the same unit of work as
// the decision, so a run after a crash finds the ticket instead of making
// a second one. Notes are checked against the ticket's notes before they
// are added, so a repeated run does not repeat them either.
//
// One tenant's failure (a 403 without Partner Assistance, say) is recorded
// on that tenant with advice, and the others go on.
//
// Tenants are synced tickets.concurrency at a time, paced by the clients'
// rate limiters, and the ConnectWise state of every open ticket is read for
// the whole run up front, 200 tickets a request, rather than per tenant:
// a pass over thousands of tenants costs a few ticket reads, not one each.
package ticketsync
