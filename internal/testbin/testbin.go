// Package testbin builds the centralpsa binary for tests that run it as a
// child process. go test caches a package's result keyed by the package's
// own dependencies and by the files its tests open; a binary built from
// ./cmd/centralpsa by a `go build` child is neither, so a change to, say,
// the usage sync would leave such a test's old result in the cache. Path
// therefore reads every Go source file of the module in the test process,
// which puts them all in the cache key.
package testbin

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"centralpsa/internal/shareddir"
)

var build struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// Path returns ./cmd/centralpsa built once per test binary. Call it from
// a test, not from TestMain: files read before the tests start are not
// recorded for the cache.
func Path(t testing.TB) string {
	t.Helper()
	build.once.Do(func() {
		build.path, build.err = compile()
		if build.err == nil {
			build.err = readSources()
		}
	})
	if build.err != nil {
		t.Fatal(build.err)
	}
	return build.path
}

// Cleanup removes the built binary; call it from TestMain after m.Run.
func Cleanup() {
	if build.dir != "" {
		os.RemoveAll(build.dir)
	}
}

func compile() (string, error) {
	dir, err := os.MkdirTemp("", "centralpsa-bin-")
	if err != nil {
		return "", err
	}
	build.dir = dir
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	path := filepath.Join(dir, "centralpsa")
	if out, err := exec.Command(goTool, "build", "-o", path, "centralpsa/cmd/centralpsa").CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/centralpsa: %v\n%s", err, out)
	}
	return path, nil
}

// readSources reads go.mod, go.sum and every .go file (and embedded asset
// below web/) of the module.
func readSources() error {
	root, err := shareddir.ModuleRoot()
	if err != nil {
		return err
	}
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); p != root && (strings.HasPrefix(name, ".") || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		if strings.HasSuffix(p, ".go") || rel == "go.mod" || rel == "go.sum" || strings.HasPrefix(rel, "web"+string(filepath.Separator)) {
			_, err := os.ReadFile(p)
			return err
		}
		return nil
	})
}
