//go:build windows

package store

// syncDir does nothing on Windows: NTFS journals renames, and a directory
// cannot be flushed through os.File there.
func syncDir(string) {}
