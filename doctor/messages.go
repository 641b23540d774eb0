package doctor

import (
	"fmt"
	"slices"
	"strings"
)

// The doctor keeps its messages in its own catalog, one file per language
// (messages_en.go, messages_it.go), rather than in the console's web/i18n:
// the CLI runs the doctor without the console, and a checks package that
// imported the web layer would point a dependency outwards. It is still
// one catalog per language for the doctor's text, the keys use the same
// dotted style under "doctor.", and a test checks that none of them
// collides with a console key, so both catalogs of a language can be read
// (or merged) as one.

// DefaultLang is the language used when no other is asked for or known.
const DefaultLang = "en"

var catalogs = map[string]map[string]string{
	"en": messagesEN,
	"it": messagesIT,
}

// Languages lists the supported language tags, sorted.
func Languages() []string {
	out := make([]string, 0, len(catalogs))
	for l := range catalogs {
		out = append(out, l)
	}
	slices.Sort(out)
	return out
}

// ParseLang reduces a language tag or locale ("it", "it-CH", "it_IT.UTF-8")
// to a supported language, and reports whether it is one.
func ParseLang(tag string) (string, bool) {
	base, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), ".")
	base, _, _ = strings.Cut(base, "_")
	base, _, _ = strings.Cut(base, "-")
	if _, ok := catalogs[base]; ok {
		return base, true
	}
	return DefaultLang, false
}

// translate returns the message for key in lang formatted with args; a key
// missing from lang falls back to English, and one missing everywhere is
// shown as is, so a gap is visible instead of an empty line.
func translate(lang, key string, args ...any) string {
	text, ok := catalogs[lang][key]
	if !ok {
		if text, ok = catalogs[DefaultLang][key]; !ok {
			return key
		}
	}
	if len(args) == 0 {
		return text
	}
	return fmt.Sprintf(text, args...)
}

// msg is a catalog key with its arguments, kept on a check so the report
// can be rendered again in another language. An argument that is itself
// a msg is rendered in the same language; a msg without key is verbatim
// text such as a client's error, a URL or a name from ConnectWise.
type msg struct {
	key  string
	args []any
	text string
}

func m(key string, args ...any) msg { return msg{key: key, args: args} }

func verbatim(s string) msg { return msg{text: s} }

func (x msg) empty() bool { return x.key == "" && x.text == "" }

func (x msg) render(lang string) string {
	if x.key == "" {
		return x.text
	}
	args := make([]any, len(x.args))
	for i, a := range x.args {
		if inner, ok := a.(msg); ok {
			a = inner.render(lang)
		}
		args[i] = a
	}
	return translate(lang, x.key, args...)
}
