package sessions

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"dynalab/engine/atomicfile"
)

// Snapshot is a saved copy of a local session's database.
type Snapshot struct {
	Name    string
	Path    string
	Size    int64
	Created time.Time
}

const snapshotExt = ".db"

// snapshotPath returns where the named snapshot of a session lives.
func (h Home) snapshotPath(session, name string) (string, error) {
	if err := validateName("snapshot", name); err != nil {
		return "", err
	}
	dir, err := h.Dir(session)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, snapshotsDir, name+snapshotExt), nil
}

// localDatabase returns a session's database file, refusing remote
// sessions (whose data is not here to copy).
func (h Home) localDatabase(session, op string) (string, error) {
	st, err := h.Load(session)
	if err != nil {
		return "", err
	}
	if st.Kind != KindLocal {
		return "", fmt.Errorf("%s: session %q is remote (%s); snapshots copy a local session's database", op, session, remoteWhere(st))
	}
	return h.DatabasePath(session)
}

func remoteWhere(st Settings) string {
	if st.Endpoint != "" {
		return st.Endpoint
	}
	if st.Region != "" {
		return "AWS " + st.Region
	}
	return "AWS"
}

// SaveSnapshot copies the session's database to the named snapshot,
// replacing a snapshot of that name. The copy is consistent because it is
// taken under the database's lock, with no process writing: while a
// workbench or server holds the database, SaveSnapshot refuses with a
// *HeldError naming it (copying the file under a writer could catch half
// a transaction).
func (h Home) SaveSnapshot(session, name string) (*Snapshot, error) {
	const op = "save snapshot"
	dst, err := h.snapshotPath(session, name)
	if err != nil {
		return nil, err
	}
	src, err := h.localDatabase(session, op)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(src); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: session %q has no database yet; open it once (dynalab --session %s, or dynalab serve --session %s) and add data first", op, session, session, session)
	}
	unlock, err := lockDatabase(session, src, op)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if err := os.MkdirAll(filepath.Dir(dst), PrivateDir); err != nil {
		return nil, fmt.Errorf("%s %q: %w", op, name, err)
	}
	if err := copyFile(src, dst); err != nil {
		return nil, fmt.Errorf("%s %q of session %q: %w", op, name, session, err)
	}
	return statSnapshot(name, dst)
}

// RestoreSnapshot replaces the session's database with the named
// snapshot. It refuses with a *HeldError while a process holds the
// database: the workbench or server would go on with the old data.
func (h Home) RestoreSnapshot(session, name string) (*Snapshot, error) {
	const op = "restore snapshot"
	src, err := h.snapshotPath(session, name)
	if err != nil {
		return nil, err
	}
	dst, err := h.localDatabase(session, op)
	if err != nil {
		return nil, err
	}
	snap, err := statSnapshot(name, src)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), PrivateDir); err != nil {
		return nil, fmt.Errorf("%s %q: %w", op, name, err)
	}
	unlock, err := lockDatabase(session, dst, op)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if err := copyFile(src, dst); err != nil {
		return nil, fmt.Errorf("%s %q to session %q: %w", op, name, session, err)
	}
	return snap, nil
}

// RemoveSnapshot deletes the named snapshot.
func (h Home) RemoveSnapshot(session, name string) error {
	p, err := h.snapshotPath(session, name)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove snapshot %q of session %q: %w (see \"dynalab snapshot list\")", name, session, ErrNotFound)
		}
		return fmt.Errorf("remove snapshot %q: %w", name, err)
	}
	return nil
}

// Snapshots lists the session's snapshots by name.
func (h Home) Snapshots(session string) ([]Snapshot, error) {
	if _, err := h.Load(session); err != nil {
		return nil, err
	}
	dir, err := h.Dir(session)
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(filepath.Join(dir, snapshotsDir))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("list snapshots of session %q: %w", session, err)
	}
	var out []Snapshot
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), snapshotExt)
		if !ok || e.IsDir() || ValidateName(name) != nil {
			continue
		}
		if s, err := statSnapshot(name, filepath.Join(dir, snapshotsDir, e.Name())); err == nil {
			out = append(out, *s)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func statSnapshot(name, path string) (*Snapshot, error) {
	fi, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("snapshot %q: %w (see \"dynalab snapshot list\")", name, ErrNotFound)
		}
		return nil, fmt.Errorf("snapshot %q: %w", name, err)
	}
	return &Snapshot{Name: name, Path: path, Size: fi.Size(), Created: fi.ModTime()}, nil
}

// copyFile copies src over dst through engine/atomicfile: dst is the old
// file or the whole new one, even after a crash. dst keeps its mode, or
// is created PrivateFile.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	return atomicfile.WriteFrom(dst, in, PrivateFile)
}
