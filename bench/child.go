package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// childRun is what one run of the centralpsa binary cost.
type childRun struct {
	Wall     time.Duration
	CPU      time.Duration // user + system
	MaxRSS   int64         // bytes
	ExitCode int
	Stderr   string // the last lines, for the report when it failed
}

// runChild runs centralpsa with args in env and measures it. Its output
// goes to a file in dir (stdout can be a per-customer line for thousands
// of customers); a non-zero exit is not an error here, because "some
// customers failed" is a result the report shows.
func runChild(ctx context.Context, binary, dir string, env, args []string) (childRun, error) {
	name := strings.Join(args, "-")
	out, err := os.Create(filepath.Join(dir, name+".out"))
	if err != nil {
		return childRun{}, fmt.Errorf("create output file: %w", err)
	}
	defer out.Close()
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env, cmd.Stdout, cmd.Stderr, cmd.Dir = env, out, &stderr, dir
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return childRun{}, fmt.Errorf("start centralpsa %s: %w", strings.Join(args, " "), err)
	}
	peak := watchPeak(cmd.Process.Pid)
	err = cmd.Wait()
	r := childRun{Wall: time.Since(start), Stderr: tail(stderr.String(), 5)}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		return r, fmt.Errorf("run centralpsa %s: %w", strings.Join(args, " "), err)
	}
	st := cmd.ProcessState
	r.ExitCode = st.ExitCode()
	r.CPU = st.UserTime() + st.SystemTime()
	r.MaxRSS = peak()
	if r.MaxRSS == 0 { // no /proc: rusage, which may include the harness (see watchPeak)
		r.MaxRSS = maxRSS(st)
	}
	return r, nil
}

// tail keeps the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
