package web

import (
	"net/http"
	"strings"

	"centralpsa/config"
)

// handleSetupSave stores the fields of one Setup form. Only fields the
// form sent are considered: a blank secret keeps the stored one, a blank
// plain field goes back to its default, an unchanged value is not stored
// (so defaults are not pinned), and a field the environment overrides is
// left alone. Success redirects (post/redirect/get); a refused value
// shows the form again with the message beside the field.
func (s *Server) handleSetupSave(w http.ResponseWriter, r *http.Request) {
	settings, err := s.cfg.SettingsFunc(r.Context())
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	changes, submitted := formChanges(r, settings)
	problems, err := s.applySettings(r.Context(), changes)
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	if len(problems) > 0 {
		s.render(w, r, http.StatusBadRequest, "setup", s.newSetupPage(r, settings, submitted, problems))
		return
	}
	http.Redirect(w, r, "/setup?saved=1", http.StatusSeeOther)
}

// formChanges turns the posted fields into changes.
func formChanges(r *http.Request, settings *config.Settings) ([]change, map[string]string) {
	var changes []change
	submitted := map[string]string{}
	for _, sec := range setupSections {
		for _, key := range sec.Keys {
			if _, sent := r.PostForm[key]; !sent {
				continue
			}
			def, _ := config.Lookup(key)
			cur := settings.Value(key)
			val := strings.TrimSpace(r.PostForm.Get(key))
			if !def.Secret {
				submitted[key] = val
			}
			switch {
			case cur.Source == config.SourceEnv:
			case def.Secret && val == "":
			case val == "" && cur.Source == config.SourceDB:
				changes = append(changes, change{Key: key, Unset: true})
			case val == "" || val == cur.Value:
			default:
				changes = append(changes, change{Key: key, Value: val})
			}
		}
	}
	return changes, submitted
}
