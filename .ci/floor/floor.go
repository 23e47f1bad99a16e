// The storage floor for ddbload's batch phase, built by perf-compare.sh
// (FLOOR=1) into a copy of the ceiling tool (a no-op DynamoDB server): that plus
// what any buntdb-backed server must do for a BatchWriteItem, and nothing
// else. It reads the body into fresh memory, cuts it at each PutRequest,
// keys each piece by the hash of its PK as dynalab does, and sets the
// pieces in one in-memory buntdb transaction. No JSON decoding, validation,
// stored encoding or capacity accounting: no engine can do less.

package main

import (
	"bytes"
	"hash/fnv"
	"net/http"

	"github.com/tidwall/buntdb"
)

var floorDB = func() *buntdb.DB {
	db, err := buntdb.Open(":memory:")
	if err != nil {
		panic(err)
	}
	return db
}()

var (
	putMark = []byte(`"PutRequest":`)
	pkMark  = []byte(`"PK":{"S":"`)
)

func storeBatch(r *http.Request) {
	var body bytes.Buffer
	body.Grow(int(r.ContentLength) + bytes.MinRead)
	_, _ = body.ReadFrom(r.Body)
	b := body.Bytes()
	var keys, values []string
	for {
		i := bytes.Index(b, putMark)
		if i < 0 {
			break
		}
		b = b[i+len(putMark):]
		piece := b
		if end := bytes.Index(b, putMark); end >= 0 {
			piece = b[:end]
		}
		j := bytes.Index(piece, pkMark)
		if j < 0 {
			continue
		}
		pk := piece[j+len(pkMark):]
		pk = pk[:max(0, bytes.IndexByte(pk, '"'))]
		h := fnv.New64a()
		h.Write(pk)
		key := append([]byte("i/\x00\x00\x00\x01"), h.Sum(nil)...)
		keys = append(keys, string(append(key, pk...)))
		values = append(values, string(piece))
	}
	_ = floorDB.Update(func(tx *buntdb.Tx) error {
		for i := range keys {
			if _, _, err := tx.Set(keys[i], values[i], nil); err != nil {
				return err
			}
		}
		return nil
	})
}

// resetFloor empties the database when ddbload deletes its table at the end
// of a run, as dynalab's DeleteTable does, so that every round starts empty.
func resetFloor() {
	_ = floorDB.Update(func(tx *buntdb.Tx) error { return tx.DeleteAll() })
}
