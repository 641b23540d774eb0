package storetest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"centralpsa"
	"centralpsa/store"
)

func exerciseUsers(t *testing.T, newDSN NewDSNFunc) {
	t.Run("CreateAndRead", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newDSN)
		ctx := t.Context()
		has, err := b.db.HasUsers(ctx)
		mustNoErr(t, err)
		if has {
			t.Fatal("HasUsers on a new database = true")
		}
		u, err := b.db.CreateUser(ctx, "admin", "$2a$hash")
		mustNoErr(t, err)
		if u.ID == 0 {
			t.Fatal("CreateUser returned no id")
		}
		_, err = b.db.CreateUser(ctx, "bob", "$2a$other")
		mustNoErr(t, err)
		has, err = b.db.HasUsers(ctx)
		mustNoErr(t, err)
		if !has {
			t.Fatal("HasUsers after CreateUser = false")
		}
		got, err := b.db.UserByName(ctx, "admin")
		mustNoErr(t, err)
		want := store.User{ID: u.ID, Username: "admin", PasswordHash: "$2a$hash", CreatedAt: stored(clockStart)}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("UserByName (-want +got):\n%s", diff)
		}
		list, err := b.db.Users(ctx)
		mustNoErr(t, err)
		if len(list) != 2 || list[0].Username != "admin" || list[1].Username != "bob" || list[0].PasswordHash != "" {
			t.Fatalf("Users() = %+v, want admin and bob without hashes", list)
		}
	})

	t.Run("ErrDuplicateAndMissing", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newDSN)
		ctx := t.Context()
		_, err := b.db.CreateUser(ctx, "admin", "h")
		mustNoErr(t, err)
		_, err = b.db.CreateUser(ctx, "admin", "h2")
		wantKind(t, err, centralpsa.KindConflict)
		_, err = b.db.UserByName(ctx, "Admin")
		wantKind(t, err, centralpsa.KindNotFound)
		_, err = b.db.CreateUser(ctx, " ", "h")
		wantKind(t, err, centralpsa.KindInvalid)
		wantKind(t, b.db.SetPassword(ctx, "nobody", "h"), centralpsa.KindNotFound)
	})

	t.Run("CreateFirstUserOnlyOnce", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newDSN)
		ctx := t.Context()
		u, err := b.db.CreateFirstUser(ctx, "admin", "h")
		mustNoErr(t, err)
		if u.ID == 0 || u.Username != "admin" {
			t.Fatalf("CreateFirstUser = %+v", u)
		}
		_, err = b.db.CreateFirstUser(ctx, "mallory", "h")
		wantKind(t, err, centralpsa.KindConflict)
		_, err = b.db.UserByName(ctx, "mallory")
		wantKind(t, err, centralpsa.KindNotFound)
	})

	t.Run("SessionLifecycle", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newDSN)
		ctx := t.Context()
		u, err := b.db.CreateUser(ctx, "admin", "h")
		mustNoErr(t, err)
		s := store.Session{IDHash: "abc", UserID: u.ID, CSRFToken: "csrf-1", ExpiresAt: b.clock.Now().Add(time.Hour)}
		mustNoErr(t, b.db.CreateSession(ctx, s))
		got, err := b.db.Session(ctx, "abc")
		mustNoErr(t, err)
		want := store.Session{IDHash: "abc", UserID: u.ID, Username: "admin", CSRFToken: "csrf-1",
			CreatedAt: stored(clockStart), ExpiresAt: stored(clockStart.Add(time.Hour))}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("Session (-want +got):\n%s", diff)
		}
		wantKind(t, b.db.CreateSession(ctx, s), centralpsa.KindConflict)

		mustNoErr(t, b.db.DeleteSession(ctx, "abc"))
		mustNoErr(t, b.db.DeleteSession(ctx, "abc"))
		_, err = b.db.Session(ctx, "abc")
		wantKind(t, err, centralpsa.KindNotFound)
	})

	t.Run("ExpiredSessionIsGone", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newDSN)
		ctx := t.Context()
		u, err := b.db.CreateUser(ctx, "admin", "h")
		mustNoErr(t, err)
		mustNoErr(t, b.db.CreateSession(ctx, store.Session{IDHash: "short", UserID: u.ID, CSRFToken: "c", ExpiresAt: b.clock.Now().Add(time.Minute)}))
		mustNoErr(t, b.db.CreateSession(ctx, store.Session{IDHash: "long", UserID: u.ID, CSRFToken: "c", ExpiresAt: b.clock.Now().Add(time.Hour)}))
		b.clock.Advance(2 * time.Minute)
		_, err = b.db.Session(ctx, "short")
		wantKind(t, err, centralpsa.KindNotFound)
		n, err := b.db.DeleteExpiredSessions(ctx)
		mustNoErr(t, err)
		if n != 1 {
			t.Fatalf("DeleteExpiredSessions removed %d, want 1", n)
		}
		_, err = b.db.Session(ctx, "long")
		mustNoErr(t, err)
	})

	t.Run("SetPasswordEndsSessions", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newDSN)
		ctx := t.Context()
		u, err := b.db.CreateUser(ctx, "admin", "old")
		mustNoErr(t, err)
		mustNoErr(t, b.db.CreateSession(ctx, store.Session{IDHash: "s", UserID: u.ID, CSRFToken: "c", ExpiresAt: b.clock.Now().Add(time.Hour)}))
		mustNoErr(t, b.db.SetPassword(ctx, "admin", "new"))
		got, err := b.db.UserByName(ctx, "admin")
		mustNoErr(t, err)
		if got.PasswordHash != "new" {
			t.Fatalf("hash = %q, want new", got.PasswordHash)
		}
		_, err = b.db.Session(ctx, "s")
		wantKind(t, err, centralpsa.KindNotFound)
	})

	t.Run("ErrSessionInvalid", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newDSN)
		ctx := t.Context()
		wantKind(t, b.db.CreateSession(ctx, store.Session{IDHash: "x", UserID: 1}), centralpsa.KindInvalid)
		// A session for a user that does not exist breaks the foreign key.
		err := b.db.CreateSession(ctx, store.Session{IDHash: "x", UserID: 999, CSRFToken: "c", ExpiresAt: b.clock.Now().Add(time.Hour)})
		wantKind(t, err, centralpsa.KindConflict)
	})
}
