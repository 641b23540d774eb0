package web

import (
	"net/http"

	"centralpsa/config"
)

// apiSetting is one setting in the API. A secret's value is "********"
// when set and "" when not; the value itself is never returned.
type apiSetting struct {
	Key     string        `json:"key"`
	Value   string        `json:"value"`
	Source  config.Source `json:"source"`
	Env     string        `json:"env"`
	Secret  bool          `json:"secret"`
	Default string        `json:"default,omitempty"`
	Help    string        `json:"help"`
}

func apiSettingOf(s *config.Settings, key string) apiSetting {
	def, _ := config.Lookup(key)
	v := s.Value(key)
	return apiSetting{Key: key, Value: v.Display(), Source: v.Source, Env: def.EnvName(), Secret: def.Secret, Default: def.Default, Help: def.Help}
}

// apiSettings lists every setting that can be stored. Environment-only
// settings (the database DSN, which may hold a password) are left out.
func (s *Server) apiSettings(w http.ResponseWriter, r *http.Request) {
	settings, err := s.cfg.SettingsFunc(r.Context())
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	out := []apiSetting{}
	for _, def := range config.Registry {
		if !def.EnvOnly {
			out = append(out, apiSettingOf(settings, def.Key))
		}
	}
	writeJSON(w, http.StatusOK, struct {
		Settings []apiSetting `json:"settings"`
	}{out})
}
