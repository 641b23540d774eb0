package config

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"

	"centralpsa"
)

// Source says where a resolved value came from.
type Source string

const (
	SourceEnv     Source = "env"
	SourceDB      Source = "db"
	SourceDefault Source = "default"
	SourceUnset   Source = "unset"
)

// Store is where settings are kept between runs. The database implements
// it; nil means "no database", as for doctor run from the environment.
type Store interface {
	// Settings returns every stored key and value, secrets decrypted.
	Settings(ctx context.Context) (map[string]string, error)
}

// Value is one resolved setting as `config list` shows it.
type Value struct {
	Key    string
	Value  string
	Source Source
	Secret bool
}

// Display is the value as it may be printed: secrets masked.
func (v Value) Display() string {
	if v.Secret && v.Value != "" {
		return "********"
	}
	return v.Value
}

// Settings is a resolved, read-only set of values.
type Settings struct {
	values map[string]Value
}

// EnvFunc reads an environment variable; os.LookupEnv in production.
type EnvFunc func(string) (string, bool)

// Load resolves every registered key: environment over store over
// default. A nil env means os.LookupEnv; a nil store means none.
func Load(ctx context.Context, env EnvFunc, store Store) (*Settings, error) {
	if env == nil {
		env = os.LookupEnv
	}
	stored := map[string]string{}
	if store != nil {
		var err error
		if stored, err = store.Settings(ctx); err != nil {
			return nil, fmt.Errorf("read settings from the database: %w", err)
		}
	}
	s := &Settings{values: make(map[string]Value, len(Registry))}
	for _, def := range Registry {
		v := Value{Key: def.Key, Secret: def.Secret, Source: SourceUnset}
		if e, ok := env(def.EnvName()); ok && e != "" {
			v.Value, v.Source = e, SourceEnv
		} else if d, ok := stored[def.Key]; ok && !def.EnvOnly {
			v.Value, v.Source = d, SourceDB
		} else if def.Default != "" {
			v.Value, v.Source = def.Default, SourceDefault
		}
		s.values[def.Key] = v
	}
	return s, nil
}

// FromMap builds settings from literal values over the defaults, for tests
// and the demo.
func FromMap(m map[string]string) *Settings {
	s, _ := Load(context.Background(), func(string) (string, bool) { return "", false }, mapStore(m))
	for k, v := range m {
		if def, ok := Lookup(k); ok && def.EnvOnly {
			s.values[k] = Value{Key: k, Value: v, Source: SourceEnv}
		}
	}
	return s
}

type mapStore map[string]string

func (m mapStore) Settings(context.Context) (map[string]string, error) { return m, nil }

// Get returns the value of key ("" when unset). Keys must be registered.
func (s *Settings) Get(key string) string {
	v, ok := s.values[key]
	if !ok {
		panic("config: unregistered setting " + key)
	}
	return strings.TrimSpace(v.Value)
}

// Secret returns a secret setting wrapped so that it cannot be printed.
func (s *Settings) Secret(key string) centralpsa.Secret { return centralpsa.Secret(s.Get(key)) }

// Bool returns a boolean setting; an invalid value reads as false and is
// reported by Check.
func (s *Settings) Bool(key string) bool {
	b, _ := ParseBool(s.Get(key))
	return b
}

// Value returns key's resolved value with its source.
func (s *Settings) Value(key string) Value { return s.values[key] }

// List returns every setting in registry order.
func (s *Settings) List() []Value {
	out := make([]Value, 0, len(Registry))
	for _, def := range Registry {
		out = append(out, s.values[def.Key])
	}
	return out
}

// Problem is a setting that is missing or malformed, with the fix.
type Problem struct {
	Key     string
	Message string
}

func (p Problem) Error() string { return p.Key + ": " + p.Message }

// Check validates the given keys: each must be set (unless it has a
// default) and well-formed, and URLs must be https unless allow_http is
// on. Messages name the key and its environment variable.
func (s *Settings) Check(keys ...string) []Problem {
	var out []Problem
	for _, k := range keys {
		def, _ := Lookup(k)
		v := s.Get(k)
		if v == "" {
			out = append(out, Problem{k, fmt.Sprintf("not set: run `centralpsa config set %s VALUE` or set %s", k, def.EnvName())})
			continue
		}
		if err := checkText(v); err != nil {
			out = append(out, Problem{k, err.Error()})
			continue
		}
		if def.Validate != nil {
			if err := def.Validate(v); err != nil {
				out = append(out, Problem{k, err.Error()})
				continue
			}
		}
		if def.Validate != nil && isURL(v) == nil {
			if err := s.CheckScheme(v); err != nil {
				out = append(out, Problem{k, err.Error()})
			}
		}
	}
	return out
}

// CheckScheme refuses a plain-http URL unless allow_http is on: keys and
// tokens must not cross a network in clear text.
func (s *Settings) CheckScheme(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	if u.Scheme == "http" && !s.Bool("allow_http") {
		return fmt.Errorf("%s uses http://, which would send credentials in clear text; use https:// or, for a loopback emulator only, set CENTRALPSA_ALLOW_HTTP=1", raw)
	}
	return nil
}

// ValidateValue checks a value for key before it is stored.
func ValidateValue(key, value string) error {
	def, ok := Lookup(key)
	if !ok {
		return centralpsa.Errorf(centralpsa.KindInvalid, "unknown setting %q (see `centralpsa config list`)", key)
	}
	if def.EnvOnly {
		return centralpsa.Errorf(centralpsa.KindInvalid, "%s can only be set in the environment (%s)", key, def.EnvName())
	}
	if err := checkText(value); err != nil {
		return centralpsa.Errorf(centralpsa.KindInvalid, "%s: %v", key, err)
	}
	if def.Validate != nil {
		if err := def.Validate(value); err != nil {
			return centralpsa.Errorf(centralpsa.KindInvalid, "%s: %v", key, err)
		}
	}
	return nil
}

// ConnectWiseKeys are the settings a ConnectWise connection needs.
var ConnectWiseKeys = []string{"cw.url", "cw.company", "cw.public_key", "cw.private_key", "cw.client_id"}

// SophosKeys are the settings a Sophos Central connection needs.
var SophosKeys = []string{"sophos.client_id", "sophos.client_secret", "sophos.id_url", "sophos.api_url"}
