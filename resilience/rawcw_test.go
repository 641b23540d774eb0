package resilience_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"centralpsa"
	"centralpsa/connectwise"
)

const rawCodebase = "v2025_1/"

// answerFunc is a raw server's answer to one API request.
type answerFunc func(r *http.Request) (status int, body []byte)

// rawConnectWise is a ConnectWise client talking to an httptest server
// that answers companyinfo properly and every API request with answer:
// the wire details an emulator should not be made to produce.
func rawConnectWise(t *testing.T, answer answerFunc) *connectwise.Client {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /login/companyinfo/{company}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"CompanyName":"Raw","Codebase":%q,"CompanyID":%q,"IsCloud":true}`, rawCodebase, r.PathValue("company"))
	})
	mux.HandleFunc("/"+rawCodebase+"apis/3.0/", func(w http.ResponseWriter, r *http.Request) {
		status, body := answer(r)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(body)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	c, err := connectwise.New(connectwise.Options{URL: srv.URL, Company: "raw", PublicKey: "pub", PrivateKey: "raw-private-key-1",
		ClientID: "raw-client", AllowHTTP: true, RequestsPerMinute: -1, MaxRetries: -1, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// page answers page 1 with body and every later page with [], like a
// server that ignores pageSize but stops.
func page(body []byte) answerFunc {
	return func(r *http.Request) (int, []byte) {
		if p := r.URL.Query().Get("page"); p != "" && p != "1" {
			return http.StatusOK, []byte("[]")
		}
		return http.StatusOK, body
	}
}

// records is a JSON array of n copies of one record with ids 1..n.
func records(n int, rec string) []byte {
	var b strings.Builder
	b.WriteByte('[')
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strings.Replace(rec, "{", `{"id":`+strconv.Itoa(i+1)+",", 1))
	}
	b.WriteByte(']')
	return []byte(b.String())
}

// TestConnectWiseDecoders feeds hostile and broken answers to the list
// and get decoders of the ConnectWise client. Each must give a complete
// value or an error of kind unavailable that says which field is wrong;
// never a panic, never part of a list.
func TestConnectWiseDecoders(t *testing.T) {
	t.Parallel()
	huge := strings.Repeat("d", 10<<20)
	tests := []struct {
		name   string
		answer answerFunc
		call   string // additions, catalog, agreement, companies
		want   int    // records in a complete value; -1 = an error
		field  string // what the error must name
		check  func(t *testing.T, v any)
	}{
		{"Truncated", page([]byte(`[{"id":1,"quantity":`)), "additions", -1, "malformed", nil},
		{"HTMLFromAProxy", page([]byte(`<html><body>Service Unavailable</body></html>`)), "additions", -1, "malformed", nil},
		{"Empty", page(nil), "additions", -1, "malformed", nil},
		{"ObjectNotArray", page([]byte(`{"items":[]}`)), "additions", -1, "malformed", nil},
		{"QuantityString", page([]byte(`[{"id":1,"quantity":"3"}]`)), "additions", -1, "quantity", nil},
		{"IDString", page([]byte(`[{"id":"12","name":"x"}]`)), "catalog", -1, "id", nil},
		{"ProductNumber", page([]byte(`[{"id":1,"product":7}]`)), "additions", -1, "product", nil},
		{"SecondPageBroken", func(r *http.Request) (int, []byte) {
			if r.URL.Query().Get("page") == "2" {
				return http.StatusOK, []byte(`[{"id":"x"}]`)
			}
			return http.StatusOK, records(1000, `{"quantity":1}`)
		}, "additions", -1, "page 2", nil},
		{"HugePage", page(records(10_000, `{"quantity":2,"product":{"id":9,"identifier":"X"}}`)), "additions", 10_000, "", nil},
		{"TenMegabyteDescription", page(records(1, `{"identifier":"X","description":"`+huge+`"}`)), "catalog", 1, "", func(t *testing.T, v any) {
			if d := v.([]connectwise.CatalogItem)[0].Description; len(d) != len(huge) {
				t.Errorf("description of %d bytes, want %d", len(d), len(huge))
			}
		}},
		{"ControlCharacters", page([]byte(`[{"id":1,"name":"A\u0000B\r\nC\u202eD"}]`)), "companies", 1, "", func(t *testing.T, v any) {
			if n := v.([]connectwise.Company)[0].Name; n != "A\x00B\r\nC\u202eD" {
				t.Errorf("name %q changed in decoding; cleaning is the consumer's job", n)
			}
		}},
		{"UnknownEnum", page([]byte(`[{"id":1,"agreementStatus":"Suspended","billCustomer":"Sometimes"}]`)), "additions", 1, "", nil},
		{"MissingFields", page([]byte(`[{},{}]`)), "additions", 2, "", nil},
		{"NullList", page([]byte(`null`)), "additions", -1, "", nil},
		{"GetTruncated", page([]byte(`{"id":7,"name":"Agr`)), "agreement", -1, "malformed", nil},
		{"GetWrongType", page([]byte(`{"id":7,"cancelledFlag":"yes"}`)), "agreement", -1, "cancelledFlag", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := rawConnectWise(t, tt.answer)
			v, n, err := callCW(t.Context(), c, tt.call)
			if tt.want < 0 {
				if err == nil {
					t.Fatalf("no error; got %d records", n)
				}
				if n != 0 {
					t.Errorf("%d records came back with the error", n)
				}
				if k := centralpsa.ErrorKind(err); k != centralpsa.KindUnavailable {
					t.Errorf("kind %s, want unavailable: %v", k, err)
				}
				if !strings.Contains(err.Error(), tt.field) {
					t.Errorf("error does not name %s: %v", tt.field, err)
				}
				if strings.Contains(err.Error(), "raw-private-key-1") {
					t.Error("the private key is in the error")
				}
				return
			}
			if err != nil {
				t.Fatalf("error %v; want %d records", err, tt.want)
			}
			if n != tt.want {
				t.Fatalf("%d records, want %d", n, tt.want)
			}
			if tt.check != nil {
				tt.check(t, v)
			}
		})
	}
}

// callCW makes one decoding call and returns its value and record count.
func callCW(ctx context.Context, c *connectwise.Client, call string) (any, int, error) {
	switch call {
	case "additions":
		v, err := c.Agreements.ListAdditions(ctx, 1, nil)
		return v, len(v), err
	case "catalog":
		v, err := c.Catalog.List(ctx, nil)
		return v, len(v), err
	case "companies":
		v, err := c.Companies.List(ctx, nil)
		return v, len(v), err
	case "agreement":
		v, err := c.Agreements.Get(ctx, 7)
		if v == nil {
			return nil, 0, err
		}
		return v, 1, err
	}
	panic("unknown call " + call)
}
