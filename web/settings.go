package web

import (
	"context"
	"strings"

	"centralpsa"
	"centralpsa/config"
	"centralpsa/store"
)

// The Setup page and the settings API share this file: what a setting
// looks like from outside (never a secret's value) and the one way to
// change settings (validate every change, then write them all in one
// transaction).

// section is a group of settings on the Setup page.
type section struct {
	ID, Title string // Title is a message key
	Keys      []string
}

var setupSections = []section{
	{"connectwise", "setup.section.connectwise", config.ConnectWiseKeys},
	{"sophos", "setup.section.sophos", config.SophosKeys},
	{"tickets", "setup.section.tickets", keysWithPrefix("tickets.")},
	{"usage", "setup.section.usage", keysWithPrefix("usage.")},
}

func keysWithPrefix(prefix string) []string {
	var out []string
	for _, s := range config.Registry {
		if strings.HasPrefix(s.Key, prefix) {
			out = append(out, s.Key)
		}
	}
	return out
}

// Field is one setting as the Setup form shows it.
type Field struct {
	Key         string
	Label, Help string // message keys
	Value       string // "" for a secret, always
	Secret      bool
	IsSet       bool // a secret has a value
	Bool        bool // shown as yes/no
	FromEnv     bool // the environment overrides the form
	Env         string
	Default     string
	Error       string
}

// fieldOf describes key as resolved in s.
func fieldOf(s *config.Settings, key string) Field {
	def, _ := config.Lookup(key)
	v := s.Value(key)
	f := Field{Key: key, Label: "setting." + key, Help: "setting." + key + ".help", Secret: def.Secret,
		IsSet: v.Value != "", FromEnv: v.Source == config.SourceEnv, Env: def.EnvName(), Default: def.Default,
		Bool: def.Default == "true" || def.Default == "false"}
	if !def.Secret {
		f.Value = v.Value
		if f.Bool {
			b, _ := config.ParseBool(v.Value)
			f.Value = map[bool]string{true: "true", false: "false"}[b]
		}
	}
	return f
}

// change is one requested change: a new value, or back to the default.
type change struct {
	Key   string
	Value string
	Unset bool
}

// applySettings validates every change and, when all are valid, stores
// them in one transaction. problems maps a key to what is wrong with its
// value (empty when all were stored); err is a store failure.
func (s *Server) applySettings(ctx context.Context, changes []change) (problems map[string]string, err error) {
	problems = map[string]string{}
	for _, c := range changes {
		if msg := validateChange(c); msg != "" {
			problems[c.Key] = msg
		}
	}
	if len(problems) > 0 || len(changes) == 0 {
		return problems, nil
	}
	err = s.cfg.Store.Tx(ctx, func(tx *store.Tx) error {
		for _, c := range changes {
			var err error
			if c.Unset {
				err = tx.DeleteSetting(ctx, c.Key)
				if centralpsa.ErrorKind(err) == centralpsa.KindNotFound {
					err = nil
				}
			} else {
				err = tx.SetSetting(ctx, c.Key, c.Value)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	keys := make([]string, len(changes))
	for i, c := range changes {
		keys[i] = c.Key
	}
	s.log.Info("settings changed", "keys", keys)
	s.settingsChanged(ctx)
	return problems, nil
}

// validateChange returns what is wrong with c, or "". A message about a
// secret never repeats the value.
func validateChange(c change) string {
	def, ok := config.Lookup(c.Key)
	if !ok || def.EnvOnly {
		err := config.ValidateValue(c.Key, c.Value)
		_, msg := publicError(err)
		return msg
	}
	if c.Unset {
		return ""
	}
	err := config.ValidateValue(c.Key, c.Value)
	if err == nil {
		return ""
	}
	_, msg := publicError(err)
	if def.Secret && c.Value != "" {
		msg = strings.ReplaceAll(msg, c.Value, "********")
	}
	return msg
}

// settingsChanged tells the rest of the process (the job schedules) that
// settings changed.
func (s *Server) settingsChanged(ctx context.Context) {
	if s.cfg.SettingsChangedFunc == nil {
		return
	}
	settings, err := s.cfg.SettingsFunc(ctx)
	if err != nil {
		s.log.Warn("reload settings after a change", "error", err)
		return
	}
	s.cfg.SettingsChangedFunc(ctx, settings)
}
