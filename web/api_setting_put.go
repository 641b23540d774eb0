package web

import (
	"net/http"

	"centralpsa"
)

// apiSettingPutRequest is the body of PUT /api/v1/settings/{key}.
type apiSettingPutRequest struct {
	Value *string `json:"value"`
}

// apiSettingPut stores one setting through the same validation as the
// Setup form and returns it as now resolved (masked when secret). When
// the environment overrides the key, the stored value has no effect until
// that variable is removed; the answer's source says "env".
func (s *Server) apiSettingPut(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("key")
	var req apiSettingPutRequest
	if err := decodeJSON(r, &req); err != nil {
		s.fail(w, r, true, err)
		return
	}
	if req.Value == nil {
		s.fail(w, r, true, centralpsa.Errorf(centralpsa.KindInvalid, `send {"value": "..."}; to go back to the default use DELETE`))
		return
	}
	s.apiChangeSetting(w, r, change{Key: key, Value: *req.Value})
}

// apiChangeSetting applies one change and answers with the setting.
func (s *Server) apiChangeSetting(w http.ResponseWriter, r *http.Request, c change) {
	problems, err := s.applySettings(r.Context(), []change{c})
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	if msg, bad := problems[c.Key]; bad {
		s.fail(w, r, true, centralpsa.Errorf(centralpsa.KindInvalid, "%s", msg))
		return
	}
	settings, err := s.cfg.SettingsFunc(r.Context())
	if err != nil {
		s.fail(w, r, true, err)
		return
	}
	writeJSON(w, http.StatusOK, apiSettingOf(settings, c.Key))
}
