package transfer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"dynalab/engine"
	"dynalab/engine/attr"
)

func noSleep(context.Context, time.Duration) error { return nil }

// TestImportRejects imports lines with every kind of problem: each is
// reported with its line number and reason, on the log and in the rejects
// file, and the good lines around them are written.
func TestImportRejects(t *testing.T) {
	big := strings.Repeat("x", attr.MaxItemSize)
	input := strings.Join([]string{
		`{"pk":{"S":"a"},"v":{"N":"1"}}`,
		`{"pk":{"S":"b"},"v":{"N":"1"}`, // 2: malformed
		``,                              // 3: blank, skipped
		`{"v":{"N":"1"}}`,               // 4: no key
		`{"pk":{"N":"1"}}`,              // 5: key of the wrong type
		`{"pk":{"S":""}}`,               // 6: empty key
		`{"pk":{"S":"c"},"big":{"S":"` + big + `"}}`, // 7: too large
		`{"pk":{"S":"d"},"n":{"N":"1e999"}}`,         // 8: number out of range
		`{"pk":"e"}`,                                 // 9: plain JSON
		`{"Item":{"pk":{"S":"f"}}}`,
		`   `,
	}, "\n")
	path := writeFile(t, "in.jsonl", input)
	db := openDB(t)
	var log, rejects bytes.Buffer
	res, err := Import(context.Background(), db, ImportOptions{Table: "Tab", Key: mustKeySchema(t, "pk"), Path: path, Log: &log, Rejects: &rejects})
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{
		path + `:2: malformed JSON at column 29: unexpected end of JSON input`,
		path + `:4: missing key attribute "pk" (the table's partition key, type S)`,
		path + `:5: key attribute "pk" is N; the table's partition key is S`,
		path + `:6: key attribute "pk" is empty; key strings and binaries need at least one byte`,
		path + `:7: item is 409606 bytes; DynamoDB items are at most 409600 bytes (400 KB)`,
		path + `:8: Number overflow. Attempting to store a number with magnitude larger than supported range`,
		path + `:9: not DynamoDB JSON (Expected null): values must look like {"S":"text"} or {"N":"1"}; is the format json?`,
	}, "\n") + "\n"
	if log.String() != want {
		t.Fatalf("log:\n%s\nwant:\n%s", log.String(), want)
	}
	if res.Items != 2 || res.Rejected != 7 || res.Lines != 11 || !strings.Contains(res.String(), "7 lines rejected") {
		t.Fatalf("result %+v: %s", res, res)
	}
	if got := dump(t, db, "Tab"); len(got) != 2 {
		t.Fatalf("items %v", got)
	}
	var first struct {
		Line  int64
		Error string
		Input string
	}
	rl := strings.Split(strings.TrimSpace(rejects.String()), "\n")
	if err := json.Unmarshal([]byte(rl[0]), &first); err != nil || len(rl) != 7 {
		t.Fatalf("rejects file: %v\n%s", err, rejects.String())
	}
	if first.Line != 2 || first.Input != `{"pk":{"S":"b"},"v":{"N":"1"}` || !strings.HasPrefix(first.Error, "malformed JSON") {
		t.Fatalf("first reject %+v", first)
	}
}

func TestImportCSV(t *testing.T) {
	input := "\xef\xbb\xbfpk,sk:N,note,tags:SS\r\n" +
		"a,1,\"two\r\nlines\",\"[\"\"x\"\"]\"\r\n" +
		"a,2,,\r\n" +
		"a,x,bad number,\r\n" +
		"b,1,\"unclosed\r\n" +
		"c,1,,\r\n"
	path := writeFile(t, "in.csv", input)
	db := openDB(t)
	var log bytes.Buffer
	res, err := Import(context.Background(), db, ImportOptions{Table: "Tab", Key: mustKeySchema(t, "pk:S,sk:N"), Path: path, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	want := path + `:5: column sk:N: "x": The parameter cannot be converted to a numeric value: x` + "\n" +
		path + ":6: a quoted cell is not closed before the end of the input\n"
	if log.String() != want || res.Items != 2 || res.Rejected != 2 {
		t.Fatalf("result %s, log:\n%s\nwant:\n%s", res, log.String(), want)
	}
	got := dump(t, db, "Tab")
	if want := `{"note":{"S":"two\r\nlines"},"pk":{"S":"a"},"sk":{"N":"1"},"tags":{"SS":["x"]}}`; got[0] != want {
		t.Fatalf("item %s, want %s", got[0], want)
	}

	for _, tc := range []struct{ input, err string }{
		{"", "empty input: a CSV file starts with a header line"},
		{"\n\npk:S,pk:N\n", ":3: header: column 2: \"pk\" appears twice"},
		{"pk:S,sk\n", "header: column sk:S, but the table's key sk is N: write sk:N"},
	} {
		path := writeFile(t, "bad.csv", tc.input)
		if _, err := Import(context.Background(), db, ImportOptions{Table: "Tab", Path: path}); err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%q: error %v, want %q", tc.input, err, tc.err)
		}
	}
}

func TestImportGzipStdinAndDetection(t *testing.T) {
	db := openDB(t)
	plain := `{"pk":"a","n":1}` + "\n" + `{"pk":"b","n":2.50}` + "\n"
	// gzip is found by its magic bytes, whatever the name says.
	path := filepath.Join(t.TempDir(), "data.txt")
	if err := os.WriteFile(path, gzipBytes(t, []byte(plain)), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Import(context.Background(), db, ImportOptions{Table: "Tab", Key: mustKeySchema(t, "pk"), Path: path})
	if err != nil || res.Items != 2 || res.Format != FormatJSON || !res.Detected {
		t.Fatalf("%v: %v", res, err)
	}
	res, err = Import(context.Background(), db, ImportOptions{Table: "Tab", Path: "-", Stdin: strings.NewReader(`{"pk":{"S":"c"}}`)})
	if err != nil || res.Items != 1 || res.Format != FormatDDB || res.Input != "<stdin>" {
		t.Fatalf("%v: %v", res, err)
	}
	if got := strings.Join(dump(t, db, "Tab"), "\n"); got != `{"n":{"N":"1"},"pk":{"S":"a"}}`+"\n"+`{"n":{"N":"2.5"},"pk":{"S":"b"}}`+"\n"+`{"pk":{"S":"c"}}` {
		t.Fatalf("items:\n%s", got)
	}
}

func TestImportTableCreation(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	path := writeFile(t, "in.jsonl", `{"id":{"N":"1"},"at":{"S":"x"}}`+"\n")
	ckpt := filepath.Join(t.TempDir(), "ckpt.json")
	if _, err := Import(ctx, db, ImportOptions{Table: "Events", Path: path, Checkpoint: ckpt}); err == nil ||
		err.Error() != "table Events does not exist: give its key schema (--key PK:S or --key PK:S,SK:S) to create it" {
		t.Fatalf("no key: %v", err)
	}
	if _, err := os.Stat(ckpt); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("an import that never started left a checkpoint: %v", err)
	}
	res, err := Import(ctx, db, ImportOptions{Table: "Events", Path: path, Key: mustKeySchema(t, "id:N,at:S")})
	if err != nil || !res.Created || res.Items != 1 || !strings.Contains(res.String(), "table created") {
		t.Fatalf("%v: %v", res, err)
	}
	d, err := db.DescribeTable(ctx, &engine.DescribeTableInput{TableName: "Events"})
	if err != nil || d.Table.BillingModeSummary == nil || d.Table.BillingModeSummary.BillingMode != engine.BillingPayPerRequest {
		t.Fatalf("table %+v: %v", d, err)
	}
	res, err = Import(ctx, db, ImportOptions{Table: "Events", Path: path, Key: mustKeySchema(t, "id:N,at:S")})
	if err != nil || res.Created {
		t.Fatalf("existing table: %v: %v", res, err)
	}
	if _, err := Import(ctx, db, ImportOptions{Table: "Events", Path: path, Key: mustKeySchema(t, "id:S")}); err == nil ||
		err.Error() != "table Events exists with the key id:N,at:S, not id:S" {
		t.Fatalf("key mismatch: %v", err)
	}
}

// TestImportDuplicateKeys writes a file in which keys repeat within a
// batch: the service would refuse such a batch, so it is split, and the
// last line for a key wins as it would with PutItem.
func TestImportDuplicateKeys(t *testing.T) {
	var b strings.Builder
	for i := range 60 {
		fmt.Fprintf(&b, `{"pk":{"S":"k%d"},"sk":{"N":"%d"},"v":{"N":"%d"}}`+"\n", i%7, i%3, i)
	}
	db := openDB(t)
	counter := &countingTarget{Target: db}
	res, err := Import(context.Background(), counter, ImportOptions{Table: "Tab", Key: mustKeySchema(t, "pk:S,sk:N"), Path: writeFile(t, "in.jsonl", b.String())})
	if err != nil || res.Items != 60 || res.Rejected != 0 {
		t.Fatalf("%v: %v", res, err)
	}
	if got := dump(t, db, "Tab"); len(got) != 21 || got[0] != `{"pk":{"S":"k0"},"sk":{"N":"0"},"v":{"N":"42"}}` {
		t.Fatalf("%d items, first %s", len(got), got[0])
	}
	if fmt.Sprint(counter.sizes) != "[21 21 18]" {
		t.Fatalf("batches of %v items: want them split before a repeated key", counter.sizes)
	}
}

// countingTarget counts BatchWriteItem calls and can fail after some, or
// throttle by leaving items unprocessed.
type countingTarget struct {
	Target
	calls      atomic.Int64
	failAfter  int64 // fail every call after this many (0: never)
	unprocess  int   // leave this many items unprocessed in every other call
	validation string
	written    atomic.Int64
	onWrite    func()
	sizes      []int
}

func (c *countingTarget) BatchWriteItem(ctx context.Context, in *engine.BatchWriteItemInput) (*engine.BatchWriteItemOutput, error) {
	n := c.calls.Add(1)
	for _, reqs := range in.RequestItems {
		c.sizes = append(c.sizes, len(reqs))
	}
	if c.onWrite != nil {
		c.onWrite()
	}
	if c.failAfter > 0 && n > c.failAfter {
		return nil, errors.New("simulated crash")
	}
	for table, reqs := range in.RequestItems {
		for _, r := range reqs {
			if _, bad := r.PutRequest.Item[c.validation]; bad && c.validation != "" {
				return nil, &engine.APIError{Code: engine.CodeValidation, Message: "One or more parameter values were invalid: " + c.validation}
			}
		}
		if c.unprocess > 0 && n%2 == 1 && len(reqs) > c.unprocess {
			keep := reqs[:len(reqs)-c.unprocess]
			out, err := c.Target.BatchWriteItem(ctx, &engine.BatchWriteItemInput{RequestItems: map[string][]engine.WriteRequest{table: keep}})
			if err != nil {
				return nil, err
			}
			c.written.Add(int64(len(keep)))
			out.UnprocessedItems = map[string][]engine.WriteRequest{table: reqs[len(keep):]}
			return out, nil
		}
		c.written.Add(int64(len(reqs)))
	}
	return c.Target.BatchWriteItem(ctx, in)
}

func TestImportRetriesAndInvalidBatches(t *testing.T) {
	var b strings.Builder
	for i := range 100 {
		if i == 42 {
			fmt.Fprintf(&b, `{"pk":{"S":"k%d"},"poison":{"S":"x"}}`+"\n", i)
			continue
		}
		fmt.Fprintf(&b, `{"pk":{"S":"k%d"}}`+"\n", i)
	}
	path := writeFile(t, "in.jsonl", b.String())
	db := openDB(t)
	var log bytes.Buffer
	target := &countingTarget{Target: db, unprocess: 5, validation: "poison"}
	res, err := Import(context.Background(), target, ImportOptions{Table: "Tab", Key: mustKeySchema(t, "pk"), Path: path, Log: &log, Sleep: noSleep})
	if err != nil {
		t.Fatal(err)
	}
	if res.Items != 99 || res.Rejected != 1 || res.Retries == 0 || len(dump(t, db, "Tab")) != 99 {
		t.Fatalf("result %+v", res)
	}
	if want := path + ":43: refused by the table: ValidationException: One or more parameter values were invalid: poison\n"; log.String() != want {
		t.Fatalf("log %q, want %q", log.String(), want)
	}

	// A table that never accepts anything: give up after MaxRetries.
	stuck := &countingTarget{Target: db, unprocess: 1000}
	_, err = Import(context.Background(), &alwaysUnprocessed{stuck}, ImportOptions{Table: "Tab", Path: path, Sleep: noSleep, MaxRetries: 3})
	if err == nil || !strings.Contains(err.Error(), "gave up after 3 retries (25 items unprocessed)") {
		t.Fatalf("stuck: %v", err)
	}
}

type alwaysUnprocessed struct{ *countingTarget }

func (a *alwaysUnprocessed) BatchWriteItem(ctx context.Context, in *engine.BatchWriteItemInput) (*engine.BatchWriteItemOutput, error) {
	return &engine.BatchWriteItemOutput{UnprocessedItems: in.RequestItems}, nil
}

// TestImportResume interrupts an import after some batches (the target
// fails, as a crash would), then resumes it: every line ends up written,
// the resumed run starts where the checkpoint says, and the checkpoint is
// gone when the import finishes. Also for gzip input, where resuming
// decompresses and skips.
func TestImportResume(t *testing.T) {
	for _, gz := range []bool{false, true} {
		t.Run(fmt.Sprint("gzip=", gz), func(t *testing.T) {
			var b strings.Builder
			for i := range 1000 {
				if i%100 == 50 {
					b.WriteString("not json\n")
					continue
				}
				fmt.Fprintf(&b, `{"pk":{"S":"k%04d"},"v":{"N":"%d"}}`+"\n", i, i)
			}
			data := []byte(b.String())
			if gz {
				data = gzipBytes(t, data)
			}
			path := filepath.Join(t.TempDir(), "in.jsonl")
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			ckpt := filepath.Join(t.TempDir(), "imports", "ckpt.json")
			db := openDB(t)
			crashing := &countingTarget{Target: db, failAfter: 10}
			opts := ImportOptions{Table: "Tab", Key: mustKeySchema(t, "pk"), Path: path, Checkpoint: ckpt, Sleep: noSleep, MaxRetries: 1}
			res, err := Import(context.Background(), crashing, opts)
			var stopped *StoppedError
			if !errors.As(err, &stopped) || !strings.Contains(err.Error(), "simulated crash") {
				t.Fatalf("interrupted import: %v", err)
			}
			c, err := ReadCheckpoint(ckpt)
			if err != nil {
				t.Fatal(err)
			}
			// 10 batches of 25, and the 3 rejected lines among them.
			if c.Items != 250 || c.Line != 253 || c.Rejected != 3 || stopped.Line != 253 || res.Items != 250 {
				t.Fatalf("checkpoint %+v, stopped %+v", c, stopped)
			}

			// Without --resume, a checkpoint of a different import is no
			// obstacle; with it, a changed input is refused.
			opts.Resume = true
			os.Chtimes(path, time.Now(), time.Now().Add(time.Hour))
			if _, err := Import(context.Background(), db, opts); err == nil || !strings.Contains(err.Error(), "the file was modified") {
				t.Fatalf("changed input: %v", err)
			}
			// Restore the identity the checkpoint recorded.
			st, _ := os.Stat(path)
			c.Input.ModTime = st.ModTime().UTC()
			if err := writeCheckpoint(ckpt, c); err != nil {
				t.Fatal(err)
			}
			var log bytes.Buffer
			opts.Log = &log
			res, err = Import(context.Background(), db, opts)
			if err != nil {
				t.Fatal(err)
			}
			if res.ResumedAt != 253 || res.Items != 990 || res.Rejected != 10 || res.Lines != 1000 || !strings.Contains(res.String(), "resumed after line 253") {
				t.Fatalf("resumed: %+v", res)
			}
			if !strings.HasPrefix(log.String(), path+":351: ") || strings.Count(log.String(), "\n") != 7 {
				t.Fatalf("log after resume:\n%s", log.String())
			}
			if got := dump(t, db, "Tab"); len(got) != 990 {
				t.Fatalf("%d items", len(got))
			}
			if _, err := os.Stat(ckpt); !errors.Is(err, fs.ErrNotExist) {
				t.Fatalf("checkpoint left behind: %v", err)
			}
			if _, err := Import(context.Background(), db, opts); err == nil || !strings.Contains(err.Error(), "nothing to resume") {
				t.Fatalf("resume without a checkpoint: %v", err)
			}
		})
	}
}

// TestCheckpointLags checks the periodic checkpoint: it never claims more
// than was written one interval before it was saved.
func TestCheckpointLags(t *testing.T) {
	var b strings.Builder
	for i := range 2000 {
		fmt.Fprintf(&b, `{"pk":{"S":"k%d"}}`+"\n", i)
	}
	path := writeFile(t, "in.jsonl", b.String())
	ckpt := filepath.Join(t.TempDir(), "ckpt.json")
	db := openDB(t)
	var clock atomic.Int64
	now := func() time.Time { return time.Unix(0, clock.Add(int64(10*time.Millisecond))) }
	var writtenAt []int64 // items written at each call
	saves := 0
	var target *countingTarget
	target = &countingTarget{Target: db, onWrite: func() {
		writtenAt = append(writtenAt, target.written.Load())
		c, err := ReadCheckpoint(ckpt)
		if err != nil {
			return
		}
		saves++
		if c.Items != c.Line {
			t.Errorf("checkpoint at line %d claims %d items", c.Line, c.Items)
		}
		// The checkpoint may be no newer than what was written a second
		// (100 readings of the clock, at least 4 batches) earlier.
		if n := len(writtenAt); n > 4 && c.Items > writtenAt[n-4] {
			t.Errorf("checkpoint claims %d items; %d were written 4 batches ago", c.Items, writtenAt[n-4])
		}
	}}
	res, err := Import(context.Background(), target, ImportOptions{Table: "Tab", Key: mustKeySchema(t, "pk"), Path: path, Checkpoint: ckpt, Now: now})
	if err != nil || res.Items != 2000 {
		t.Fatalf("%v: %v", res, err)
	}
	if saves == 0 {
		t.Fatal("no checkpoint was ever saved")
	}
}

func TestImportWrongFormatStops(t *testing.T) {
	var b strings.Builder
	for range 50 {
		b.WriteString("pk,sk\n")
	}
	path := writeFile(t, "in.jsonl", b.String())
	db := openDB(t)
	var log bytes.Buffer
	res, err := Import(context.Background(), db, ImportOptions{Table: "Tab", Key: mustKeySchema(t, "pk"), Path: path, Log: &log, MaxLeadingRejects: 20, MaxLogged: 3})
	if err == nil || !strings.Contains(err.Error(), "the first 20 lines were all rejected: is the format ddb-json right?") {
		t.Fatalf("error %v", err)
	}
	if res.Rejected != 20 || strings.Count(log.String(), "\n") != 4 || !strings.Contains(log.String(), "further rejected lines are not shown") {
		t.Fatalf("rejected %d, log:\n%s", res.Rejected, log.String())
	}
}

func TestImportCancel(t *testing.T) {
	var b strings.Builder
	for i := range 200 {
		fmt.Fprintf(&b, `{"pk":{"S":"k%d"}}`+"\n", i)
	}
	path := writeFile(t, "in.jsonl", b.String())
	ckpt := filepath.Join(t.TempDir(), "ckpt.json")
	db := openDB(t)
	ctx, cancel := context.WithCancel(context.Background())
	target := &countingTarget{Target: db}
	target.onWrite = func() {
		if target.calls.Load() == 3 {
			cancel()
		}
	}
	_, err := Import(ctx, target, ImportOptions{Table: "Tab", Key: mustKeySchema(t, "pk"), Path: path, Checkpoint: ckpt})
	var stopped *StoppedError
	if !errors.As(err, &stopped) || !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v", err)
	}
	c, err := ReadCheckpoint(ckpt)
	if err != nil || c.Items != c.Line || c.Items < 50 {
		t.Fatalf("checkpoint %+v: %v", c, err)
	}
	res, err := Import(context.Background(), db, ImportOptions{Table: "Tab", Path: path, Checkpoint: ckpt, Resume: true})
	if err != nil || res.Items != 200 || len(dump(t, db, "Tab")) != 200 {
		t.Fatalf("%v: %v", res, err)
	}
}
