package sessions

import (
	"context"
	"time"
)

// Sleep waits d, or returns ctx's error as soon as it ends: the pause of
// the retries that write batches (imports, samples, models).
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
