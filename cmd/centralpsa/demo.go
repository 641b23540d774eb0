package main

import (
	"context"
	"fmt"

	"centralpsa/config"
	"centralpsa/cwemu"
	"centralpsa/doctor"
	"centralpsa/emu"
	"centralpsa/sample"
	"centralpsa/sophosemu"
)

func init() {
	register("demo", command{
		summary: "run the product against both emulators with sample data",
		usage:   "[--addr HOST:PORT] [--tenants N]",
		run:     (*app).demo,
	})
}

// demoEnv is a running pair of emulators and the settings that point at
// them.
type demoEnv struct {
	cw       *cwemu.Server
	sophos   *sophosemu.Server
	settings map[string]string
	close    func()
}

// startDemo starts both emulators on loopback ports with the same sample
// customers.
func startDemo(tenants int) (*demoEnv, error) {
	customers := sample.Customers(tenants, 1)
	cwSrv, err := emu.Listen("")
	if err != nil {
		return nil, err
	}
	soSrv, err := emu.Listen("")
	if err != nil {
		cwSrv.Close()
		return nil, err
	}
	cw, err := cwemu.Open(cwemu.Options{BaseURL: cwSrv.URL, Customers: customers, Extra: sample.ExtraCompanies(1)})
	if err != nil {
		cwSrv.Close()
		soSrv.Close()
		return nil, err
	}
	so := sophosemu.New(sophosemu.Options{BaseURL: soSrv.URL, Customers: customers})
	cwSrv.Serve(cw)
	soSrv.Serve(so)
	id, secret := so.Credentials()
	return &demoEnv{cw: cw, sophos: so, close: func() { cwSrv.Close(); soSrv.Close() },
		settings: map[string]string{
			"allow_http": "1",
			"cw.url":     cwSrv.URL, "cw.company": cwemu.DefaultCompany, "cw.public_key": cwemu.DefaultPublicKey,
			"cw.private_key": cwemu.DefaultPrivateKey, "cw.client_id": cwemu.DefaultClientID,
			"sophos.client_id": id, "sophos.client_secret": secret, "sophos.id_url": soSrv.URL, "sophos.api_url": soSrv.URL,
			"tickets.board": "Sophos Alerts",
		}}, nil
}

func (a *app) demo(ctx context.Context, args []string) error {
	fs := a.flags("demo")
	_ = fs.String("addr", "127.0.0.1:8080", "console address (the console arrives with `serve`)")
	tenants := fs.Int("tenants", 60, "number of sample customers")
	if err := parse(fs, args); err != nil {
		return err
	}
	env, err := startDemo(*tenants)
	if err != nil {
		return fmt.Errorf("start the emulators: %w", err)
	}
	defer env.close()
	fmt.Fprintf(a.stdout, "ConnectWise emulator: %s\nSophos Central emulator: %s\n%d sample customers\n\n", env.settings["cw.url"], env.settings["sophos.api_url"], *tenants)
	fmt.Fprintln(a.stdout, "== centralpsa doctor")
	r := doctor.Run(ctx, config.FromMap(env.settings), doctor.Options{Logger: a.logger})
	if err := r.WriteText(a.stdout); err != nil {
		return err
	}
	if !r.OK() {
		return &exitError{code: 1, msg: "doctor failed against the emulators"}
	}
	return nil
}
