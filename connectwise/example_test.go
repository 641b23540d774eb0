package connectwise_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"centralpsa"
	"centralpsa/connectwise"
)

// Conditions are built from values, so a customer name cannot break out of
// its string literal.
func ExampleAnd() {
	c := connectwise.And(
		connectwise.Eq("name", "O'Brien & Sons"),
		connectwise.Eq("deletedFlag", false),
		connectwise.Gt("_info/lastUpdated", time.Date(2025, 1, 31, 23, 0, 0, 0, time.UTC)),
		connectwise.Not(connectwise.In("status/id", 3, 4)),
	)
	fmt.Println(c)
	// Output: name = "O'Brien & Sons" and deletedFlag = false and _info/lastUpdated > [2025-01-31T23:00:00Z] and status/id not in (3, 4)
}

// A create that may have been applied is reported, not retried: look the
// record up by its key before creating it again. (Compiled, not run: it
// needs a ConnectWise site.)
func ExampleTicketsService_Create() {
	cw, err := connectwise.New(connectwise.Options{
		URL:        "https://api-na.myconnectwise.net",
		Company:    "acme",
		PublicKey:  "public",
		PrivateKey: centralpsa.Secret("private"),
		ClientID:   "00000000-0000-0000-0000-000000000000",
	})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	const summary = "[Sophos] Malware detected"
	_, err = cw.Tickets.Create(ctx, &connectwise.Ticket{Summary: summary, Company: connectwise.Ref(250), Board: connectwise.Ref(1)})
	if errors.Is(err, connectwise.ErrOutcomeUnknown) {
		existing, err := cw.Tickets.List(ctx, &connectwise.ListOptions{
			Conditions: connectwise.And(connectwise.HasPrefix("summary", summary), connectwise.Eq("company/id", 250)),
		})
		fmt.Println(len(existing), err) // 1 ticket: it was created after all
	}
}
