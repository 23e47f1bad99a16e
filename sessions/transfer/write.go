package transfer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"

	"dynalab/engine"
)

// flush writes the pending batch; afterwards every line before at is done.
func (im *importer) flush(ctx context.Context, at position) error {
	if len(im.batch) > 0 {
		if err := im.write(ctx, im.batch); err != nil {
			return err
		}
		clear(im.batch)
		im.batch = im.batch[:0]
		clear(im.keys)
	}
	im.safe = position{at.offset, at.line, im.res.Items, im.res.Rejected}
	return nil
}

// write writes items with BatchWriteItem, retrying unprocessed items and
// throttling with capped exponential backoff. When the service rejects the
// batch as invalid, the items are written one by one so that only the bad
// ones are rejected.
func (im *importer) write(ctx context.Context, items []pending) error {
	delay, stalled := im.opts.Backoff, 0
	for len(items) > 0 {
		reqs := make([]engine.WriteRequest, len(items))
		for i, p := range items {
			reqs[i] = engine.WriteRequest{PutRequest: &engine.PutRequest{Item: p.item}}
		}
		out, err := im.t.BatchWriteItem(ctx, &engine.BatchWriteItemInput{RequestItems: map[string][]engine.WriteRequest{im.opts.Table: reqs}})
		left := items
		switch {
		case err == nil:
			left = im.unprocessed(items, out.UnprocessedItems[im.opts.Table])
			im.res.Items += int64(len(items) - len(left))
			if len(left) < len(items) {
				stalled, delay = 0, im.opts.Backoff
			}
		case invalidItems(err) && len(items) > 1:
			return im.writeEach(ctx, items)
		case invalidItems(err):
			return im.reject(items[0].line, []byte(items[0].text), fmt.Errorf("refused by the table: %w", err))
		case retryable(err) && ctx.Err() == nil:
		default:
			return fmt.Errorf("write items of lines %d-%d to %s: %w", items[0].line, items[len(items)-1].line, im.opts.Table, err)
		}
		if len(left) == 0 {
			return nil
		}
		if stalled++; stalled > im.opts.MaxRetries {
			why := fmt.Sprintf("%d items unprocessed", len(left))
			if err != nil {
				why = err.Error()
			}
			return fmt.Errorf("write to %s: gave up after %d retries (%s): the table is throttled or unavailable", im.opts.Table, im.opts.MaxRetries, why)
		}
		im.res.Retries++
		if err := im.opts.Sleep(ctx, delay); err != nil {
			return err
		}
		delay = min(2*delay, im.opts.MaxBackoff)
		items = left
	}
	return nil
}

// unprocessed returns the items that UnprocessedItems lists, found by key
// (a remote endpoint's response holds copies, not the requests).
func (im *importer) unprocessed(items []pending, left []engine.WriteRequest) []pending {
	if len(left) == 0 {
		return nil
	}
	keys := make(map[string]bool, len(left))
	for _, r := range left {
		if r.PutRequest != nil {
			keys[im.ks.key(r.PutRequest.Item)] = true
		}
	}
	var out []pending
	for _, p := range items {
		if keys[im.ks.key(p.item)] {
			out = append(out, p)
		}
	}
	return out
}

// writeEach writes items one per request, rejecting those refused.
func (im *importer) writeEach(ctx context.Context, items []pending) error {
	for i := range items {
		if err := im.write(ctx, items[i:i+1]); err != nil {
			return err
		}
	}
	return nil
}

// invalidItems reports whether err refuses the request's items as invalid
// (as opposed to the table, the connection or the rate).
func invalidItems(err error) bool {
	var api *engine.APIError
	return errors.As(err, &api) && (api.Code == engine.CodeValidation || api.Code == engine.CodeSerialization)
}

// retryable reports whether err is worth retrying after a pause: throttling,
// a server error, or a failure to reach the server at all.
func retryable(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, engine.ErrClosed) {
		return false
	}
	var api *engine.APIError
	if !errors.As(err, &api) {
		// The connection, not the request; anything else (a local disk
		// error, say) will not go away by waiting.
		var ne net.Error
		return errors.As(err, &ne) || errors.Is(err, io.ErrUnexpectedEOF) ||
			errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED)
	}
	switch api.Code {
	case engine.CodeProvisionedThroughput, engine.CodeThrottling, engine.CodeRequestLimitExceeded,
		engine.CodeInternalServerError, engine.CodeLimitExceeded, engine.CodeTransactionConflict, "ServiceUnavailable":
		return true
	}
	return false
}
