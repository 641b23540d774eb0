package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"centralpsa"
	"centralpsa/config"
	"centralpsa/doctor"
	"centralpsa/metrics"
	"centralpsa/store"
	"centralpsa/web"
)

func init() {
	register("serve", command{
		summary: "run the web console, the JSON API and the background jobs",
		usage:   "[--addr HOST:PORT] [--tls-cert FILE --tls-key FILE]",
		run:     (*app).serve,
	})
}

// shutdownTimeout bounds how long in-flight requests may finish after
// SIGINT or SIGTERM.
const shutdownTimeout = 10 * time.Second

func (a *app) serve(ctx context.Context, args []string) error {
	fs := a.flags("serve")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	certFile := fs.String("tls-cert", "", "serve HTTPS with this PEM certificate `FILE` (needs --tls-key)")
	keyFile := fs.String("tls-key", "", "PEM private key `FILE` of --tls-cert")
	if err := parse(fs, args); err != nil {
		return err
	}
	if (*certFile == "") != (*keyFile == "") {
		return centralpsa.Errorf(centralpsa.KindInvalid, "--tls-cert and --tls-key go together")
	}
	db, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	deps, err := a.buildServe(ctx, db, *certFile != "")
	if err != nil {
		return err
	}
	defer deps.close()
	c, err := a.listenConsole(deps, *addr, *certFile, *keyFile)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "centralpsa console listening on %s\n", c.url)
	if exist, err := db.HasUsers(ctx); err == nil && !exist {
		fmt.Fprintf(a.stdout, "no user yet: create the administrator at %s/setup/admin or with `centralpsa user add`\n", c.url)
	}
	if err := deps.start(ctx); err != nil {
		c.shutdown(context.WithoutCancel(ctx))
		return err
	}
	select {
	case <-ctx.Done():
	case err := <-c.done:
		return fmt.Errorf("web server stopped: %w", err)
	}
	a.logger.Info("shutting down", "timeout", shutdownTimeout)
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	return errors.Join(c.shutdown(sctx), deps.stop(sctx))
}

// serveDeps is everything the serving process runs, built in one place
// (buildServe): the web server and what stands behind it. The job runner
// and the sync services plug in here: build them in buildServe, put them
// in web.Services, register their gauges on metrics, and start and stop
// them in start and stop.
type serveDeps struct {
	db      *store.DB
	metrics *metrics.Registry
	web     *web.Server
	// start launches background work once the console listens; stop ends
	// it after the console has drained.
	start   func(ctx context.Context) error
	stop    func(ctx context.Context) error
	closers []func()
}

func (d *serveDeps) close() {
	for i := len(d.closers) - 1; i >= 0; i-- {
		d.closers[i]()
	}
}

// buildServe wires the console to the store, the settings, the doctor and
// the metrics. Upstream clients built here get their HTTPClient from
// d.upstreamClient, so /metrics counts their calls.
func (a *app) buildServe(ctx context.Context, db *store.DB, secure bool) (*serveDeps, error) {
	d := &serveDeps{db: db, metrics: metrics.New(),
		start: func(context.Context) error { return nil }, stop: func(context.Context) error { return nil }}
	settingsFunc := func(ctx context.Context) (*config.Settings, error) { return config.Load(ctx, a.env, db) }
	if _, err := settingsFunc(ctx); err != nil {
		return nil, err
	}
	f := a.newServiceFactory(db, d.metrics)
	runner, err := a.startJobs(ctx, d, f)
	if err != nil {
		return nil, err
	}
	d.start = runner.Start
	d.stop = runner.Stop
	srv, err := web.New(web.Config{
		Store:        db,
		SettingsFunc: settingsFunc,
		DoctorFunc:   a.doctorFunc(d.metrics),
		SettingsChangedFunc: func(ctx context.Context, s *config.Settings) {
			if err := runner.Reschedule(s); err != nil {
				a.logger.Warn("reschedule jobs", "error", err)
			}
		},
		Metrics:  d.metrics,
		Logger:   a.logger.With("component", "web"),
		Secure:   secure,
		Services: web.Services{Customers: webCustomers{f}, Usage: webUsage{f}, Jobs: runner, Directory: webDirectory{f}},
	})
	if err != nil {
		return nil, err
	}
	d.web = srv
	// The console's background tasks (an apply, an auto-map) stop after
	// the HTTP server has drained and before the job runner does.
	stopJobs := d.stop
	d.stop = func(ctx context.Context) error { return errors.Join(srv.Shutdown(ctx), stopJobs(ctx)) }
	return d, nil
}

// upstreamClient is the HTTP client for one upstream ("connectwise",
// "sophos"), counted in the metrics.
func (d *serveDeps) upstreamClient(upstream string) *http.Client {
	return &http.Client{Transport: d.metrics.Transport(upstream, nil)}
}

// doctorFunc runs the doctor from the console. Its one HTTP client talks
// to both systems, so each request is labelled by its host: the
// ConnectWise site's, or else Sophos's (whose regional hosts vary).
func (a *app) doctorFunc(reg *metrics.Registry) func(context.Context, *config.Settings) *doctor.Report {
	return func(ctx context.Context, s *config.Settings) *doctor.Report {
		cwHost := ""
		if u, err := url.Parse(s.Get("cw.url")); err == nil {
			cwHost = u.Host
		}
		upstream := func(r *http.Request) string {
			if cwHost != "" && strings.EqualFold(r.URL.Host, cwHost) {
				return "connectwise"
			}
			return "sophos"
		}
		client := &http.Client{Transport: reg.TransportFunc(upstream, nil)}
		return doctor.Run(ctx, s, doctor.Options{Logger: a.logger, HTTPClient: client})
	}
}

// consoleServer is the running HTTP server.
type consoleServer struct {
	srv  *http.Server
	url  string
	done chan error // receives the serve error if the server stops by itself
}

// listenConsole binds addr and serves the console on it, over TLS when a
// certificate is given. The certificate is loaded first, so a wrong path
// fails before anything listens.
func (a *app) listenConsole(d *serveDeps, addr, certFile, keyFile string) (*consoleServer, error) {
	srv := &http.Server{
		Handler:           d.web.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      2 * time.Minute, // the doctor can take a while
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(a.logger.Handler(), slog.LevelWarn),
	}
	scheme := "http"
	if certFile != "" {
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return nil, centralpsa.Errorf(centralpsa.KindInvalid, "load the TLS certificate and key: %v", err)
		}
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		scheme = "https"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, &centralpsa.Error{Kind: centralpsa.KindUnavailable, Message: "listen on " + addr, Err: err}
	}
	c := &consoleServer{srv: srv, url: scheme + "://" + ln.Addr().String(), done: make(chan error, 1)}
	go func() {
		var err error
		if srv.TLSConfig != nil {
			err = srv.ServeTLS(ln, "", "")
		} else {
			err = srv.Serve(ln)
		}
		if !errors.Is(err, http.ErrServerClosed) {
			c.done <- err
		}
		close(c.done)
	}()
	return c, nil
}

// shutdown stops accepting connections and waits for in-flight requests
// until ctx ends.
func (c *consoleServer) shutdown(ctx context.Context) error {
	err := c.srv.Shutdown(ctx)
	<-c.done
	return err
}

// startConsole serves the console for db on addr ("127.0.0.1:0" for any
// free port) until stop is called or ctx ends; the demo command uses it.
// Settings resolve as in serve (environment over db over default), so the
// demo stores its emulator settings in db first.
func (a *app) startConsole(ctx context.Context, db *store.DB, addr string) (consoleURL string, stop func(), err error) {
	deps, err := a.buildServe(ctx, db, false)
	if err != nil {
		return "", nil, err
	}
	c, err := a.listenConsole(deps, addr, "", "")
	if err != nil {
		deps.close()
		return "", nil, err
	}
	if err := deps.start(ctx); err != nil {
		_ = c.shutdown(context.WithoutCancel(ctx))
		deps.close()
		return "", nil, err
	}
	stopping, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		select {
		case <-ctx.Done():
		case <-stopping:
		}
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
		defer cancel()
		if err := errors.Join(c.shutdown(sctx), deps.stop(sctx)); err != nil {
			a.logger.Warn("console shutdown", "error", err)
		}
		deps.close()
	}()
	var once sync.Once
	// stop returns once the console has drained, so the caller may close db.
	return c.url, func() { once.Do(func() { close(stopping) }); <-finished }, nil
}
