package emu

import (
	"encoding/json"
	"net/http"
)

// ControlPrefix is where the control API lives, apart from the emulated
// API, so scripts and other processes can steer a running emulator.
const ControlPrefix = "/_emulator/"

// Control serves the control API for faults and the request log:
//
//	POST   /_emulator/faults    body: a Fault in JSON (durations in ns)
//	DELETE /_emulator/faults    remove every fault
//	GET    /_emulator/requests  the request log
//	DELETE /_emulator/requests  forget the request log
//
// An emulator mounts it on its mux and adds its own routes beside it.
func Control(mux *http.ServeMux, faults *Faults, log *RequestLog) {
	mux.HandleFunc("POST "+ControlPrefix+"faults", func(w http.ResponseWriter, r *http.Request) {
		var ft Fault
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&ft); err != nil {
			http.Error(w, "bad fault: "+err.Error(), http.StatusBadRequest)
			return
		}
		faults.Add(ft)
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("DELETE "+ControlPrefix+"faults", func(w http.ResponseWriter, r *http.Request) {
		faults.Clear()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET "+ControlPrefix+"requests", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(log.Requests())
	})
	mux.HandleFunc("DELETE "+ControlPrefix+"requests", func(w http.ResponseWriter, r *http.Request) {
		log.Reset()
		w.WriteHeader(http.StatusNoContent)
	})
}

// Wrap puts the request log outermost (so it sees faulted answers too),
// then the faults, then the rate limit, around the API handler.
func Wrap(api http.Handler, log *RequestLog, faults *Faults, limit *RateLimit) http.Handler {
	h := api
	if limit != nil {
		h = limit.Middleware(h)
	}
	if faults != nil {
		h = faults.Middleware(h)
	}
	if log != nil {
		h = log.Middleware(h)
	}
	return h
}
