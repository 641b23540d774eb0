package emu

import (
	"context"
	"errors"
	"net"
	"net/http"
	"testing"
	"time"
)

// Server is an emulator listening on a loopback address. The address is
// known before the handler is built, because both emulators put their own
// URL into responses (ConnectWise's SiteUrl, Sophos's apiHost).
type Server struct {
	URL string
	ln  net.Listener
	srv *http.Server
}

// Listen binds addr ("" means 127.0.0.1 on a free port).
func Listen(addr string) (*Server, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &Server{URL: "http://" + ln.Addr().String(), ln: ln}, nil
}

// Serve starts answering with h in the background.
func (s *Server) Serve(h http.Handler) {
	s.srv = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := s.srv.Serve(s.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			_ = err // the listener was closed under us; Close reports nothing more useful
		}
	}()
}

// Close stops the server, cutting open connections after a short grace.
func (s *Server) Close() error {
	if s.srv == nil {
		return s.ln.Close()
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil {
		return s.srv.Close()
	}
	return nil
}

// Start listens on a free loopback port, builds the handler with the
// server's URL, serves it, and closes it when the test ends.
func Start(t testing.TB, build func(baseURL string) http.Handler) *Server {
	t.Helper()
	s, err := Listen("")
	if err != nil {
		t.Fatalf("emulator listen: %v", err)
	}
	s.Serve(build(s.URL))
	t.Cleanup(func() { _ = s.Close() })
	return s
}
