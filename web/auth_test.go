package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"centralpsa"
)

func TestFirstRun(t *testing.T) {
	t.Parallel()
	b := setup(t)
	br := b.browser(t)

	for _, p := range []string{"/", "/setup", "/audit", "/login"} {
		if r := br.get(p); r.status != http.StatusSeeOther || r.location() != "/setup/admin" {
			t.Fatalf("GET %s before any user: %d → %q, want 303 → /setup/admin", p, r.status, r.location())
		}
	}
	wantAPIError(t, "GET /api/v1/me before any user", br.get("/api/v1/me"), 401, centralpsa.KindUnauthorized)

	tok := br.formToken("/setup/admin")
	bad := []struct {
		name string
		form url.Values
		want int
	}{
		{"NoToken", url.Values{"username": {"admin"}, "password": {testPassword}, "confirm": {testPassword}}, 403},
		{"Mismatch", url.Values{"csrf_token": {tok}, "username": {"admin"}, "password": {testPassword}, "confirm": {testPassword + "x"}}, 400},
		{"ShortPassword", url.Values{"csrf_token": {tok}, "username": {"admin"}, "password": {"short"}, "confirm": {"short"}}, 400},
		{"BadUsername", url.Values{"csrf_token": {tok}, "username": {"ad min"}, "password": {testPassword}, "confirm": {testPassword}}, 400},
	}
	for _, c := range bad {
		wantStatus(t, c.name, br.post("/setup/admin", c.form), c.want)
	}
	if has, _ := b.db.HasUsers(t.Context()); has {
		t.Fatal("a refused first-run form created a user")
	}

	r := br.post("/setup/admin", url.Values{"csrf_token": {tok}, "username": {"admin"}, "password": {testPassword}, "confirm": {testPassword}})
	if r.status != http.StatusSeeOther || r.location() != "/setup" {
		t.Fatalf("create admin: %d → %q\n%s", r.status, r.location(), r.body)
	}
	if r := br.get("/setup"); r.status != 200 || !strings.Contains(r.body, "admin") {
		t.Fatalf("after creating the admin, /setup: %d", r.status)
	}

	// The first-run form is gone for everyone, including a second browser
	// that loaded it before the admin existed.
	other := b.browser(t)
	if r := other.get("/setup/admin"); r.status != http.StatusSeeOther || r.location() != "/login" {
		t.Fatalf("GET /setup/admin after the admin exists: %d → %q", r.status, r.location())
	}
	r = other.post("/setup/admin", url.Values{"csrf_token": {tok}, "username": {"mallory"}, "password": {testPassword}, "confirm": {testPassword}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("second first-run post: %d", r.status)
	}
	if _, err := b.db.UserByName(t.Context(), "mallory"); err == nil {
		t.Fatal("a second first-run post created a user")
	}
}

func TestLogin(t *testing.T) {
	t.Parallel()
	b := setup(t).withAdmin(t)
	tests := []struct {
		name, username, password, next string
		wantStatus                     int
		wantLocation                   string
	}{
		{"RightPassword", "admin", testPassword, "/audit?run=3", 303, "/audit?run=3"},
		{"SpacesAroundUsername", " admin ", testPassword, "", 303, "/"},
		{"ErrWrongPassword", "admin", "wrong password!", "", 401, ""},
		{"ErrUnknownUser", "nobody", testPassword, "", 401, ""},
		{"ErrUsernameCase", "Admin", testPassword, "", 401, ""},
		{"OffsiteNextIgnored", "admin", testPassword, "//evil.example/x", 303, "/"},
		{"BackslashNextIgnored", "admin", testPassword, "/\\evil.example", 303, "/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			br := b.browser(t)
			tok := br.formToken("/login")
			r := br.post("/login", url.Values{"csrf_token": {tok}, "username": {tt.username}, "password": {tt.password}, "next": {tt.next}})
			if r.status != tt.wantStatus || r.location() != tt.wantLocation {
				t.Fatalf("status %d → %q, want %d → %q", r.status, r.location(), tt.wantStatus, tt.wantLocation)
			}
			signedIn := br.get("/setup").status == 200
			if signedIn != (tt.wantStatus == 303) {
				t.Fatalf("signed in = %v after status %d", signedIn, r.status)
			}
		})
	}
}

func TestLoginNeedsPreSessionToken(t *testing.T) {
	t.Parallel()
	b := setup(t).withAdmin(t)
	br := b.browser(t)
	br.formToken("/login") // has the cookie, but posts another token
	r := br.post("/login", url.Values{"csrf_token": {"forged-forged-forged-forged-forged"}, "username": {"admin"}, "password": {testPassword}})
	wantStatus(t, "login with a forged token", r, 403)
}

func TestSessionCookie(t *testing.T) {
	t.Parallel()
	for _, secure := range []bool{false, true} {
		b := setup(t, func(c *Config) { c.Secure = secure }).withAdmin(t)
		br := b.browser(t)
		tok := br.formToken("/login")
		r := br.post("/login", url.Values{"csrf_token": {tok}, "username": {"admin"}, "password": {testPassword}})
		var c *http.Cookie
		for _, ck := range (&http.Response{Header: r.header}).Cookies() {
			if ck.Name == sessionCookie {
				c = ck
			}
		}
		if c == nil || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure != secure {
			t.Fatalf("Secure=%v: session cookie %+v", secure, c)
		}
		var hash string
		if err := b.db.SQL().QueryRowContext(t.Context(), `SELECT id_hash FROM sessions`).Scan(&hash); err != nil {
			t.Fatal(err)
		}
		if hash == c.Value || hash != hashToken(c.Value) {
			t.Fatal("the database does not hold the SHA-256 of the cookie's token")
		}
	}
}

func TestLogout(t *testing.T) {
	t.Parallel()
	b := setup(t).withAdmin(t)
	br := b.browser(t)
	csrf := br.signIn("admin", testPassword)
	u, _ := url.Parse(b.http.URL)
	stolen := br.c.Jar.Cookies(u)

	wantStatus(t, "logout without token", br.post("/logout", url.Values{}), 403)
	r := br.post("/logout", url.Values{"csrf_token": {csrf}})
	if r.status != http.StatusSeeOther || r.location() != "/login" {
		t.Fatalf("logout: %d → %q", r.status, r.location())
	}
	// The old cookie, replayed, no longer works: the session row is gone.
	replay := b.browser(t)
	replay.c.Jar.SetCookies(u, stolen)
	if r := replay.get("/setup"); r.status != http.StatusSeeOther {
		t.Fatalf("replayed cookie after logout: %d", r.status)
	}
}

func TestLoginRateLimit(t *testing.T) {
	t.Parallel()
	clock := &testClock{t: time.Now()}
	b := setup(t, func(c *Config) { c.LoginFailures, c.LoginWindow, c.NowFunc = 3, 10*time.Minute, clock.Now }).withAdmin(t)
	br := b.browser(t)
	tok := br.formToken("/login")
	try := func(user, pass string) response {
		return br.post("/login", url.Values{"csrf_token": {tok}, "username": {user}, "password": {pass}})
	}
	for i := range 3 {
		wantStatus(t, "failure "+string(rune('1'+i)), try("admin", "wrong password!"), 401)
	}
	r := try("admin", testPassword)
	wantStatus(t, "right password while locked out", r, 429)
	if r.header.Get("Retry-After") != "600" || !strings.Contains(r.body, "10 minutes") {
		t.Fatalf("lockout answer: Retry-After %q\n%s", r.header.Get("Retry-After"), r.body)
	}
	// The API shares the limit and answers JSON.
	wantAPIError(t, "API login while locked out", br.api("POST", "/api/v1/login", apiLoginRequest{"admin", testPassword}, ""), 429, centralpsa.KindUnavailable)

	clock.Advance(10*time.Minute + time.Second)
	wantStatus(t, "after the window", try("admin", testPassword), 303)
}

// The limit also holds per username when the guesses come from many
// addresses (here: the per-user key, checked directly).
func TestLimiterPerKey(t *testing.T) {
	t.Parallel()
	clock := &testClock{t: time.Unix(0, 0)}
	l := newLimiter(2, time.Minute, clock.Now)
	l.fail("ip:a", "user:x")
	l.fail("ip:b", "user:x")
	if blocked, _ := l.blocked("ip:c", "user:x"); !blocked {
		t.Fatal("user:x not blocked after two failures from two addresses")
	}
	if blocked, _ := l.blocked("ip:a", "user:y"); blocked {
		t.Fatal("ip:a blocked after one failure")
	}
	clock.Advance(30 * time.Second)
	l.fail("ip:a", "user:y")
	if blocked, wait := l.blocked("ip:a"); !blocked || wait != 30*time.Second {
		t.Fatalf("ip:a: blocked %v wait %s, want true 30s (until its first failure leaves the window)", blocked, wait)
	}
	l.reset("user:x")
	if blocked, _ := l.blocked("user:x"); blocked {
		t.Fatal("reset did not clear user:x")
	}
	clock.Advance(31 * time.Second)
	if blocked, _ := l.blocked("ip:a"); blocked {
		t.Fatal("ip:a still blocked after its first failure left the window")
	}
}

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

var wildcard = regexp.MustCompile(`\{[^}]*\}`)

// requestFor turns a route pattern into a concrete request line.
func requestFor(rt route) (method, path string) {
	method = http.MethodGet
	if m, _, ok := strings.Cut(rt.pattern, " "); ok {
		method = m
	}
	path = strings.ReplaceAll(rt.path(), "{$}", "")
	return method, wildcard.ReplaceAllString(path, "x")
}

// Every route that is not public refuses a request without a session:
// pages redirect to the sign-in form (or, before any user exists, to the
// first-run form) and the API answers 401. The test walks the route table,
// so a route added later is covered without editing the test.
func TestEveryRouteNeedsSession(t *testing.T) {
	t.Parallel()
	noUser := setup(t)
	withUser := setup(t).withAdmin(t)
	bogus := &http.Cookie{Name: sessionCookie, Value: newToken()}
	// The only routes anyone may use: sign-in, health, metrics, static.
	allowed := map[string]bool{"GET /healthz": true, "GET /readyz": true, "GET /metrics": true, "GET /static/": true,
		"GET /login": true, "POST /login": true, "POST /api/v1/login": true}
	for _, rt := range withUser.srv.routes() {
		if rt.access == public {
			if !allowed[rt.pattern] {
				t.Errorf("route %q is public; only sign-in, health, metrics and static files may be", rt.pattern)
			}
			continue
		}
		method, path := requestFor(rt)
		t.Run(method+" "+path, func(t *testing.T) {
			t.Parallel()
			for _, c := range []struct {
				name    string
				b       *testBundle
				cookie  *http.Cookie
				pageTo  string
				firstOK bool // the first-run form answers while no user exists
			}{
				{"NoUser", noUser, nil, "/setup/admin", true},
				{"NoSession", withUser, nil, "/login", false},
				{"UnknownSession", withUser, bogus, "/login", false},
			} {
				if rt.access == firstRun && c.firstOK {
					continue
				}
				br := c.b.browser(t)
				req, _ := http.NewRequestWithContext(t.Context(), method, c.b.http.URL+path, strings.NewReader("{}"))
				req.Header.Set("Content-Type", "application/json")
				if c.cookie != nil {
					req.AddCookie(c.cookie)
				}
				r := br.do(req)
				if rt.isAPI() {
					wantAPIError(t, c.name, r, 401, centralpsa.KindUnauthorized)
					continue
				}
				if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location(), c.pageTo) {
					t.Fatalf("%s: %d → %q, want 303 → %s", c.name, r.status, r.location(), c.pageTo)
				}
			}
		})
	}
}
