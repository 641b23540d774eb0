package web

import "centralpsa/doctor"

// DoctorView is the checklist fragment: the Setup page embeds it, and the
// htmx "Test connection" request swaps it in on its own. Check texts come
// from the doctor package, rendered in the page's language.
type DoctorView struct {
	Locale
	Available               bool // a doctor runner is configured
	Ran                     bool
	Sections                []CheckSection
	Total, Failed, Warnings int
}

// CheckSection is the checks of one system (ConnectWise, Sophos Central).
type CheckSection struct {
	Name   string
	Checks []CheckView
}

// CheckView is one check with its mark.
type CheckView struct {
	Mark, Status, StatusKey string
	Name, Detail, Fix       string
}

var checkMarks = map[doctor.Status]string{doctor.OK: "✓", doctor.Fail: "✗", doctor.Warn: "!", doctor.Info: "·"}

// doctorView groups a report by section; a nil report means not run.
func doctorView(lang string, available bool, r *doctor.Report) DoctorView {
	v := DoctorView{Locale: Locale{Lang: lang}, Available: available, Ran: r != nil}
	if r == nil {
		return v
	}
	for _, c := range r.Checks {
		if len(v.Sections) == 0 || v.Sections[len(v.Sections)-1].Name != c.Section {
			v.Sections = append(v.Sections, CheckSection{Name: c.Section})
		}
		sec := &v.Sections[len(v.Sections)-1]
		cv := CheckView{Mark: checkMarks[c.Status], Status: string(c.Status), StatusKey: "doctor.status." + string(c.Status),
			Name: c.Name, Detail: c.Detail}
		if c.Status != doctor.OK {
			cv.Fix = c.Fix
		}
		sec.Checks = append(sec.Checks, cv)
		v.Total++
		switch c.Status {
		case doctor.Fail:
			v.Failed++
		case doctor.Warn:
			v.Warnings++
		}
	}
	return v
}
