package main

import (
	"io"
	"strings"
	"testing"
	"time"

	"centralpsa"
	"centralpsa/jobs"
)

func TestJobTuning(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		env     map[string]string
		want    jobs.Config
		wantErr string // the variable the error names
	}{
		{"Defaults", nil, jobs.Config{}, ""},
		{"All", map[string]string{"CENTRALPSA_JOBS_TIMEOUT": "20s", "CENTRALPSA_JOBS_RESCUE_AFTER": "30s",
			"CENTRALPSA_JOBS_POLL_INTERVAL": "250ms", "CENTRALPSA_JOBS_SETTINGS_POLL": "2s"},
			jobs.Config{JobTimeout: 20 * time.Second, RescueStuckJobsAfter: 30 * time.Second, PollInterval: 250 * time.Millisecond,
				SettingsPoll: 2 * time.Second}, ""},
		{"ErrNotADuration", map[string]string{"CENTRALPSA_JOBS_TIMEOUT": "soon"}, jobs.Config{}, "CENTRALPSA_JOBS_TIMEOUT"},
		{"ErrNegative", map[string]string{"CENTRALPSA_JOBS_RESCUE_AFTER": "-1m"}, jobs.Config{}, "CENTRALPSA_JOBS_RESCUE_AFTER"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := newApp(io.Discard, io.Discard, func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok })
			got, err := a.tuneJobs(jobs.Config{})
			if tt.wantErr != "" {
				if centralpsa.ErrorKind(err) != centralpsa.KindInvalid || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want invalid naming %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.JobTimeout != tt.want.JobTimeout || got.RescueStuckJobsAfter != tt.want.RescueStuckJobsAfter ||
				got.PollInterval != tt.want.PollInterval || got.SettingsPoll != tt.want.SettingsPoll {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}
