package sophosemu_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	"centralpsa/sophosemu"
)

// The emulator needs its own URL before it builds its data, because
// whoami and every tenant's apiHost point back at it.
func ExampleNew() {
	var srv *sophosemu.Server
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { srv.ServeHTTP(w, r) }))
	defer ts.Close()
	srv = sophosemu.New(sophosemu.Options{
		BaseURL: ts.URL, Tenants: 5, Seed: 1,
		NowFunc: func() time.Time { return time.Date(2025, 9, 15, 0, 0, 0, 0, time.UTC) },
	})

	id, secret := srv.Credentials()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}, "scope": {"token"}}
	resp, err := http.Post(srv.TokenURL(), "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	fmt.Println("token:", resp.Status)

	t := srv.Tenants()[0]
	fmt.Println(t.DataRegion, strings.TrimPrefix(t.APIHost, ts.URL))
	y, m := srv.LastUsageMonth()
	fmt.Println("newest billing month:", y, m)
	// Output:
	// token: 200 OK
	// eu02 /r/eu02
	// newest billing month: 2025 August
}
