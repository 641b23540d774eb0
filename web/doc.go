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
// # Pages
//
// Setup (connections, the connection checklist), Customers (every tenant
// with its company, agreement, switches and last usage sync; filters;
// bulk auto-map, refresh and switches; one tenant's mapping form with a
// company search as you type), Products (product code → catalog item;
// pick an existing item or create one), Usage (the month's plan as a diff
// table, Apply, Sync now, the schedule and its next run, the runs with
// each customer's outcome and the reconciliation report as CSV), Tickets
// (alert ↔ ticket links, the ticket settings as dropdowns read from
// ConnectWise, Sync now) and Audit.
//
// Long operations (an apply, an auto-map, a bulk change, following a
// queued sync) run in the background as tasks (tasks.go): the request
// answers at once and /tasks/{id} shows done of total, polled by htmx
// every second; without JavaScript the page refreshes itself. Apply sends
// the plan's month and hash, and the service applies only a plan that
// planning again reproduces exactly: when ConnectWise or Sophos changed in
// between, the task fails with a conflict, shows the fresh plan with its
// own Apply, and nothing is written.
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
// Customers, products and the ConnectWise pickers:
//
//	GET    /api/v1/customers?q=&show=all|usage&status=both|ok|failed
//	                                {"customers":[{"tenantId","tenantName","billingType","companyId","companyName",
//	                                 "agreementId","agreementName","usage","tickets","lastUsageStatus",
//	                                 "lastUsageMessage","lastUsageAt","lastUsageAdvice"}],"total"}
//	PUT    /api/v1/customers/{tenant}  {"companyId","agreementId"?,"usage"?,"tickets"?} → the customer;
//	                                agreementId 0 picks the company's only active agreement
//	POST   /api/v1/customers/automap   {"dryRun"?} → 202 task (result: matched, ambiguous, noMatch, alreadyMapped, suggestions)
//	POST   /api/v1/customers/refresh   202 task (result: tenants, newTenants, updatedTenants, renamed, missing)
//	POST   /api/v1/customers/bulk      {"action":"automap|refresh|usage_on|usage_off|tickets_on|tickets_off","tenants":[...]}
//	                                → 202 task (switches: changed, unchanged, failed[{tenantId,message}])
//	GET    /api/v1/lookup/companies?q=      {"choices":[{"id","name","detail"}]}, at most 25
//	GET    /api/v1/lookup/agreements?company=ID  the company's active agreements
//	GET    /api/v1/lookup/catalog?q=        active catalog items (name = identifier)
//	GET    /api/v1/lookup/boards | statuses?board=NAME | priorities
//	GET    /api/v1/products         {"month","products":[{"code","catalogIdentifier","description","source","seen","inConnectWise","catalogId"}]}
//	PUT    /api/v1/products/{code}  {"catalogIdentifier"} → {"code","catalogIdentifier","catalogId","description","source"}
//	POST   /api/v1/products/{code}/catalog  {"catalogIdentifier","description"?} creates the item (or finds it) and maps the code
//
// Usage, runs, tickets and tasks:
//
//	GET    /api/v1/usage/plan?month=YYYY-MM  {"month","planHash","empty","plan":{"ops","skips","report",...}}; writes nothing
//	POST   /api/v1/usage/apply      {"month","planHash"} → 202 task; a stale plan fails the task with code conflict
//	                                and its result holds the fresh plan (result.plan.hash to apply next)
//	POST   /api/v1/usage/sync       {"month"?} → 202 task following the queued job (result: jobId, inserted, state, runId)
//	GET    /api/v1/usage/schedule   {"schedule","time","next"}; change it with PUT /api/v1/settings/usage.schedule
//	GET    /api/v1/runs?kind=usage|tickets&limit=  {"runs":[{"id","kind","month","status","summary","startedAt",...}]}
//	GET    /api/v1/runs/{id}        the run and {"results":[{"tenantId","tenantName","status","message","advice"}]}
//	GET    /api/v1/runs/{id}/report.csv  the run's reconciliation report (text/csv)
//	GET    /api/v1/tickets?state=open|resolved|closed|all  {"tickets":[{"key","tenantId","ticketId","summary","state","occurrences",...}]}
//	GET    /api/v1/tickets/settings {"settings":[...]} (every tickets.* setting)
//	PUT    /api/v1/tickets/settings {"tickets.board":"...",...}: all valid or none stored; "" goes back to the default
//	POST   /api/v1/tickets/sync     202 task following the queued job
//	GET    /api/v1/tasks            {"tasks":[...]} newest first
//	GET    /api/v1/tasks/{id}       {"id","kind","status":"running|done|failed","done","total","error"?,"result"?,"link"?}
//
// A call that starts a task answers 202 with Location: /api/v1/tasks/{id};
// poll it until status is not running. Tasks live in the memory of the
// process that started them.
//
// With curl (sign in once; TOKEN is the csrfToken the sign-in returns):
//
//	curl -c jar -H 'Content-Type: application/json' \
//	     -d '{"username":"admin","password":"..."}' http://127.0.0.1:8080/api/v1/login
//	# → {"username":"admin","csrfToken":"TOKEN"}
//	curl -b jar http://127.0.0.1:8080/api/v1/settings
//	curl -b jar -X PUT -H 'X-CSRF-Token: TOKEN' -H 'Content-Type: application/json' \
//	     -d '{"value":"Sophos Alerts"}' http://127.0.0.1:8080/api/v1/settings/tickets.board
//	curl -b jar -X POST -H 'X-CSRF-Token: TOKEN' http://127.0.0.1:8080/api/v1/doctor
//	curl -b jar 'http://127.0.0.1:8080/api/v1/audit?since=2026-03-01'
//
//	# map a tenant: find the company, then its agreement
//	curl -b jar 'http://127.0.0.1:8080/api/v1/lookup/companies?q=acme'
//	curl -b jar 'http://127.0.0.1:8080/api/v1/lookup/agreements?company=250'
//	curl -b jar -X PUT -H 'X-CSRF-Token: TOKEN' -H 'Content-Type: application/json' \
//	     -d '{"companyId":250,"agreementId":600,"usage":true}' http://127.0.0.1:8080/api/v1/customers/TENANT-ID
//
//	# review the plan, apply exactly it, follow the task, fetch the report
//	curl -b jar http://127.0.0.1:8080/api/v1/usage/plan
//	# → {"month":"2026-02","planHash":"HASH",...}
//	curl -b jar -X POST -H 'X-CSRF-Token: TOKEN' -H 'Content-Type: application/json' \
//	     -d '{"month":"2026-02","planHash":"HASH"}' http://127.0.0.1:8080/api/v1/usage/apply
//	# → 202 {"id":"TASK",...}
//	curl -b jar http://127.0.0.1:8080/api/v1/tasks/TASK
//	# → {"status":"done","link":"/runs/7",...} or {"status":"failed","error":{"code":"conflict",...},"result":{"plan":...}}
//	curl -b jar -o report.csv http://127.0.0.1:8080/api/v1/runs/7/report.csv
package web
