package sophosemu

import (
	"encoding/json"
	"net/http"
	"time"

	"centralpsa/emu"
)

// controlPrefix holds this emulator's own control routes, beside emu's
// faults and request log, so a demo script can steer a running
// `centralpsa emulate sophos` the way tests use the Go knobs:
//
//	POST   /_emulator/sophos/tokens/expire  ExpireTokens
//	POST   /_emulator/sophos/alerts         RaiseAlert; body controlAlert → {"id": …}
//	DELETE /_emulator/sophos/alerts/{id}    ClearAlert (404 when not open)
//	PUT    /_emulator/sophos/usage          SetUsageIn; body controlUsage
const controlPrefix = emu.ControlPrefix + "sophos/"

type controlAlert struct {
	TenantID       string    `json:"tenantId"`
	Type           string    `json:"type"`
	Category       string    `json:"category"`
	Product        string    `json:"product"`
	Severity       string    `json:"severity"`
	Description    string    `json:"description"`
	AllowedActions []string  `json:"allowedActions"`
	AgentType      string    `json:"agentType"`
	AgentName      string    `json:"agentName"`
	RaisedAt       time.Time `json:"raisedAt"`
}

// controlUsage sets one quantity; zero Year/Month mean the newest month.
type controlUsage struct {
	TenantID    string `json:"tenantId"`
	ProductCode string `json:"productCode"`
	Quantity    int64  `json:"quantity"`
	Year        int    `json:"year"`
	Month       int    `json:"month"`
}

func (s *Server) controlRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST "+controlPrefix+"tokens/expire", func(w http.ResponseWriter, r *http.Request) {
		s.ExpireTokens()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST "+controlPrefix+"alerts", func(w http.ResponseWriter, r *http.Request) {
		var c controlAlert
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&c); err != nil {
			http.Error(w, "bad alert: "+err.Error(), http.StatusBadRequest)
			return
		}
		id := s.RaiseAlert(c.TenantID, AlertSpec{
			Type: c.Type, Category: c.Category, Product: c.Product, Severity: c.Severity,
			Description: c.Description, AllowedActions: c.AllowedActions, AgentType: c.AgentType,
			AgentName: c.AgentName, RaisedAt: c.RaisedAt,
		})
		if id == "" {
			http.Error(w, "unknown tenant", http.StatusNotFound)
			return
		}
		writeJSON(w, http.StatusCreated, map[string]string{"id": id})
	})
	mux.HandleFunc("DELETE "+controlPrefix+"alerts/{id}", func(w http.ResponseWriter, r *http.Request) {
		if !s.ClearAlert(r.PathValue("id")) {
			http.Error(w, "no open alert with that id", http.StatusNotFound)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("PUT "+controlPrefix+"usage", func(w http.ResponseWriter, r *http.Request) {
		var c controlUsage
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&c); err != nil || c.TenantID == "" || c.ProductCode == "" {
			http.Error(w, "bad usage: want tenantId, productCode and quantity", http.StatusBadRequest)
			return
		}
		y, m := s.LastUsageMonth()
		if c.Year != 0 {
			y, m = c.Year, time.Month(c.Month)
		}
		s.SetUsageIn(y, m, c.TenantID, c.ProductCode, c.Quantity)
		w.WriteHeader(http.StatusNoContent)
	})
}
