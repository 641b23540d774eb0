package connectwise

import (
	"context"
)

// BoardsService reads service boards and their statuses and types.
type BoardsService service

// Board is a service board (§10.15).
type Board struct {
	ID           int        `json:"id,omitempty"`
	Name         string     `json:"name,omitempty"`
	InactiveFlag bool       `json:"inactiveFlag,omitempty"`
	ProjectFlag  bool       `json:"projectFlag,omitempty"`
	Location     *Reference `json:"location,omitempty"`
	Department   *Reference `json:"department,omitempty"`
	Info         Info       `json:"_info,omitempty"`
}

// BoardStatus is a status of a board; ClosedStatus marks the statuses that
// close a ticket.
type BoardStatus struct {
	ID               int        `json:"id,omitempty"`
	Name             string     `json:"name,omitempty"`
	Board            *Reference `json:"board,omitempty"`
	SortOrder        int        `json:"sortOrder,omitempty"`
	DisplayOnBoard   bool       `json:"displayOnBoard,omitempty"`
	Inactive         bool       `json:"inactive,omitempty"`
	ClosedStatus     bool       `json:"closedStatus,omitempty"`
	DefaultFlag      bool       `json:"defaultFlag,omitempty"`
	EscalationStatus string     `json:"escalationStatus,omitempty"`
	Info             Info       `json:"_info,omitempty"`
}

// BoardType is a ticket type of a board.
type BoardType struct {
	ID           int        `json:"id,omitempty"`
	Name         string     `json:"name,omitempty"`
	Category     string     `json:"category,omitempty"` // Reactive|Proactive
	DefaultFlag  bool       `json:"defaultFlag,omitempty"`
	InactiveFlag bool       `json:"inactiveFlag,omitempty"`
	Board        *Reference `json:"board,omitempty"`
	Info         Info       `json:"_info,omitempty"`
}

// List returns the boards matching opts.
//
// CW: GET /service/boards
func (s *BoardsService) List(ctx context.Context, opts *ListOptions) ([]Board, error) {
	return list[Board](ctx, s.client, "/service/boards", opts)
}

// Count counts the boards matching opts.
//
// CW: GET /service/boards/count
func (s *BoardsService) Count(ctx context.Context, opts *ListOptions) (int, error) {
	return count(ctx, s.client, "/service/boards", opts)
}

// ListStatuses returns the statuses of a board.
//
// CW: GET /service/boards/{id}/statuses
func (s *BoardsService) ListStatuses(ctx context.Context, boardID int, opts *ListOptions) ([]BoardStatus, error) {
	return list[BoardStatus](ctx, s.client, idPath("/service/boards", boardID)+"/statuses", opts)
}

// ListTypes returns the ticket types of a board.
//
// CW: GET /service/boards/{id}/types
func (s *BoardsService) ListTypes(ctx context.Context, boardID int, opts *ListOptions) ([]BoardType, error) {
	return list[BoardType](ctx, s.client, idPath("/service/boards", boardID)+"/types", opts)
}

// PrioritiesService reads ticket priorities.
type PrioritiesService service

// Priority is a ticket priority (§10.16).
type Priority struct {
	ID          int    `json:"id,omitempty"`
	Name        string `json:"name,omitempty"`
	Color       string `json:"color,omitempty"`
	SortOrder   int    `json:"sortOrder,omitempty"`
	DefaultFlag bool   `json:"defaultFlag,omitempty"`
	Level       string `json:"level,omitempty"` // Critical|High|Medium|Low
	Info        Info   `json:"_info,omitempty"`
}

// List returns the priorities matching opts.
//
// CW: GET /service/priorities
func (s *PrioritiesService) List(ctx context.Context, opts *ListOptions) ([]Priority, error) {
	return list[Priority](ctx, s.client, "/service/priorities", opts)
}

// SourcesService reads ticket sources.
type SourcesService service

// Source is a ticket source; setting one on our tickets makes them
// reportable (§10.16).
type Source struct {
	ID          int    `json:"id,omitempty"`
	Name        string `json:"name,omitempty"`
	DefaultFlag bool   `json:"defaultFlag,omitempty"`
	Info        Info   `json:"_info,omitempty"`
}

// List returns the sources matching opts.
//
// CW: GET /service/sources
func (s *SourcesService) List(ctx context.Context, opts *ListOptions) ([]Source, error) {
	return list[Source](ctx, s.client, "/service/sources", opts)
}
