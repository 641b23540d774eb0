// Package bench measures centralpsa against the emulators at MSP scale, for
// `centralpsa bench` and docs/benchmarks.md.
//
// For each size it starts a ConnectWise and a Sophos Central emulator in
// this process, with the same sample customers, maps the tenants with the
// real `centralpsa map auto` and then runs the real binary as a child
// process for each measured phase (a first usage sync, a first ticket
// pass, a nightly usage sync after some quantities changed, a ticket pass
// after some alerts came and went), so the child's peak RSS and CPU time
// are its own and not the emulators'. The emulators add a fixed latency to
// every call and throttle like the vendors; centralpsa's client-side limits
// are set to the same rates.
//
// Each phase is set against what it must cost at least, computed here
// from the data (Minimum), and against a naive baseline (naive.go) run on
// a second pair of emulators holding the same data, so both start from
// the same state.
package bench
