package main

import (
	"context"

	"centralpsa/doctor"
)

func init() {
	register("doctor", command{
		summary: "check the ConnectWise and Sophos Central setup and say how to fix what is missing",
		usage:   "[--json]",
		run:     (*app).doctor,
	})
}

func (a *app) doctor(ctx context.Context, args []string) error {
	fs := a.flags("doctor")
	asJSON := fs.Bool("json", false, "print the checks as JSON (name, status, detail, fix)")
	if err := parse(fs, args); err != nil {
		return err
	}
	s, err := a.loadSettings(ctx)
	if err != nil {
		return err
	}
	r := doctor.Run(ctx, s, doctor.Options{Logger: a.logger})
	if *asJSON {
		err = r.WriteJSON(a.stdout)
	} else {
		err = r.WriteText(a.stdout)
	}
	if err != nil {
		return err
	}
	if !r.OK() {
		return &exitError{code: 1}
	}
	return nil
}
