package bench

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"sync"
	"time"
)

// peakInterval is how often the child's high-water mark is read.
const peakInterval = 10 * time.Millisecond

// watchPeak follows the peak resident set of process pid (VmHWM in
// /proc/PID/status, Linux) until it exits; the returned func stops the
// watch and gives the last value read, in bytes, or 0 without /proc.
//
// The kernel keeps VmHWM per address space, so it is the child's own.
// getrusage's ru_maxrss is not: Go starts children with vfork, and at
// exec Linux carries the high-water mark of the address space being left
// (the harness's, with both emulators in it) into the child's maxrss, so
// it reports the larger of the two. VmHWM only grows, so the last reading
// before exit misses at most the last peakInterval of growth.
func watchPeak(pid int) func() int64 {
	path := fmt.Sprintf("/proc/%d/status", pid)
	var mu sync.Mutex
	var peak int64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(peakInterval)
		defer t.Stop()
		for {
			if v, ok := readHWM(path); ok {
				mu.Lock()
				peak = max(peak, v)
				mu.Unlock()
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	return func() int64 {
		close(stop)
		<-done
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}

// readHWM reads VmHWM (kB) from a /proc status file, in bytes.
func readHWM(path string) (int64, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		var kb int64
		if n, _ := fmt.Sscanf(sc.Text(), "VmHWM: %d kB", &kb); n == 1 {
			return kb * 1024, true
		}
	}
	return 0, false
}
