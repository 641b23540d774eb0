package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"centralpsa"
)

const productsUsage = "list [--json] | set --code CODE --catalog IDENTIFIER"

func init() {
	register("products", command{
		summary: "show and change which ConnectWise catalog item bills each Sophos product",
		usage:   productsUsage,
		run:     (*app).products,
	})
}

func (a *app) products(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return centralpsa.Errorf(centralpsa.KindInvalid, "usage: centralpsa products %s", productsUsage)
	}
	switch args[0] {
	case "list":
		return a.productsList(ctx, args[1:])
	case "set":
		return a.productsSet(ctx, args[1:])
	}
	return centralpsa.Errorf(centralpsa.KindInvalid, "unknown products command %q; usage: centralpsa products %s", args[0], productsUsage)
}

func (a *app) productsList(ctx context.Context, args []string) error {
	fs := a.flags("products")
	asJSON := fs.Bool("json", false, "print the product table as JSON")
	if err := parse(fs, args); err != nil {
		return err
	}
	svc, closeSvc, err := a.customerService(ctx)
	if err != nil {
		return err
	}
	defer closeSvc()
	list, err := svc.Products(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		return a.writeJSON(list)
	}
	if list.Month == "" {
		fmt.Fprintln(a.stdout, "No Sophos billing data in the last few months; showing the stored and default mappings.")
	} else {
		fmt.Fprintf(a.stdout, "Codes billed in %s, stored mappings and the default table:\n", list.Month)
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CODE\tCATALOG IDENTIFIER\tIN CONNECTWISE\tSOURCE\tBILLED\tDESCRIPTION")
	for _, p := range list.Products {
		in := "no (created by usage sync)"
		switch {
		case p.Inactive:
			in = fmt.Sprintf("inactive (id %d)", p.CatalogID)
		case p.InConnectWise:
			in = fmt.Sprintf("yes (id %d)", p.CatalogID)
		}
		billed := ""
		if p.Seen {
			billed = "yes"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", p.Code, p.CatalogIdentifier, in, p.Source, billed, p.Description)
	}
	return tw.Flush()
}

func (a *app) productsSet(ctx context.Context, args []string) error {
	fs := a.flags("products")
	code := fs.String("code", "", "Sophos product code, e.g. CIXA-MSP")
	catalog := fs.String("catalog", "", "identifier of an existing ConnectWise catalog item")
	if err := parse(fs, args); err != nil {
		return err
	}
	svc, closeSvc, err := a.customerService(ctx)
	if err != nil {
		return err
	}
	defer closeSvc()
	p, err := svc.SetProduct(ctx, *code, *catalog)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "%s → catalog item %s (id %d, %s), source %s\n", p.Code, p.CatalogIdentifier, p.CatalogID, p.Description, p.Source)
	return nil
}
