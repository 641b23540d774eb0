package connectwise

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"centralpsa"
)

// serviceCalls lists every typed method with the request it must make.
var serviceCalls = []struct {
	method, path string // path as the server sees it, relative to the API root
	reply        string
	call         func(context.Context, *Client) error
}{
	{"GET", "/system/info", `{"version":"v2025.1"}`, func(ctx context.Context, c *Client) error { _, err := c.System.Info(ctx); return err }},
	{"GET", "/system/myMembers", `{"id":1,"licenseClass":"A","securityRole":{"id":2,"name":"API"}}`, func(ctx context.Context, c *Client) error {
		m, err := c.Members.Me(ctx)
		if err == nil && (!m.IsAPIMember() || m.SecurityRole.Name != "API") {
			err = errors.New("member not decoded")
		}
		return err
	}},
	{"GET", "/system/members", `[]`, func(ctx context.Context, c *Client) error { _, err := c.Members.List(ctx, nil); return err }},
	{"GET", "/system/members/count", `{"count":1}`, func(ctx context.Context, c *Client) error { _, err := c.Members.Count(ctx, nil); return err }},
	{"GET", "/system/apiMembers", `[]`, func(ctx context.Context, c *Client) error { _, err := c.Members.ListAPIMembers(ctx, nil); return err }},
	{"GET", "/system/mySecurity", `[{"moduleName":"Finance","moduleFunctionName":"Agreements","addLevel":"All"}]`, func(ctx context.Context, c *Client) error {
		rows, err := c.Security.Mine(ctx, nil)
		if err == nil && (len(rows) != 1 || !rows[0].Matches("finance", "agreements") || rows[0].LevelFor("Add") != LevelAll) {
			err = errors.New("security rows not decoded")
		}
		return err
	}},
	{"GET", "/system/mySecurity/customizeItems/", `[]`, func(ctx context.Context, c *Client) error {
		_, err := c.Security.MyCustomizeItems(ctx, nil)
		return err
	}},
	{"GET", "/system/securityroles", `[]`, func(ctx context.Context, c *Client) error { _, err := c.Security.ListRoles(ctx, nil); return err }},
	{"GET", "/system/securityRoles/3/settings", `[]`, func(ctx context.Context, c *Client) error { _, err := c.Security.RoleSettings(ctx, 3, nil); return err }},
	{"GET", "/system/integratorlogins", `[]`, func(ctx context.Context, c *Client) error { _, err := c.IntegratorLogins.List(ctx, nil); return err }},
	{"GET", "/system/integratorlogins/count", `{"count":1}`, func(ctx context.Context, c *Client) error { _, err := c.IntegratorLogins.Count(ctx, nil); return err }},
	{"GET", "/company/companies", `[]`, func(ctx context.Context, c *Client) error { _, err := c.Companies.List(ctx, nil); return err }},
	{"GET", "/company/companies/count", `{"count":1}`, func(ctx context.Context, c *Client) error { _, err := c.Companies.Count(ctx, nil); return err }},
	{"GET", "/company/companies/4", `{"id":4}`, func(ctx context.Context, c *Client) error { _, err := c.Companies.Get(ctx, 4); return err }},
	{"GET", "/finance/agreements", `[]`, func(ctx context.Context, c *Client) error { _, err := c.Agreements.List(ctx, nil); return err }},
	{"GET", "/finance/agreements/count", `{"count":1}`, func(ctx context.Context, c *Client) error { _, err := c.Agreements.Count(ctx, nil); return err }},
	{"GET", "/finance/agreements/5", `{"id":5}`, func(ctx context.Context, c *Client) error { _, err := c.Agreements.Get(ctx, 5); return err }},
	{"GET", "/finance/agreements/types", `[]`, func(ctx context.Context, c *Client) error { _, err := c.Agreements.ListTypes(ctx, nil); return err }},
	{"GET", "/finance/agreements/5/additions", `[]`, func(ctx context.Context, c *Client) error {
		_, err := c.Agreements.ListAdditions(ctx, 5, nil)
		return err
	}},
	{"POST", "/finance/agreements/5/additions", `{"id":1}`, func(ctx context.Context, c *Client) error {
		_, err := c.Agreements.CreateAddition(ctx, 5, &Addition{})
		return err
	}},
	{"PATCH", "/finance/agreements/5/additions/1", `{"id":1}`, func(ctx context.Context, c *Client) error {
		_, err := c.Agreements.UpdateAddition(ctx, 5, 1, nil)
		return err
	}},
	{"GET", "/procurement/catalog", `[]`, func(ctx context.Context, c *Client) error { _, err := c.Catalog.List(ctx, nil); return err }},
	{"GET", "/procurement/catalog/count", `{"count":1}`, func(ctx context.Context, c *Client) error { _, err := c.Catalog.Count(ctx, nil); return err }},
	{"GET", "/procurement/catalog/6", `{"id":6}`, func(ctx context.Context, c *Client) error { _, err := c.Catalog.Get(ctx, 6); return err }},
	{"POST", "/procurement/catalog", `{"id":6}`, func(ctx context.Context, c *Client) error {
		_, err := c.Catalog.Create(ctx, &CatalogItem{})
		return err
	}},
	{"PATCH", "/procurement/catalog/6", `{"id":6}`, func(ctx context.Context, c *Client) error { _, err := c.Catalog.Update(ctx, 6, nil); return err }},
	{"GET", "/procurement/types", `[]`, func(ctx context.Context, c *Client) error { _, err := c.Procurement.ListTypes(ctx, nil); return err }},
	{"POST", "/procurement/types", `{"id":1}`, func(ctx context.Context, c *Client) error {
		_, err := c.Procurement.CreateType(ctx, &ProductType{})
		return err
	}},
	{"GET", "/procurement/categories", `[]`, func(ctx context.Context, c *Client) error {
		_, err := c.Procurement.ListCategories(ctx, nil)
		return err
	}},
	{"POST", "/procurement/categories", `{"id":1}`, func(ctx context.Context, c *Client) error {
		_, err := c.Procurement.CreateCategory(ctx, &Category{})
		return err
	}},
	{"GET", "/procurement/subcategories/", `[]`, func(ctx context.Context, c *Client) error {
		_, err := c.Procurement.ListSubcategories(ctx, nil)
		return err
	}},
	{"POST", "/procurement/subcategories/", `{"id":1}`, func(ctx context.Context, c *Client) error {
		_, err := c.Procurement.CreateSubcategory(ctx, &Subcategory{})
		return err
	}},
	{"GET", "/procurement/manufacturers", `[]`, func(ctx context.Context, c *Client) error {
		_, err := c.Procurement.ListManufacturers(ctx, nil)
		return err
	}},
	{"POST", "/procurement/manufacturers", `{"id":1}`, func(ctx context.Context, c *Client) error {
		_, err := c.Procurement.CreateManufacturer(ctx, &Manufacturer{})
		return err
	}},
	{"GET", "/service/boards", `[]`, func(ctx context.Context, c *Client) error { _, err := c.Boards.List(ctx, nil); return err }},
	{"GET", "/service/boards/count", `{"count":1}`, func(ctx context.Context, c *Client) error { _, err := c.Boards.Count(ctx, nil); return err }},
	{"GET", "/service/boards/7/statuses", `[{"id":1,"name":"Closed","closedStatus":true}]`, func(ctx context.Context, c *Client) error { _, err := c.Boards.ListStatuses(ctx, 7, nil); return err }},
	{"GET", "/service/boards/7/types", `[]`, func(ctx context.Context, c *Client) error { _, err := c.Boards.ListTypes(ctx, 7, nil); return err }},
	{"GET", "/service/priorities", `[]`, func(ctx context.Context, c *Client) error { _, err := c.Priorities.List(ctx, nil); return err }},
	{"GET", "/service/sources", `[]`, func(ctx context.Context, c *Client) error { _, err := c.Sources.List(ctx, nil); return err }},
	{"GET", "/service/tickets", `[]`, func(ctx context.Context, c *Client) error { _, err := c.Tickets.List(ctx, nil); return err }},
	{"GET", "/service/tickets/count", `{"count":1}`, func(ctx context.Context, c *Client) error { _, err := c.Tickets.Count(ctx, nil); return err }},
	{"GET", "/service/tickets/8", `{"id":8}`, func(ctx context.Context, c *Client) error { _, err := c.Tickets.Get(ctx, 8); return err }},
	{"POST", "/service/tickets", `{"id":8}`, func(ctx context.Context, c *Client) error { _, err := c.Tickets.Create(ctx, &Ticket{}); return err }},
	{"PATCH", "/service/tickets/8", `{"id":8}`, func(ctx context.Context, c *Client) error { _, err := c.Tickets.Update(ctx, 8, nil); return err }},
	{"GET", "/service/tickets/8/notes", `[]`, func(ctx context.Context, c *Client) error { _, err := c.Tickets.ListNotes(ctx, 8, nil); return err }},
	{"POST", "/service/tickets/8/notes", `{"id":1}`, func(ctx context.Context, c *Client) error {
		_, err := c.Tickets.CreateNote(ctx, 8, &Note{})
		return err
	}},
	{"GET", "/system/reports", `[{"name":"holiday"}]`, func(ctx context.Context, c *Client) error { _, err := c.Reports.List(ctx, nil); return err }},
	{"GET", "/system/reports/holiday/count", `{"count":1}`, func(ctx context.Context, c *Client) error {
		_, err := c.Reports.Count(ctx, "holiday", Condition{})
		return err
	}},
	{"PUT", "/company/companies/4", `{"id":4}`, func(ctx context.Context, c *Client) error {
		return c.Do(ctx, "put", "/company/companies/4", nil, &Company{Name: "x"}, &Company{})
	}},
}

// TestServiceRoutes calls every method against one handler that checks the
// method and path, then against a 403 to check the error path and hint.
func TestServiceRoutes(t *testing.T) {
	t.Parallel()
	for _, deny := range []bool{false, true} {
		b := setup(t, func(o *Options) { o.MaxRetries = -1 })
		seen := make(chan string, 1)
		b.mux.HandleFunc(sitePrefix+"/v2025_1/apis/3.0/", func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != wantAuth() {
				t.Errorf("%s %s without credentials", r.Method, r.URL.Path)
			}
			seen <- r.Method + " " + strings.TrimPrefix(r.URL.Path, sitePrefix+"/v2025_1/apis/3.0")
			if deny {
				writeJSON(w, 403, map[string]string{"code": "Forbidden", "message": "Access denied"})
				return
			}
			for _, sc := range serviceCalls {
				if sc.method+" "+sc.path == r.Method+" "+strings.TrimPrefix(r.URL.Path, sitePrefix+"/v2025_1/apis/3.0") {
					w.Write([]byte(sc.reply))
					return
				}
			}
			http.Error(w, "unexpected", 599)
		})
		for _, sc := range serviceCalls {
			err := sc.call(t.Context(), b.client)
			if got := <-seen; got != sc.method+" "+sc.path {
				t.Errorf("request %q, want %q", got, sc.method+" "+sc.path)
			}
			if !deny {
				if err != nil {
					t.Errorf("%s %s: %v", sc.method, sc.path, err)
				}
				continue
			}
			var apiErr *Error
			if !errors.As(err, &apiErr) || apiErr.Status != 403 || centralpsa.ErrorKind(err) != centralpsa.KindForbidden {
				t.Errorf("%s %s: err = %v", sc.method, sc.path, err)
				continue
			}
			if _, fn, level, ok := RoleFunctionFor(sc.method, sc.path); ok && !strings.Contains(err.Error(), fn+" "+level+" level All") {
				t.Errorf("%s %s: 403 without role hint: %v", sc.method, sc.path, err)
			}
		}
	}
}
