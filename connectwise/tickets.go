package connectwise

import (
	"context"
	"iter"
)

// TicketsService manages service tickets and their notes.
type TicketsService service

// MaxSummary is the ticket summary limit in every version (§9).
const MaxSummary = 100

// Ticket is a service ticket (§10.17). Summary and Company are required on
// create; always send Board too. The Initial* fields are write-only: they
// become the first notes and are not returned.
type Ticket struct {
	ID                      int           `json:"id,omitempty"`
	Summary                 string        `json:"summary,omitempty"`
	RecordType              string        `json:"recordType,omitempty"`
	Board                   *Reference    `json:"board,omitempty"`
	Status                  *Reference    `json:"status,omitempty"`
	Company                 *Reference    `json:"company,omitempty"`
	Site                    *Reference    `json:"site,omitempty"`
	Contact                 *Reference    `json:"contact,omitempty"`
	Type                    *Reference    `json:"type,omitempty"`
	SubType                 *Reference    `json:"subType,omitempty"`
	Item                    *Reference    `json:"item,omitempty"`
	Team                    *Reference    `json:"team,omitempty"`
	Owner                   *Reference    `json:"owner,omitempty"`
	Priority                *Reference    `json:"priority,omitempty"`
	Source                  *Reference    `json:"source,omitempty"`
	Agreement               *Reference    `json:"agreement,omitempty"`
	Severity                string        `json:"severity,omitempty"` // Low|Medium|High
	Impact                  string        `json:"impact,omitempty"`
	ExternalXRef            string        `json:"externalXRef,omitempty"`
	InitialDescription      string        `json:"initialDescription,omitempty"`
	InitialInternalAnalysis string        `json:"initialInternalAnalysis,omitempty"`
	InitialResolution       string        `json:"initialResolution,omitempty"`
	ProcessNotifications    *bool         `json:"processNotifications,omitempty"` // server default true
	SkipCallback            bool          `json:"skipCallback,omitempty"`
	ClosedFlag              bool          `json:"closedFlag,omitempty"`
	ClosedDate              Time          `json:"closedDate,omitzero"`
	ClosedBy                string        `json:"closedBy,omitempty"`
	DateResolved            Time          `json:"dateResolved,omitzero"`
	RequiredDate            Time          `json:"requiredDate,omitzero"`
	ParentTicketID          int           `json:"parentTicketId,omitempty"`
	ContactName             string        `json:"contactName,omitempty"`
	ContactEmailAddress     string        `json:"contactEmailAddress,omitempty"`
	IntegratorTags          []string      `json:"integratorTags,omitempty"`
	CustomFields            []CustomField `json:"customFields,omitempty"`
	Info                    Info          `json:"_info,omitempty"`
}

// Note is a ticket note (§10.18). Text plus at least one of the
// DetailDescription, InternalAnalysis or Resolution flags is needed on
// create (inferred).
type Note struct {
	ID                    int        `json:"id,omitempty"`
	TicketID              int        `json:"ticketId,omitempty"`
	Text                  string     `json:"text,omitempty"`
	DetailDescriptionFlag bool       `json:"detailDescriptionFlag,omitempty"`
	InternalAnalysisFlag  bool       `json:"internalAnalysisFlag,omitempty"`
	ResolutionFlag        bool       `json:"resolutionFlag,omitempty"`
	IssueFlag             bool       `json:"issueFlag,omitempty"`
	Member                *Reference `json:"member,omitempty"`
	Contact               *Reference `json:"contact,omitempty"`
	CustomerUpdatedFlag   bool       `json:"customerUpdatedFlag,omitempty"`
	ProcessNotifications  *bool      `json:"processNotifications,omitempty"`
	DateCreated           Time       `json:"dateCreated,omitzero"`
	CreatedBy             string     `json:"createdBy,omitempty"`
	InternalFlag          bool       `json:"internalFlag,omitempty"`
	ExternalFlag          bool       `json:"externalFlag,omitempty"`
	Info                  Info       `json:"_info,omitempty"`
}

// Bool returns a pointer to b, for the optional flags of the models.
func Bool(b bool) *bool { return &b }

// List returns the tickets matching opts.
//
// CW: GET /service/tickets
func (s *TicketsService) List(ctx context.Context, opts *ListOptions) ([]Ticket, error) {
	return list[Ticket](ctx, s.client, "/service/tickets", opts)
}

// All streams the tickets matching opts.
//
// CW: GET /service/tickets
func (s *TicketsService) All(ctx context.Context, opts *ListOptions) iter.Seq2[Ticket, error] {
	return all[Ticket](ctx, s.client, "/service/tickets", opts)
}

// Count counts the tickets matching opts.
//
// CW: GET /service/tickets/count
func (s *TicketsService) Count(ctx context.Context, opts *ListOptions) (int, error) {
	return count(ctx, s.client, "/service/tickets", opts)
}

// Get returns one ticket.
//
// CW: GET /service/tickets/{id}
func (s *TicketsService) Get(ctx context.Context, id int) (*Ticket, error) {
	return get[Ticket](ctx, s.client, idPath("/service/tickets", id))
}

// Create opens a ticket. A timeout or 5xx returns an error wrapping
// ErrOutcomeUnknown: the ticket may exist, so look it up by its key (e.g.
// the summary prefix) before creating it again.
//
// CW: POST /service/tickets
func (s *TicketsService) Create(ctx context.Context, t *Ticket) (*Ticket, error) {
	return create(ctx, s.client, "/service/tickets", t)
}

// Update applies JSON-Patch operations, e.g. Replace("status", Ref(id)).
//
// CW: PATCH /service/tickets/{id}
func (s *TicketsService) Update(ctx context.Context, id int, ops []PatchOp) (*Ticket, error) {
	return patch[Ticket](ctx, s.client, idPath("/service/tickets", id), ops)
}

// ListNotes returns the notes of a ticket.
//
// CW: GET /service/tickets/{id}/notes
func (s *TicketsService) ListNotes(ctx context.Context, ticketID int, opts *ListOptions) ([]Note, error) {
	return list[Note](ctx, s.client, idPath("/service/tickets", ticketID)+"/notes", opts)
}

// CreateNote adds a note to a ticket. Like every create, it is not retried
// after a timeout (ErrOutcomeUnknown).
//
// CW: POST /service/tickets/{id}/notes
func (s *TicketsService) CreateNote(ctx context.Context, ticketID int, n *Note) (*Note, error) {
	return create(ctx, s.client, idPath("/service/tickets", ticketID)+"/notes", n)
}
