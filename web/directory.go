package web

import (
	"context"
	"fmt"
	"strings"

	"centralpsa"
	"centralpsa/connectwise"
	"centralpsa/mapping"
)

// pickerLimit bounds a search's answer: enough to find a customer by a
// few letters, small enough to answer at typing speed.
const pickerLimit = 25

// CWDirectory is the Directory served by a ConnectWise client. Searches
// ask for partial records, filter on the server and stop after the first
// page of pickerLimit matches.
type CWDirectory struct {
	CW *connectwise.Client
}

var _ Directory = CWDirectory{}

// Companies returns companies not deleted whose name contains query
// (every company when query is blank), by name.
func (d CWDirectory) Companies(ctx context.Context, query string) ([]Choice, error) {
	cond := connectwise.Eq("deletedFlag", false)
	if q := strings.TrimSpace(query); q != "" {
		cond = connectwise.And(cond, connectwise.Contains("name", q))
	}
	if cond.Err() != nil {
		return nil, &centralpsa.Error{Kind: centralpsa.KindInvalid, Message: "the search text cannot be used in a ConnectWise condition", Err: cond.Err()}
	}
	opts := &connectwise.ListOptions{Conditions: cond, Fields: []string{"id", "identifier", "name"}, OrderBy: "name asc", PageSize: pickerLimit}
	var out []Choice
	for c, err := range d.CW.Companies.All(ctx, opts) {
		if err != nil {
			return nil, fmt.Errorf("search connectwise companies: %w", err)
		}
		out = append(out, Choice{ID: int64(c.ID), Name: c.Name, Detail: c.Identifier})
		if len(out) == pickerLimit {
			break
		}
	}
	return out, nil
}

// Agreements returns the company's agreements that usage may be written
// onto (not cancelled, expired or inactive), by id.
func (d CWDirectory) Agreements(ctx context.Context, companyID int64) ([]Choice, error) {
	if companyID <= 0 {
		return nil, centralpsa.Errorf(centralpsa.KindInvalid, "choose a company first")
	}
	list, err := d.CW.Agreements.List(ctx, &connectwise.ListOptions{
		Conditions: connectwise.And(connectwise.Eq("company/id", companyID), connectwise.Eq("cancelledFlag", false)),
		Fields:     []string{"id", "name", "company", "agreementStatus", "cancelledFlag"}, OrderBy: "id asc"})
	if err != nil {
		return nil, fmt.Errorf("list agreements of company %d: %w", companyID, err)
	}
	out := []Choice{}
	for _, a := range list {
		ma := mapping.Agreement{ID: int64(a.ID), CompanyID: companyID, Name: a.Name, Status: a.AgreementStatus, Cancelled: a.CancelledFlag}
		if ma.Active() {
			out = append(out, Choice{ID: ma.ID, Name: a.Name, Detail: a.AgreementStatus})
		}
	}
	return out, nil
}

// CatalogItems returns active catalog items whose identifier or
// description contains query, by identifier. Name is the identifier (what
// a product mapping stores) and Detail the description.
func (d CWDirectory) CatalogItems(ctx context.Context, query string) ([]Choice, error) {
	opts := &connectwise.ListOptions{Fields: []string{"id", "identifier", "description", "inactiveFlag"}, OrderBy: "identifier asc", PageSize: pickerLimit}
	if q := strings.TrimSpace(query); q != "" {
		opts.Conditions = connectwise.Or(connectwise.Contains("identifier", q), connectwise.Contains("description", q))
		if opts.Conditions.Err() != nil {
			return nil, &centralpsa.Error{Kind: centralpsa.KindInvalid, Message: "the search text cannot be used in a ConnectWise condition", Err: opts.Conditions.Err()}
		}
	}
	var out []Choice
	for it, err := range d.CW.Catalog.All(ctx, opts) {
		if err != nil {
			return nil, fmt.Errorf("search the connectwise catalog: %w", err)
		}
		if it.InactiveFlag {
			continue // inactive items cannot bill; dropped here for the reason Boards gives
		}
		out = append(out, Choice{ID: int64(it.ID), Name: it.Identifier, Detail: it.Description})
		if len(out) == pickerLimit {
			break
		}
	}
	return out, nil
}

// Boards returns the active service boards, by name.
func (d CWDirectory) Boards(ctx context.Context) ([]Choice, error) {
	// Inactive boards are dropped here rather than by a condition: a
	// record without inactiveFlag (the emulator seeds some) would not
	// match inactiveFlag=false.
	list, err := d.CW.Boards.List(ctx, &connectwise.ListOptions{Fields: []string{"id", "name", "inactiveFlag"}, OrderBy: "name asc"})
	if err != nil {
		return nil, fmt.Errorf("list connectwise service boards: %w", err)
	}
	out := make([]Choice, 0, len(list))
	for _, b := range list {
		if !b.InactiveFlag {
			out = append(out, Choice{ID: int64(b.ID), Name: b.Name})
		}
	}
	return out, nil
}

// BoardStatuses returns the active statuses of the board called board, in
// the board's order; Detail is "closed" for the statuses that close a
// ticket. An unknown board is KindNotFound.
func (d CWDirectory) BoardStatuses(ctx context.Context, board string) ([]Choice, error) {
	id, err := d.boardID(ctx, board)
	if err != nil {
		return nil, err
	}
	list, err := d.CW.Boards.ListStatuses(ctx, id, &connectwise.ListOptions{OrderBy: "sortOrder asc"})
	if err != nil {
		return nil, fmt.Errorf("list the statuses of board %q: %w", board, err)
	}
	out := make([]Choice, 0, len(list))
	for _, st := range list {
		if st.Inactive {
			continue
		}
		c := Choice{ID: int64(st.ID), Name: st.Name}
		if st.ClosedStatus {
			c.Detail = "closed"
		}
		out = append(out, c)
	}
	return out, nil
}

func (d CWDirectory) boardID(ctx context.Context, board string) (int, error) {
	board = strings.TrimSpace(board)
	if board == "" {
		return 0, centralpsa.Errorf(centralpsa.KindInvalid, "choose a service board first")
	}
	cond := connectwise.Eq("name", board)
	if cond.Err() != nil {
		return 0, &centralpsa.Error{Kind: centralpsa.KindInvalid, Message: "the board name cannot be used in a ConnectWise condition", Err: cond.Err()}
	}
	list, err := d.CW.Boards.List(ctx, &connectwise.ListOptions{Conditions: cond, Fields: []string{"id", "name"}})
	if err != nil {
		return 0, fmt.Errorf("look up board %q: %w", board, err)
	}
	for _, b := range list {
		if strings.EqualFold(b.Name, board) {
			return b.ID, nil
		}
	}
	return 0, centralpsa.Errorf(centralpsa.KindNotFound, "ConnectWise has no service board called %q", board)
}

// Priorities returns the ticket priorities in ConnectWise's order; Detail
// is the priority's level (Critical, High, Medium, Low).
func (d CWDirectory) Priorities(ctx context.Context) ([]Choice, error) {
	list, err := d.CW.Priorities.List(ctx, &connectwise.ListOptions{OrderBy: "sortOrder asc"})
	if err != nil {
		return nil, fmt.Errorf("list connectwise priorities: %w", err)
	}
	out := make([]Choice, 0, len(list))
	for _, p := range list {
		out = append(out, Choice{ID: int64(p.ID), Name: p.Name, Detail: p.Level})
	}
	return out, nil
}
