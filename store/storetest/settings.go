package storetest

import (
	"encoding/base64"
	"encoding/hex"
	"maps"
	"strings"
	"testing"

	"centralpsa"
	"centralpsa/store"
)

func exerciseSettings(t *testing.T, newDSN NewDSNFunc) {
	t.Run("RoundTrip", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newDSN)
		ctx := t.Context()
		want := map[string]string{"cw.company": "acme", "cw.private_key": "pk-123", "tickets.board": "Alerts"}
		for k, v := range want {
			mustNoErr(t, b.db.SetSetting(ctx, k, v))
		}
		want["cw.company"] = "acme2"
		mustNoErr(t, b.db.SetSetting(ctx, "cw.company", "acme2"))
		got, err := b.db.Settings(ctx)
		mustNoErr(t, err)
		if !maps.Equal(got, want) {
			t.Fatalf("Settings() = %v, want %v", got, want)
		}
	})

	t.Run("SecretsSealedAtRest", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newDSN)
		ctx := t.Context()
		plain := map[string]string{
			"cw.private_key":       "private-key-plaintext",
			"sophos.client_secret": "client-secret-plaintext",
			"cw.public_key":        "public-key-visible",
		}
		for k, v := range plain {
			mustNoErr(t, b.db.SetSetting(ctx, k, v))
		}
		for _, tt := range []struct {
			key    string
			sealed bool
		}{
			{"cw.private_key", true},
			{"sophos.client_secret", true},
			{"cw.public_key", false},
		} {
			raw := rawString(t, b.db, `SELECT value FROM settings WHERE name = ?`, tt.key)
			switch {
			case tt.sealed && (!strings.HasPrefix(raw, "v1:") || strings.Contains(raw, plain[tt.key]) ||
				strings.Contains(raw, base64.StdEncoding.EncodeToString([]byte(plain[tt.key])))):
				t.Errorf("%s stored as %q: want v1: sealed text without the plaintext", tt.key, raw)
			case !tt.sealed && raw != plain[tt.key]:
				t.Errorf("%s stored as %q, want it as is", tt.key, raw)
			}
		}

		first := rawString(t, b.db, `SELECT value FROM settings WHERE name = ?`, "cw.private_key")
		mustNoErr(t, b.db.SetSetting(ctx, "cw.private_key", plain["cw.private_key"]))
		if again := rawString(t, b.db, `SELECT value FROM settings WHERE name = ?`, "cw.private_key"); again == first {
			t.Error("sealing the same value twice gave the same text: the nonce is not fresh")
		}
	})

	t.Run("ErrWrongKey", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newDSN)
		mustNoErr(t, b.db.SetSetting(t.Context(), "cw.private_key", "pk-do-not-print"))

		other := b.opts
		other.SecretKey = centralpsa.Secret(newKey())
		_, err := b.reopen(t, other).Settings(t.Context())
		wantKind(t, err, centralpsa.KindInvalid)
		const want = "cannot decrypt cw.private_key: the secret key differs from the one used to store it"
		if !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "pk-do-not-print") {
			t.Fatalf("error = %q, want it to contain %q and no secret", err, want)
		}

		// The same key spelled in hex reads the value back.
		raw, _ := base64.StdEncoding.DecodeString(b.opts.SecretKey.Reveal())
		hexKey := b.opts
		hexKey.SecretKey = centralpsa.Secret(hex.EncodeToString(raw))
		got, err := b.reopen(t, hexKey).Settings(t.Context())
		mustNoErr(t, err)
		if got["cw.private_key"] != "pk-do-not-print" {
			t.Fatal("the hex spelling of the key did not decrypt the value")
		}
	})

	// A sealed value is bound to its setting: copied under another name,
	// it does not decrypt.
	t.Run("ErrSealedValueMoved", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newDSN)
		ctx := t.Context()
		mustNoErr(t, b.db.SetSetting(ctx, "cw.private_key", "pk"))
		mustNoErr(t, b.db.SetSetting(ctx, "sophos.client_secret", "cs"))
		sealed := rawString(t, b.db, `SELECT value FROM settings WHERE name = ?`, "cw.private_key")
		mustNoErr(t, rawExec(ctx, b.db, `UPDATE settings SET value = ? WHERE name = ?`, sealed, "sophos.client_secret"))
		_, err := b.db.Settings(ctx)
		wantKind(t, err, centralpsa.KindInvalid)
		if !strings.Contains(err.Error(), "cannot decrypt sophos.client_secret") {
			t.Fatalf("error = %q", err)
		}
	})

	t.Run("Delete", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newDSN)
		ctx := t.Context()
		mustNoErr(t, b.db.SetSetting(ctx, "tickets.board", "Alerts"))
		mustNoErr(t, b.db.DeleteSetting(ctx, "tickets.board"))
		got, err := b.db.Settings(ctx)
		mustNoErr(t, err)
		if _, ok := got["tickets.board"]; ok {
			t.Fatal("deleted setting still returned")
		}
		wantKind(t, b.db.DeleteSetting(ctx, "tickets.board"), centralpsa.KindNotFound)
	})

	t.Run("ErrEmptyKey", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newDSN)
		wantKind(t, b.db.SetSetting(t.Context(), "", "x"), centralpsa.KindInvalid)
	})
}

// The key file is only a fallback, so these tests open without SecretKey.
func exerciseSecretKey(t *testing.T, newDSN NewDSNFunc) {
	// keyFileOptions opens without a key: SQLite keeps its key file beside
	// the database; PostgreSQL would use the working directory, so tests
	// point it at a temporary one.
	keyFileOptions := func(t *testing.T, b *testBundle) (store.Options, string) {
		opts := b.opts
		opts.SecretKey = ""
		if b.db.Dialect() == store.DialectSQLite {
			return opts, b.dsn + ".key"
		}
		opts.KeyFile = t.TempDir() + "/centralpsa.key"
		return opts, opts.KeyFile
	}

	t.Run("KeyFileCreatedOnFirstSecret", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newDSN)
		opts, path := keyFileOptions(t, b)
		db := b.reopen(t, opts)
		ctx := t.Context()
		mustNoErr(t, db.SetSetting(ctx, "tickets.board", "Alerts"))
		if fileExists(path) {
			t.Fatal("key file created before any secret was stored")
		}
		mustNoErr(t, db.SetSetting(ctx, "cw.private_key", "pk"))
		if mode := fileMode(t, path); mode != 0o600 {
			t.Fatalf("key file mode %o, want 600", mode)
		}
		key := readFile(t, path)

		again := b.reopen(t, opts)
		got, err := again.Settings(ctx)
		mustNoErr(t, err)
		mustNoErr(t, again.SetSetting(ctx, "sophos.client_secret", "cs"))
		if got["cw.private_key"] != "pk" || readFile(t, path) != key {
			t.Fatal("reopening did not reuse the key file")
		}
	})

	t.Run("ErrKeyFileMissing", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newDSN)
		opts, path := keyFileOptions(t, b)
		mustNoErr(t, b.reopen(t, opts).SetSetting(t.Context(), "cw.private_key", "pk"))
		removeFile(t, path)

		_, err := b.reopen(t, opts).Settings(t.Context())
		wantKind(t, err, centralpsa.KindInvalid)
		if msg := err.Error(); !strings.Contains(msg, "CENTRALPSA_SECRET_KEY") || !strings.Contains(msg, path) {
			t.Fatalf("error = %q, want it to name CENTRALPSA_SECRET_KEY and %s", msg, path)
		}
		if fileExists(path) {
			t.Fatal("reading settings created a new key file")
		}
	})

	t.Run("Formats", func(t *testing.T) {
		t.Parallel()
		b := setup(t, newDSN)
		mustNoErr(t, b.db.SetSetting(t.Context(), "cw.private_key", "pk"))
		raw, _ := base64.StdEncoding.DecodeString(b.opts.SecretKey.Reveal())
		for _, tt := range []struct {
			name, key string
			ok        bool
		}{
			{"Base64", base64.StdEncoding.EncodeToString(raw), true},
			{"Base64URLUnpadded", base64.RawURLEncoding.EncodeToString(raw), true},
			{"HexUpper", strings.ToUpper(hex.EncodeToString(raw)), true},
			{"TrailingNewline", hex.EncodeToString(raw) + "\n", true},
			{"ErrShortBase64", base64.StdEncoding.EncodeToString(raw[:16]), false},
			{"ErrShortHex", hex.EncodeToString(raw)[:62], false},
			{"ErrPassphrase", "correct horse battery staple", false},
		} {
			t.Run(tt.name, func(t *testing.T) {
				opts := b.opts
				opts.SecretKey = centralpsa.Secret(tt.key)
				db, err := store.Open(t.Context(), b.dsn, opts)
				if !tt.ok {
					wantKind(t, err, centralpsa.KindInvalid)
					if strings.Contains(err.Error(), strings.TrimSpace(tt.key)) {
						t.Fatalf("error %q repeats the key", err)
					}
					return
				}
				mustNoErr(t, err)
				defer db.Close()
				got, err := db.Settings(t.Context())
				mustNoErr(t, err)
				if got["cw.private_key"] != "pk" {
					t.Fatal("key spelling did not decrypt")
				}
			})
		}
	})
}
