package store

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"centralpsa"
	"centralpsa/config"
)

// sealedPrefix marks a sealed value and its format version: "v1:" then
// base64(nonce || AES-256-GCM ciphertext), with the setting's key as
// additional data so a value cannot be moved to another setting.
const sealedPrefix = "v1:"

// errNoKey means no key was configured and the key file does not exist.
var errNoKey = errors.New("no secret key")

// keyring finds the sealing key. A key file is created only when the
// first secret is stored, so reading a database that holds no secrets
// (or a PostgreSQL one from a stray working directory) leaves no file.
type keyring struct {
	mu   sync.Mutex
	key  []byte
	path string // key file; "" when the key came from Options or is ephemeral
	log  *slog.Logger
}

func newKeyring(opts Options, defaultFile string) (*keyring, error) {
	k := &keyring{log: opts.Logger}
	switch {
	case opts.SecretKey.IsSet():
		key, err := parseKey(opts.SecretKey.Reveal())
		if err != nil {
			return nil, &centralpsa.Error{Kind: centralpsa.KindInvalid, Message: "invalid secret key (CENTRALPSA_SECRET_KEY)", Err: err}
		}
		k.key = key
	case opts.KeyFile != "":
		k.path = opts.KeyFile
	case defaultFile != "":
		k.path = defaultFile
	default:
		// An in-memory database dies with the process; so may its key.
		k.key = make([]byte, 32)
		rand.Read(k.key)
	}
	return k, nil
}

// parseKey decodes a 32-byte key written as hex (64 characters) or base64
// (standard or URL alphabet, padded or not). The error never repeats the
// input: it may be a real key with a typo.
func parseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if len(s) == 64 {
		if b, err := hex.DecodeString(s); err == nil {
			return b, nil
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding.Strict(), base64.RawStdEncoding.Strict(), base64.URLEncoding.Strict(), base64.RawURLEncoding.Strict()} {
		if b, err := enc.DecodeString(s); err == nil && len(b) == 32 {
			return b, nil
		}
	}
	return nil, errors.New(keyHelp)
}

const keyHelp = "the secret key must be 32 bytes written as base64 (44 characters) or hex (64 characters); generate one with `openssl rand -base64 32`"

// get returns the key, loading the key file, or creating it when create
// is set and it does not exist yet.
func (k *keyring) get(create bool) ([]byte, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.key != nil {
		return k.key, nil
	}
	key, err := k.readFile()
	if errors.Is(err, fs.ErrNotExist) && create {
		key, err = k.createFile()
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: set CENTRALPSA_SECRET_KEY or restore the key file %s", errNoKey, k.path)
	}
	if err != nil {
		return nil, err
	}
	k.key = key
	return key, nil
}

func (k *keyring) readFile() ([]byte, error) {
	b, err := os.ReadFile(k.path)
	if err != nil {
		return nil, err
	}
	key, err := parseKey(string(b))
	if err != nil {
		return nil, fmt.Errorf("key file %s: %w", k.path, err)
	}
	if fi, err := os.Stat(k.path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		k.log.Warn("secret key file is readable by other users; run chmod 600 on it", "path", k.path)
	}
	return key, nil
}

// createFile writes a new key to a temporary file and links it into
// place: the link fails if another process got there first, and then
// that process's key is the one to use. Nobody ever reads a half-written
// key file.
func (k *keyring) createFile() ([]byte, error) {
	key := make([]byte, 32)
	rand.Read(key)
	tmp, err := os.CreateTemp(filepath.Dir(k.path), ".centralpsa-key-*")
	if err != nil {
		return nil, fmt.Errorf("create key file: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.WriteString(base64.StdEncoding.EncodeToString(key) + "\n")
	if err == nil {
		err = tmp.Chmod(0o600)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("write key file: %w", err)
	}
	if err := os.Link(tmp.Name(), k.path); errors.Is(err, fs.ErrExist) {
		return k.readFile()
	} else if err != nil {
		return nil, fmt.Errorf("create key file %s: %w", k.path, err)
	}
	k.log.Info("generated secret key file; back it up with the database, or set CENTRALPSA_SECRET_KEY", "path", k.path)
	return key, nil
}

// seal encrypts value for the setting name.
func (k *keyring) seal(name, value string) (string, error) {
	key, err := k.get(true)
	if err != nil {
		return "", fmt.Errorf("encrypt %s: %w", name, err)
	}
	aead, err := newAEAD(key)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, aead.NonceSize())
	rand.Read(nonce)
	sealed := aead.Seal(nonce, nonce, []byte(value), []byte(name))
	return sealedPrefix + base64.StdEncoding.EncodeToString(sealed), nil
}

// open decrypts a sealed value of the setting name. Any failure is an
// error; it never returns a partial or garbled value.
func (k *keyring) open(name, stored string) (string, error) {
	fail := func(reason string, err error) error {
		return &centralpsa.Error{Kind: centralpsa.KindInvalid, Message: "cannot decrypt " + name + ": " + reason, Err: err}
	}
	raw, ok := strings.CutPrefix(stored, sealedPrefix)
	if !ok {
		return "", fail("the stored value is not sealed; set it again", nil)
	}
	sealed, err := base64.StdEncoding.DecodeString(raw)
	if err != nil {
		return "", fail("the stored value is damaged; set it again", nil)
	}
	key, err := k.get(false)
	if err != nil {
		return "", &centralpsa.Error{Kind: centralpsa.KindInvalid, Message: "cannot decrypt " + name, Err: err}
	}
	aead, err := newAEAD(key)
	if err != nil {
		return "", err
	}
	if len(sealed) < aead.NonceSize() {
		return "", fail("the stored value is damaged; set it again", nil)
	}
	plain, err := aead.Open(nil, sealed[:aead.NonceSize()], sealed[aead.NonceSize():], []byte(name))
	if err != nil {
		return "", fail("the secret key differs from the one used to store it", nil)
	}
	return string(plain), nil
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("secret key: %w", err)
	}
	return cipher.NewGCM(block)
}

// isSecret reports whether the setting must be sealed at rest.
func isSecret(name string) bool {
	s, ok := config.Lookup(name)
	return ok && s.Secret
}
