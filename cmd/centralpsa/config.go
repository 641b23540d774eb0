package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"centralpsa"
	"centralpsa/config"
)

func init() {
	register("config", command{
		summary: "show and change settings stored in the database",
		usage:   "list [--json] | get KEY | set KEY VALUE | unset KEY",
		run:     (*app).config,
	})
}

func (a *app) config(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return centralpsa.Errorf(centralpsa.KindInvalid, "usage: centralpsa config list [--json] | get KEY | set KEY VALUE | unset KEY")
	}
	switch sub, rest := args[0], args[1:]; {
	case sub == "list":
		return a.configList(ctx, rest)
	case sub == "get" && len(rest) == 1:
		s, err := a.loadSettings(ctx)
		if err != nil {
			return err
		}
		if _, ok := config.Lookup(rest[0]); !ok {
			return centralpsa.Errorf(centralpsa.KindInvalid, "unknown setting %q (see `centralpsa config list`)", rest[0])
		}
		fmt.Fprintln(a.stdout, s.Value(rest[0]).Display())
		return nil
	case sub == "set" && len(rest) == 2:
		if err := config.ValidateValue(rest[0], rest[1]); err != nil {
			return err
		}
		db, err := a.openStore(ctx)
		if err != nil {
			return err
		}
		defer db.Close()
		if err := db.SetSetting(ctx, rest[0], rest[1]); err != nil {
			return err
		}
		if v, ok := a.env(config.EnvName(rest[0])); ok && v != "" {
			fmt.Fprintf(a.stderr, "note: %s is set in the environment and overrides the stored value\n", config.EnvName(rest[0]))
		}
		return nil
	case sub == "unset" && len(rest) == 1:
		db, err := a.openStore(ctx)
		if err != nil {
			return err
		}
		defer db.Close()
		return db.DeleteSetting(ctx, rest[0])
	}
	return centralpsa.Errorf(centralpsa.KindInvalid, "usage: centralpsa config list [--json] | get KEY | set KEY VALUE | unset KEY")
}

func (a *app) configList(ctx context.Context, args []string) error {
	fs := a.flags("config")
	asJSON := fs.Bool("json", false, "print as JSON")
	if err := parse(fs, args); err != nil {
		return err
	}
	s, err := a.loadSettings(ctx)
	if err != nil {
		return err
	}
	type row struct {
		Key    string        `json:"key"`
		Value  string        `json:"value"`
		Source config.Source `json:"source"`
		Env    string        `json:"env"`
	}
	var rows []row
	for _, v := range s.List() {
		rows = append(rows, row{v.Key, v.Display(), v.Source, config.EnvName(v.Key)})
	}
	if *asJSON {
		return a.writeJSON(rows)
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY\tVALUE\tSOURCE\tENVIRONMENT")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Key, r.Value, r.Source, r.Env)
	}
	return tw.Flush()
}
