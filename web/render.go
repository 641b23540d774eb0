package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"centralpsa"
	"centralpsa/web/i18n"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Locale translates for one language; pages and fragments embed it so
// templates write {{.T "key"}} (or {{$.T "key"}} inside range).
type Locale struct {
	Lang string
}

// T returns the message for key, formatted with args.
func (l Locale) T(key string, args ...any) string { return i18n.T(l.Lang, key, args...) }

// Layout is what every page shares. Each page's struct embeds it, so the
// template gets one typed value per page rather than a map.
type Layout struct {
	Locale
	Title string // message key
	Nav   string // href of the current menu entry
	Path  string // the page's GET path, for the language switch
	User  string // "" when signed out
	CSRF  string // the form token: session or pre-session
	Flash string // a translated one-line notice
	// Refresh, when set, reloads the page after that many seconds in a
	// browser without JavaScript (a running task's page).
	Refresh int
}

func (l *Layout) layout() *Layout { return l }

// page is any page struct (it embeds Layout).
type page interface{ layout() *Layout }

// NavItem is one menu entry.
type NavItem struct {
	Href, Key string
	Current   bool
}

// nav is the menu, in order.
var nav = []NavItem{
	{Href: "/setup", Key: "nav.setup"},
	{Href: "/customers", Key: "nav.customers"},
	{Href: "/products", Key: "nav.products"},
	{Href: "/usage", Key: "nav.usage"},
	{Href: "/tickets", Key: "nav.tickets"},
	{Href: "/audit", Key: "nav.audit"},
}

// NavItems is the menu with the current entry marked.
func (l *Layout) NavItems() []NavItem {
	out := make([]NavItem, len(nav))
	for i, n := range nav {
		n.Current = n.Href == l.Nav
		out[i] = n
	}
	return out
}

// LangLink is one entry of the language switch.
type LangLink struct {
	Tag, Label, Href string
	Current          bool
}

// Languages is the language switch: plain links, so it works without JS.
func (l *Layout) Languages() []LangLink {
	var out []LangLink
	sep := "?"
	if strings.Contains(l.Path, "?") {
		sep = "&"
	}
	for _, tag := range i18n.Languages() {
		out = append(out, LangLink{Tag: tag, Label: strings.ToUpper(tag), Href: l.Path + sep + "lang=" + tag, Current: tag == l.Lang})
	}
	return out
}

// parseTemplates parses each page with the layout and the shared
// fragments (files starting with "_"), one set per page.
func parseTemplates() (map[string]*template.Template, error) {
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	var shared []string
	for _, f := range files {
		if strings.HasPrefix(path.Base(f), "_") {
			shared = append(shared, f)
		}
	}
	pages := map[string]*template.Template{}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if strings.HasPrefix(name, "_") || name == "layout" {
			continue
		}
		t, err := template.ParseFS(templateFS, append([]string{"templates/layout.html", f}, shared...)...)
		if err != nil {
			return nil, fmt.Errorf("parse template %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// render fills p's layout from the request and writes the page. It
// renders into a buffer first, so a template error becomes a clean 500
// instead of half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	l := p.layout()
	l.Lang = langFrom(r.Context())
	if l.Path == "" {
		l.Path = r.URL.Path
	}
	if sess := sessionFrom(r.Context()); sess != nil {
		l.User, l.CSRF = sess.Username, sess.CSRFToken
	}
	s.execute(w, status, s.pages[name], "layout", p)
}

// renderFragment writes one named template without the layout, for htmx.
func (s *Server) renderFragment(w http.ResponseWriter, status int, pageName, fragment string, data any) {
	s.execute(w, status, s.pages[pageName], fragment, data)
}

func (s *Server) execute(w http.ResponseWriter, status int, t *template.Template, name string, data any) {
	var buf bytes.Buffer
	if t == nil {
		s.log.Error("render: no such template", "template", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		s.log.Error("render template", "template", name, "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// errorPage shows one error inside the layout.
type errorPage struct {
	Layout
	Message string
}

// renderError shows an error page; the message is already safe to show
// (publicError), and forbidden and unauthorized get a translated hint.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, kind centralpsa.Kind, msg string) {
	p := &errorPage{Layout: Layout{Title: "error.title"}, Message: msg}
	switch kind {
	case centralpsa.KindForbidden:
		p.Message = i18n.T(langFrom(r.Context()), "error.forbidden")
	case centralpsa.KindInternal:
		p.Message = i18n.T(langFrom(r.Context()), "error.internal")
	}
	p.Path = "/"
	s.render(w, r, status, "error", p)
}

// staticHandler serves the embedded CSS and htmx. They change only with
// the binary, so browsers may cache them for a while.
func staticHandler(static fs.FS) http.HandlerFunc {
	files := http.StripPrefix("/static/", http.FileServerFS(static))
	return func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") { // no directory listings
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
	}
}
