// Package clustertest runs the real centralpsa binary as child processes
// against the ConnectWise and Sophos emulators, which live in the test
// process so their state survives a killed child. It holds only tests:
//
//   - the crash test kills `centralpsa sync usage` with SIGKILL at a chosen
//     write (on SQLite and PostgreSQL), restarts it, and checks that the end
//     state equals an uninterrupted run's, with every write made once and
//     audited once;
//   - the cluster test runs two `centralpsa serve` processes on one
//     PostgreSQL database, checks that River shares the jobs between them,
//     fires periodic jobs once, and lets the survivor finish a job whose
//     process was killed.
//
// The binary is built once per `go test` run. Children see only the
// environment a test gives them, never the developer's CENTRALPSA_*
// variables. The PostgreSQL tests need CENTRALPSA_TEST_POSTGRES and skip,
// saying so, without it.
package clustertest
