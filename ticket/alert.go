package ticket

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"time"
	"unicode/utf16"
)

// Alert is what ticketing needs of a Sophos Central alert, independent of
// the client's wire struct.
type Alert struct {
	ID          string
	TenantID    string
	TenantName  string
	Type        string // e.g. Event::Endpoint::OutOfDate
	Category    string
	Product     string
	Severity    Severity
	Description string
	GroupKey    string
	DeviceID    string // managedAgent.id; "" when the alert has no device
	DeviceType  string // managedAgent.type: computer, server, …
	DeviceName  string
	PersonName  string
	RaisedAt    time.Time
	// AllowedActions are the actions Sophos accepts on the alert.
	AllowedActions []string
}

// Key is the alert's consolidation key.
func (a Alert) Key() string { return Key(a.TenantID, a.Type, a.DeviceID, a.GroupKey) }

// Allows reports whether Sophos accepts action on the alert.
func (a Alert) Allows(action string) bool { return slices.Contains(a.AllowedActions, action) }

// Key is the consolidation key of an alert: tenant, alert type and device
// (managedAgent.id), or the alert's groupKey when it has no device
// (contract.md). Ids are lower-cased because Sophos does not promise one
// case for them (doc §13); the type and the groupKey (base64) are kept as
// they are. Tenant ids and types never contain "/", so the key reads back
// unambiguously.
func Key(tenantID, alertType, deviceID, groupKey string) string {
	device := strings.ToLower(strings.TrimSpace(deviceID))
	if device == "" {
		device = "group:" + groupKey
	}
	return strings.ToLower(strings.TrimSpace(tenantID)) + "/" + alertType + "/" + device
}

// MaxXRef is the length limit of a ticket's externalXRef (doc §10.17).
const MaxXRef = 100

// xrefHashPrefix marks an external reference that is a digest of a key too
// long (or too odd) to be written as it is.
const xrefHashPrefix = "centralpsa:sha256:"

// XRef is the value written into the ticket's externalXRef so the ticket
// can be found by its key after a lost response (doc §7.2). A key that
// fits is used as it is, so a technician can read it; a longer one, or one
// holding a quote character (which a condition literal may not be able to
// hold, doc §4.1) or anything but printable ASCII, is replaced by its
// SHA-256.
func XRef(key string) string {
	if len(key) <= MaxXRef && plainASCII(key) {
		return key
	}
	sum := sha256.Sum256([]byte(key))
	return xrefHashPrefix + hex.EncodeToString(sum[:])
}

func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c > '~' || c == '"' || c == '\'' {
			return false
		}
	}
	return true
}

// utf16Len is a string's length as ConnectWise (.NET) counts characters:
// in UTF-16 code units, so an emoji counts twice.
func utf16Len(s string) int {
	n := 0
	for _, r := range s { // invalid bytes range as U+FFFD, one unit
		n += utf16.RuneLen(r)
	}
	return n
}
