package emu

import (
	"bufio"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Request is one request the emulator received, as tests see it.
type Request struct {
	Time   time.Time `json:"time"`
	Method string    `json:"method"`
	Path   string    `json:"path"`
	Query  string    `json:"query,omitempty"`
	Status int       `json:"status"`
}

// IsWrite reports whether the request could change state upstream.
func (r Request) IsWrite() bool {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return true
}

// RequestLog records every request to the emulated API (control paths
// excluded). It is safe for concurrent use.
type RequestLog struct {
	mu   sync.Mutex
	reqs []Request
	gen  int // bumped by Reset, so a request in flight across it is not written back
}

// Requests returns a copy of what was recorded so far.
func (l *RequestLog) Requests() []Request {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Request(nil), l.reqs...)
}

// Writes returns the recorded requests that could change state.
func (l *RequestLog) Writes() []Request {
	var out []Request
	for _, r := range l.Requests() {
		if r.IsWrite() {
			out = append(out, r)
		}
	}
	return out
}

// Reset forgets every recorded request.
func (l *RequestLog) Reset() {
	l.mu.Lock()
	l.reqs = nil
	l.gen++
	l.mu.Unlock()
}

// Middleware records each request as it arrives (status 0 while it is in
// flight), then the status finally written, including requests that a
// fault answered; a connection reset leaves status 0. Recording on arrival
// means a client that saw an answer finds its request in the log.
func (l *RequestLog) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, ControlPrefix) {
			next.ServeHTTP(w, r)
			return
		}
		l.mu.Lock()
		idx, gen := len(l.reqs), l.gen
		l.reqs = append(l.reqs, Request{Time: time.Now().UTC(), Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery})
		l.mu.Unlock()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			l.mu.Lock()
			if l.gen == gen && idx < len(l.reqs) {
				l.reqs[idx].Status = sw.status
			}
			l.mu.Unlock()
		}()
		next.ServeHTTP(sw, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status  int
	written bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.written {
		w.status, w.written = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.written = true
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Hijack is how the reset fault takes the connection; the request then
// has no status.
func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	w.status, w.written = 0, true
	return http.NewResponseController(w.ResponseWriter).Hijack()
}
