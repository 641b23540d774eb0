package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"centralpsa/cwemu"
)

// TestEmulateConnectWiseSeedFile serves the emulator as `centralpsa
// emulate connectwise --seed FILE` does and finds a seeded company over
// the API.
func TestEmulateConnectWiseSeedFile(t *testing.T) {
	t.Parallel()
	seed := filepath.Join(t.TempDir(), "seed.json")
	if err := os.WriteFile(seed, []byte(`{"companies":[{"identifier":"SeededCo","name":"Seeded & Co"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &lockedBuffer{}
	a := newApp(out, io.Discard, func(string) (string, bool) { return "", false })
	done := make(chan int, 1)
	go func() {
		done <- a.run(ctx, []string{"emulate", "connectwise", "--addr", "127.0.0.1:0", "--tenants", "3", "--seed", seed})
	}()
	var url string
	for deadline := time.Now().Add(10 * time.Second); url == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := regexp.MustCompile(`CENTRALPSA_CW_URL=(\S+)`).FindStringSubmatch(out.String()); m != nil {
			url = m[1]
		}
	}
	if url == "" {
		t.Fatalf("no URL printed:\n%s", out.String())
	}
	req, _ := http.NewRequest("GET", url+"/"+cwemu.DefaultCodebase+"apis/3.0/company/companies?conditions=identifier%3D%22SeededCo%22", nil)
	req.SetBasicAuth(cwemu.DefaultCompany+"+"+cwemu.DefaultPublicKey, cwemu.DefaultPrivateKey)
	req.Header.Set("clientId", cwemu.DefaultClientID)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "Seeded & Co") {
		t.Fatalf("seeded company not served: %d %s", resp.StatusCode, body)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("emulate exited %d", code)
	}
}

func TestEmulateSeedErrors(t *testing.T) {
	t.Parallel()
	if code, _, errOut := cli(t, nil, "emulate", "connectwise", "--addr", "127.0.0.1:0", "--seed", "/no/such/seed.json"); code != 1 || !strings.Contains(errOut, "seed.json") {
		t.Errorf("missing seed file: exit %d, %q", code, errOut)
	}
	if code, _, _ := cli(t, nil, "emulate", "sophos", "--addr", "127.0.0.1:0", "--seed", "abc"); code != 2 {
		t.Errorf("sophos with a file seed: exit %d, want 2", code)
	}
}

// lockedBuffer is a writer the command and the test read at once.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}
func (b *lockedBuffer) String() string { b.mu.Lock(); defer b.mu.Unlock(); return b.buf.String() }
