package store_test

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"

	"centralpsa/store"
)

type pingArgs struct{ Tenant string }

func (pingArgs) Kind() string { return "ping" }

// TestRiverSharesTx checks the promise in the package comment: River's
// SQLite driver runs its migrations on our pool and enqueues a job in our
// transaction, so the job commits or rolls back with the decision.
func TestRiverSharesTx(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "river.db"), store.Options{SecretKey: "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	driver := riversqlite.New(db.SQL())
	migrator, err := rivermigrate.New(driver, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		t.Fatalf("river migrations on the store's pool: %v", err)
	}
	client, err := river.NewClient(driver, &river.Config{SkipUnknownJobCheck: true})
	if err != nil {
		t.Fatal(err)
	}

	run, err := db.CreateRun(ctx, store.Run{Kind: store.RunKindTickets})
	if err != nil {
		t.Fatal(err)
	}
	errRollback := errors.New("roll back")
	for _, tenant := range []string{"kept", "rolled-back"} {
		err := db.Tx(ctx, func(tx *store.Tx) error {
			if err := tx.MarkOp(ctx, run, tenant, store.OpDone, nil); err != nil {
				return err
			}
			if _, err := client.InsertTx(ctx, tx.SQL(), pingArgs{Tenant: tenant}, nil); err != nil {
				return err
			}
			if tenant == "rolled-back" {
				return errRollback
			}
			return nil
		})
		if err != nil && !errors.Is(err, errRollback) {
			t.Fatalf("%s: %v", tenant, err)
		}
	}
	var jobs int
	if err := db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM river_job`).Scan(&jobs); err != nil {
		t.Fatal(err)
	}
	ops, err := db.Ops(ctx, run)
	if err != nil {
		t.Fatal(err)
	}
	if jobs != 1 || len(ops) != 1 || ops[0].Key != "kept" {
		t.Fatalf("got %d jobs and ops %+v; want exactly the committed one", jobs, ops)
	}
}
