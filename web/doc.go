// Package web is centralpsa's console and JSON API: server-rendered pages
// (html/template and static files embedded in the binary, htmx where it
// helps, every form working without JavaScript), the API under /api/v1
// sharing the pages' validation, and /healthz, /readyz and /metrics.
//
// # Layout
//
// routes.go declares every route in one table with its access rule; each
// handler lives in a file of its own (handle_*.go for pages, api_*.go for
// the API). Pages get a typed struct embedding Layout; messages come from
// package i18n (English and Italian), chosen by ?lang=, the lang cookie or
// Accept-Language. To add a page: write handle_x.go with a page struct and
// templates/x.html defining "content", add its messages to both catalogs
// and add one line to routes.go (signedIn is the default access).
//
// # Security
//
// Users sign in with a password hashed by bcrypt; the session cookie
// (centralpsa_session: HttpOnly, SameSite=Lax, Secure over TLS) holds a
// random token whose SHA-256 names the session in the database, so
// several processes share sessions. Failed sign-ins are limited per client
// address and per username. Every unsafe request of a signed-in route
// needs the session's CSRF token (form field csrf_token or header
// X-CSRF-Token); the sign-in and first-run forms use a double-submit
// cookie instead, and http.CrossOriginProtection refuses cross-site
// writes on top. Until the first user exists, the console only offers
// /setup/admin. Secret settings are write-only: no page, API answer or log
// line carries their values.
//
// # API
//
// Errors have one shape, {"error": {"code": "...", "message": "..."}},
// with code one of invalid, not_found, conflict, unauthorized, forbidden,
// unavailable (also for 429 Too Many Requests) and internal.
//
//	POST   /api/v1/login            {"username","password"} → {"username","csrfToken"} and the cookie
//	POST   /api/v1/logout           204
//	GET    /api/v1/me               {"username","csrfToken"}
//	GET    /api/v1/settings         {"settings":[{"key","value","source","env","secret","default","help"}]}; secrets "********"
//	PUT    /api/v1/settings/{key}   {"value":"..."} → the setting as now resolved
//	DELETE /api/v1/settings/{key}   back to the default → the setting
//	POST   /api/v1/doctor           {"ok":bool,"checks":[{"section","name","status","detail","fix"}]}
//	GET    /api/v1/audit?run=&entity=&since=YYYY-MM-DD  {"entries":[...],"truncated":bool}, oldest first, at most 1000
//
// With curl:
//
//	curl -c jar -H 'Content-Type: application/json' \
//	     -d '{"username":"admin","password":"..."}' http://127.0.0.1:8080/api/v1/login
//	# → {"username":"admin","csrfToken":"TOKEN"}
//	curl -b jar http://127.0.0.1:8080/api/v1/settings
//	curl -b jar -X PUT -H 'X-CSRF-Token: TOKEN' -H 'Content-Type: application/json' \
//	     -d '{"value":"Sophos Alerts"}' http://127.0.0.1:8080/api/v1/settings/tickets.board
//	curl -b jar -X POST -H 'X-CSRF-Token: TOKEN' http://127.0.0.1:8080/api/v1/doctor
//	curl -b jar 'http://127.0.0.1:8080/api/v1/audit?since=2026-03-01'
package web
