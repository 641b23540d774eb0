package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *Config) { c.Secure = true }).withAdmin(t)
	br := b.browser(t)
	br.signIn("admin", testPassword)
	want := map[string]string{
		"Content-Security-Policy":   contentSecurityPolicy,
		"X-Frame-Options":           "DENY",
		"X-Content-Type-Options":    "nosniff",
		"Referrer-Policy":           "same-origin",
		"Strict-Transport-Security": "max-age=31536000",
	}
	for _, p := range []string{"/setup", "/login", "/api/v1/me", "/healthz", "/static/app.css", "/nope"} {
		r := br.get(p)
		for k, v := range want {
			if got := r.header.Get(k); got != v {
				t.Errorf("GET %s: %s = %q, want %q", p, k, got, v)
			}
		}
	}
	if !strings.Contains(contentSecurityPolicy, "script-src 'self'") || strings.Contains(contentSecurityPolicy, "unsafe") {
		t.Fatalf("CSP allows more than this origin: %s", contentSecurityPolicy)
	}
	if cc := br.get("/setup").header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("pages are cacheable: Cache-Control %q", cc)
	}
}

func TestLanguage(t *testing.T) {
	t.Parallel()
	b := setup(t).withAdmin(t)
	br := b.browser(t)
	br.signIn("admin", testPassword)

	if r := br.get("/setup"); !strings.Contains(r.body, `<html lang="en">`) || !strings.Contains(r.body, "Test connection") {
		t.Fatal("default language is not English")
	}
	r := br.get("/setup?lang=it")
	if !strings.Contains(r.body, `<html lang="it">`) || !strings.Contains(r.body, "Prova connessione") || !strings.Contains(r.body, "Configurazione") {
		t.Fatalf("?lang=it did not render Italian:\n%.400s", r.body)
	}
	// The switch is remembered by cookie and wins over Accept-Language.
	r = br.request("GET", "/audit", nil, map[string]string{"Accept-Language": "en-US"})
	if !strings.Contains(r.body, "Registro modifiche") {
		t.Fatal("the language cookie was not kept")
	}
	if !strings.Contains(r.body, `href="/audit?lang=en"`) {
		t.Fatal("the switch does not link the current page in the other language")
	}

	fresh := b.browser(t)
	for header, want := range map[string]string{"it-CH, en;q=0.5": "Accedi", "de, en;q=0.9": "Sign in", "": "Sign in", "en;q=0.4, it;q=0.8": "Accedi"} {
		r := fresh.request("GET", "/login", nil, map[string]string{"Accept-Language": header})
		if !strings.Contains(r.body, want) {
			t.Errorf("Accept-Language %q: page lacks %q", header, want)
		}
	}
}

func TestHealthAndReadiness(t *testing.T) {
	t.Parallel()
	b := setup(t)
	br := b.browser(t)
	wantStatus(t, "healthz", br.get("/healthz"), 200)
	wantStatus(t, "readyz", br.get("/readyz"), 200)
	b.db.Close()
	r := br.get("/readyz")
	wantStatus(t, "readyz with the database closed", r, 503)
	wantStatus(t, "healthz with the database closed", br.get("/healthz"), 200)
	if !strings.Contains(b.logs.String(), "readiness check failed") {
		t.Fatal("the failed readiness check was not logged")
	}
}

func TestMetricsExposition(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.srv.cfg.Metrics.ObserveSync("usage", "ok", 0)
	b.srv.cfg.Metrics.AddWrites("addition_update", 1)
	b.srv.cfg.Metrics.SetQueueDepthFunc(func(context.Context) (int, error) { return 0, nil })
	b.srv.cfg.Metrics.SetTicketsFunc(func(context.Context) (map[string]int, error) { return map[string]int{"open": 0}, nil })
	r := b.browser(t).get("/metrics")
	wantStatus(t, "metrics", r, 200)
	for _, name := range []string{"centralpsa_sync_runs_total", "centralpsa_sync_duration_seconds", "centralpsa_writes_total",
		"centralpsa_job_queue_depth", "centralpsa_tickets", "go_goroutines"} {
		if !strings.Contains(r.body, "# TYPE "+name+" ") {
			t.Errorf("exposition lacks %s", name)
		}
	}
}

func TestStaticFiles(t *testing.T) {
	t.Parallel()
	b := setup(t)
	br := b.browser(t)
	for path, want := range map[string]string{"/static/htmx.min.js": "htmx", "/static/app.css": "--accent", "/static/htmx.LICENSE": "Zero-Clause BSD"} {
		r := br.get(path)
		if r.status != 200 || !strings.Contains(r.body, want) || r.header.Get("Cache-Control") != "public, max-age=3600" {
			t.Errorf("GET %s: %d, Cache-Control %q", path, r.status, r.header.Get("Cache-Control"))
		}
	}
	wantStatus(t, "directory listing", br.get("/static/"), 404)
}

func TestPagesWithoutServices(t *testing.T) {
	t.Parallel()
	b := setup(t).withAdmin(t)
	br := b.browser(t)
	br.signIn("admin", testPassword)
	for _, p := range []string{"/customers", "/products", "/usage", "/tickets"} {
		r := br.get(p)
		if r.status != 200 || !strings.Contains(r.body, `href="`+p+`" aria-current="page"`) {
			t.Errorf("GET %s: %d", p, r.status)
		}
		if !strings.Contains(r.body, "not running in this process") && !strings.Contains(r.body, "not available in this process") {
			t.Errorf("GET %s does not say its service is missing", p)
		}
	}
}

// A panicking handler answers 500 and is logged; the server keeps going.
func TestRecoverPanics(t *testing.T) {
	t.Parallel()
	b := setup(t)
	h := b.srv.recoverPanics(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/x", nil))
	if rec.Code != 500 || !strings.Contains(b.logs.String(), "handler panicked") {
		t.Fatalf("status %d; log:\n%s", rec.Code, b.logs.String())
	}
}

func TestNewNeedsStore(t *testing.T) {
	t.Parallel()
	if _, err := New(Config{}); err == nil {
		t.Fatal("New accepted an empty Config")
	}
}
