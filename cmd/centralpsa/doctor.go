package main

import (
	"context"
	"strings"

	"centralpsa"
	"centralpsa/config"
	"centralpsa/doctor"
)

func init() {
	register("doctor", command{
		summary: "check the ConnectWise and Sophos Central setup and say how to fix what is missing",
		usage:   "[--json] [--lang en|it]",
		run:     (*app).doctor,
	})
}

func (a *app) doctor(ctx context.Context, args []string) error {
	fs := a.flags("doctor")
	asJSON := fs.Bool("json", false, "print the checks as JSON (id, name, status, detail, fix)")
	langFlag := fs.String("lang", "", "language of the report: "+strings.Join(doctor.Languages(), " or ")+
		" (default: CENTRALPSA_LANG, else Italian when LC_ALL or LANG is it_*, else English)")
	if err := parse(fs, args); err != nil {
		return err
	}
	lang, err := reportLang(*langFlag, a.env)
	if err != nil {
		return err
	}
	s, err := a.loadSettings(ctx)
	if err != nil {
		return err
	}
	r := doctor.Run(ctx, s, doctor.Options{Logger: a.logger, Lang: lang})
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

// reportLang picks the report's language: the flag, then CENTRALPSA_LANG,
// both of which must name a supported language, then the locale. LC_ALL
// overrides LANG as in POSIX, and a locale that is not Italian (C, en_US,
// de_DE …) gives English rather than an error, since it is set for every
// program on the machine and not for centralpsa.
func reportLang(flagValue string, env config.EnvFunc) (string, error) {
	name, v := "--lang", flagValue
	if v == "" {
		name, v = "CENTRALPSA_LANG", envValue(env, "CENTRALPSA_LANG")
	}
	if v != "" {
		lang, ok := doctor.ParseLang(v)
		if !ok {
			return "", centralpsa.Errorf(centralpsa.KindInvalid, "%s %q: supported languages are %s", name, v, strings.Join(doctor.Languages(), ", "))
		}
		return lang, nil
	}
	for _, k := range []string{"LC_ALL", "LANG"} {
		if v := envValue(env, k); v != "" {
			lang, _ := doctor.ParseLang(v)
			return lang, nil
		}
	}
	return doctor.DefaultLang, nil
}

func envValue(env config.EnvFunc, key string) string {
	v, _ := env(key)
	return v
}
