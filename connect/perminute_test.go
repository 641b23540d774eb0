package connect

import (
	"testing"

	"centralpsa/config"
)

func TestPerMinute(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		setting map[string]string
		opt     int
		want    int
	}{
		{"CallerWins", map[string]string{"cw.requests_per_minute": "100"}, -1, -1},
		{"SettingUsed", map[string]string{"cw.requests_per_minute": "1200"}, 0, 1200},
		{"SettingZeroTurnsLimitOff", map[string]string{"cw.requests_per_minute": "0"}, 0, -1},
		{"DefaultIsTheClientDefault", map[string]string{}, 0, 600},
		{"InvalidLeavesClientDefault", map[string]string{"cw.requests_per_minute": "lots"}, 0, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := perMinute(config.FromMap(tt.setting), "cw.requests_per_minute", Options{RequestsPerMinute: tt.opt})
			if got != tt.want {
				t.Errorf("perMinute = %d, want %d", got, tt.want)
			}
		})
	}
}
