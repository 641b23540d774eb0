package sophos

import (
	"context"
	"encoding/json"
	"fmt"

	"centralpsa"
)

// Identity is the caller as whoami describes it (doc §4).
type Identity struct {
	ID       string   `json:"id"`     // opaque; echoed verbatim in X-Partner-ID
	IDType   string   `json:"idType"` // "partner", "organization" or "tenant"
	APIHosts APIHosts `json:"apiHosts"`
}

// APIHosts are the hosts whoami hands out. DataRegion is present only for
// tenant credentials.
type APIHosts struct {
	Global     string `json:"global"`
	DataRegion string `json:"dataRegion,omitempty"`
}

// IsPartner reports whether the credential belongs to a partner.
func (id *Identity) IsPartner() bool { return id.IDType == "partner" }

// WhoAmI asks who the credential belongs to and, from then on, uses the
// global host it names for whoami and partner calls.
//
// Sophos: GET /whoami/v1 (doc §4).
func (c *Client) WhoAmI(ctx context.Context) (*Identity, error) {
	r := &call{method: "GET", host: c.globalHost(), path: "/whoami/v1"}
	var id Identity
	if err := c.do(ctx, r, func(b []byte) error { id = Identity{}; return json.Unmarshal(b, &id) }); err != nil {
		return nil, fmt.Errorf("who am i: %w", err)
	}
	if id.ID == "" {
		return nil, centralpsa.Errorf(centralpsa.KindInternal, "sophos whoami answered without an id")
	}
	if id.APIHosts.Global != "" {
		host, err := c.serverHost("global API host", id.APIHosts.Global)
		if err != nil {
			return nil, fmt.Errorf("who am i: %w", err)
		}
		id.APIHosts.Global = host
	}
	c.mu.Lock()
	if id.APIHosts.Global != "" {
		c.global = id.APIHosts.Global
	}
	c.identity = &id
	c.mu.Unlock()
	out := id
	return &out, nil
}

// Partner returns the partner identity, calling whoami the first time. A
// tenant or organization credential is refused with ErrNotPartner and a
// message saying how to get the right one.
func (c *Client) Partner(ctx context.Context) (*Identity, error) {
	c.mu.Lock()
	id := c.identity
	c.mu.Unlock()
	if id == nil {
		var err error
		if id, err = c.WhoAmI(ctx); err != nil {
			return nil, err
		}
	}
	if !id.IsPartner() {
		kind := id.IDType
		if kind == "" {
			kind = "unknown"
		}
		return nil, &centralpsa.Error{Kind: centralpsa.KindInvalid, Err: ErrNotPartner, Message: fmt.Sprintf(
			"centralpsa needs a Sophos Central partner API credential; this one is a%s %s credential — "+
				"create one in Sophos Central Partner: Settings & policies > API credentials", article(kind), kind)}
	}
	out := *id
	return &out, nil
}

func article(word string) string {
	if word != "" && (word[0] == 'o' || word[0] == 'u' || word[0] == 'a' || word[0] == 'e' || word[0] == 'i') {
		return "n"
	}
	return ""
}

// partnerCall prepares a call to the global host with X-Partner-ID.
func (c *Client) partnerCall(ctx context.Context, path string) (*call, error) {
	id, err := c.Partner(ctx)
	if err != nil {
		return nil, err
	}
	return &call{method: "GET", host: c.globalHost(), path: path,
		header: map[string]string{"X-Partner-ID": id.ID}}, nil
}
