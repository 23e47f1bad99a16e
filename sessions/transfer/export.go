package transfer

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"dynalab/engine"
	"dynalab/sessions"
)

// Source is what Export reads: *engine.DB and a session's Backend satisfy
// it.
type Source interface {
	DescribeTable(ctx context.Context, in *engine.DescribeTableInput) (*engine.DescribeTableOutput, error)
	Scan(ctx context.Context, in *engine.ScanInput) (*engine.ScanOutput, error)
}

// DefaultSampleSize is how many items a CSV export looks at to choose its
// columns.
const DefaultSampleSize = 1000

// ExportOptions configure Export. Table is required.
type ExportOptions struct {
	Table string
	Index string // scan this secondary index instead of the table
	// Format of the output (default ddb-json).
	Format Format
	// Columns, for csv, replace the header sampled from the first
	// SampleSize items (default DefaultSampleSize).
	Columns    []Column
	SampleSize int
	// Progress, when set, shows a progress bar (a terminal's stderr).
	Progress io.Writer
	// Backoff, MaxBackoff and MaxRetries govern retries of throttled
	// scans, as for Import.
	Backoff, MaxBackoff time.Duration
	MaxRetries          int
	// Now and Sleep as for Import.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

// ExportResult is what an export did.
type ExportResult struct {
	Table   string
	Index   string
	Format  Format
	Items   int64
	Pages   int64
	Columns []Column // the CSV header written
	// Dropped counts attribute values a CSV export did not write: they fit
	// none of the given Columns and there was no "*" column.
	Dropped int64
	Elapsed time.Duration
}

// String is the one-line summary.
func (r *ExportResult) String() string {
	from := r.Table
	if r.Index != "" {
		from += " (index " + r.Index + ")"
	}
	s := fmt.Sprintf("exported %s items from %s as %s in %s, %s", thousands(r.Items), from, r.Format, r.Elapsed.Round(time.Millisecond), rate(r.Items, r.Elapsed))
	if r.Dropped > 0 {
		s += fmt.Sprintf("; %s attribute values not written: no column for them (add * to --columns to keep them)", thousands(r.Dropped))
	}
	return s
}

// Export scans a table (or one of its indexes) page by page and writes its
// items to w in a format; see the package documentation. It holds one page
// in memory (and, for CSV, the sample the header is chosen from).
func Export(ctx context.Context, src Source, w io.Writer, opts ExportOptions) (*ExportResult, error) {
	if opts.Table == "" {
		return nil, errors.New("export: no table given")
	}
	if opts.Format == "" {
		opts.Format = FormatDDB
	}
	if _, err := ParseFormat(string(opts.Format)); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	if opts.SampleSize <= 0 {
		opts.SampleSize = DefaultSampleSize
	}
	if opts.Backoff <= 0 {
		opts.Backoff = DefaultBackoff
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = DefaultMaxBackoff
	}
	if opts.MaxRetries <= 0 {
		opts.MaxRetries = DefaultMaxRetries
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Sleep == nil {
		opts.Sleep = sessions.Sleep
	}
	start := opts.Now()
	res := &ExportResult{Table: opts.Table, Index: opts.Index, Format: opts.Format}
	desc, err := src.DescribeTable(ctx, &engine.DescribeTableInput{TableName: opts.Table})
	if err != nil {
		var api *engine.APIError
		if errors.As(err, &api) && api.Code == engine.CodeResourceNotFound {
			return nil, fmt.Errorf("export: table %s does not exist", opts.Table)
		}
		return nil, fmt.Errorf("export: describe table %s: %w", opts.Table, err)
	}
	ks, err := keySchemaOf(desc.Table)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	bw := bufio.NewWriterSize(w, 256<<10)
	var iw itemWriter
	var cw *csvWriter
	if opts.Format == FormatCSV {
		cw = newCSVWriter(bw, ks, opts.Columns, opts.SampleSize)
		iw = cw
	} else {
		iw = &lineWriter{w: bw, format: opts.Format}
	}
	prog := newProgress(opts.Progress, "items", start)
	in := &engine.ScanInput{TableName: opts.Table, IndexName: opts.Index}
	for {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		out, err := scanPage(ctx, src, in, &opts)
		if err != nil {
			prog.clear()
			return res, fmt.Errorf("export: scan %s after %d items: %w", opts.Table, res.Items, err)
		}
		res.Pages++
		for _, it := range out.Items {
			if err := iw.write(it); err != nil {
				prog.clear()
				return res, fmt.Errorf("export: write: %w", err)
			}
			res.Items++
		}
		prog.update(opts.Now(), res.Items, res.Items, desc.Table.ItemCount)
		if len(out.LastEvaluatedKey) == 0 {
			break
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
	prog.clear()
	if err := iw.flush(); err != nil {
		return res, fmt.Errorf("export: write: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return res, fmt.Errorf("export: write: %w", err)
	}
	if cw != nil {
		res.Columns, res.Dropped = cw.cols, cw.dropped
	}
	res.Elapsed = opts.Now().Sub(start)
	return res, nil
}

// scanPage reads one page, retrying throttling with capped backoff.
func scanPage(ctx context.Context, src Source, in *engine.ScanInput, opts *ExportOptions) (*engine.ScanOutput, error) {
	delay := opts.Backoff
	for attempt := 0; ; attempt++ {
		out, err := src.Scan(ctx, in)
		if err == nil || !retryable(err) || attempt >= opts.MaxRetries || ctx.Err() != nil {
			return out, err
		}
		if err := opts.Sleep(ctx, delay); err != nil {
			return nil, err
		}
		delay = min(2*delay, opts.MaxBackoff)
	}
}
