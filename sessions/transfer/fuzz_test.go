package transfer

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"testing"

	"dynalab/engine/attr"
)

// FuzzDecodeLine feeds any bytes to every line decoder: no panics, and
// whatever ddb-json accepts re-encodes to DynamoDB JSON it accepts again
// unchanged.
func FuzzDecodeLine(f *testing.F) {
	for _, s := range []string{
		`{"pk":{"S":"a"},"n":{"N":"1e3"}}`,
		`{"Item":{"pk":{"S":"a"},"b":{"B":"AQ=="}}}`,
		`{"pk":"a","n":1.5,"l":[1,{"m":null}],"t":true}`,
		`{"ss":{"SS":["a","b"]},"l":{"L":[{"M":{}}]}}`,
		`a,1,"x""y",["q"]`,
		`"multi`,
		`{"Item":{"S":"x"}}`,
		"\xef\xbb\xbf{}",
	} {
		f.Add([]byte(s))
	}
	cols, err := ParseColumnList("pk,n:N,b:B,t:BOOL,z:NULL,ss:SS,ns:NS,bs:BS,l:L,m:M,d:DDB,*")
	if err != nil {
		f.Fatal(err)
	}
	csv := &csvDecoder{cols: cols}
	ks := KeySchema{Hash: KeyAttr{"pk", attr.TypeS}}
	f.Fuzz(func(t *testing.T, line []byte) {
		it, err := DecodeLine(FormatDDB, line)
		if err == nil {
			_ = ks.check(it)
			again, err := DecodeLine(FormatDDB, attr.AppendItem(nil, it))
			if err != nil || !again.Equal(it) {
				t.Fatalf("re-decoding %s: %v", attr.AppendItem(nil, it), err)
			}
		}
		if it, err := DecodeLine(FormatJSON, line); err == nil {
			_ = ks.check(it)
			_, _ = EncodeLine(nil, FormatJSON, it)
		}
		SniffFormat(line)
		ParseColumnList(string(line))
		if cells, complete, err := splitCSV(line, nil); complete && err == nil {
			csv.decode(cells)
			csv.decode(append(cells, make([]string, len(cols))...)[:len(cols)])
		}
		// The record reader over the same bytes as a whole input.
		for _, f := range Formats {
			r := &recordReader{lr: newLineReader(bufio.NewReaderSize(bytes.NewReader(line), 16), 64, 0, 0), format: f, name: "fuzz"}
			if f == FormatCSV {
				if err := r.readHeader(); err != nil {
					continue
				}
			}
			for range 1000 {
				if _, _, _, err := r.next(); errors.Is(err, io.EOF) {
					break
				} else if err != nil {
					t.Fatal(err)
				}
			}
		}
	})
}
