// Package emu is the plumbing shared by the ConnectWise and Sophos
// emulators: scripted fault injection, a request log that tests assert on,
// a per-client rate limiter, a control path under /_emulator/ kept apart
// from the emulated API, and a loopback server. Each emulator supplies its
// own vendor-shaped bodies; this package knows nothing of either vendor.
package emu
