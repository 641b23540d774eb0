package ticket

import (
	"strings"
	"testing"
)

func TestKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                          string
		tenant, typ, device, groupKey string
		want                          string
	}{
		{"Device", "T1", "Event::Endpoint::OutOfDate", "ABC-1", "g", "t1/Event::Endpoint::OutOfDate/abc-1"},
		{"GroupKeyWithoutDevice", "t1", "Event::Firewall::X", "", "MSxF/x+=", "t1/Event::Firewall::X/group:MSxF/x+="},
		{"SpacesTrimmed", " t1 ", "T", " d ", "", "t1/T/d"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Key(tt.tenant, tt.typ, tt.device, tt.groupKey); got != tt.want {
				t.Fatalf("Key = %q, want %q", got, tt.want)
			}
		})
	}
	a := Alert{TenantID: "T1", Type: "Event::Endpoint::OutOfDate", DeviceID: "ABC-1"}
	if a.Key() != "t1/Event::Endpoint::OutOfDate/abc-1" {
		t.Fatalf("Alert.Key = %q", a.Key())
	}
}

func TestXRef(t *testing.T) {
	t.Parallel()
	short := Key("t1", "Event::Endpoint::OutOfDate", "d1", "")
	if got := XRef(short); got != short {
		t.Fatalf("XRef of a short key = %q, want the key", got)
	}
	long := Key("11f104c5-cd2b-4a4b-b6a8-7e3e5c1a0e11", "Event::Endpoint::Threat::CleanupFailed", "6e9567ea-bb50-40c5-9b5c-3b5b5f7c1a2d", "")
	for _, k := range []string{long, "t1/x'y/d", strings.Repeat("é", 99)} {
		got := XRef(k)
		if len(got) > MaxXRef || !strings.HasPrefix(got, xrefHashPrefix) || strings.ContainsAny(got, `"'`) {
			t.Fatalf("XRef(%q) = %q", k, got)
		}
		if XRef(k) != got {
			t.Fatal("XRef is not deterministic")
		}
	}
	if XRef(long) == XRef(long+"x") {
		t.Fatal("two keys share an XRef")
	}
}

func TestSeverity(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   string
		want Severity
		ok   bool
	}{{"low", Low, true}, {"MEDIUM", Medium, true}, {" high ", High, true}, {"critical", Low, false}, {"", Low, false}} {
		got, ok := ParseSeverity(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseSeverity(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	if !High.AtLeast(Medium) || !Medium.AtLeast(Medium) || Low.AtLeast(Medium) {
		t.Fatal("AtLeast ordering is wrong")
	}
	if High.String() != "high" || Severity(0).Title() != "Unknown" || Medium.Title() != "Medium" {
		t.Fatal("severity names are wrong")
	}
}

func TestDescription(t *testing.T) {
	t.Parallel()
	a := Alert{ID: "al-1", TenantID: "t1", TenantName: "Acme", Type: "Event::Endpoint::OutOfDate", Category: "updating",
		Product: "endpoint", Severity: Medium, Description: "JOHN-PC is out of date.", DeviceID: "DEV-1", DeviceType: "computer",
		DeviceName: "JOHN-PC", PersonName: "John", RaisedAt: t0}
	got := Description(a)
	for _, want := range []string{"JOHN-PC is out of date.", "Severity: Medium", "Category: updating", "Product: endpoint",
		"Device: JOHN-PC (computer, id DEV-1)", "Person: John", "Raised at: 2026-03-02 09:00:00 UTC", "Alert id: al-1",
		"Customer: Acme (tenant t1)", "Device in Sophos Central: https://central.sophos.com/manage/endpoint/devices/computers/dev-1"} {
		if !strings.Contains(got, want) {
			t.Errorf("description lacks %q:\n%s", want, got)
		}
	}
	a.DeviceType = "xgFirewall"
	if strings.Contains(Description(a), "Device in Sophos Central") {
		t.Error("a firewall alert got a device link")
	}
}

func TestDeviceURL(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		typ, id, want string
		ok            bool
	}{
		{"computer", "A/B", "https://central.sophos.com/manage/endpoint/devices/computers/a%2Fb", true},
		{"Server", "s1", "https://central.sophos.com/manage/server/devices/servers/s1", true},
		{"mobile", "m1", "", false},
		{"computer", "", "", false},
	} {
		got, ok := DeviceURL(tt.typ, tt.id)
		if got != tt.want || ok != tt.ok {
			t.Errorf("DeviceURL(%q, %q) = %q, %v", tt.typ, tt.id, got, ok)
		}
	}
}
