package clustertest

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"centralpsa/internal/testbin"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testbin.Cleanup()
	os.Exit(code)
}

// binary is ./cmd/centralpsa, built once per test run.
func binary(t *testing.T) string { return testbin.Path(t) }

// child is one centralpsa process. Its output is kept, and written to the
// test log when the test fails.
type child struct {
	name string
	cmd  *exec.Cmd
	out  *lines
	done chan struct{} // closed when the process has exited
	err  error         // Wait's error, once done
}

// start runs centralpsa with args, an environment made only of env (plus
// PATH and a private HOME: no CENTRALPSA_* variable of the developer's
// leaks in) and stdin. The process is killed, if still running, when the
// test ends.
func start(t *testing.T, name string, env map[string]string, stdin string, args ...string) *child {
	t.Helper()
	c := &child{name: name, out: &lines{}, done: make(chan struct{})}
	c.cmd = exec.Command(binary(t), args...)
	c.cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	for k, v := range env {
		c.cmd.Env = append(c.cmd.Env, k+"="+v)
	}
	c.cmd.Stdin = strings.NewReader(stdin)
	c.cmd.Stdout = c.out.writer("")
	c.cmd.Stderr = c.out.writer("stderr: ")
	if err := c.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() {
		c.err = c.cmd.Wait()
		close(c.done)
	}()
	t.Cleanup(func() {
		c.kill()
		if t.Failed() {
			t.Logf("output of %s (%v):\n%s", c.name, args, c.out.tail(60))
		}
	})
	return c
}

// kill sends SIGKILL and waits for the process to be gone.
func (c *child) kill() {
	select {
	case <-c.done:
		return
	default:
	}
	_ = c.cmd.Process.Kill()
	<-c.done
}

// wait waits for the process to exit and returns its exit status.
func (c *child) wait(t *testing.T, timeout time.Duration) int {
	t.Helper()
	select {
	case <-c.done:
	case <-time.After(timeout):
		c.kill()
		t.Fatalf("%s did not finish within %s:\n%s", c.name, timeout, c.out.tail(100))
	}
	var ee *exec.ExitError
	switch {
	case c.err == nil:
		return 0
	case errors.As(c.err, &ee):
		return ee.ExitCode() // -1 when killed by a signal
	}
	t.Fatalf("%s: %v", c.name, c.err)
	return 0
}

// run runs one command to its end and returns its exit status and output.
func run(t *testing.T, env map[string]string, args ...string) (code int, stdout string) {
	t.Helper()
	c := start(t, strings.Join(args, " "), env, "", args...)
	code = c.wait(t, time.Minute)
	return code, c.out.stdout()
}

// mustRun is run that fails the test on a non-zero exit.
func mustRun(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	code, out := run(t, env, args...)
	if code != 0 {
		t.Fatalf("centralpsa %v: exit %d\n%s", args, code, out)
	}
	return out
}

// lines collects a process's output line by line; stderr lines carry a
// prefix.
type lines struct {
	mu      sync.Mutex
	all     []string
	partial map[string]*bytes.Buffer
}

type lineWriter struct {
	l      *lines
	prefix string
}

func (l *lines) writer(prefix string) *lineWriter { return &lineWriter{l, prefix} }

func (w *lineWriter) Write(p []byte) (int, error) {
	w.l.mu.Lock()
	defer w.l.mu.Unlock()
	if w.l.partial == nil {
		w.l.partial = map[string]*bytes.Buffer{}
	}
	buf := w.l.partial[w.prefix]
	if buf == nil {
		buf = &bytes.Buffer{}
		w.l.partial[w.prefix] = buf
	}
	buf.Write(p)
	for {
		line, err := buf.ReadString('\n')
		if err != nil {
			buf.Reset()
			buf.WriteString(line)
			return len(p), nil
		}
		w.l.all = append(w.l.all, w.prefix+strings.TrimSuffix(line, "\n"))
	}
}

func (l *lines) snapshot() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.all...)
}

// stdout is what the process wrote to standard output.
func (l *lines) stdout() string {
	var b strings.Builder
	for _, s := range l.snapshot() {
		if !strings.HasPrefix(s, "stderr: ") {
			b.WriteString(s + "\n")
		}
	}
	return b.String()
}

func (l *lines) tail(n int) string {
	all := l.snapshot()
	return strings.Join(all[max(0, len(all)-n):], "\n")
}

// find returns the first line for which match holds.
func (l *lines) find(match func(string) bool) (string, bool) {
	for _, s := range l.snapshot() {
		if match(s) {
			return s, true
		}
	}
	return "", false
}

// waitFor polls until a line matches or the timeout passes.
func (c *child) waitFor(t *testing.T, what string, timeout time.Duration, match func(string) bool) string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		if s, ok := c.out.find(match); ok {
			return s
		}
		select {
		case <-c.done:
			t.Fatalf("%s exited while waiting for %s:\n%s", c.name, what, c.out.tail(100))
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: no %s within %s:\n%s", c.name, what, timeout, c.out.tail(100))
		}
	}
}
