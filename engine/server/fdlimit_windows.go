//go:build windows

package server

// fdLimit: Windows has no per-process descriptor limit of this kind; its
// handle limit is in the millions.
func fdLimit() int { return 1 << 20 }
