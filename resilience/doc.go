// Package resilience holds no production code: its tests check how
// centralpsa behaves when the world misbehaves. The fault tests run the
// usage and ticket syncs against both emulators while they throttle,
// fail, reset connections, answer late or cut bodies short, and require
// the same end state as a fault-free run with nothing duplicated. The
// bad-input tests feed hostile or broken data to every decoder and input
// path and require a clear error, no panic and no wrong write.
//
// The tests live here, apart from the packages they exercise, because
// they cross every layer: clients, emulators, store and sync services.
package resilience
