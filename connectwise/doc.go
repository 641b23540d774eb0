// Package connectwise is a client for the ConnectWise Manage (PSA) REST API
// 3.0, written for what centralpsa needs: companies, agreements and their
// additions, the product catalog and its setup tables, service boards and
// tickets, the caller's member and security levels, and the reporting API.
//
// The client finds the site's codebase through /login/companyinfo, pins an
// API version in the Accept header, builds injection-safe conditions, pages
// through lists with an explicit pageSize, limits its own request rate and
// retries only what is safe to retry. A create (POST) that times out or
// fails with a 5xx may already have been applied, so it is never retried;
// the error wraps ErrOutcomeUnknown and the caller searches before trying
// again.
//
// Services hang off the Client, go-github style:
//
//	cw, err := connectwise.New(connectwise.Options{...})
//	additions, err := cw.Agreements.ListAdditions(ctx, agreementID, &connectwise.ListOptions{
//		Conditions: connectwise.Eq("product/identifier", "Sophos_Intercept_X_Advanced"),
//	})
//
// The facts behind the behaviour are in shared/docs/connectwise-api.md; the
// section numbers in comments ("§5.1") refer to it.
package connectwise
