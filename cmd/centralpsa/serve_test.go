package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// serveOutput is an io.Writer the server goroutine and the test share.
type serveOutput struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *serveOutput) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *serveOutput) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var listeningOn = regexp.MustCompile(`listening on (\S+)`)

// startServe runs `centralpsa serve` in-process on a free port and
// returns its URL and a stop function that cancels it (like SIGTERM) and
// returns the exit status and output.
func startServe(t *testing.T, env map[string]string, args ...string) (string, func() (int, string)) {
	t.Helper()
	var out, errb serveOutput
	a := newApp(&out, &errb, func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	ctx, cancel := context.WithCancel(context.Background())
	codes := make(chan int, 1)
	go func() { codes <- a.run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)) }()
	stop := func() (int, string) {
		cancel()
		select {
		case code := <-codes:
			return code, out.String() + errb.String()
		case <-time.After(5 * time.Second):
			t.Fatal("serve did not stop within 5s of cancellation")
			return 0, ""
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if m := listeningOn.FindStringSubmatch(out.String()); m != nil {
			return m[1], stop
		}
		select {
		case code := <-codes:
			t.Fatalf("serve exited with %d:\n%s%s", code, out.String(), errb.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("serve did not report its address:\n%s%s", out.String(), errb.String())
	return "", nil
}

func serveGet(t *testing.T, c *http.Client, url string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

var serveClient = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func TestServeStartsAndStops(t *testing.T) {
	t.Parallel()
	env := map[string]string{"CENTRALPSA_DB": filepath.Join(t.TempDir(), "c.db")}
	url, stop := startServe(t, env)
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200, "/setup": 303, "/api/v1/me": 401, "/metrics": 200} {
		if resp, _ := serveGet(t, serveClient, url+path); resp.StatusCode != want {
			t.Errorf("GET %s: %d, want %d", path, resp.StatusCode, want)
		}
	}
	resp, _ := serveGet(t, serveClient, url+"/login")
	if resp.Header.Get("Location") != "/setup/admin" {
		t.Errorf("a new install does not lead to the first-run form: %q", resp.Header.Get("Location"))
	}
	_, metrics := serveGet(t, serveClient, url+"/metrics")
	if !strings.Contains(metrics, "centralpsa_sync_duration_seconds_count{kind=\"usage\"} 0") {
		t.Error("the metrics lack centralpsa's own")
	}
	code, out := stop()
	if code != 0 || !strings.Contains(out, "/setup/admin") {
		t.Fatalf("serve: exit %d\n%s", code, out)
	}
	if _, err := http.Get(url + "/healthz"); err == nil {
		t.Fatal("the console still answers after shutdown")
	}
}

func TestServeTLS(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	certFile, keyFile, pool := selfSigned(t, dir)
	env := map[string]string{"CENTRALPSA_DB": filepath.Join(dir, "c.db")}
	url, stop := startServe(t, env, "--tls-cert", certFile, "--tls-key", keyFile)
	defer stop()
	if !strings.HasPrefix(url, "https://") {
		t.Fatalf("URL %s is not https", url)
	}
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, _ := serveGet(t, c, url+"/setup/admin")
	if resp.StatusCode != 200 || resp.Header.Get("Strict-Transport-Security") == "" {
		t.Fatalf("GET /setup/admin over TLS: %d, HSTS %q", resp.StatusCode, resp.Header.Get("Strict-Transport-Security"))
	}
	for _, ck := range resp.Cookies() {
		if !ck.Secure {
			t.Errorf("cookie %s is not Secure over TLS", ck.Name)
		}
	}
}

func TestServeFlagErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	env := map[string]string{"CENTRALPSA_DB": filepath.Join(dir, "c.db")}
	for _, args := range [][]string{
		{"serve", "--tls-cert", "x.pem"},
		{"serve", "--tls-cert", filepath.Join(dir, "none.pem"), "--tls-key", filepath.Join(dir, "none.key")},
		{"serve", "--bogus"},
	} {
		if code, _, _ := cli(t, env, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

// selfSigned writes a certificate for 127.0.0.1 and returns the files and
// a pool that trusts it.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "centralpsa test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// startConsole, the demo's entry point, serves until stop and then no
// more.
func TestStartConsole(t *testing.T) {
	t.Parallel()
	a := newApp(io.Discard, io.Discard, func(string) (string, bool) { return "", false })
	env := map[string]string{"CENTRALPSA_DB": filepath.Join(t.TempDir(), "c.db")}
	a.env = func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	db, err := a.openStore(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	url, stop, err := a.startConsole(t.Context(), db, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if resp, _ := serveGet(t, serveClient, url+"/healthz"); resp.StatusCode != 200 {
		t.Fatalf("healthz: %d", resp.StatusCode)
	}
	stop()
	stop() // twice is harmless
	if _, err := http.Get(url + "/healthz"); err == nil {
		t.Fatal("the console still answers after stop")
	}
}
