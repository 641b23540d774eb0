package store

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
)

// FuzzParseKey: any input either fails, or decodes to 32 bytes that
// re-encode (in hex or one of the base64 alphabets) to the input. The
// error never repeats the input.
func FuzzParseKey(f *testing.F) {
	key := bytes.Repeat([]byte{0xab}, 32)
	f.Add(base64.StdEncoding.EncodeToString(key))
	f.Add(base64.RawURLEncoding.EncodeToString(key))
	f.Add(hex.EncodeToString(key))
	f.Add(" " + strings.ToUpper(hex.EncodeToString(key)) + "\n")
	f.Add("not a key")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseKey(s)
		if err != nil {
			if got != nil {
				t.Fatal("error with a partial key")
			}
			if msg := err.Error(); len(strings.TrimSpace(s)) > 3 && strings.Contains(msg, strings.TrimSpace(s)) && !strings.Contains(keyHelp, strings.TrimSpace(s)) {
				t.Fatalf("error %q repeats the input", msg)
			}
			return
		}
		if len(got) != 32 {
			t.Fatalf("key of %d bytes", len(got))
		}
		// base64 decoders skip line breaks inside the text.
		trimmed := strings.NewReplacer("\r", "", "\n", "").Replace(strings.TrimSpace(s))
		if strings.EqualFold(hex.EncodeToString(got), trimmed) {
			return
		}
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
			if enc.EncodeToString(got) == trimmed {
				return
			}
		}
		t.Fatalf("%q decoded to a key that does not spell it", s)
	})
}

// FuzzSeal: sealing round-trips any value, and a sealed value changed in
// any byte, or read under another setting name, fails rather than
// decrypting to something else.
func FuzzSeal(f *testing.F) {
	f.Add("cw.private_key", "pk-123", 5)
	f.Add("sophos.client_secret", "", 0)
	f.Add("x", "üñíçødé", 40)
	k := &keyring{key: bytes.Repeat([]byte{7}, 32), log: slog.New(slog.DiscardHandler)}
	f.Fuzz(func(t *testing.T, name, value string, flip int) {
		sealed, err := k.seal(name, value)
		if err != nil {
			t.Fatal(err)
		}
		got, err := k.open(name, sealed)
		if err != nil || got != value {
			t.Fatalf("round trip: %q, %v", got, err)
		}
		if got, err := k.open(name+"x", sealed); err == nil {
			t.Fatalf("opened under another name: %q", got)
		}
		b := []byte(sealed)
		i := len(sealedPrefix) + abs(flip)%(len(b)-len(sealedPrefix))
		b[i] ^= 0x01
		if got, err := k.open(name, string(b)); err == nil && got != value {
			t.Fatalf("tampered text opened to %q", got)
		}
	})
}

// FuzzOpenGarbage: arbitrary stored text fails with an error, never a
// panic or a value.
func FuzzOpenGarbage(f *testing.F) {
	f.Add("v1:")
	f.Add("v1:AAAA")
	f.Add("plain")
	f.Add("v1:" + base64.StdEncoding.EncodeToString(make([]byte, 40)))
	k := &keyring{key: bytes.Repeat([]byte{7}, 32), log: slog.New(slog.DiscardHandler)}
	f.Fuzz(func(t *testing.T, stored string) {
		if got, err := k.open("cw.private_key", stored); err == nil || got != "" {
			t.Fatalf("garbage %q opened to %q, %v", stored, got, err)
		}
	})
}

// FuzzRedactJSON: valid JSON comes out valid, unchanged unless it held a
// credential-like field, and with no credential value left; invalid JSON
// is an error with no output.
func FuzzRedactJSON(f *testing.F) {
	f.Add([]byte(`{"a":1}`))
	f.Add([]byte(`{"access_token":"abc","x":[{"Password":"p"}]}`))
	f.Add([]byte(`[1, {"client-secret": {"deep": true}}]`))
	f.Add([]byte(`{"a":1} {"b":2}`))
	f.Add([]byte(`12345678901234567890`))
	f.Fuzz(func(t *testing.T, in []byte) {
		out, err := redactJSON(in)
		if len(in) == 0 {
			if out != nil || err != nil {
				t.Fatalf("empty input gave %q, %v", out, err)
			}
			return
		}
		if !json.Valid(in) {
			if err == nil || out != nil {
				t.Fatalf("invalid JSON %q gave %q, %v", in, out, err)
			}
			return
		}
		if err != nil || !json.Valid(out) {
			t.Fatalf("valid JSON %q gave %q, %v", in, out, err)
		}
		var v any
		d := json.NewDecoder(bytes.NewReader(out))
		d.UseNumber()
		if err := d.Decode(&v); err != nil {
			t.Fatal(err)
		}
		if redactValue(v) {
			t.Fatalf("output %q still holds a credential-like field", out)
		}
		if !bytes.Contains(out, []byte("<secret>")) && !bytes.Equal(out, in) {
			t.Fatalf("%q rewritten to %q without masking anything", in, out)
		}
	})
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
