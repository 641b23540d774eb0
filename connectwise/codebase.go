package connectwise

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"centralpsa"
)

// CompanyInfo is the unauthenticated answer of /login/companyinfo (§3.3).
// Only Codebase is needed to build API URLs; the rest is for the doctor.
type CompanyInfo struct {
	CompanyName   string
	Codebase      string // e.g. "v2025_1/" (cloud) or "v4_6_release/" (on-premises)
	VersionCode   string
	VersionNumber string
	CompanyID     string
	IsCloud       bool // documented as the string "True", sent as a boolean by others
	SiteURL       string
}

// UnmarshalJSON accepts IsCloud as a boolean or as a string.
func (ci *CompanyInfo) UnmarshalJSON(b []byte) error {
	var raw struct {
		CompanyName, Codebase, VersionCode, VersionNumber string
		CompanyID                                         string `json:"CompanyID"`
		SiteURL                                           string `json:"SiteUrl"`
		IsCloud                                           json.RawMessage
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*ci = CompanyInfo{CompanyName: raw.CompanyName, Codebase: raw.Codebase, VersionCode: raw.VersionCode,
		VersionNumber: raw.VersionNumber, CompanyID: raw.CompanyID, SiteURL: raw.SiteURL}
	s := strings.Trim(strings.ToLower(string(raw.IsCloud)), `"`)
	ci.IsCloud = s == "true"
	return nil
}

var codebasePattern = regexp.MustCompile(`^[A-Za-z0-9_.\-]+/?$`)

// CompanyInfo asks the site which codebase serves the configured company and
// caches it for later calls. It needs no credentials, so the doctor uses it
// to tell "wrong site or company id" apart from "wrong keys".
//
// CW: GET /login/companyinfo/{companyId}
func (c *Client) CompanyInfo(ctx context.Context) (*CompanyInfo, error) {
	info, err := c.companyInfoAt(ctx, c.site)
	if err != nil && companyInfoMissed(err) {
		// The guide calls companyinfo on the site host; we are configured
		// with the api- host. Try the site host once (§3.3, inferred).
		if alt := withoutAPIPrefix(c.site); alt != nil {
			if info2, err2 := c.companyInfoAt(ctx, alt); err2 == nil {
				info, err = info2, nil
			}
		}
	}
	if err != nil {
		var apiErr *Error
		if errors.As(err, &apiErr) && apiErr.Status == http.StatusNotFound {
			return nil, c.unknownCompany()
		}
		return nil, err
	}
	c.mu.Lock()
	c.codebase = info.Codebase
	c.mu.Unlock()
	return info, nil
}

func (c *Client) companyInfoAt(ctx context.Context, site *url.URL) (*CompanyInfo, error) {
	path := "/login/companyinfo/" + c.opts.Company
	r := newRequest(http.MethodGet, path, nil, nil)
	r.unauth = true
	resp, err := c.send(ctx, r, site.String())
	for attempt := 0; err == nil && attempt < c.opts.MaxRetries && cutShort(json.Unmarshal(resp.body, new(any))); attempt++ {
		// A body cut short is a transient fault, not a wrong site.
		if c.opts.SleepFunc(ctx, c.backoff(attempt)) != nil {
			break
		}
		resp, err = c.send(ctx, r, site.String())
	}
	if err != nil {
		return nil, err
	}
	if b := bytes.TrimSpace(resp.body); len(b) == 0 || string(b) == "null" {
		return nil, c.unknownCompany()
	}
	var info CompanyInfo
	if err := decodeBody(resp, &info); err != nil {
		return nil, withKind(centralpsa.KindInvalid, fmt.Errorf(
			"connectwise GET %s: %s did not answer like a ConnectWise site (check cw.url): %w", path, site, errNotCompanyInfo))
	}
	if !codebasePattern.MatchString(info.Codebase) || strings.Contains(info.Codebase, "..") {
		return nil, withKind(centralpsa.KindInvalid, fmt.Errorf(
			"connectwise GET %s: unusable codebase %q (check cw.url): %w", path, clip(info.Codebase, 40), errNotCompanyInfo))
	}
	if !strings.HasSuffix(info.Codebase, "/") {
		info.Codebase += "/"
	}
	return &info, nil
}

var errNotCompanyInfo = errors.New("not a companyinfo answer")

// companyInfoMissed reports answers worth a second try on the site host.
func companyInfoMissed(err error) bool {
	var apiErr *Error
	return errors.Is(err, errNotCompanyInfo) || (errors.As(err, &apiErr) && apiErr.Status == http.StatusNotFound)
}

func withoutAPIPrefix(site *url.URL) *url.URL {
	host, ok := strings.CutPrefix(strings.ToLower(site.Host), "api-")
	if !ok {
		return nil
	}
	alt := *site
	alt.Host = host
	return &alt
}

func (c *Client) unknownCompany() error {
	return withKind(centralpsa.KindInvalid, &UnknownCompanyError{Company: c.opts.Company, Site: c.site.String()})
}

// apiBase returns the API root, discovering the codebase on first use.
func (c *Client) apiBase(ctx context.Context) (string, error) {
	c.mu.Lock()
	cb := c.codebase
	c.mu.Unlock()
	if cb == "" {
		info, err := c.CompanyInfo(ctx)
		if err != nil {
			return "", err
		}
		cb = info.Codebase
	}
	return c.baseFor(cb), nil
}

func (c *Client) baseFor(codebase string) string {
	return c.site.String() + "/" + codebase + "apis/3.0"
}

// rediscover reads companyinfo again after a routing error and returns the
// API root it now advertises.
func (c *Client) rediscover(ctx context.Context) (string, error) {
	info, err := c.CompanyInfo(ctx)
	if err != nil {
		return "", err
	}
	return c.baseFor(info.Codebase), nil
}
