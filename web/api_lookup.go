package web

import (
	"context"
	"net/http"
	"strconv"
)

// The lookup calls return {"choices": [{"id", "name", "detail"}]} for the
// pickers: GET /api/v1/lookup/companies?q=, agreements?company=,
// catalog?q=, boards, statuses?board= and priorities.

func (s *Server) apiLookup(fn func(ctx context.Context, d Directory, r *http.Request) ([]Choice, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		dir := s.cfg.Services.Directory
		if dir == nil {
			s.fail(w, r, true, unavailable("the ConnectWise lookup"))
			return
		}
		choices, err := fn(r.Context(), dir, r)
		if err != nil {
			s.fail(w, r, true, err)
			return
		}
		if choices == nil {
			choices = []Choice{}
		}
		writeJSON(w, http.StatusOK, struct {
			Choices []Choice `json:"choices"`
		}{choices})
	}
}

func lookupCompanies(ctx context.Context, d Directory, r *http.Request) ([]Choice, error) {
	return d.Companies(ctx, r.URL.Query().Get("q"))
}

func lookupAgreements(ctx context.Context, d Directory, r *http.Request) ([]Choice, error) {
	id, _ := strconv.ParseInt(r.URL.Query().Get("company"), 10, 64)
	return d.Agreements(ctx, id)
}

func lookupCatalog(ctx context.Context, d Directory, r *http.Request) ([]Choice, error) {
	return d.CatalogItems(ctx, r.URL.Query().Get("q"))
}

func lookupBoards(ctx context.Context, d Directory, _ *http.Request) ([]Choice, error) {
	return d.Boards(ctx)
}

func lookupStatuses(ctx context.Context, d Directory, r *http.Request) ([]Choice, error) {
	return d.BoardStatuses(ctx, r.URL.Query().Get("board"))
}

func lookupPriorities(ctx context.Context, d Directory, _ *http.Request) ([]Choice, error) {
	return d.Priorities(ctx)
}
