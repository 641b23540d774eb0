// Package usage turns a month of Sophos Central billing lines into the
// ConnectWise agreement additions that bill them. It is pure: Plan takes
// everything it needs as values (usage lines, mappings, the current catalog,
// agreements and additions, settings) and returns the operations to make,
// each with its reason, plus the skips and a reconciliation report. The
// adapters fetch the inputs and apply the operations; nothing here does I/O.
//
// Rules Plan follows, and why:
//
//   - Quantity of (tenant, product) is the sum of the chosen quantity over
//     every line of that accountId and productCode; tenants mapped to the
//     same agreement add up into one addition per catalog item.
//   - Only additions of catalog items centralpsa manages (the product table:
//     defaults and overrides; the identifiers of this month's codes; items it
//     created before, Input.Managed) on agreements it syncs are touched.
//     Anything else on an agreement was put there by a person.
//   - An addition whose product has no usage any more is set to 0
//     (zero_policy "zero") or cancelled ("cancel"); one already at 0, or
//     already cancelled, is left alone so a second run plans nothing.
//   - When usage returns for a product whose addition was cancelled, Plan
//     creates a new addition instead of clearing cancelledDate: ConnectWise
//     may already have invoiced the cancellation, so un-cancelling would
//     rewrite billed history (and may be refused), while a new addition from
//     the first day of the month bills exactly the new period and leaves an
//     audit trail.
//   - New additions take effectiveDate = the first day of the month, and
//     cancelled ones cancelledDate = the same day, so the addition covers
//     exactly the months with usage. How ConnectWise prorates around those
//     dates is not documented (connectwise-api.md open question 10).
//   - Two live additions of the same managed item on one agreement would
//     bill twice; the lowest id is kept and the others are zeroed or
//     cancelled.
//   - Operations are sorted and keyed (addition:<agreementID>:<identifier>),
//     and the plan carries a hash over its operations and a fingerprint of
//     its inputs, so an apply can resume op by op and refuse a stale plan.
//
// Plan cannot tell "no usage" from "no data yet": a caller that got
// Sophos's 404 "No data for requested year or month" must not plan with an
// empty line list, or every managed addition would be zeroed.
package usage
