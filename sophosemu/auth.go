package sophosemu

import (
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"mime"
	"net/http"
	"strings"
	"time"
)

// token is what the emulator remembers about an issued access token.
type token struct {
	clientID string
	tenantID string // set for the tenant-level credential only
	expires  time.Time
}

// tokenResponse is the token service's success body (§3.2).
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	ErrorCode    string `json:"errorCode"`
	ExpiresIn    int    `json:"expires_in"`
	Message      string `json:"message"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
	TrackingID   string `json:"trackingId"`
}

type whoamiResponse struct {
	ID       string   `json:"id"`
	IDType   string   `json:"idType"`
	APIHosts apiHosts `json:"apiHosts"`
}

type apiHosts struct {
	Global     string `json:"global"`
	DataRegion string `json:"dataRegion,omitempty"`
}

// handleToken is POST /api/v2/oauth2/token: form-encoded client
// credentials (or a refresh token) in, a bearer token out.
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		s.failID(w, http.StatusBadRequest, "oauth.invalid_request", "Bad Request")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.failID(w, http.StatusBadRequest, "oauth.invalid_request", "Bad Request")
		return
	}
	f := r.PostForm
	grant := f.Get("grant_type")
	switch {
	case grant != "client_credentials" && grant != "refresh_token":
		s.failID(w, http.StatusBadRequest, "oauth.unsupported_grant_type", "Bad Request")
		return
	case grant == "client_credentials" && f.Get("scope") != "token":
		s.failID(w, http.StatusBadRequest, "oauth.invalid_scope", "Bad Request")
		return
	}
	tenantID, ok := s.checkClient(w, f.Get("client_id"), f.Get("client_secret"))
	if !ok {
		return
	}
	if grant == "refresh_token" && !s.validRefresh(f.Get("refresh_token"), f.Get("client_id")) {
		s.failID(w, http.StatusUnauthorized, "oauth.invalid_refresh_token", "Unauthorized")
		return
	}
	writeJSON(w, http.StatusOK, s.issue(f.Get("client_id"), tenantID))
}

// checkClient authenticates a client and returns the tenant the credential
// is bound to ("" for the partner credential). It writes the 401 itself.
func (s *Server) checkClient(w http.ResponseWriter, id, secret string) (tenantID string, ok bool) {
	var want string
	switch {
	case id == "":
		s.failID(w, http.StatusBadRequest, "oauth.invalid_request", "Bad Request")
		return "", false
	case id == s.opts.ClientID:
		want = s.opts.ClientSecret
	case s.opts.TenantClientID != "" && id == s.opts.TenantClientID:
		want, tenantID = s.opts.TenantClientSecret, s.tenants[0].ID
	default:
		s.failID(w, http.StatusUnauthorized, "oauth.client_app_does_not_exist", "Unauthorized")
		return "", false
	}
	if subtle.ConstantTimeCompare([]byte(secret), []byte(want)) != 1 {
		s.failID(w, http.StatusUnauthorized, "oauth.invalid_client_secret", "Unauthorized")
		return "", false
	}
	return tenantID, true
}

func (s *Server) issue(clientID, tenantID string) tokenResponse {
	jti, n := s.tokIDs.nextN()
	exp := s.now().Add(s.opts.TokenLifetime)
	payload, _ := json.Marshal(map[string]any{"jti": jti, "exp": exp.Unix()})
	access := "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." + base64.RawURLEncoding.EncodeToString(payload) +
		"." + hexFrom(s.seed, "sig", n, 43)
	refresh := hexFrom(s.seed, "refresh", n, 64)
	s.mu.Lock()
	s.tokens[access] = token{clientID: clientID, tenantID: tenantID, expires: exp}
	s.tokens["refresh:"+refresh] = token{clientID: clientID, tenantID: tenantID}
	s.mu.Unlock()
	secs := int((s.opts.TokenLifetime + time.Second - 1) / time.Second)
	return tokenResponse{
		AccessToken: access, ErrorCode: "success", ExpiresIn: secs, Message: "OK",
		RefreshToken: refresh, TokenType: "bearer", TrackingID: s.reqIDs.next(),
	}
}

func (s *Server) validRefresh(refresh, clientID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tokens["refresh:"+refresh]
	return ok && refresh != "" && t.clientID == clientID
}

// ExpireTokens makes every issued access token invalid at once, so the
// next call answers 401 and the client must authenticate again. Refresh
// tokens stay valid.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k := range s.tokens {
		if !strings.HasPrefix(k, "refresh:") {
			delete(s.tokens, k)
		}
	}
}

// bearer returns the token presented on r, if it is known and current.
func (s *Server) bearer(r *http.Request) (token, bool) {
	scheme, value, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || value == "" || strings.HasPrefix(value, "refresh:") {
		return token{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tokens[value]
	if !ok || !s.now().Before(t.expires) {
		return token{}, false
	}
	return t, true
}

// clientKey identifies the client for the rate limit: the client id behind
// the bearer token, or the form's client_id on the token endpoint.
func (s *Server) clientKey(r *http.Request) string {
	if _, value, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok {
		s.mu.Lock()
		t, known := s.tokens[value]
		s.mu.Unlock()
		if known {
			return t.clientID
		}
	}
	if r.Method == http.MethodPost && r.URL.Path == tokenPath {
		r.Body = http.MaxBytesReader(nil, r.Body, 64<<10)
		return r.PostFormValue("client_id")
	}
	return ""
}

// authed rejects requests without a current bearer token.
func (s *Server) authed(h func(http.ResponseWriter, *http.Request, token)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		t, ok := s.bearer(r)
		if !ok {
			s.fail(w, http.StatusUnauthorized, codeUnauthorized, "Missing, unknown or expired bearer token.")
			return
		}
		h(w, r, t)
	}
}

// handleWhoami is GET /whoami/v1: dataRegion only for tenant callers (§4).
func (s *Server) handleWhoami(w http.ResponseWriter, r *http.Request, t token) {
	resp := whoamiResponse{ID: s.opts.PartnerID, IDType: "partner", APIHosts: apiHosts{Global: s.host("")}}
	if t.tenantID != "" {
		resp.ID, resp.IDType = t.tenantID, "tenant"
		resp.APIHosts.DataRegion = s.RegionURL(s.tenants[s.byID[t.tenantID]].DataRegion)
	}
	writeJSON(w, http.StatusOK, resp)
}

// partner guards /partner/v1/*: a partner token and this partner's id in
// X-Partner-ID (missing → 401, another id → 403).
func (s *Server) partner(h http.HandlerFunc) http.HandlerFunc {
	return s.authed(func(w http.ResponseWriter, r *http.Request, t token) {
		pid := r.Header.Get("X-Partner-ID")
		switch {
		case t.tenantID != "":
			s.fail(w, http.StatusForbidden, codeForbidden, "A tenant credential cannot call the Partner API.")
		case pid == "":
			s.fail(w, http.StatusUnauthorized, codeUnauthorized, "Missing X-Partner-ID header.")
		case pid != s.opts.PartnerID:
			s.fail(w, http.StatusForbidden, codeForbidden, "The caller is not this partner.")
		default:
			h(w, r)
		}
	})
}

// tenantScoped guards the regional tenant APIs: X-Tenant-ID required (401),
// a tenant of this partner (403), served by this regional host (404), and
// reachable by the partner (403 for trials and for term tenants without
// Partner Assistance).
func (s *Server) tenantScoped(h func(http.ResponseWriter, *http.Request, Tenant)) http.HandlerFunc {
	return s.authed(func(w http.ResponseWriter, r *http.Request, t token) {
		region := r.PathValue("region")
		if _, ok := regionGeography[region]; !ok {
			s.fail(w, http.StatusNotFound, codeNotFound, "Unknown API host.")
			return
		}
		tid := strings.ToLower(r.Header.Get("X-Tenant-ID"))
		if tid == "" {
			s.fail(w, http.StatusUnauthorized, codeUnauthorized, "Missing X-Tenant-ID header.")
			return
		}
		ten, ok := s.tenant(tid)
		if !ok || (t.tenantID != "" && t.tenantID != tid) {
			s.fail(w, http.StatusForbidden, codeForbidden, "The caller may not act on this tenant.")
			return
		}
		if ten.DataRegion != region {
			s.fail(w, http.StatusNotFound, codeNotFound, "The tenant is not served by this API host; use its apiHost.")
			return
		}
		if t.tenantID == "" && !ten.Reachable {
			s.fail(w, http.StatusForbidden, codeForbidden, "The tenant has not enabled Partner Assistance or is a trial.")
			return
		}
		h(w, r, ten)
	})
}
