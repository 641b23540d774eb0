package main

import (
	"slices"
	"strings"
	"testing"
)

// TestBenchRefusesBadFlags: a bad size list or setting is a usage error
// (exit 2) reported before any emulator starts.
func TestBenchRefusesBadFlags(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"NotANumber", []string{"--tenants", "500,lots"}, "--tenants"},
		{"Zero", []string{"--tenants", "0"}, "--tenants"},
		{"NoConcurrency", []string{"--tenants", "5", "--concurrency", "0"}, "concurrency"},
		{"NegativeRate", []string{"--tenants", "5", "--cw-rate", "-1"}, "rates"},
		{"UnknownFlag", []string{"--frobnicate"}, "frobnicate"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, _, errOut := cli(t, map[string]string{}, append([]string{"bench"}, tt.args...)...)
			if code != 2 || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d, stderr %q; want 2 and a message naming %q", code, errOut, tt.want)
			}
		})
	}
}

func TestParseSizes(t *testing.T) {
	t.Parallel()
	got, err := parseSizes(" 500, 5000,20000")
	if err != nil || !slices.Equal(got, []int{500, 5000, 20000}) {
		t.Fatalf("parseSizes = %v, %v", got, err)
	}
}
