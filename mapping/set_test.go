package mapping

import (
	"errors"
	"strings"
	"testing"

	"centralpsa"
)

func TestValidateSet(t *testing.T) {
	t.Parallel()
	tenants := []Tenant{{ID: "t1", Name: "Acme"}}
	companies := []Company{
		{ID: 1, Name: "Acme Ltd"},
		{ID: 2, Name: "Bluebird"},
		{ID: 3, Name: "Gone", Deleted: true},
		{ID: 4, Name: "Sleepy", Inactive: true},
		{ID: 5, Name: "Two Deals"},
	}
	agreements := []Agreement{
		{ID: 10, CompanyID: 1, Name: "Acme MSP", Status: "Active"},
		{ID: 11, CompanyID: 1, Name: "Acme old", Status: "Active", Cancelled: true},
		{ID: 12, CompanyID: 1, Name: "Acme 2019", Status: "Expired"},
		{ID: 20, CompanyID: 2, Name: "Blue", Status: "Active"},
		{ID: 50, CompanyID: 5, Name: "A", Status: "Active"},
		{ID: 51, CompanyID: 5, Name: "B", Status: "Active"},
	}
	tests := []struct {
		name     string
		in       Set
		want     Set
		wantKind centralpsa.Kind
		wantMsg  string
	}{
		{name: "WithAgreement", in: Set{TenantID: "t1", CompanyID: 1, AgreementID: 10}, want: Set{TenantID: "t1", CompanyID: 1, AgreementID: 10}},
		{name: "OnlyActiveAgreementFilledIn", in: Set{TenantID: "t1", CompanyID: 1}, want: Set{TenantID: "t1", CompanyID: 1, AgreementID: 10}},
		{name: "SeveralAgreementsLeftOpen", in: Set{TenantID: "t1", CompanyID: 5}, want: Set{TenantID: "t1", CompanyID: 5}},
		{name: "ErrNoTenant", in: Set{CompanyID: 1}, wantKind: centralpsa.KindInvalid, wantMsg: "tenant id is required"},
		{name: "ErrUnknownTenant", in: Set{TenantID: "nope", CompanyID: 1}, wantKind: centralpsa.KindNotFound, wantMsg: `unknown tenant "nope"`},
		{name: "ErrNoCompany", in: Set{TenantID: "t1"}, wantKind: centralpsa.KindInvalid, wantMsg: "company id is required"},
		{name: "ErrUnknownCompany", in: Set{TenantID: "t1", CompanyID: 99}, wantKind: centralpsa.KindNotFound, wantMsg: "unknown company 99"},
		{name: "ErrDeletedCompany", in: Set{TenantID: "t1", CompanyID: 3}, wantKind: centralpsa.KindInvalid, wantMsg: "is deleted"},
		{name: "ErrInactiveCompany", in: Set{TenantID: "t1", CompanyID: 4}, wantKind: centralpsa.KindInvalid, wantMsg: "is inactive"},
		{name: "ErrUnknownAgreement", in: Set{TenantID: "t1", CompanyID: 1, AgreementID: 77}, wantKind: centralpsa.KindNotFound, wantMsg: "unknown agreement 77"},
		{name: "ErrAgreementOfOtherCompany", in: Set{TenantID: "t1", CompanyID: 1, AgreementID: 20}, wantKind: centralpsa.KindInvalid, wantMsg: "belongs to company 2, not to company 1"},
		{name: "ErrCancelledAgreement", in: Set{TenantID: "t1", CompanyID: 1, AgreementID: 11}, wantKind: centralpsa.KindInvalid, wantMsg: "is cancelled"},
		{name: "ErrExpiredAgreement", in: Set{TenantID: "t1", CompanyID: 1, AgreementID: 12}, wantKind: centralpsa.KindInvalid, wantMsg: `"Expired", not active`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ValidateSet(tt.in, tenants, companies, agreements)
			if tt.wantKind == "" {
				if err != nil || got != tt.want {
					t.Fatalf("ValidateSet = %+v, %v; want %+v", got, err, tt.want)
				}
				return
			}
			var e *centralpsa.Error
			if !errors.As(err, &e) || e.Kind != tt.wantKind || !strings.Contains(e.Message, tt.wantMsg) {
				t.Fatalf("error = %v; want kind %s containing %q", err, tt.wantKind, tt.wantMsg)
			}
		})
	}
}
