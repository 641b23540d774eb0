package doctor

import (
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"centralpsa/sophos"
	"centralpsa/web/i18n"
)

// verbRE matches a fmt verb with an optional explicit argument index.
var verbRE = regexp.MustCompile(`%(?:\[(\d+)\])?[-+# 0]*\d*(?:\.\d+)?([a-zA-Z%])`)

// placeholders maps each argument position a format uses to its verb, so
// a translation may reorder its arguments with %[n]s but not change them.
func placeholders(format string) map[int]string {
	out := map[int]string{}
	next := 1
	for _, sm := range verbRE.FindAllStringSubmatch(format, -1) {
		if sm[2] == "%" {
			continue
		}
		if sm[1] != "" {
			next, _ = strconv.Atoi(sm[1])
		}
		out[next] = sm[2]
		next++
	}
	return out
}

func TestCatalogsMatch(t *testing.T) {
	t.Parallel()
	if got := Languages(); !slices.Equal(got, []string{"en", "it"}) {
		t.Fatalf("languages: %v", got)
	}
	for _, lang := range Languages() {
		for key, text := range catalogs[lang] {
			ref, ok := catalogs[DefaultLang][key]
			switch {
			case !ok:
				t.Errorf("%s has %s, which English lacks", lang, key)
			case strings.TrimSpace(text) == "":
				t.Errorf("%s: %s is empty", lang, key)
			case !strings.HasPrefix(key, "doctor."):
				t.Errorf("%s: key %s lacks the doctor. prefix", lang, key)
			case !equalMaps(placeholders(ref), placeholders(text)):
				t.Errorf("%s: %s has placeholders %v, English %v", lang, key, placeholders(text), placeholders(ref))
			}
		}
		for key := range catalogs[DefaultLang] {
			if _, ok := catalogs[lang][key]; !ok {
				t.Errorf("%s lacks %s", lang, key)
			}
		}
	}
}

func equalMaps(a, b map[int]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestPlaceholders(t *testing.T) {
	t.Parallel()
	got := placeholders("%d of %[3]q, 100%% %s and %5.2f")
	want := map[int]string{1: "d", 3: "q", 4: "s", 5: "f"}
	if !equalMaps(got, want) {
		t.Fatalf("placeholders = %v, want %v", got, want)
	}
}

// The console's catalog and the doctor's must not share a key, so a
// language's messages can be read or merged as one catalog.
func TestNoKeyCollidesWithTheConsole(t *testing.T) {
	t.Parallel()
	for key := range messagesEN {
		if i18n.Has(key) {
			t.Errorf("%s is also a console key", key)
		}
	}
}

func TestEveryPermissionHasAWhyAndAnID(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, p := range Permissions {
		if seen[p.ID()] {
			t.Errorf("duplicate id %s", p.ID())
		}
		seen[p.ID()] = true
		for _, lang := range Languages() {
			if _, ok := catalogs[lang][p.whyMsg().key]; !ok {
				t.Errorf("%s: no %s", lang, p.whyMsg().key)
			}
		}
	}
	p := Permission{Module: "Service Desk", Function: "Close Service Tickets", Op: "Edit"}
	if p.ID() != "cw.role.service_desk.close_service_tickets.edit" {
		t.Errorf("id %s", p.ID())
	}
	if got, want := p.Fix(""), "System > Security Roles > <the API member's role> > Service Desk > Close Service Tickets: set Edit Level = All, then Save"; got != want {
		t.Errorf("Fix = %q, want %q", got, want)
	}
	if got := p.fixMsg("Integration").render("it"); got != "System > Security Roles > Integration > Service Desk > Close Service Tickets: imposta Edit Level = All, poi Save" {
		t.Errorf("Italian fix = %q", got)
	}
}

// adviceOf mirrors sophos.Error.Advice so it can be translated; in
// English the two must say the same.
func TestAdviceMatchesTheClient(t *testing.T) {
	t.Parallel()
	for _, e := range []*sophos.Error{
		{Status: http.StatusUnauthorized},
		{Status: http.StatusForbidden, TenantID: "t1"},
		{Status: http.StatusForbidden},
		{Status: http.StatusTooManyRequests, RetryAfter: 90 * time.Second},
		{Status: http.StatusTooManyRequests},
		{Status: http.StatusBadGateway},
		{Status: http.StatusBadRequest},
	} {
		en, it := adviceOf(e).render("en"), adviceOf(e).render("it")
		if en != e.Advice() {
			t.Errorf("status %d: advice %q, client says %q", e.Status, en, e.Advice())
		}
		if en != "" && en == it {
			t.Errorf("status %d: Italian advice is English: %q", e.Status, it)
		}
	}
	if !adviceOf(http.ErrHandlerTimeout).empty() {
		t.Error("advice for a non-Sophos error")
	}
}

func TestParseLang(t *testing.T) {
	t.Parallel()
	tests := []struct {
		tag  string
		want string
		ok   bool
	}{
		{"it", "it", true}, {"IT", "it", true}, {"it-CH", "it", true}, {"it_IT.UTF-8", "it", true},
		{"en_GB.UTF-8", "en", true}, {"", "en", false}, {"C", "en", false}, {"C.UTF-8", "en", false},
		{"fr_FR", "en", false}, {"italian", "en", false},
	}
	for _, tt := range tests {
		if got, ok := ParseLang(tt.tag); got != tt.want || ok != tt.ok {
			t.Errorf("ParseLang(%q) = %q, %v; want %q, %v", tt.tag, got, ok, tt.want, tt.ok)
		}
	}
}

func TestRender(t *testing.T) {
	t.Parallel()
	tests := []struct {
		m    msg
		lang string
		want string
	}{
		{m("doctor.cw.security_role.detail", m("doctor.cw.security_role.none")), "it", "(nessuno) (i permessi qui sotto sono quelli di questo ruolo)"},
		{m("doctor.cw.security_role.detail", "Admin"), "en", "Admin (the permissions below are this role's)"},
		{m("doctor.unverified", "boom %d"), "it", "impossibile verificare: boom %d"},
		{m("doctor.no.such.key"), "it", "doctor.no.such.key"},
		{m("doctor.cw.site.name"), "fr", "site reachable"},
		{verbatim("as is %s"), "it", "as is %s"},
	}
	for _, tt := range tests {
		if got := tt.m.render(tt.lang); got != tt.want {
			t.Errorf("render(%+v, %s) = %q, want %q", tt.m, tt.lang, got, tt.want)
		}
	}
}

func TestLocalize(t *testing.T) {
	t.Parallel()
	if (*Report)(nil).Localize("it") != nil {
		t.Fatal("nil report localized to non-nil")
	}
	r := &Report{}
	r.add(newCheck("cw.site", Fail, m("doctor.cw.site.name")).withDetail(verbatim("dial tcp: refused")).withFix(m("doctor.cw.site.fix")))
	r.Checks = append(r.Checks, Check{Section: "Hand", Name: "built by hand", Status: Warn, Detail: "d"})
	it := r.Localize("it-IT")
	if it.Lang() != "it" || r.Lang() != "en" {
		t.Fatalf("languages: %s, %s", it.Lang(), r.Lang())
	}
	if it.Checks[0].Name != "sito raggiungibile" || it.Checks[0].Detail != "dial tcp: refused" || !strings.HasPrefix(it.Checks[0].Fix, "controlla cw.url") {
		t.Errorf("Italian check: %+v", it.Checks[0])
	}
	if r.Checks[0].Name != "site reachable" {
		t.Errorf("Localize changed the original: %+v", r.Checks[0])
	}
	if h := it.Checks[1]; h.Name != "built by hand" || h.Detail != "d" || h.Section != "Hand" {
		t.Errorf("a hand-built check lost its text: %+v", h)
	}
	var out strings.Builder
	if err := it.WriteText(&out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"\n      soluzione: controlla cw.url", "2 controlli: 1 falliti, 1 avvisi"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("Italian text lacks %q:\n%s", want, out.String())
		}
	}
}
