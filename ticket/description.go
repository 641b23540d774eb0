package ticket

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// CentralURL is the Sophos Central console the device links point into.
const CentralURL = "https://central.sophos.com"

// DeviceURL is the link to an endpoint's page in Sophos Central, for
// computers and servers only, as Sophos's own integration does
// (integration-behaviour §b.9); ok is false for every other device.
//
// The URL format is not documented anywhere (sophos-central-api.md §9.2
// and open question 14.9): the paths below follow the console's
// "Devices > Computers/Servers" pages as seen in the product, and a
// partner reaches them after launching the customer's console. This is
// the one place to change when the real format is confirmed.
func DeviceURL(deviceType, deviceID string) (link string, ok bool) {
	if deviceID == "" {
		return "", false
	}
	id := url.PathEscape(strings.ToLower(deviceID))
	switch strings.ToLower(deviceType) {
	case "computer":
		return CentralURL + "/manage/endpoint/devices/computers/" + id, true
	case "server":
		return CentralURL + "/manage/server/devices/servers/" + id, true
	}
	return "", false
}

// MaxText bounds each free text an alert brings into a ticket or note
// (its description, device and person names), in UTF-16 code units.
// ConnectWise documents no limit for descriptions and notes, but a server
// refuses a body of megabytes, and a ticket that can never be created
// would fail its tenant on every run.
const MaxText = 2000

// bound cuts s to MaxText, without converting all of a huge s first.
func bound(s string) string {
	if len(s) > 4*MaxText { // 4*MaxText bytes hold at least MaxText code units
		s = s[:4*MaxText]
	}
	return Truncate(s, MaxText)
}

// Description is the ticket's initial description: the alert's own text
// followed by every field a technician needs, the device link for
// endpoints, and how centralpsa will keep the ticket up to date.
// ConnectWise may turn line breaks into spaces (doc §8, uncertain), so
// each field starts with its label and stays readable on one line.
func Description(a Alert) string { return describe(a, "") }

// describe is Description with extra paragraphs before the closing line.
func describe(a Alert, extra string) string {
	var b strings.Builder
	if d := bound(strings.TrimSpace(a.Description)); d != "" {
		b.WriteString(d + "\n\n")
	}
	field := func(label, value string) {
		if value = bound(strings.TrimSpace(value)); value != "" {
			fmt.Fprintf(&b, "%s: %s\n", label, value)
		}
	}
	field("Severity", a.Severity.Title())
	field("Category", a.Category)
	field("Product", a.Product)
	field("Alert type", a.Type)
	field("Device", device(a))
	field("Person", a.PersonName)
	field("Raised at", stamp(a.RaisedAt))
	field("Alert id", a.ID)
	field("Customer", customer(a))
	if link, ok := DeviceURL(a.DeviceType, a.DeviceID); ok {
		field("Device in Sophos Central", link)
	}
	if extra != "" {
		b.WriteString("\n" + extra)
	}
	b.WriteString("\nOpened by centralpsa from a Sophos Central alert. New occurrences on the same device are added as notes; " +
		"the ticket is closed when Sophos Central no longer lists the alert.")
	return b.String()
}

func device(a Alert) string {
	var parts []string
	if a.DeviceType != "" {
		parts = append(parts, a.DeviceType)
	}
	if a.DeviceID != "" {
		parts = append(parts, "id "+a.DeviceID)
	}
	switch {
	case a.DeviceName != "" && len(parts) > 0:
		return a.DeviceName + " (" + strings.Join(parts, ", ") + ")"
	case a.DeviceName != "":
		return a.DeviceName
	}
	return strings.Join(parts, ", ")
}

func customer(a Alert) string {
	switch {
	case a.TenantName != "" && a.TenantID != "":
		return a.TenantName + " (tenant " + a.TenantID + ")"
	case a.TenantID != "":
		return "tenant " + a.TenantID
	}
	return a.TenantName
}

// stamp writes a time the way every note does: UTC, to the second.
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

// occurrences lists alerts one per line, for notes.
func occurrences(alerts []Alert) string {
	var b strings.Builder
	for _, a := range alerts {
		fmt.Fprintf(&b, "- %s, %s severity: %s (alert %s)\n", stamp(a.RaisedAt), a.Severity, alertText(a), bound(a.ID))
	}
	return b.String()
}

// alertText is what an occurrence line says about the alert.
func alertText(a Alert) string {
	if d := clean(bound(a.Description)); d != "" {
		return d
	}
	return TypeWords(bound(a.Type))
}
