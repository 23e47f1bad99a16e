//go:build !windows

package store

import "os"

// syncDir fsyncs a directory, so that a file created or renamed in it
// survives a power loss. Errors are ignored: some filesystems refuse it.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	_ = d.Close()
}
