package shareddir

import (
	"path/filepath"
	"testing"
)

func TestFind(t *testing.T) {
	if p, ok := Find("CENTRALPSA_TEST_NO_SUCH_VAR", "docs", "contract.md"); !ok {
		t.Skipf("shared folder not beside the checkout (looked at %s)", p)
	} else if filepath.Base(p) != "contract.md" {
		t.Fatalf("found %s", p)
	}
	t.Setenv("CENTRALPSA_TEST_OVERRIDE", "/definitely/not/here")
	if p, ok := Find("CENTRALPSA_TEST_OVERRIDE", "x"); ok || p != "/definitely/not/here" {
		t.Fatalf("override ignored: %s %v", p, ok)
	}
}
