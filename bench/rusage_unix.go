//go:build unix

package bench

import (
	"os"
	"runtime"
	"syscall"
)

// maxRSS is the child's peak resident set in bytes. Linux reports
// ru_maxrss in KiB, macOS in bytes.
func maxRSS(st *os.ProcessState) int64 {
	ru, ok := st.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0
	}
	if runtime.GOOS == "darwin" {
		return int64(ru.Maxrss)
	}
	return int64(ru.Maxrss) * 1024
}
