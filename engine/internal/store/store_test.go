package store

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestLockNamesFileAndHolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	s, err := Open(path, Options{Endpoint: "http://127.0.0.1:8000"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Open(path, Options{})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second open: %v, want ErrLocked", err)
	}
	for _, want := range []string{path, strconv.Itoa(os.Getpid()), "http://127.0.0.1:8000"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	info, err := ReadLockInfo(path)
	if err != nil || info.Endpoint != "http://127.0.0.1:8000" {
		t.Fatalf("lock info %+v, %v", info, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(path, Options{})
	if err != nil {
		t.Fatalf("open after close: %v", err)
	}
	s2.Close()
}

func TestRefusesNewerFormat(t *testing.T) {
	path := filepath.Join(t.TempDir(), "b.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Update(func(tx *Tx) error { return tx.Set(keyFormat, strconv.Itoa(FormatVersion+1)) }); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(path, Options{}); err == nil || !strings.Contains(err.Error(), "newer dynalab") {
		t.Fatalf("open of a newer format: %v", err)
	}
	// A refused open must not leave the file locked.
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err = Open(path, Options{})
	if err != nil {
		t.Fatalf("open after refusal: %v", err)
	}
	s.Close()
}

func TestStatsAndRanges(t *testing.T) {
	s, err := Open(InMemory, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.Update(func(tx *Tx) error {
		for i := range 5 {
			if err := tx.Set(string(ItemPrefix(7))+strconv.Itoa(i), "v"); err != nil {
				return err
			}
		}
		if err := tx.Set(string(ItemPrefix(8))+"x", "v"); err != nil {
			return err
		}
		if err := tx.AddStats(7, 5, 100); err != nil {
			return err
		}
		return tx.AddStats(7, -1, -20)
	})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Update(func(tx *Tx) error {
		st, err := tx.ReadStats(7)
		if err != nil || st != (Stats{Items: 4, Bytes: 80}) {
			t.Fatalf("stats %+v, %v", st, err)
		}
		n, err := tx.DeleteRange(string(ItemPrefix(7)))
		if err != nil || n != 5 {
			t.Fatalf("deleted %d, %v", n, err)
		}
		_, err = tx.Get(string(ItemPrefix(8)) + "x")
		return err
	})
	if err != nil {
		t.Fatalf("other table's key: %v", err)
	}
}

func TestParseSyncPolicy(t *testing.T) {
	for in, want := range map[string]SyncPolicy{"always": SyncAlways, "everysecond": SyncEverySecond, "": SyncEverySecond, "never": SyncNever} {
		if got, err := ParseSyncPolicy(in); err != nil || got != want {
			t.Errorf("%q: %v %v", in, got, err)
		}
	}
	if _, err := ParseSyncPolicy("sometimes"); err == nil {
		t.Error("unknown policy accepted")
	}
}
