//go:build !windows

package server

import "syscall"

// fdLimit is the soft limit on open files (Go raises it to the hard limit
// at startup on Linux and macOS).
func fdLimit() int {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil || rl.Cur > 1<<20 {
		return 1 << 20
	}
	return int(rl.Cur)
}
