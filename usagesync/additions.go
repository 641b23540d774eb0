package usagesync

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"

	"centralpsa/connectwise"
	"centralpsa/usage"
)

func additionsPath(agreementID int64) string {
	return fmt.Sprintf("/finance/agreements/%d/additions", agreementID)
}

// createAddition creates the addition of a create_addition op, unless a
// live addition of the same item is already on the agreement (an earlier
// attempt made it, or a person did since the plan): that one is adopted
// and given the planned quantity.
//
// In a run that has just planned (fromPlan), the plan's read is that
// look-up and the agreement is not listed again: an earlier attempt would
// have left a run to resume, the lease keeps other centralpsa processes
// out, and a line a person adds by hand in the seconds between would be a
// duplicate that the next run's plan retires (package usage) long before
// the month is invoiced. That saves one request per agreement on a first
// sync. Resumed runs and plans applied later always look again.
func (a *applier) createAddition(ctx context.Context, op usage.Op) (any, error) {
	catalogID, err := a.catalogFor(op)
	if err != nil {
		return nil, err
	}
	if !a.fromPlan || a.pending[op.Key] {
		found, err := a.liveAddition(ctx, op.AgreementID, op.CatalogIdentifier)
		if err != nil {
			return nil, err
		}
		if found != nil {
			return a.adopt(ctx, op, found)
		}
	}
	find := func(ctx context.Context) (int64, error) {
		f, err := a.findAddition(ctx, op.AgreementID, op.CatalogIdentifier)
		if f == nil || err != nil {
			return 0, err
		}
		return int64(f.ID), nil
	}
	body := &connectwise.Addition{Product: connectwise.Ref(catalogID), BillCustomer: op.BillCustomer,
		Quantity: connectwise.Float(float64(op.New)), EffectiveDate: connectwise.At(opDate(op.EffectiveDate, a.p.Month))}
	w := write{key: op.Key, kind: string(op.Kind), method: http.MethodPost, endpoint: additionsPath(op.AgreementID), entity: entityAddition}
	id, err := a.createChecked(ctx, &w, find, func(ctx context.Context) (int64, any, error) {
		w.body = body
		created, err := a.s.CW.Agreements.CreateAddition(ctx, int(op.AgreementID), body)
		if created == nil {
			return 0, nil, err
		}
		return int64(created.ID), additionView(created), err
	})
	if err != nil {
		return nil, err
	}
	return map[string]int64{"additionId": id}, nil
}

// adopt takes over a live addition found where the plan meant to create
// one, setting the planned quantity when it differs.
func (a *applier) adopt(ctx context.Context, op usage.Op, found *connectwise.Addition) (any, error) {
	w := write{method: http.MethodPost, endpoint: additionsPath(op.AgreementID), entity: entityAddition, entityID: itoa(int64(found.ID))}
	if a.pending[op.Key] {
		a.late(ctx, op.Key, w, additionView(found))
	}
	a.log.Info("addition already exists, adopting it", "agreement_id", op.AgreementID, "addition_id", found.ID, "identifier", op.CatalogIdentifier)
	if found.Quantity == nil || int64(math.Round(*found.Quantity)) != op.New {
		old := int64(0)
		if found.Quantity != nil {
			old = int64(math.Round(*found.Quantity))
		}
		fix := op
		fix.Kind, fix.AdditionID, fix.Old = usage.OpUpdateQuantity, int64(found.ID), old
		if _, err := a.patchAddition(ctx, fix, connectwise.Replace("quantity", op.New)); err != nil {
			return nil, err
		}
	}
	return map[string]any{"additionId": found.ID, "adopted": true}, nil
}

// patchAddition sends one JSON-Patch change to an addition.
func (a *applier) patchAddition(ctx context.Context, op usage.Op, patch connectwise.PatchOp) (any, error) {
	ops := []connectwise.PatchOp{patch}
	w := write{key: op.Key, kind: string(op.Kind), method: http.MethodPatch,
		endpoint: fmt.Sprintf("%s/%d", additionsPath(op.AgreementID), op.AdditionID), entity: entityAddition,
		entityID: itoa(op.AdditionID), before: map[string]int64{"id": op.AdditionID, "quantity": op.Old}, body: ops}
	updated, err := a.s.CW.Agreements.UpdateAddition(ctx, int(op.AgreementID), int(op.AdditionID), ops)
	a.sent(ctx, w, additionView(updated), err)
	if err != nil {
		return nil, err
	}
	return map[string]int64{"additionId": op.AdditionID}, nil
}

// liveAddition is the lookup before a create: the live addition of the
// catalog item on the agreement, or nil. The agreement's additions are
// listed once, right before its first create, rather than once per
// create: the customer's own creates are for distinct items, so one list
// taken just before them answers every lookup as well, at a fraction of
// the requests.
func (a *applier) liveAddition(ctx context.Context, agreementID int64, identifier string) (*connectwise.Addition, error) {
	a.mu.Lock()
	live, ok := a.live[agreementID]
	a.mu.Unlock()
	if !ok { // one worker applies an agreement, so no other reads it meanwhile
		list, err := a.s.CW.Agreements.ListAdditions(ctx, int(agreementID), &connectwise.ListOptions{Fields: additionFields, PageSize: connectwise.MaxPageSize})
		if err == nil {
			err = checkAdditions(list)
		}
		if err != nil {
			return nil, fmt.Errorf("look up the additions of agreement %d: %w", agreementID, err)
		}
		live = map[string]*connectwise.Addition{}
		for i, add := range list {
			if add.Product == nil || !add.CancelledDate.IsZero() {
				continue
			}
			l := strings.ToLower(add.Product.Identifier)
			if cur := live[l]; cur == nil || add.ID < cur.ID {
				live[l] = &list[i]
			}
		}
		a.mu.Lock()
		a.live[agreementID] = live
		a.mu.Unlock()
	}
	return live[strings.ToLower(identifier)], nil
}

// findAddition returns the live (not cancelled) addition of the catalog
// item on the agreement, the lowest id when several, or nil.
func (a *applier) findAddition(ctx context.Context, agreementID int64, identifier string) (*connectwise.Addition, error) {
	list, err := a.s.CW.Agreements.ListAdditions(ctx, int(agreementID), &connectwise.ListOptions{
		Conditions: connectwise.Eq("product/identifier", identifier), Fields: additionFields})
	if err == nil {
		err = checkAdditions(list)
	}
	if err != nil {
		return nil, fmt.Errorf("look up additions of %s on agreement %d: %w", identifier, agreementID, err)
	}
	var best *connectwise.Addition
	for i, add := range list {
		if add.Product == nil || !strings.EqualFold(add.Product.Identifier, identifier) || !add.CancelledDate.IsZero() {
			continue
		}
		if best == nil || add.ID < best.ID {
			best = &list[i]
		}
	}
	return best, nil
}

// opDate reads an op's calendar date (effective or cancelled), midnight
// UTC; the first day of the month when the op has none.
func opDate(date string, m usage.Month) time.Time {
	if t, err := time.Parse("2006-01-02", date); err == nil {
		return t
	}
	return m.Start()
}
