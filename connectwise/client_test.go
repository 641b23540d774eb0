package connectwise

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"centralpsa"
)

func TestNew(t *testing.T) {
	t.Parallel()
	valid := Options{URL: "https://api-na.myconnectwise.net", Company: "acme", PublicKey: "pub",
		PrivateKey: centralpsa.Secret(testPrivate), ClientID: "id"}
	tests := []struct {
		name string
		edit func(*Options)
		want []string // substrings of the error; nil = success
	}{
		{"Valid", func(*Options) {}, nil},
		{"ErrAllMissing", func(o *Options) { *o = Options{} },
			[]string{"cw.url", "cw.company", "cw.public_key", "cw.private_key", "cw.client_id"}},
		{"ErrPrivateKeyMissing", func(o *Options) { o.PrivateKey = "" }, []string{"cw.private_key"}},
		{"ErrHTTPWithoutAllow", func(o *Options) { o.URL = "http://127.0.0.1:8080" },
			[]string{"allow_http", "CENTRALPSA_ALLOW_HTTP"}},
		{"HTTPWithAllow", func(o *Options) { o.URL = "http://127.0.0.1:8080"; o.AllowHTTP = true }, nil},
		{"ErrAPIPathInURL", func(o *Options) { o.URL = "https://h/v4_6_release/apis/3.0" }, []string{"site address only"}},
		{"ErrScheme", func(o *Options) { o.URL = "ftp://h" }, []string{"cw.url"}},
		{"ErrUserInfo", func(o *Options) { o.URL = "https://u:p@h" }, []string{"cw.url"}},
		{"ErrCompanyWithSlash", func(o *Options) { o.Company = "a/b" }, []string{"cw.company"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o := valid
			tt.edit(&o)
			c, err := New(o)
			if tt.want == nil {
				if err != nil || c == nil {
					t.Fatalf("New: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("New succeeded, want error")
			}
			if centralpsa.ErrorKind(err) != centralpsa.KindInvalid {
				t.Errorf("kind = %s, want invalid", centralpsa.ErrorKind(err))
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not name %q", err, w)
				}
			}
			if strings.Contains(err.Error(), testPrivate) {
				t.Errorf("error leaks the private key: %q", err)
			}
		})
	}
}

func TestAuthHeaders(t *testing.T) {
	t.Parallel()
	b := setup(t)
	got := make(chan http.Header, 2)
	b.handle("GET /system/info", func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Clone()
		writeJSON(w, 200, map[string]any{"version": "v2025.1.1", "isCloud": true})
	})
	b.handle("POST /service/tickets", func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Clone()
		writeJSON(w, 201, map[string]any{"id": 1})
	})
	ctx := t.Context()
	info, err := b.client.System.Info(ctx)
	if err != nil || info.Version != "v2025.1.1" || !info.IsCloud {
		t.Fatalf("Info = %+v, %v", info, err)
	}
	h := <-got
	for k, want := range map[string]string{
		"Authorization": wantAuth(),
		"clientId":      testClientID,
		"Accept":        "application/vnd.connectwise.com+json; version=" + DefaultAPIVersion,
		"User-Agent":    centralpsa.UserAgent(),
		"Content-Type":  "",
	} {
		if h.Get(k) != want {
			t.Errorf("GET header %s = %q, want %q", k, h.Get(k), want)
		}
	}
	if _, err := b.client.Tickets.Create(ctx, &Ticket{Summary: "x", Company: Ref(1)}); err != nil {
		t.Fatal(err)
	}
	if h := <-got; h.Get("Content-Type") != "application/json" || h.Get("Authorization") != wantAuth() {
		t.Errorf("POST headers = %v", h)
	}
}

func TestCompanyInfo(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		status    int
		body      string
		wantCloud bool
		wantErr   error
		wantKind  centralpsa.Kind
		wantText  string
	}{
		{"BoolIsCloud", 200, `{"CompanyName":"A","Codebase":"v2025_1/","IsCloud":true,"Extra":1}`, true, nil, "", ""},
		{"StringIsCloud", 200, `{"CompanyName":"A","Codebase":"v2017_3/","IsCloud":"True"}`, true, nil, "", ""},
		{"OnPremises", 200, `{"Codebase":"v4_6_release/","IsCloud":"False"}`, false, nil, "", ""},
		{"CodebaseWithoutSlash", 200, `{"Codebase":"v2025_1","IsCloud":false}`, false, nil, "", ""},
		{"ErrNull", 200, "null", false, ErrUnknownCompany, centralpsa.KindInvalid, `"acme" is not known on`},
		{"ErrNotFound", 404, "", false, ErrUnknownCompany, centralpsa.KindInvalid, "not known"},
		{"ErrHTML", 200, "<html>hello</html>", false, nil, centralpsa.KindInvalid, "did not answer like a ConnectWise site"},
		{"ErrBadCodebase", 200, `{"Codebase":"../../x/"}`, false, nil, centralpsa.KindInvalid, "unusable codebase"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/login/companyinfo/acme" {
					t.Errorf("path = %s", r.URL.Path)
				}
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			}))
			defer srv.Close()
			c, err := New(Options{URL: srv.URL, Company: "acme", PublicKey: "p", PrivateKey: "k", ClientID: "i", AllowHTTP: true})
			if err != nil {
				t.Fatal(err)
			}
			info, err := c.CompanyInfo(t.Context())
			if tt.wantKind == "" {
				if err != nil {
					t.Fatal(err)
				}
				if info.IsCloud != tt.wantCloud || !strings.HasSuffix(info.Codebase, "/") {
					t.Errorf("info = %+v", info)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, info %+v", info)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
			if k := centralpsa.ErrorKind(err); k != tt.wantKind {
				t.Errorf("kind = %s, want %s", k, tt.wantKind)
			}
			if !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("err %q lacks %q", err, tt.wantText)
			}
		})
	}
}

func TestUnknownCompanyFailsCalls(t *testing.T) {
	t.Parallel()
	b := setup(t, func(o *Options) { o.Company = "nobody" })
	_, err := b.client.Companies.List(t.Context(), nil)
	var uc *UnknownCompanyError
	if !errors.As(err, &uc) || uc.Company != "nobody" {
		t.Fatalf("err = %v, want UnknownCompanyError", err)
	}
}

func TestCodebaseRediscovery(t *testing.T) {
	t.Parallel()
	t.Run("ChangedCodebaseIsFollowedOnce", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		var hits counter
		b.handle("GET /service/boards", hits.wrap(func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, []map[string]any{{"id": 1, "name": "Help Desk"}})
		}))
		ctx := t.Context()
		if _, err := b.client.Boards.List(ctx, nil); err != nil {
			t.Fatal(err)
		}
		b.codebase.Store("v2025_2/") // the site upgraded
		boards, err := b.client.Boards.List(ctx, nil)
		if err != nil || len(boards) != 1 {
			t.Fatalf("after upgrade: %v, %v", boards, err)
		}
		if n := b.infoHits.Load(); n != 2 {
			t.Errorf("companyinfo calls = %d, want 2", n)
		}
		if _, err := b.client.Boards.List(ctx, nil); err != nil || b.infoHits.Load() != 2 {
			t.Errorf("new codebase not cached: %v, %d companyinfo calls", err, b.infoHits.Load())
		}
	})
	t.Run("ErrPersistentRoutingError", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		var hits counter
		b.mux.HandleFunc(sitePrefix+"/v2025_1/apis/3.0/service/boards", hits.wrap(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "Cannot route. Codebase/company is invalid", http.StatusBadRequest)
		}))
		_, err := b.client.Boards.List(t.Context(), nil)
		if err == nil || !strings.Contains(err.Error(), "check cw.url and cw.company") {
			t.Fatalf("err = %v, want routing hint", err)
		}
		if centralpsa.ErrorKind(err) != centralpsa.KindInvalid {
			t.Errorf("kind = %s", centralpsa.ErrorKind(err))
		}
		if b.infoHits.Load() != 2 || hits.n.Load() != 1 {
			t.Errorf("companyinfo calls = %d (want 2), API calls = %d (want 1: unchanged codebase is not retried)",
				b.infoHits.Load(), hits.n.Load())
		}
	})
	t.Run("NotFoundRecordDoesNotRediscover", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.handle("GET /service/tickets/{id}", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 404, map[string]string{"code": "NotFound", "message": "Ticket 9 not found"})
		})
		_, err := b.client.Tickets.Get(t.Context(), 9)
		if centralpsa.ErrorKind(err) != centralpsa.KindNotFound || b.infoHits.Load() != 1 {
			t.Errorf("err = %v (kind %s), companyinfo calls = %d, want not_found and 1",
				err, centralpsa.ErrorKind(err), b.infoHits.Load())
		}
	})
}

// TestCompanyInfoSiteHostFallback checks the retry on the host without the
// api- prefix when the api- host does not serve companyinfo (§3.3).
func TestCompanyInfoSiteHostFallback(t *testing.T) {
	t.Parallel()
	hosts := make(chan string, 4)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hosts <- r.Host
		if r.Host != "cw.test" {
			http.NotFound(w, r)
			return
		}
		io.WriteString(w, `{"Codebase":"v2025_1/","IsCloud":true}`)
	}))
	defer srv.Close()
	dialer := &net.Dialer{}
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return dialer.DialContext(ctx, network, srv.Listener.Addr().String())
	}}}
	c, err := New(Options{URL: "http://api-cw.test", Company: "acme", PublicKey: "p", PrivateKey: "k",
		ClientID: "i", AllowHTTP: true, HTTPClient: hc, RequestsPerMinute: -1})
	if err != nil {
		t.Fatal(err)
	}
	info, err := c.CompanyInfo(t.Context())
	if err != nil || info.Codebase != "v2025_1/" {
		t.Fatalf("CompanyInfo = %+v, %v", info, err)
	}
	if h1, h2 := <-hosts, <-hosts; h1 != "api-cw.test" || h2 != "cw.test" {
		t.Errorf("hosts = %s, %s", h1, h2)
	}
}
