// Command centralpsa connects Sophos Central Partner to ConnectWise PSA:
// it checks the ConnectWise setup, maps customers, syncs usage for billing
// and alerts to tickets, and runs as a service with a web console.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := newApp(os.Stdout, os.Stderr, os.LookupEnv).run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}
