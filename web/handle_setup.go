package web

import (
	"net/http"

	"centralpsa/config"
	"centralpsa/web/i18n"
)

// setupPage holds the connection and ticket settings forms and the
// connection checklist.
type setupPage struct {
	Layout
	Sections  []SetupSection
	HasErrors bool
	Doctor    DoctorView
}

// SetupSection is one form of the Setup page.
type SetupSection struct {
	ID, Title string
	Fields    []Field
}

// newSetupPage builds the page from the resolved settings; submitted
// values and problems (from a refused save) override what is shown.
func (s *Server) newSetupPage(r *http.Request, settings *config.Settings, submitted map[string]string, problems map[string]string) *setupPage {
	lang := langFrom(r.Context())
	p := &setupPage{Layout: Layout{Title: "setup.title", Nav: "/setup", Path: "/setup"}, HasErrors: len(problems) > 0,
		Doctor: doctorView(lang, s.cfg.DoctorFunc != nil, nil)}
	for _, sec := range setupSections {
		ss := SetupSection{ID: sec.ID, Title: sec.Title}
		for _, key := range sec.Keys {
			f := fieldOf(settings, key)
			if v, ok := submitted[key]; ok && !f.Secret {
				f.Value = v
			}
			f.Error = problems[key]
			ss.Fields = append(ss.Fields, f)
		}
		p.Sections = append(p.Sections, ss)
	}
	if r.URL.Query().Get("saved") == "1" {
		p.Flash = i18n.T(lang, "setup.saved")
	}
	return p
}

// handleSetupPage shows the Setup page.
func (s *Server) handleSetupPage(w http.ResponseWriter, r *http.Request) {
	settings, err := s.cfg.SettingsFunc(r.Context())
	if err != nil {
		s.fail(w, r, false, err)
		return
	}
	s.render(w, r, http.StatusOK, "setup", s.newSetupPage(r, settings, nil, nil))
}
