package sessions

import (
	"encoding/json"
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

// Kind says where a session's data lives.
type Kind string

// Kinds of session.
const (
	KindLocal  Kind = "local"  // the embedded engine, on the session's data.db
	KindRemote Kind = "remote" // a DynamoDB-compatible endpoint (AWS, DynamoDB Local, another dynalab)
)

// Settings are what session.json records about a session.
type Settings struct {
	Kind Kind `json:"kind"`
	// Endpoint is a remote session's URL; "" for AWS itself, whose
	// endpoint follows from Region.
	Endpoint string `json:"endpoint,omitempty"`
	// Region is a remote session's region (AWS signs with it); "" takes
	// the region from the AWS config chain (AWS_REGION, the profile).
	Region string `json:"region,omitempty"`
	// Profile is the shared-config profile a remote session's credentials
	// come from; "" is the default chain.
	Profile string `json:"profile,omitempty"`
	// Theme is the workbench theme used when --theme is not given.
	Theme string `json:"theme,omitempty"`
	// Auth is a local session's auth file (an absolute path): "dynalab
	// serve" and the workbench's endpoint verify requests with it unless
	// serve is given --auth or --no-auth.
	Auth string `json:"auth,omitempty"`
	// Description is a free note shown by "dynalab session list".
	Description string    `json:"description,omitempty"`
	Created     time.Time `json:"created"`
}

// Info describes a session for list and show.
type Info struct {
	Name     string
	Dir      string // the session's directory
	Settings Settings
	// Database is a local session's database file and Size its size in
	// bytes (0 before first use).
	Database string
	Size     int64
	// Holder is the process holding a local session's database open, nil
	// when none does.
	Holder *Holder
}

// File and directory names inside a session's directory.
const (
	settingsFile  = "session.json"
	databaseFile  = "data.db"
	historyFile   = "history"
	queriesDir    = "queries"
	snapshotsDir  = "snapshots"
	maxNameLength = 64
)

// Errors returned (wrapped) by the session functions.
var (
	// ErrNotFound is returned for a session, snapshot or saved query that
	// does not exist.
	ErrNotFound = errors.New("not found")
	// ErrExists is returned by Create for a name already taken.
	ErrExists = errors.New("already exists")
	// ErrInvalidName is returned for a name that breaks the naming rule.
	ErrInvalidName = errors.New("invalid name")
)

// NameRule is the naming rule of sessions, snapshots and saved queries,
// as error messages state it.
const NameRule = "use 1-64 letters, digits, '_', '-' or '.', starting with a letter, digit or '_'"

// ValidateName checks a session (or snapshot, or saved query) name: it
// becomes a directory or file name, so it may hold no separator, no "..",
// no leading dot or dash, nothing a file system might treat specially.
func ValidateName(name string) error { return validateName("", name) }

// validateName is ValidateName with what is named ("session") in the
// message.
func validateName(what, name string) error {
	if what != "" {
		what += " "
	}
	bad := func(why string) error {
		return nameError(fmt.Sprintf("invalid %sname %q: %s; %s", what, name, why, NameRule))
	}
	if name == "" {
		return nameError(fmt.Sprintf("invalid %sname: the name is empty; %s", what, NameRule))
	}
	for _, r := range name {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.'
		if !ok {
			if r == '/' || r == '\\' {
				return bad("it contains a path separator")
			}
			return bad(fmt.Sprintf("it contains %q", r))
		}
	}
	switch {
	case len(name) > maxNameLength:
		return bad(fmt.Sprintf("it is %d characters long", len(name)))
	case strings.Contains(name, ".."):
		return bad("it contains \"..\"")
	case name[0] == '.' || name[0] == '-':
		return bad("it starts with '" + name[:1] + "'")
	case strings.HasSuffix(name, "."):
		return bad("it ends with '.'")
	}
	// Names Windows reserves for devices, whatever the extension.
	switch strings.ToUpper(strings.SplitN(name, ".", 2)[0]) {
	case "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
		"LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9":
		return bad("it is a device name on Windows")
	}
	return nil
}

// nameError is an ErrInvalidName with its whole message.
type nameError string

func (e nameError) Error() string        { return string(e) }
func (e nameError) Is(target error) bool { return target == ErrInvalidName }

// Create makes a new session. A local session's database is created when
// it is first opened. The default session cannot be created (it exists
// from first use); any other name already taken, also when it differs
// only in case, is an ErrExists.
func (h Home) Create(name string, s Settings) (*Info, error) {
	dir, err := h.Dir(name)
	if err != nil {
		return nil, err
	}
	if err := checkSettings(&s); err != nil {
		return nil, fmt.Errorf("create session %q: %w", name, err)
	}
	if name == DefaultName {
		if _, err := os.Stat(filepath.Join(dir, settingsFile)); err == nil {
			return nil, fmt.Errorf("create session %q: %w (it is created on first use)", name, ErrExists)
		}
	}
	existing, err := h.names()
	if err != nil {
		return nil, err
	}
	for _, n := range existing {
		if strings.EqualFold(n, name) {
			return nil, fmt.Errorf("create session %q: %w (as %q)", name, ErrExists, n)
		}
	}
	if err := os.MkdirAll(filepath.Dir(dir), PrivateDir); err != nil {
		return nil, fmt.Errorf("create session %q: %w", name, err)
	}
	// Mkdir (not MkdirAll) fails if a concurrent Create got there first.
	if err := os.Mkdir(dir, PrivateDir); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("create session %q: %w", name, ErrExists)
		}
		return nil, fmt.Errorf("create session %q: %w", name, err)
	}
	if s.Created.IsZero() {
		s.Created = time.Now().UTC().Truncate(time.Second)
	}
	if err := writeSettings(dir, s); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("create session %q: %w", name, err)
	}
	return h.Show(name)
}

// checkSettings fills the kind and refuses contradictions.
func checkSettings(s *Settings) error {
	remote := s.Endpoint != "" || s.Region != "" || s.Profile != ""
	switch s.Kind {
	case "":
		s.Kind = KindLocal
		if remote {
			s.Kind = KindRemote
		}
	case KindLocal:
		if remote {
			return errors.New("a local session has no endpoint, region or profile")
		}
	case KindRemote:
	default:
		return fmt.Errorf("unknown session kind %q (want local or remote)", s.Kind)
	}
	if s.Endpoint != "" {
		if err := checkEndpoint(s.Endpoint); err != nil {
			return err
		}
	}
	return nil
}

// Load returns the named session's settings. The default session is
// created on first use; another missing session is an ErrNotFound whose
// message says how to create it. A session directory without
// session.json (made by an older dynalab) is a local session.
func (h Home) Load(name string) (Settings, error) {
	dir, err := h.Dir(name)
	if err != nil {
		return Settings{}, err
	}
	data, err := os.ReadFile(filepath.Join(dir, settingsFile))
	switch {
	case err == nil:
		var s Settings
		if err := json.Unmarshal(data, &s); err != nil {
			return Settings{}, fmt.Errorf("session %q: read %s: %w", name, filepath.Join(dir, settingsFile), err)
		}
		if s.Kind == "" {
			s.Kind = KindLocal
		}
		return s, nil
	case !errors.Is(err, fs.ErrNotExist):
		return Settings{}, fmt.Errorf("session %q: %w", name, err)
	}
	if _, serr := os.Stat(dir); serr == nil {
		s := Settings{Kind: KindLocal}
		if fi, err := os.Stat(filepath.Join(dir, databaseFile)); err == nil {
			s.Created = fi.ModTime().UTC().Truncate(time.Second)
		}
		return s, nil
	}
	if name != DefaultName {
		return Settings{}, fmt.Errorf("session %q: %w; create it with \"dynalab session new %s\" (see \"dynalab session list\")", name, ErrNotFound, name)
	}
	s := Settings{Kind: KindLocal, Created: time.Now().UTC().Truncate(time.Second)}
	if err := os.MkdirAll(dir, PrivateDir); err != nil {
		return Settings{}, fmt.Errorf("create session %q: %w", name, err)
	}
	if err := writeSettings(dir, s); err != nil {
		return Settings{}, fmt.Errorf("create session %q: %w", name, err)
	}
	return s, nil
}

// Update changes the named session's settings with fn and saves them.
// The kind, endpoint, region and profile are checked as Create checks
// them.
func (h Home) Update(name string, fn func(*Settings)) (Settings, error) {
	s, err := h.Load(name)
	if err != nil {
		return Settings{}, err
	}
	fn(&s)
	if err := checkSettings(&s); err != nil {
		return Settings{}, fmt.Errorf("update session %q: %w", name, err)
	}
	dir, _ := h.Dir(name)
	if err := writeSettings(dir, s); err != nil {
		return Settings{}, fmt.Errorf("update session %q: %w", name, err)
	}
	return s, nil
}

func writeSettings(dir string, s Settings) error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	// atomicfile keeps the file's mode, or makes it private.
	return atomicfile.WriteFile(filepath.Join(dir, settingsFile), append(data, '\n'), PrivateFile)
}

// names returns the names of the session directories, sorted.
func (h Home) names() ([]string, error) {
	root, err := h.sessionsRoot()
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(root)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() && ValidateName(e.Name()) == nil {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out, nil
}

// List returns every session, sorted by name; the default session is
// created if it does not exist yet.
func (h Home) List() ([]Info, error) {
	if _, err := h.Load(DefaultName); err != nil {
		return nil, err
	}
	ns, err := h.names()
	if err != nil {
		return nil, err
	}
	out := make([]Info, 0, len(ns))
	for _, n := range ns {
		info, err := h.Show(n)
		if err != nil {
			return nil, err
		}
		out = append(out, *info)
	}
	return out, nil
}

// Show describes the named session.
func (h Home) Show(name string) (*Info, error) {
	s, err := h.Load(name)
	if err != nil {
		return nil, err
	}
	dir, _ := h.Dir(name)
	info := &Info{Name: name, Dir: dir, Settings: s}
	if s.Kind == KindLocal {
		info.Database = filepath.Join(dir, databaseFile)
		if fi, err := os.Stat(info.Database); err == nil {
			info.Size = fi.Size()
		}
		info.Holder = HolderOf(info.Database)
	}
	return info, nil
}

// Remove deletes the named session: its database, history, saved queries
// and snapshots. A session whose database a running process holds is
// refused with a *HeldError naming that process.
func (h Home) Remove(name string) error {
	dir, err := h.Dir(name)
	if err != nil {
		return err
	}
	if _, err := os.Stat(dir); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove session %q: %w (see \"dynalab session list\")", name, ErrNotFound)
		}
		return fmt.Errorf("remove session %q: %w", name, err)
	}
	db := filepath.Join(dir, databaseFile)
	unlock, err := lockDatabase(name, db, "remove session")
	if err != nil {
		return err
	}
	// Unlock before removing: Windows cannot delete a locked file. A
	// process opening the database in between would recreate it; that
	// race needs a human to start a workbench in the same instant.
	unlock()
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("remove session %q: %w", name, err)
	}
	return nil
}
