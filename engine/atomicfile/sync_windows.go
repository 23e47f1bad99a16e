package atomicfile

// SyncDir does nothing on Windows, which cannot open a directory to sync
// it; NTFS journals the rename itself.
func SyncDir(string) error { return nil }

func isWindows() bool { return true }
