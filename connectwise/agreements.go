package connectwise

import (
	"context"
	"iter"
)

// AgreementsService reads agreements and manages their additions, the
// usage lines centralpsa writes.
type AgreementsService service

// Agreement is a ConnectWise agreement (§10.10).
type Agreement struct {
	ID                           int           `json:"id,omitempty"`
	Name                         string        `json:"name,omitempty"`
	Type                         *Reference    `json:"type,omitempty"`
	Company                      *Reference    `json:"company,omitempty"`
	Contact                      *Reference    `json:"contact,omitempty"`
	AgreementStatus              string        `json:"agreementStatus,omitempty"` // Active|Cancelled|Expired|Inactive
	CancelledFlag                bool          `json:"cancelledFlag,omitempty"`
	DateCancelled                Time          `json:"dateCancelled,omitzero"`
	ReasonCancelled              string        `json:"reasonCancelled,omitempty"`
	StartDate                    Time          `json:"startDate,omitzero"`
	EndDate                      Time          `json:"endDate,omitzero"`
	NoEndingDateFlag             bool          `json:"noEndingDateFlag,omitempty"`
	BillingCycle                 *Reference    `json:"billingCycle,omitempty"`
	BillAmount                   *float64      `json:"billAmount,omitempty"`
	ProrateFlag                  bool          `json:"prorateFlag,omitempty"`
	InvoiceProratedAdditionsFlag bool          `json:"invoiceProratedAdditionsFlag,omitempty"`
	CustomerPO                   string        `json:"customerPO,omitempty"`
	ParentAgreement              *Reference    `json:"parentAgreement,omitempty"`
	Location                     *Reference    `json:"location,omitempty"`
	Department                   *Reference    `json:"department,omitempty"`
	CustomFields                 []CustomField `json:"customFields,omitempty"`
	Info                         Info          `json:"_info,omitempty"`
}

// AgreementType is an agreement type (§10.11).
type AgreementType struct {
	ID             int        `json:"id,omitempty"`
	Name           string     `json:"name,omitempty"`
	DefaultFlag    bool       `json:"defaultFlag,omitempty"`
	InactiveFlag   bool       `json:"inactiveFlag,omitempty"`
	PrePaymentFlag bool       `json:"prePaymentFlag,omitempty"`
	BillingCycle   *Reference `json:"billingCycle,omitempty"`
	ProrateFlag    bool       `json:"prorateFlag,omitempty"`
	Info           Info       `json:"_info,omitempty"`
}

// Addition is a product line on an agreement (§10.12). Product and
// BillCustomer (Billable|DoNotBill|NoCharge) are required on create.
// Quantities and prices are pointers so that 0 can be sent.
type Addition struct {
	ID                 int           `json:"id,omitempty"`
	Product            *Reference    `json:"product,omitempty"`
	Quantity           *float64      `json:"quantity,omitempty"`
	LessIncluded       *float64      `json:"lessIncluded,omitempty"`
	UnitPrice          *float64      `json:"unitPrice,omitempty"`
	UnitCost           *float64      `json:"unitCost,omitempty"`
	BillCustomer       string        `json:"billCustomer,omitempty"`
	EffectiveDate      Time          `json:"effectiveDate,omitzero"`
	CancelledDate      Time          `json:"cancelledDate,omitzero"`
	TaxableFlag        bool          `json:"taxableFlag,omitempty"`
	SerialNumber       string        `json:"serialNumber,omitempty"`
	InvoiceDescription string        `json:"invoiceDescription,omitempty"`
	Description        string        `json:"description,omitempty"`
	PurchaseItemFlag   bool          `json:"purchaseItemFlag,omitempty"`
	SpecialOrderFlag   bool          `json:"specialOrderFlag,omitempty"`
	AgreementID        int           `json:"agreementId,omitempty"`
	BilledQuantity     *float64      `json:"billedQuantity,omitempty"`
	Uom                string        `json:"uom,omitempty"`
	ExtPrice           *float64      `json:"extPrice,omitempty"`
	ExtCost            *float64      `json:"extCost,omitempty"`
	SequenceNumber     *float64      `json:"sequenceNumber,omitempty"`
	AgreementStatus    string        `json:"agreementStatus,omitempty"`
	CustomFields       []CustomField `json:"customFields,omitempty"`
	Info               Info          `json:"_info,omitempty"`
}

// Float returns a pointer to f, for the optional numbers of the models.
func Float(f float64) *float64 { return &f }

// List returns the agreements matching opts.
//
// CW: GET /finance/agreements
func (s *AgreementsService) List(ctx context.Context, opts *ListOptions) ([]Agreement, error) {
	return list[Agreement](ctx, s.client, "/finance/agreements", opts)
}

// All streams the agreements matching opts.
//
// CW: GET /finance/agreements
func (s *AgreementsService) All(ctx context.Context, opts *ListOptions) iter.Seq2[Agreement, error] {
	return all[Agreement](ctx, s.client, "/finance/agreements", opts)
}

// Count counts the agreements matching opts.
//
// CW: GET /finance/agreements/count
func (s *AgreementsService) Count(ctx context.Context, opts *ListOptions) (int, error) {
	return count(ctx, s.client, "/finance/agreements", opts)
}

// Get returns one agreement.
//
// CW: GET /finance/agreements/{id}
func (s *AgreementsService) Get(ctx context.Context, id int) (*Agreement, error) {
	return get[Agreement](ctx, s.client, idPath("/finance/agreements", id))
}

// ListTypes returns the agreement types matching opts.
//
// CW: GET /finance/agreements/types
func (s *AgreementsService) ListTypes(ctx context.Context, opts *ListOptions) ([]AgreementType, error) {
	return list[AgreementType](ctx, s.client, "/finance/agreements/types", opts)
}

func additionsPath(agreementID int) string {
	return idPath("/finance/agreements", agreementID) + "/additions"
}

// ListAdditions returns the additions of an agreement matching opts, e.g.
// Eq("product/identifier", id). Cancelled additions are included unless
// filtered (cancelledDate = null).
//
// CW: GET /finance/agreements/{id}/additions
func (s *AgreementsService) ListAdditions(ctx context.Context, agreementID int, opts *ListOptions) ([]Addition, error) {
	return list[Addition](ctx, s.client, additionsPath(agreementID), opts)
}

// CountAdditions counts the additions of an agreement matching opts.
//
// CW: GET /finance/agreements/{id}/additions/count
func (s *AgreementsService) CountAdditions(ctx context.Context, agreementID int, opts *ListOptions) (int, error) {
	return count(ctx, s.client, additionsPath(agreementID), opts)
}

// CreateAddition adds a line to an agreement. A timeout or 5xx returns an
// error wrapping ErrOutcomeUnknown: list the additions before retrying.
//
// CW: POST /finance/agreements/{id}/additions
func (s *AgreementsService) CreateAddition(ctx context.Context, agreementID int, a *Addition) (*Addition, error) {
	return create(ctx, s.client, additionsPath(agreementID), a)
}

// UpdateAddition applies JSON-Patch operations to an addition, e.g.
// Replace("quantity", 12) or Replace("cancelledDate", At(t)).
//
// CW: PATCH /finance/agreements/{id}/additions/{additionId}
func (s *AgreementsService) UpdateAddition(ctx context.Context, agreementID, additionID int, ops []PatchOp) (*Addition, error) {
	return patch[Addition](ctx, s.client, idPath(additionsPath(agreementID), additionID), ops)
}

// DeleteAddition removes an addition. Cancelling (cancelledDate) keeps the
// billing history and is what usage sync does; this exists for cleanup.
//
// CW: DELETE /finance/agreements/{id}/additions/{additionId}
func (s *AgreementsService) DeleteAddition(ctx context.Context, agreementID, additionID int) error {
	return del(ctx, s.client, idPath(additionsPath(agreementID), additionID))
}
