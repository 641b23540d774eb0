package usagesync

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"

	"centralpsa"
	"centralpsa/connectwise"
	"centralpsa/usage"
)

// batchSize bounds the values of one "in (...)" condition. ConnectWise
// takes conditions in the query string, and on-premises servers behind
// IIS refuse long query strings, so ids go a couple of hundred at a time.
const batchSize = 200

// integrationMark is the integrationXRef of the catalog items centralpsa
// creates, so an item whose creation was never recorded is still known
// as ours.
const integrationMark = "centralpsa"

// The fields read from ConnectWise: only what the plan uses.
var (
	agreementFields = []string{"id", "name", "company/id", "agreementStatus", "cancelledFlag"}
	companyFields   = []string{"id", "name", "deletedFlag", "status/name"}
	catalogFields   = []string{"id", "identifier", "description", "integrationXRef"}
	additionFields  = []string{"id", "product/id", "product/identifier", "quantity", "cancelledDate"}
)

// cwState is the mapped agreements and companies.
type cwState struct {
	agreements []usage.Agreement
	companies  []usage.Company
}

// readAgreements reads the agreements and companies that usage-enabled
// mappings point at.
func (s *Service) readAgreements(ctx context.Context, mappings []usage.Mapping) (cwState, error) {
	var agreementIDs, companyIDs []int64
	for _, m := range mappings {
		if !m.UsageEnabled {
			continue
		}
		if m.AgreementID != 0 {
			agreementIDs = append(agreementIDs, m.AgreementID)
		}
		companyIDs = append(companyIDs, m.CompanyID)
	}
	var st cwState
	err := parallel(ctx,
		func(ctx context.Context) error {
			return inBatches(ctx, agreementIDs, func(ids []any) error {
				list, err := s.CW.Agreements.List(ctx, listIn("id", ids, agreementFields))
				for _, a := range list {
					st.agreements = append(st.agreements, usage.Agreement{ID: int64(a.ID), CompanyID: refID(a.Company),
						Name: a.Name, Status: a.AgreementStatus, Cancelled: a.CancelledFlag})
				}
				return wrap(err, "read mapped agreements")
			})
		},
		func(ctx context.Context) error {
			return inBatches(ctx, companyIDs, func(ids []any) error {
				list, err := s.CW.Companies.List(ctx, listIn("id", ids, companyFields))
				for _, c := range list {
					inactive := c.DeletedFlag || (c.Status != nil && strings.EqualFold(c.Status.Name, "Inactive"))
					st.companies = append(st.companies, usage.Company{ID: int64(c.ID), Name: c.Name, Inactive: inactive})
				}
				return wrap(err, "read mapped companies")
			})
		},
	)
	return st, err
}

// syncedAgreements are the active agreements some usage-enabled mapping
// bills on: the only ones whose additions the plan can touch.
func syncedAgreements(mappings []usage.Mapping, agreements []usage.Agreement) []int64 {
	active := map[int64]bool{}
	for _, a := range agreements {
		active[a.ID] = a.Active()
	}
	var out []int64
	for _, m := range mappings {
		if m.UsageEnabled && active[m.AgreementID] {
			out = append(out, m.AgreementID)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// readCatalog reads the catalog items of the given identifiers. marked
// lists those carrying our integrationXRef.
func (s *Service) readCatalog(ctx context.Context, identifiers []string) (items []usage.CatalogItem, marked []string, err error) {
	err = inBatches(ctx, identifiers, func(batch []any) error {
		list, err := s.CW.Catalog.List(ctx, listIn("identifier", batch, catalogFields))
		for _, c := range list {
			items = append(items, usage.CatalogItem{ID: int64(c.ID), Identifier: c.Identifier, Description: c.Description})
			if c.IntegrationXRef == integrationMark {
				marked = append(marked, c.Identifier)
			}
		}
		return wrap(err, "read catalog items")
	})
	return items, marked, err
}

// readAdditions reads every addition of the agreements, each agreement
// once, a few at a time: the client's rate limiter paces them.
func (s *Service) readAdditions(ctx context.Context, agreementIDs []int64) ([]usage.Addition, error) {
	results := make([][]usage.Addition, len(agreementIDs))
	next := make(chan int)
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var wg sync.WaitGroup
	for range min(s.concurrency(), len(agreementIDs)) {
		wg.Go(func() {
			for i := range next {
				list, err := s.CW.Agreements.ListAdditions(ctx, int(agreementIDs[i]), &connectwise.ListOptions{Fields: additionFields, PageSize: connectwise.MaxPageSize})
				if err == nil {
					err = checkAdditions(list)
				}
				if err != nil {
					cancel(fmt.Errorf("read additions of agreement %d: %w", agreementIDs[i], err))
					continue
				}
				results[i] = toAdditions(agreementIDs[i], list)
			}
		})
	}
	for i := range agreementIDs {
		select {
		case next <- i:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
	}
	close(next)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return nil, err
	}
	var out []usage.Addition
	for _, r := range results {
		out = append(out, r...)
	}
	return out, nil
}

// checkAdditions refuses additions without an id or a product
// identifier. ConnectWise always sends both; a record without them cannot
// be matched to the usage it bills, and taking it for "no addition" would
// create a second one.
func checkAdditions(list []connectwise.Addition) error {
	for i, a := range list {
		if a.ID <= 0 || a.Product == nil || a.Product.Identifier == "" {
			return centralpsa.Errorf(centralpsa.KindUnavailable,
				"addition %d of the answer (id %d) has no id or no product/identifier; refusing to guess what it bills", i, a.ID)
		}
	}
	return nil
}

func toAdditions(agreementID int64, list []connectwise.Addition) []usage.Addition {
	out := make([]usage.Addition, 0, len(list))
	for _, a := range list {
		out = append(out, toAddition(agreementID, a))
	}
	return out
}

func toAddition(agreementID int64, a connectwise.Addition) usage.Addition {
	add := usage.Addition{ID: int64(a.ID), AgreementID: agreementID, Cancelled: !a.CancelledDate.IsZero()}
	if a.Product != nil {
		add.CatalogID, add.CatalogIdentifier = int64(a.Product.ID), a.Product.Identifier
	}
	if a.Quantity != nil {
		// Quantities are whole licences; a fraction typed by a person
		// rounds, so it is corrected only when it rounds to another value.
		add.Quantity = int64(math.Round(*a.Quantity))
	}
	return add
}

func refID(r *connectwise.Reference) int64 {
	if r == nil {
		return 0
	}
	return int64(r.ID)
}

func listIn(field string, values []any, fields []string) *connectwise.ListOptions {
	return &connectwise.ListOptions{Conditions: connectwise.In(field, values...), Fields: fields, PageSize: connectwise.MaxPageSize}
}

// inBatches calls fn with the distinct values, sorted, batchSize at a time.
func inBatches[T cmp.Ordered](ctx context.Context, values []T, fn func([]any) error) error {
	values = slices.Clone(values)
	slices.Sort(values)
	values = slices.Compact(values)
	for start := 0; start < len(values); start += batchSize {
		if err := ctx.Err(); err != nil {
			return err
		}
		batch := make([]any, 0, batchSize)
		for _, v := range values[start:min(start+batchSize, len(values))] {
			batch = append(batch, v)
		}
		if err := fn(batch); err != nil {
			return err
		}
	}
	return nil
}

// parallel runs fns at once and returns the first error; the others see
// their context cancelled.
func parallel(ctx context.Context, fns ...func(context.Context) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var wg sync.WaitGroup
	for _, fn := range fns {
		wg.Go(func() {
			if err := fn(ctx); err != nil {
				cancel(err)
			}
		})
	}
	wg.Wait()
	return context.Cause(ctx)
}

func wrap(err error, what string) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}
