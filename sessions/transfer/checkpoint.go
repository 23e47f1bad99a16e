package transfer

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"dynalab/engine/atomicfile"

	"dynalab/sessions"
)

// checkpointVersion is bumped when Checkpoint's meaning changes.
const checkpointVersion = 1

// Checkpoint is where an interrupted import stopped: every line before
// Offset (Line lines) was written or rejected.
type Checkpoint struct {
	Version  int       `json:"version"`
	Input    Identity  `json:"input"`
	Table    string    `json:"table"`
	Format   Format    `json:"format"`
	Offset   int64     `json:"offset"` // bytes of the (decompressed) input done
	Line     int64     `json:"line"`   // lines done
	Items    int64     `json:"items"`  // items written by then
	Rejected int64     `json:"rejected"`
	Saved    time.Time `json:"saved"`
}

// ReadCheckpoint reads a checkpoint file; it returns an error satisfying
// errors.Is(err, fs.ErrNotExist) when there is none.
func ReadCheckpoint(path string) (*Checkpoint, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read checkpoint: %w", err)
	}
	var c Checkpoint
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("read checkpoint %s: %w (delete it to start over)", path, err)
	}
	if c.Version != checkpointVersion {
		return nil, fmt.Errorf("read checkpoint %s: version %d, this dynalab writes %d (delete it to start over)", path, c.Version, checkpointVersion)
	}
	return &c, nil
}

// writeCheckpoint replaces the checkpoint file atomically, synced, so that
// a crash leaves the old checkpoint or the new one, never a torn one.
func writeCheckpoint(path string, c *Checkpoint) error {
	c.Version = checkpointVersion
	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return fmt.Errorf("write checkpoint: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), sessions.PrivateDir); err != nil {
		return fmt.Errorf("write checkpoint: %w", err)
	}
	if err := atomicfile.WriteFile(path, append(data, '\n'), sessions.PrivateFile); err != nil {
		return fmt.Errorf("write checkpoint: %w", err)
	}
	return nil
}

// removeCheckpoint deletes a checkpoint file; a missing one is fine.
func removeCheckpoint(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove checkpoint: %w", err)
	}
	return nil
}
