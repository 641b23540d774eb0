// Package centralpsa holds the vocabulary shared by every part of the
// integration: error kinds, secrets and the version. It has no I/O, so the
// domain packages (usage, ticket, mapping) and the adapters (connectwise,
// sophos, store, web) can all import it without importing each other.
package centralpsa

import (
	"errors"
	"fmt"
	"log/slog"
)

// Version is the release of this build; it is sent in every User-Agent.
var Version = "0.1.0-dev"

// UserAgent names centralpsa and its version for upstream logs.
func UserAgent() string { return "centralpsa/" + Version }

// Kind classifies an error so the CLI can pick an exit status and the web
// layer an HTTP status without knowing where the error came from.
type Kind string

// The error kinds. Keep this list short: callers switch on it.
const (
	KindInvalid      Kind = "invalid"
	KindNotFound     Kind = "not_found"
	KindConflict     Kind = "conflict"
	KindUnauthorized Kind = "unauthorized"
	KindForbidden    Kind = "forbidden"
	KindUnavailable  Kind = "unavailable"
	KindInternal     Kind = "internal"
)

// Error is an error with a kind and a message meant for a person. Err keeps
// the cause for errors.Is/As and for logs.
type Error struct {
	Kind    Kind
	Message string
	Err     error
}

func (e *Error) Error() string {
	if e.Err == nil {
		return e.Message
	}
	if e.Message == "" {
		return e.Err.Error()
	}
	return e.Message + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an *Error of the given kind with a formatted message.
func Errorf(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// ErrorKind returns the kind of the first *Error in err's chain, or
// KindInternal when there is none.
func ErrorKind(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// Secret holds a credential. Every way of printing it prints a marker, so a
// secret that reaches a log line, an error or a JSON response stays hidden.
// Reveal is the one way to read it, and only the code that puts it on the
// wire should call it.
type Secret string

const redacted = "<secret>"

// Reveal returns the secret's value.
func (s Secret) Reveal() string { return string(s) }

// IsSet reports whether the secret has a value.
func (s Secret) IsSet() bool { return s != "" }

func (s Secret) String() string                { return s.mask() }
func (s Secret) GoString() string              { return s.mask() }
func (s Secret) LogValue() slog.Value          { return slog.StringValue(s.mask()) }
func (s Secret) MarshalJSON() ([]byte, error)  { return []byte(`"` + s.mask() + `"`), nil }
func (s Secret) Format(f fmt.State, verb rune) { fmt.Fprint(f, s.mask()) }

func (s Secret) mask() string {
	if s == "" {
		return ""
	}
	return redacted
}
