// Package shareddir finds the third-party data that tests read from the
// project's shared folder (ConnectWise's OpenAPI schema, Sophos's Postman
// collection). That data is never copied into the repository: it sits in
// ../shared beside the checkout, on developer machines and in CI alike.
package shareddir

import (
	"os"
	"path/filepath"
)

// Find returns the path of rel inside the shared folder, or the value of
// the environment variable envVar when it is set. ok is false when the
// file does not exist, so a test can skip with a reason naming envVar.
func Find(envVar string, rel ...string) (path string, ok bool) {
	if v := os.Getenv(envVar); v != "" {
		_, err := os.Stat(v)
		return v, err == nil
	}
	root, err := ModuleRoot()
	if err != nil {
		return "", false
	}
	path = filepath.Join(append([]string{filepath.Dir(root), "shared"}, rel...)...)
	_, err = os.Stat(path)
	return path, err == nil
}

// ModuleRoot walks up from the working directory to the folder holding
// go.mod; tests run inside their package's folder.
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}
