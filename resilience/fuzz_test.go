package resilience_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"centralpsa"
	"centralpsa/connectwise"
	"centralpsa/cwemu"
)

// FuzzConditionsAgree: whatever the client's conditions builder renders,
// the emulator's parser reads back as the same field, operator and value.
// A value the two disagree on would make every emulator test of that
// filter meaningless.
func FuzzConditionsAgree(f *testing.F) {
	for _, s := range []string{"", "O'Brien & Sons", `"`, `x" or id > 0 or name = "`, "a\x00b", "\r\n", "\u202e", `\`, "%_[", "ü)("} {
		f.Add(s, 1.5)
	}
	f.Fuzz(func(t *testing.T, s string, n float64) {
		for _, c := range []struct {
			cond connectwise.Condition
			op   string
			want cwemu.Value
		}{
			{connectwise.Eq("company/name", s), "=", cwemu.Value{Str: s}},
			{connectwise.Contains("company/name", s), "contains", cwemu.Value{Str: s}},
			{connectwise.Gt("company/name", n), ">", cwemu.Value{Num: n}},
		} {
			if c.cond.Err() != nil {
				continue // refused by the builder: nothing is sent
			}
			got, err := cwemu.ParseConditions(c.cond.String())
			if err != nil {
				t.Fatalf("the emulator cannot parse %q: %v", c.cond.String(), err)
			}
			cl, ok := got.(cwemu.Clause)
			if !ok || strings.Join(cl.Path, "/") != "company/name" || cl.Op != c.op || cl.Not || len(cl.Values) != 1 {
				t.Fatalf("%q parses to %#v", c.cond.String(), got)
			}
			v := cl.Values[0]
			if c.want.Str != "" || c.op != ">" {
				if v.Str != c.want.Str {
					t.Fatalf("%q: the emulator reads the value %q, the client sent %q", c.cond.String(), v.Str, c.want.Str)
				}
			} else if v.Num != c.want.Num {
				t.Fatalf("%q: the emulator reads %v, the client sent %v", c.cond.String(), v.Num, c.want.Num)
			}
		}
	})
}

// fuzzServer is one raw ConnectWise site per fuzz process; each input
// swaps the body it answers with.
var fuzzServer = struct {
	once   sync.Once
	mu     sync.Mutex
	body   []byte
	client *connectwise.Client
}{}

func fuzzClient(t *testing.T, body []byte) *connectwise.Client {
	fuzzServer.once.Do(func() {
		mux := http.NewServeMux()
		mux.HandleFunc("GET /login/companyinfo/{company}", func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write([]byte(`{"Codebase":"` + rawCodebase + `","CompanyID":"raw"}`))
		})
		mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
			fuzzServer.mu.Lock()
			b := fuzzServer.body
			fuzzServer.mu.Unlock()
			if r.URL.Query().Get("page") != "1" {
				b = []byte("[]")
			}
			_, _ = w.Write(b)
		})
		srv := httptest.NewServer(mux) // lives as long as the fuzz process
		c, err := connectwise.New(connectwise.Options{URL: srv.URL, Company: "raw", PublicKey: "pub", PrivateKey: "raw-private-key-1",
			ClientID: "raw", AllowHTTP: true, RequestsPerMinute: -1, MaxRetries: -1, Timeout: 5 * time.Second})
		if err != nil {
			panic(err)
		}
		fuzzServer.client = c
	})
	fuzzServer.mu.Lock()
	fuzzServer.body = body
	fuzzServer.mu.Unlock()
	return fuzzServer.client
}

// FuzzConnectWiseList: a list page decodes whole — exactly what the JSON
// says, record for record — or fails with an unavailable error and no
// records. Never a panic, never part of a page.
func FuzzConnectWiseList(f *testing.F) {
	for _, s := range []string{`[]`, `[{"id":1,"quantity":2,"product":{"id":3,"identifier":"X"}}]`, `[{"id":"1"}]`, `[{"quantity":"2"}]`,
		`null`, `{}`, `[{"id":1,"effectiveDate":"2026-02-01T00:00:00Z","cancelledDate":7}]`, `[{"id":1`, `<html>`, `[1,2]`, `[null]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		got, err := fuzzClient(t, body).Agreements.ListAdditions(t.Context(), 1, nil)
		var want []connectwise.Addition
		werr := json.Unmarshal(body, &want)
		if err != nil {
			if got != nil {
				t.Fatalf("records and an error: %v", err)
			}
			if centralpsa.ErrorKind(err) != centralpsa.KindUnavailable {
				t.Fatalf("error of kind %s: %v", centralpsa.ErrorKind(err), err)
			}
			if werr == nil && bytes.HasPrefix(bytes.TrimSpace(body), []byte("[")) {
				t.Fatalf("the client refused a page that decodes: %v", err)
			}
			return
		}
		if werr != nil {
			t.Fatalf("the client accepted a page that does not decode: %v", werr)
		}
		if len(want) == 0 {
			want = nil
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("the list differs from the page (-page +list):\n%s", diff)
		}
	})
}
