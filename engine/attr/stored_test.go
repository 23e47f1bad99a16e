package attr

import (
	"strings"
	"testing"
)

// storedSamples are items of every type, nesting and awkward text.
var storedSamples = []string{
	`{}`,
	`{"a":{"S":"xyz"},"n":{"N":"-12.50"},"b":{"B":"AAEC"},"t":{"BOOL":true},"f":{"BOOL":false},"z":{"NULL":true}}`,
	`{"l":{"L":[{"S":"a"},{"M":{"k":{"NS":["1","22"]}}},{"L":[]},{"M":{}}]},"ss":{"SS":["a","bc"]},"bs":{"BS":["AA==","AQ=="]}}`,
	`{"":{"S":""},"ünï\"cødé\\":{"S":"tab\tquote\"nul\u0000"},"big":{"N":"99999999999999999999999999999999999999"},"tiny":{"N":"-1E-130"}}`,
	`{"m":{"M":{"m":{"M":{"m":{"M":{"x":{"L":[{"NULL":true},{"BOOL":true}]}}}}}}}}`,
}

// TestStoredRoundTrip: the stored form decodes to the item it encoded,
// with its Size, and equal items encode to equal bytes.
func TestStoredRoundTrip(t *testing.T) {
	samples := append([]string{`{"p":{"S":"` + strings.Repeat("x", 70000) + `"}}`}, storedSamples...)
	for _, in := range samples {
		it, err := ParseItem([]byte(in))
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		stored := string(AppendStored(nil, it, it.Size()))
		got, size, err := ParseStoredItemSize(stored)
		if err != nil || !got.Equal(it) || size != it.Size() {
			t.Errorf("%.80s: got %v size %d (want %d), %v", in, got, size, it.Size(), err)
		}
		again, _ := ParseItem([]byte(in))
		if s2 := string(AppendStored(nil, again, again.Size())); s2 != stored {
			t.Errorf("%.80s: equal items encode differently", in)
		}
	}
}

// TestStoredReadsJSON: databases written before the stored form hold
// DynamoDB JSON, which ParseStoredItem still reads.
func TestStoredReadsJSON(t *testing.T) {
	for _, in := range storedSamples {
		want, _ := ParseItem([]byte(in))
		got, size, err := ParseStoredItemSize(string(AppendItem(nil, want)))
		if err != nil || !got.Equal(want) || size != want.Size() {
			t.Errorf("%s: got %v size %d, %v", in, got, size, err)
		}
	}
}

// TestStoredCorrupt: a damaged stored item is an error, never a panic or a
// huge allocation.
func TestStoredCorrupt(t *testing.T) {
	it, _ := ParseItem([]byte(storedSamples[2]))
	good := string(AppendStored(nil, it, it.Size()))
	for i := 1; i < len(good); i++ {
		if _, _, err := ParseStoredItemSize(good[:i]); err == nil {
			t.Errorf("truncated at %d: no error", i)
		}
	}
	for _, bad := range []string{
		"\x01", "\x01\x00", "\x01\x00\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01",
		"\x01\x00\x01\x01a\x63",     // unknown type
		"\x01\x00\x01\x01a\x04\x02", // BOOL 2
		good + "x",                  // trailing bytes
	} {
		if _, _, err := ParseStoredItemSize(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
	deep := "\x01\x00"
	for range 100 {
		deep += "\x01\x01m\x06"
	}
	if _, _, err := ParseStoredItemSize(deep + "\x00"); err == nil {
		t.Error("100 levels of M: no error")
	}
}

func FuzzParseStored(f *testing.F) {
	for _, in := range storedSamples {
		it, _ := ParseItem([]byte(in))
		f.Add(string(AppendStored(nil, it, it.Size())))
	}
	f.Fuzz(func(t *testing.T, s string) {
		it, _, err := ParseStoredItemSize(s)
		if err != nil {
			return
		}
		// What decodes encodes and decodes back to an equal item.
		again, _, err := ParseStoredItemSize(string(AppendStored(nil, it, it.Size())))
		if err != nil || !again.Equal(it) {
			t.Fatalf("round trip of %q: %v", s, err)
		}
	})
}

// TestPlainHint: a client's S value that needs no JSON escaping is marked
// so on decoding, keeps the mark through the stored form, and encodes to
// the same JSON as an unmarked one.
func TestPlainHint(t *testing.T) {
	in := `{"p":{"S":"plain text, long enough to take the word-at-a-time path"},"q":{"S":"tab\there"},"u":{"S":"caf\u00e9"},"r":{"S":"raw café, not ASCII"},"s":{"S":"short"},"e":{"S":"a\"b"},"l":{"L":[{"S":"x"}]}}`
	it, err := ParseItem([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"p": true, "q": false, "u": false, "r": false, "s": true, "e": false}
	for name, plain := range want {
		if it[name].plain != plain {
			t.Errorf("%s: plain %v, want %v", name, it[name].plain, plain)
		}
	}
	stored, _, err := ParseStoredItemSize(string(AppendStored(nil, it, it.Size())))
	if err != nil {
		t.Fatal(err)
	}
	for name, plain := range want {
		if stored[name].plain != plain {
			t.Errorf("stored %s: plain %v, want %v", name, stored[name].plain, plain)
		}
	}
	if got, unmarked := string(AppendItem(nil, stored)), string(AppendItem(nil, withoutPlain(it))); got != unmarked {
		t.Errorf("marked %s\nunmarked %s", got, unmarked)
	}
}

// withoutPlain returns a copy of it with every plain hint cleared.
func withoutPlain(it Item) Item {
	out := make(Item, len(it))
	for k, v := range it {
		out[k] = clearPlain(v)
	}
	return out
}

func clearPlain(v Value) Value {
	v.plain = false
	if v.elems() != nil {
		l := make([]Value, len(v.elems()))
		for i, e := range v.elems() {
			l[i] = clearPlain(e)
		}
		v.x = &composite{list: l}
	}
	if v.fields() != nil {
		v.x = &composite{m: withoutPlain(v.fields())}
	}
	return v
}

// TestStoredSize: the size read from the stored form's header, or decoded
// from an older file's JSON, is the item's Size (blind overwrites charge
// and count with it).
func TestStoredSize(t *testing.T) {
	for _, in := range storedSamples {
		it, _ := ParseItem([]byte(in))
		for _, stored := range []string{string(AppendStored(nil, it, it.Size())), string(AppendItem(nil, it))} {
			if got, err := StoredSize(stored); err != nil || got != it.Size() {
				t.Errorf("%.40q: %d, %v; want %d", stored, got, err, it.Size())
			}
		}
	}
	if _, err := StoredSize("\x01"); err == nil {
		t.Error("a header without its size: no error")
	}
}
