package usage

import (
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestDefaultIdentifier(t *testing.T) {
	t.Parallel()
	tests := []struct{ code, want string }{
		{"CIXA-MSP", "Sophos_Intercept_X_Advanced"},
		{"XDR-MSP", "Sophos_Intercept_X_Advanced_XDR"},
		{"CIXAXDR-MSP", "Sophos_Intercept_X_Advanced_XDR"},
		{"CIXAMTR-STD-MSP", "Sophos_MTR_Standard"},
		{"CIXAMTR-ADV-MSP", "Sophos_MTR_Advanced"},
		{"SVRCLOUDADV-MSP", "Sophos_Intercept_X_Adv_Srv"},
		{"SVRCIXAXDR-MSP", "Sophos_Intercept_X_Adv_Srv_XDR"},
		{"SVRCIXAMTR-STD-MSP", "Sophos_MTR_Standard_Srv"},
		{"SVRCIXAMTR-ADV-MSP", "Sophos_MTR_Advanced_Srv"},
		{"CDE-MSP", "Sophos_Device_Encryption"},
		{"CPHISH-MSP", "Sophos_Central_Phish_Threat"},
		{"CMS-MSP", "Sophos_Mobile_Standard"},
		{"CMA-MSP", "Sophos_Mobile_Advanced"},
		{"CEMA-PE-ADDON-MSP", "Sophos_Email_Portal_Encryption"},
		{"cixa-msp", "Sophos_Intercept_X_Advanced"},
		{"CEMA-MSP", "Sophos_CEMA_MSP"},
		{"NDR-MSP", "Sophos_NDR_MSP"},
		{"xg_email_std", "Sophos_xg_email_std"},
		{"CW7-SUP-MSP", "Sophos_CW7_SUP_MSP"},
		{"Ünï code", "Sophos__n__code"},
		{"", "Sophos_"},
		{strings.Repeat("A", 53), "Sophos_" + strings.Repeat("A", 53)},
		{strings.Repeat("A", 54), "Sophos_" + strings.Repeat("A", 44) + "_2d0009d7"},
	}
	for _, tt := range tests {
		if got := DefaultIdentifier(tt.code); got != tt.want {
			t.Errorf("DefaultIdentifier(%q) = %q, want %q", tt.code, got, tt.want)
		}
	}
}

var identRE = regexp.MustCompile(`^Sophos_[A-Za-z0-9_]*$`)

func FuzzDefaultIdentifier(f *testing.F) {
	for _, s := range []string{"CIXA-MSP", "NDR-MSP", "é", strings.Repeat("x-", 40), "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, code string) {
		got := DefaultIdentifier(code)
		if len(got) > MaxIdentifier || !identRE.MatchString(got) {
			t.Fatalf("DefaultIdentifier(%q) = %q: too long or bad characters", code, got)
		}
		if got != DefaultIdentifier(code) {
			t.Fatalf("DefaultIdentifier(%q) is not deterministic", code)
		}
		if _, table := defaultProducts[strings.ToUpper(code)]; !table && utf8.RuneCountInString(code) <= MaxIdentifier-len("Sophos_") &&
			utf8.RuneCountInString(got) != len("Sophos_")+utf8.RuneCountInString(code) {
			t.Fatalf("DefaultIdentifier(%q) = %q: short codes map one character to one", code, got)
		}
	})
}

func TestDescription(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", 59) + "€uro"
	tests := []struct{ code, line, want string }{
		{"CIXA-MSP", "whatever the line says", "Sophos Central Intercept X Advanced"},
		{"NDR-MSP", "  Sophos NDR  ", "Sophos NDR"},
		{"NDR-MSP", "", "Sophos NDR-MSP"},
		{"X", long, strings.Repeat("é", 59) + "€"},
		{"X", strings.Repeat("a", 59) + " b", strings.Repeat("a", 59)},
		{"X", "bad \xff byte", "bad \uFFFD byte"},
		{"X", "Endpoint\x00 protection\r\nInjected: line", "Endpoint protection Injected: line"},
		{"X", "Endpoint \u202eelif.exe", "Endpoint elif.exe"},
		{"EVIL\r\n-MSP", "\x00\r\n", "Sophos EVIL -MSP"},
	}
	for _, tt := range tests {
		if got := Description(tt.code, tt.line); got != tt.want {
			t.Errorf("Description(%q, %q) = %q, want %q", tt.code, tt.line, got, tt.want)
		}
	}
	for code := range defaultProducts {
		if d := Description(code, ""); utf8.RuneCountInString(d) > MaxDescription {
			t.Errorf("table description for %s is cut: %q", code, d)
		}
	}
}

func FuzzDescription(f *testing.F) {
	f.Add("NDR-MSP", "Sophos NDR")
	f.Add("X", strings.Repeat("日本", 40))
	f.Fuzz(func(t *testing.T, code, line string) {
		got := Description(code, line)
		if !utf8.ValidString(got) || utf8.RuneCountInString(got) > MaxDescription {
			t.Fatalf("Description(%q, %q) = %q: invalid or longer than %d", code, line, got, MaxDescription)
		}
		for _, r := range got {
			if unicode.IsControl(r) || unicode.In(r, unicode.Cf) && r != '\u200d' {
				t.Fatalf("Description(%q, %q) = %q holds the control or format character %U", code, line, got, r)
			}
		}
		if _, table := defaultProducts[strings.ToUpper(code)]; !table && oneLine(line) != "" &&
			!strings.HasPrefix(oneLine(line), got) {
			t.Fatalf("Description(%q, %q) = %q is not a prefix of the line's description", code, line, got)
		}
	})
}

func TestProducts(t *testing.T) {
	t.Parallel()
	p, err := NewProducts(map[string]string{"cixa-msp": "MSP_EDR", "NEW-MSP": "MSP_New"})
	if err != nil {
		t.Fatal(err)
	}
	for code, want := range map[string]string{"CIXA-MSP": "MSP_EDR", "new-msp": "MSP_New", "XDR-MSP": "Sophos_Intercept_X_Advanced_XDR", "ODD": "Sophos_ODD"} {
		if got := p.Identifier(code); got != want {
			t.Errorf("Identifier(%q) = %q, want %q", code, got, want)
		}
	}
	for id, want := range map[string]bool{"msp_edr": true, "Sophos_Intercept_X_Advanced": true, "SOPHOS_MTR_STANDARD": true, "MSP_Backup": false, "Sophos_ODD": false} {
		if got := p.Managed(id); got != want {
			t.Errorf("Managed(%q) = %v, want %v", id, got, want)
		}
	}
	if _, err := NewProducts(map[string]string{"": "X"}); err == nil {
		t.Error("empty code accepted")
	}
	for code, id := range map[string]string{"NEW\x00CODE": "X", "NEW": "Sophos_\r\nX", "BIDI": "\u202eX", "BAD": "X\xff"} {
		if _, err := NewProducts(map[string]string{code: id}); err == nil {
			t.Errorf("NewProducts accepted %q → %q", code, id)
		}
	}
}
