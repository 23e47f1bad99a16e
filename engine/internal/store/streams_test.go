package store

import (
	"errors"
	"path/filepath"
	"testing"
)

func TestOnCommitRunsOnlyAfterACommit(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "c.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var ran []string
	if err := s.Update(func(tx *Tx) error {
		tx.OnCommit(func() { ran = append(ran, "first") })
		tx.OnCommit(func() { ran = append(ran, "second") })
		if len(ran) != 0 {
			t.Fatal("callback ran before the commit")
		}
		return tx.Set("k", "v")
	}); err != nil {
		t.Fatal(err)
	}
	failed := errors.New("no")
	if err := s.Update(func(tx *Tx) error {
		tx.OnCommit(func() { ran = append(ran, "rolled back") })
		return failed
	}); !errors.Is(err, failed) {
		t.Fatalf("Update: %v", err)
	}
	if len(ran) != 2 || ran[0] != "first" || ran[1] != "second" {
		t.Fatalf("callbacks %v", ran)
	}
}

func TestStreamCountersAndKeys(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var seqs []uint64
	err = s.Update(func(tx *Tx) error {
		for range 3 {
			n, err := tx.NextStreamSeq()
			if err != nil {
				return err
			}
			seqs = append(seqs, n)
		}
		if id, err := tx.NextStreamID(); err != nil || id != 1 {
			return errors.Join(err, errors.New("first stream id is not 1"))
		}
		return tx.SetOpenShard(1, 7)
	})
	if err != nil || len(seqs) != 3 || seqs[0] != 1 || seqs[2] != 3 {
		t.Fatalf("sequence numbers %v, %v", seqs, err)
	}
	s.Close()
	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.Update(func(tx *Tx) error {
		n, err := tx.NextStreamSeq()
		if err != nil || n != 4 {
			return errors.Join(err, errors.New("the counter did not survive a reopen"))
		}
		idx, ok, err := tx.OpenShard(1)
		if err != nil || !ok || idx != 7 {
			return errors.Join(err, errors.New("open shard lost"))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seq, ok := RecordSeq(RecordKey(1, 2, 1<<40)); !ok || seq != 1<<40 {
		t.Fatalf("RecordSeq %d %v", seq, ok)
	}
	tid, exp, suffix, ok := ParseTTLKey(TTLKey(9, 1740819600, "\x00\x01abc"))
	if !ok || tid != 9 || exp != 1740819600 || suffix != "\x00\x01abc" {
		t.Fatalf("ParseTTLKey %d %d %q %v", tid, exp, suffix, ok)
	}
	if TTLKey(1, 5, "z") >= TTLKey(1, 6, "a") {
		t.Fatal("schedule keys do not sort by expiry")
	}
}
