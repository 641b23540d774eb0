package cwemu

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

const jsonType = "application/json; charset=utf-8"

// serveAPI is the front door: companyinfo, codebase routing, then the
// checks every real call passes (credentials, clientId, Accept) before the
// request reaches a resource.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	if rest, ok := cutPrefixFold(path, "/login/companyinfo/"); ok && r.Method == http.MethodGet {
		s.companyInfo(w, strings.Trim(rest, "/"))
		return
	}
	i := strings.Index(strings.ToLower(path), "/apis/3.0")
	if i < 0 {
		http.NotFound(w, r)
		return
	}
	rest := path[i+len("/apis/3.0"):]
	if rest != "" && rest[0] != '/' {
		http.NotFound(w, r)
		return
	}
	s.setHeaders(w)
	if err := s.checkRequest(r, path[:i]); err != nil {
		err.write(w)
		return
	}
	s.dispatch(w, r, strings.Trim(rest, "/"))
}

func (s *Server) setHeaders(w http.ResponseWriter) {
	s.mu.Lock()
	s.reqSeq++
	seq := s.reqSeq
	s.mu.Unlock()
	h := w.Header()
	h.Set("api-current-version", s.apiVersion())
	h.Set("Cache-Control", "no-cache")
	h.Set("Pragma", "no-cache")
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("x-server-name", "cwemu")
	h.Set("x-cw-request-id", fmt.Sprintf("cwemu-%08d", seq))
}

// checkRequest applies codebase routing (400 text), Basic auth and
// clientId (401), and Accept (406), in that order.
func (s *Server) checkRequest(r *http.Request, prefix string) *apiError {
	codebase := strings.Trim(prefix, "/")
	if !strings.EqualFold(codebase, "v4_6_release") && !strings.EqualFold(codebase, strings.TrimSuffix(s.opts.Codebase, "/")) {
		return &apiError{status: http.StatusBadRequest, text: "Cannot route. Codebase/company is invalid"}
	}
	user, pass, ok := r.BasicAuth()
	company, public, _ := strings.Cut(user, "+")
	if !ok || !strings.EqualFold(company, s.opts.Company) || public != s.opts.PublicKey || pass != s.opts.PrivateKey {
		return errorf(http.StatusUnauthorized, "Unauthorized", "The API keys or company id in the Authorization header were not accepted.")
	}
	if id := r.Header.Get("clientId"); id == "" || !strings.EqualFold(id, s.opts.ClientID) {
		if s.opts.PlainClientIDError {
			return &apiError{status: http.StatusUnauthorized, text: "Cannot process request: a valid clientId header is required."}
		}
		return errorf(http.StatusUnauthorized, "Unauthorized", "A valid clientId header is required (see developer.connectwise.com).")
	}
	if !acceptable(r.Header.Values("Accept")) {
		return errorf(http.StatusNotAcceptable, "NotAcceptable", "Accept must be application/json or application/vnd.connectwise.com+json.")
	}
	return nil
}

// acceptable accepts what clients in the wild send: nothing, */*,
// application/json, or the vendor type with or without a version.
func acceptable(vals []string) bool {
	if len(vals) == 0 {
		return true
	}
	for _, v := range vals {
		for part := range strings.SplitSeq(v, ",") {
			mt, _, _ := strings.Cut(strings.TrimSpace(part), ";")
			switch strings.ToLower(strings.TrimSpace(mt)) {
			case "", "*/*", "application/*", "application/json", "application/vnd.connectwise.com+json":
				return true
			}
		}
	}
	return false
}

// companyInfo answers codebase discovery (doc §3.3): PascalCase keys, and
// 200 with body null for an unknown company.
func (s *Server) companyInfo(w http.ResponseWriter, company string) {
	w.Header().Set("Content-Type", jsonType)
	if !strings.EqualFold(company, s.opts.Company) {
		_, _ = w.Write([]byte("null"))
		return
	}
	v := s.apiVersion()
	host := s.opts.BaseURL
	if _, after, ok := strings.Cut(host, "://"); ok {
		host = after
	}
	_ = json.NewEncoder(w).Encode(map[string]any{
		"CompanyName":   "CentralPSA Demo MSP",
		"Codebase":      s.opts.Codebase,
		"VersionCode":   "v" + v,
		"VersionNumber": "v4.6." + strings.ReplaceAll(v, ".", "") + "0",
		"CompanyID":     s.opts.Company,
		"IsCloud":       true,
		"SiteUrl":       host,
	})
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

// writeJSON sends v without HTML escaping, so "&" in a company name goes
// out as "&", as the real API sends it.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		errorf(http.StatusInternalServerError, "ConnectWiseApi", "encode response: %v", err).write(w)
		return
	}
	w.Header().Set("Content-Type", jsonType)
	w.WriteHeader(status)
	_, _ = w.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}
