package common_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"dynalab/engine"
	"dynalab/partiql"
	"dynalab/ui/common"
	"dynalab/ui/internal/uitest"
)

var _ = uitest.Epoch // the workbench's test flags (-update)

func TestFailureLine(t *testing.T) {
	long := &engine.APIError{Code: engine.CodeValidation, Message: "One or more parameter values were invalid: Missing the key SK in the item " + strings.Repeat("and more detail ", 10)}
	cases := []struct {
		name string
		f    *common.Failure
		want []string // in the line at width 200
	}{
		{"not found", common.NewFailure("Query", "Missing", &engine.APIError{Code: engine.CodeResourceNotFound, Message: "Requested resource not found"}, time.Time{}),
			[]string{"✗ Query Missing: ResourceNotFoundException: Requested resource not found", "fix: check the table name"}},
		{"key", common.NewFailure("PutItem", "AppTable · PK=x", long, time.Time{}),
			[]string{"✗ PutItem AppTable · PK=x: ValidationException", "fix: give exactly the key attributes"}},
		{"syntax", common.NewFailure("PartiQL", "", &partiql.Error{Line: 1, Column: 21, Message: "Unsupported clause: LIMIT"}, time.Time{}),
			[]string{"1:21: Unsupported clause: LIMIT", "fix: correct the statement at the caret"}},
		{"multi-attribute index", common.NewFailure("PartiQL", "", &engine.APIError{Code: engine.CodeValidation,
			Message: "PartiQL statements cannot be executed on tables with multi-attribute HASH keys or multi-attribute RANGE keys."}, time.Time{}),
			[]string{"fix: Query the index in the browser instead (alt+2, i, c)"}},
		{"timeout", common.NewFailure("Scan", "Big", context.DeadlineExceeded, time.Time{}),
			[]string{"✗ Scan Big: timed out", "fix: narrow it with a key condition"}},
		{"canceled", common.NewFailure("Scan", "Big", context.Canceled, time.Time{}),
			[]string{"⊘ Scan Big: canceled"}},
		{"other", common.NewFailure(".read", "x.sql", errors.New("boom"), time.Time{}),
			[]string{"✗ .read x.sql: boom", "fix: see the full text (F2)"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wide := tc.f.Line(200)
			for _, w := range tc.want {
				if !strings.Contains(wide, w) {
					t.Errorf("line %q lacks %q", wide, w)
				}
			}
			for _, width := range []int{30, 60, 80, 120} {
				line := tc.f.Line(width)
				if got := ansi.StringWidth(line); got > width {
					t.Errorf("width %d: line is %d wide: %q", width, got, line)
				}
				if strings.ContainsAny(line, "\n\r") {
					t.Errorf("line breaks in %q", line)
				}
				head := tc.f.Operation + " " + tc.f.Target
				if width >= 60 && !strings.Contains(line, strings.TrimSpace(head)) {
					t.Errorf("width %d: operation and target lost: %q", width, line)
				}
			}
		})
	}
	// A shortened line points at the full text, and the full text has it all.
	f := cases[1].f
	if line := f.Line(80); !strings.HasSuffix(line, "[F2]") {
		t.Errorf("shortened line does not point at F2: %q", line)
	}
	full := f.Full()
	for _, s := range []string{"Operation: PutItem", "Target:    AppTable · PK=x", "Error:     ValidationException", long.Message, "Fix:"} {
		if !strings.Contains(full, s) {
			t.Errorf("full text lacks %q:\n%s", s, full)
		}
	}
}

func TestFullTextOfTransactionReasons(t *testing.T) {
	err := &engine.APIError{Code: engine.CodeTransactionCanceled, Message: "Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None]",
		CancellationReasons: []engine.CancellationReason{{Code: "ConditionalCheckFailed", Message: "The conditional request failed"}, {Code: "None"}}}
	full := common.NewFailure("ExecuteTransaction", "", err, time.Time{}).Full()
	if !strings.Contains(full, "action 1: ConditionalCheckFailed: The conditional request failed") || !strings.Contains(full, "action 2: None") {
		t.Errorf("reasons missing:\n%s", full)
	}
}

func TestDoEndsAtDeadline(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	block := make(chan struct{})
	defer close(block)
	_, err := common.Do(ctx, func(context.Context) (int, error) { <-block; return 1, nil })
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v", err)
	}
}

// TestFixesForUnreachableEndpoints: a fix says what is wrong with the
// endpoint and what to do, never "see the full text".
func TestFixesForUnreachableEndpoints(t *testing.T) {
	_, dnsErr := net.DefaultResolver.LookupHost(context.Background(), "no-such-host.invalid")
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"refused", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}, "nothing listens there: start the endpoint"},
		{"dns", fmt.Errorf("ListTables http://nope: %w", dnsErr), "host name does not resolve"},
		{"timeout", &net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}, "did not answer in time"},
		{"reset", fmt.Errorf("read: %w", syscall.ECONNRESET), "dropped the connection"},
		{"no such API", &engine.APIError{Code: "UnknownOperationException", Message: "An unknown operation was requested."}, "does not implement the operation"},
	} {
		if got := common.FixFor(tc.err); !strings.Contains(got, tc.want) {
			t.Errorf("%s: fix %q, want %q", tc.name, got, tc.want)
		}
	}
}
