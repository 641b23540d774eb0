package web

import "strconv"

// OptionsView is the <option> list of a picker: the first option is a
// placeholder with an empty value (so choosing anything fires "change"),
// then the choices. The pages render it inside their <select>; the
// /lookup fragments answer it alone for htmx to swap in.
type OptionsView struct {
	Locale
	Placeholder string // translated
	Choices     []Choice
	Selected    string
	ByName      bool   // the option value is the name (settings), not the id
	Error       string // the lookup failed: shown as a disabled option
}

// Options lists each choice with its value and whether it is selected.
func (v OptionsView) Options() []OptionItem {
	out := make([]OptionItem, 0, len(v.Choices))
	for _, c := range v.Choices {
		val := strconv.FormatInt(c.ID, 10)
		if v.ByName {
			val = c.Name
		}
		out = append(out, OptionItem{Value: val, Label: c.Name, Detail: c.Detail, Selected: val == v.Selected})
	}
	return out
}

// OptionItem is one <option>.
type OptionItem struct {
	Value, Label, Detail string
	Selected             bool
}

// idOptions builds the view of an id picker.
func idOptions(l Locale, placeholder string, choices []Choice, selected int64, errMsg string) OptionsView {
	sel := ""
	if selected != 0 {
		sel = strconv.FormatInt(selected, 10)
	}
	return OptionsView{Locale: l, Placeholder: placeholder, Choices: choices, Selected: sel, Error: errMsg}
}

// CompanyOptions is the company picker of the customer page.
func (p *customerPage) CompanyOptions() OptionsView {
	ph := p.T("customer.company_placeholder")
	if p.Query != "" {
		ph = p.T("customer.companies_found", len(p.Companies))
	}
	return idOptions(p.Locale, ph, p.Companies, p.CompanyID, "")
}

// AgreementOptions is the agreement picker of the customer page; its
// placeholder (value 0) lets the service choose the only active one.
func (p *customerPage) AgreementOptions() OptionsView {
	return agreementOptions(p.Locale, p.Agreements, p.AgreementID, "")
}

func agreementOptions(l Locale, choices []Choice, selected int64, errMsg string) OptionsView {
	if selected == 0 && len(choices) == 1 {
		selected = choices[0].ID
	}
	return idOptions(l, l.T("customer.agreement_auto"), choices, selected, errMsg)
}
