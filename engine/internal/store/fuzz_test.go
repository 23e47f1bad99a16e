package store

import (
	"bytes"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"testing"
)

// FuzzLogReader feeds arbitrary bytes to the database file reader: Open
// (scan, torn-end cut, damage detection, load) and Repair must neither
// panic nor hang, Open must either refuse or open, and a repaired file
// must open.
func FuzzLogReader(f *testing.F) {
	var seed []byte
	seed = append(seed, header...)
	var buf []byte
	buf = appendSet(buf, "i/a", "1")
	buf = appendDel(buf, "i/b")
	seed = append(seed, buf...)
	seed = appendCommit(seed, 1, crcOf(buf))
	f.Add(seed)
	f.Add(append(bytes.Clone(seed), "*3\r\n$3\r\nset\r\n$1\r\nk"...))
	f.Add([]byte("*3\r\n$3\r\nset\r\n$8\r\nm/format\r\n$1\r\n1\r\n*3\r\n$3\r\nset\r\n$1\r\nk\r\n$1\r\nv\r\n"))
	f.Add([]byte{})
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "f.db")
		for _, p := range []string{path, LockPath(path)} {
			os.Remove(p)
		}
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := Open(path, Options{})
		if err == nil {
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			return
		}
		if !errors.Is(err, ErrCorrupt) {
			return // a newer format, say: refused untouched
		}
		rep, err := Repair(path)
		if err != nil {
			t.Fatalf("repair: %v", err)
		}
		os.Remove(rep.Original)
		s, err = Open(path, Options{})
		if err != nil {
			t.Fatalf("open after repair: %v (report %+v)", err, rep)
		}
		s.Close()
	})
}

func crcOf(b []byte) uint32 { return crc32.Checksum(b, castagnoli) }
