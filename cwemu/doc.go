// Package cwemu emulates a ConnectWise Manage (PSA) site for tests and for
// `centralpsa emulate connectwise`: a stateful REST API 3.0 with the
// vendor's routing, authentication, paging, conditions language, write
// semantics, error bodies and security-role checks, as described in
// shared/docs/connectwise-api.md (§13 is its checklist).
//
// Every resource is declared once, in resources.go: its path, required
// fields, limits, references, security function and methods. Generic
// handlers serve them from an in-memory store of plain JSON objects, so
// the emulator never borrows the client's wire structs and agrees with
// the vendor's schema rather than with our own code (the conformance test
// checks responses against ConnectWise's published OpenAPI schemas).
//
// Tests start a seeded site with Start, steer it with Faults, SetRole and
// the record helpers, and read what the client did with Log and Records.
package cwemu
