package connectwise

import (
	"context"
	"iter"
)

// CatalogService manages product catalog items.
type CatalogService service

// MaxCatalogIdentifier is the smallest historic limit on a catalog
// identifier (60 before 2025.1, 75 since); stay under it (§9).
const MaxCatalogIdentifier = 60

// CatalogItem is a product catalog item (§10.13). Identifier, Description,
// CustomerDescription, Subcategory and Type are required on create.
type CatalogItem struct {
	ID                     int           `json:"id,omitempty"`
	Identifier             string        `json:"identifier,omitempty"`
	Description            string        `json:"description,omitempty"`
	CustomerDescription    string        `json:"customerDescription,omitempty"`
	InactiveFlag           bool          `json:"inactiveFlag,omitempty"`
	Subcategory            *Reference    `json:"subcategory,omitempty"`
	Category               *Reference    `json:"category,omitempty"`
	Type                   *Reference    `json:"type,omitempty"`
	ProductClass           string        `json:"productClass,omitempty"` // Agreement|Bundle|Inventory|NonInventory|Service
	SerializedFlag         bool          `json:"serializedFlag,omitempty"`
	UnitOfMeasure          *Reference    `json:"unitOfMeasure,omitempty"`
	Price                  *float64      `json:"price,omitempty"`
	Cost                   *float64      `json:"cost,omitempty"`
	TaxableFlag            bool          `json:"taxableFlag,omitempty"`
	Manufacturer           *Reference    `json:"manufacturer,omitempty"`
	ManufacturerPartNumber string        `json:"manufacturerPartNumber,omitempty"`
	Vendor                 *Reference    `json:"vendor,omitempty"`
	VendorSku              string        `json:"vendorSku,omitempty"`
	Notes                  string        `json:"notes,omitempty"`
	IntegrationXRef        string        `json:"integrationXRef,omitempty"`
	RecurringFlag          bool          `json:"recurringFlag,omitempty"`
	RecurringRevenue       *float64      `json:"recurringRevenue,omitempty"`
	RecurringCost          *float64      `json:"recurringCost,omitempty"`
	RecurringBillCycle     *Reference    `json:"recurringBillCycle,omitempty"`
	PriceAttribute         string        `json:"priceAttribute,omitempty"`
	BillableOption         string        `json:"billableOption,omitempty"`
	CustomFields           []CustomField `json:"customFields,omitempty"`
	Info                   Info          `json:"_info,omitempty"`
}

// List returns the catalog items matching opts.
//
// CW: GET /procurement/catalog
func (s *CatalogService) List(ctx context.Context, opts *ListOptions) ([]CatalogItem, error) {
	return list[CatalogItem](ctx, s.client, "/procurement/catalog", opts)
}

// All streams the catalog items matching opts.
//
// CW: GET /procurement/catalog
func (s *CatalogService) All(ctx context.Context, opts *ListOptions) iter.Seq2[CatalogItem, error] {
	return all[CatalogItem](ctx, s.client, "/procurement/catalog", opts)
}

// Count counts the catalog items matching opts.
//
// CW: GET /procurement/catalog/count
func (s *CatalogService) Count(ctx context.Context, opts *ListOptions) (int, error) {
	return count(ctx, s.client, "/procurement/catalog", opts)
}

// Get returns one catalog item.
//
// CW: GET /procurement/catalog/{id}
func (s *CatalogService) Get(ctx context.Context, id int) (*CatalogItem, error) {
	return get[CatalogItem](ctx, s.client, idPath("/procurement/catalog", id))
}

// Create adds a catalog item. Whether a duplicate identifier is refused or
// renamed is uncertain (§10.13): search by identifier first. A timeout or
// 5xx wraps ErrOutcomeUnknown.
//
// CW: POST /procurement/catalog
func (s *CatalogService) Create(ctx context.Context, item *CatalogItem) (*CatalogItem, error) {
	return create(ctx, s.client, "/procurement/catalog", item)
}

// Update applies JSON-Patch operations to a catalog item.
//
// CW: PATCH /procurement/catalog/{id}
func (s *CatalogService) Update(ctx context.Context, id int, ops []PatchOp) (*CatalogItem, error) {
	return patch[CatalogItem](ctx, s.client, idPath("/procurement/catalog", id), ops)
}

// ProcurementService manages the product setup tables: types, categories,
// subcategories and manufacturers (§10.14).
type ProcurementService service

// ProductType, Category, Subcategory and Manufacturer are setup-table rows;
// Name is required on create, and a Subcategory also needs its Category.
type ProductType struct {
	ID           int    `json:"id,omitempty"`
	Name         string `json:"name,omitempty"`
	InactiveFlag bool   `json:"inactiveFlag,omitempty"`
	TypeXref     string `json:"typeXref,omitempty"`
	DefaultFlag  bool   `json:"defaultFlag,omitempty"`
	Info         Info   `json:"_info,omitempty"`
}

// Category is a product category.
type Category struct {
	ID              int    `json:"id,omitempty"`
	Name            string `json:"name,omitempty"`
	InactiveFlag    bool   `json:"inactiveFlag,omitempty"`
	IntegrationXref string `json:"integrationXref,omitempty"`
	DefaultFlag     bool   `json:"defaultFlag,omitempty"`
	Info            Info   `json:"_info,omitempty"`
}

// Subcategory is a product subcategory within a category.
type Subcategory struct {
	ID              int        `json:"id,omitempty"`
	Name            string     `json:"name,omitempty"`
	InactiveFlag    bool       `json:"inactiveFlag,omitempty"`
	IntegrationXref string     `json:"integrationXref,omitempty"`
	DefaultFlag     bool       `json:"defaultFlag,omitempty"`
	Category        *Reference `json:"category,omitempty"`
	Info            Info       `json:"_info,omitempty"`
}

// Manufacturer is a product manufacturer.
type Manufacturer struct {
	ID           int    `json:"id,omitempty"`
	Name         string `json:"name,omitempty"`
	InactiveFlag bool   `json:"inactiveFlag,omitempty"`
	Info         Info   `json:"_info,omitempty"`
}

// ListTypes returns the product types.
//
// CW: GET /procurement/types
func (s *ProcurementService) ListTypes(ctx context.Context, opts *ListOptions) ([]ProductType, error) {
	return list[ProductType](ctx, s.client, "/procurement/types", opts)
}

// CreateType adds a product type.
//
// CW: POST /procurement/types
func (s *ProcurementService) CreateType(ctx context.Context, t *ProductType) (*ProductType, error) {
	return create(ctx, s.client, "/procurement/types", t)
}

// ListCategories returns the product categories.
//
// CW: GET /procurement/categories
func (s *ProcurementService) ListCategories(ctx context.Context, opts *ListOptions) ([]Category, error) {
	return list[Category](ctx, s.client, "/procurement/categories", opts)
}

// CreateCategory adds a product category.
//
// CW: POST /procurement/categories
func (s *ProcurementService) CreateCategory(ctx context.Context, c *Category) (*Category, error) {
	return create(ctx, s.client, "/procurement/categories", c)
}

// ListSubcategories returns the product subcategories; the spec's list path
// ends in a slash.
//
// CW: GET /procurement/subcategories/
func (s *ProcurementService) ListSubcategories(ctx context.Context, opts *ListOptions) ([]Subcategory, error) {
	return list[Subcategory](ctx, s.client, "/procurement/subcategories/", opts)
}

// CreateSubcategory adds a product subcategory.
//
// CW: POST /procurement/subcategories/
func (s *ProcurementService) CreateSubcategory(ctx context.Context, sc *Subcategory) (*Subcategory, error) {
	return create(ctx, s.client, "/procurement/subcategories/", sc)
}

// ListManufacturers returns the manufacturers.
//
// CW: GET /procurement/manufacturers
func (s *ProcurementService) ListManufacturers(ctx context.Context, opts *ListOptions) ([]Manufacturer, error) {
	return list[Manufacturer](ctx, s.client, "/procurement/manufacturers", opts)
}

// CreateManufacturer adds a manufacturer.
//
// CW: POST /procurement/manufacturers
func (s *ProcurementService) CreateManufacturer(ctx context.Context, m *Manufacturer) (*Manufacturer, error) {
	return create(ctx, s.client, "/procurement/manufacturers", m)
}
