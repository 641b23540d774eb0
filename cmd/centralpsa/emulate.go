package main

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"centralpsa"
	"centralpsa/cwemu"
	"centralpsa/emu"
	"centralpsa/sample"
	"centralpsa/sophosemu"
)

func init() {
	register("emulate", command{
		summary: "run the ConnectWise or Sophos Central emulator with sample data",
		usage:   "connectwise|sophos [--addr HOST:PORT] [--tenants N] [--seed N|FILE]",
		run:     (*app).emulate,
	})
}

func (a *app) emulate(ctx context.Context, args []string) error {
	if len(args) == 0 || (args[0] != "connectwise" && args[0] != "sophos") {
		return centralpsa.Errorf(centralpsa.KindInvalid, "usage: centralpsa emulate connectwise|sophos [--addr HOST:PORT]")
	}
	which := args[0]
	fs := a.flags("emulate")
	addr := fs.String("addr", "127.0.0.1:0", "listen address (loopback by default)")
	tenants := fs.Int("tenants", 60, "number of sample customers")
	seed := fs.String("seed", "1", "seed `N` for the generated sample data; for connectwise also a JSON seed FILE of extra records")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	srv, err := emu.Listen(*addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	defer srv.Close()
	var h http.Handler
	n, seedErr := strconv.ParseUint(*seed, 10, 64)
	switch {
	case which == "connectwise" && seedErr != nil:
		h, err = a.startConnectWise(srv.URL, *tenants, 1, *seed)
	case seedErr != nil:
		return centralpsa.Errorf(centralpsa.KindInvalid, "--seed %q: the Sophos emulator takes a number", *seed)
	case which == "connectwise":
		h, err = a.startConnectWise(srv.URL, *tenants, n, "")
	default:
		h, err = a.startSophos(srv.URL, *tenants, n)
	}
	if err != nil {
		return err
	}
	srv.Serve(h)
	fmt.Fprintf(a.stdout, "control API: %s/_emulator/ (faults, requests)\nCtrl-C to stop.\n", srv.URL)
	<-ctx.Done()
	return nil
}

func (a *app) startSophos(url string, tenants int, seed uint64) (http.Handler, error) {
	s := sophosemu.New(sophosemu.Options{BaseURL: url, Tenants: tenants, Seed: seed})
	id, secret := s.Credentials()
	fmt.Fprintf(a.stdout, "Sophos Central emulator on %s with %d tenants (partner %s)\n\n", url, len(s.Tenants()), s.PartnerID())
	fmt.Fprintf(a.stdout, "export CENTRALPSA_ALLOW_HTTP=1\nexport CENTRALPSA_SOPHOS_ID_URL=%s\nexport CENTRALPSA_SOPHOS_API_URL=%s\nexport CENTRALPSA_SOPHOS_CLIENT_ID=%s\nexport CENTRALPSA_SOPHOS_CLIENT_SECRET=%s\n\n", url, url, id, secret)
	return s, nil
}

// startConnectWise builds the ConnectWise emulator; seedFile, when set,
// adds the records of a JSON seed file to the sample data.
func (a *app) startConnectWise(url string, tenants int, seed uint64, seedFile string) (http.Handler, error) {
	s, err := cwemu.Open(cwemu.Options{BaseURL: url, Customers: sample.Customers(tenants, seed), Extra: sample.ExtraCompanies(seed), SeedFile: seedFile})
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(a.stdout, "ConnectWise emulator on %s (company %s)\n\n", url, cwemu.DefaultCompany)
	fmt.Fprintf(a.stdout, "export CENTRALPSA_ALLOW_HTTP=1\nexport CENTRALPSA_CW_URL=%s\nexport CENTRALPSA_CW_COMPANY=%s\nexport CENTRALPSA_CW_PUBLIC_KEY=%s\nexport CENTRALPSA_CW_PRIVATE_KEY=%s\nexport CENTRALPSA_CW_CLIENT_ID=%s\nexport CENTRALPSA_TICKETS_BOARD='Sophos Alerts'\n\n",
		url, cwemu.DefaultCompany, cwemu.DefaultPublicKey, cwemu.DefaultPrivateKey, cwemu.DefaultClientID)
	return s, nil
}
