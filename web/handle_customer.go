package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// customerPage maps one tenant: search a ConnectWise company, choose one
// of its active agreements, set the switches. Every step works without
// JavaScript (the search is a GET form, "Show agreements" a submit); with
// htmx the search runs as you type and the agreements follow the company.
type customerPage struct {
	Layout
	Row         CustomerRow
	Query       string
	Companies   []Choice
	CompanyID   int64
	Agreements  []Choice
	AgreementID int64
	Usage       bool
	Tickets     bool
	Error       string // the save was refused
	LookupError string // ConnectWise could not be asked
}

// handleCustomer shows the mapping form of one tenant. ?q= searches
// companies; ?company= picks one and lists its agreements.
func (s *Server) handleCustomer(w http.ResponseWriter, r *http.Request) {
	row, err := s.customerRow(r.Context(), r.PathValue("tenant"))
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	p := s.newCustomerPage(row)
	q := r.URL.Query()
	p.Query = strings.TrimSpace(q.Get("q"))
	if id, err := strconv.ParseInt(q.Get("company"), 10, 64); err == nil && id > 0 {
		p.CompanyID, p.AgreementID = id, 0
	}
	s.fillCustomerChoices(r.Context(), p)
	s.render(w, r, http.StatusOK, "customer", p)
}

func (s *Server) newCustomerPage(row CustomerRow) *customerPage {
	return &customerPage{Layout: Layout{Title: "customer.title", Nav: "/customers", Path: "/customers/" + row.TenantID},
		Row: row, CompanyID: row.CompanyID, AgreementID: row.AgreementID, Usage: row.Usage, Tickets: row.Tickets}
}

// fillCustomerChoices runs the company search and lists the chosen
// company's agreements. The current company and agreement stay in the
// lists, so saving without searching keeps them.
func (s *Server) fillCustomerChoices(ctx context.Context, p *customerPage) {
	dir := s.cfg.Services.Directory
	if dir == nil {
		_, p.LookupError = publicError(unavailable("the ConnectWise lookup"))
	} else {
		var err error
		if p.Query != "" {
			if p.Companies, err = dir.Companies(ctx, p.Query); err != nil {
				_, p.LookupError = publicError(err)
			}
		}
		if p.CompanyID != 0 && err == nil {
			if p.Agreements, err = dir.Agreements(ctx, p.CompanyID); err != nil {
				_, p.LookupError = publicError(err)
			}
		}
	}
	if p.Row.CompanyID != 0 && !slices.ContainsFunc(p.Companies, func(c Choice) bool { return c.ID == p.Row.CompanyID }) {
		p.Companies = append([]Choice{{ID: p.Row.CompanyID, Name: p.Row.CompanyName}}, p.Companies...)
	}
	if p.CompanyID != 0 && !slices.ContainsFunc(p.Companies, func(c Choice) bool { return c.ID == p.CompanyID }) {
		p.Companies = append([]Choice{{ID: p.CompanyID, Name: "#" + strconv.FormatInt(p.CompanyID, 10)}}, p.Companies...)
	}
	if p.CompanyID == p.Row.CompanyID && p.Row.AgreementID != 0 &&
		!slices.ContainsFunc(p.Agreements, func(c Choice) bool { return c.ID == p.Row.AgreementID }) {
		p.Agreements = append([]Choice{{ID: p.Row.AgreementID, Name: p.Row.AgreementName}}, p.Agreements...)
	}
}
