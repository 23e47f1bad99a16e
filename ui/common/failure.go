package common

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/charmbracelet/x/ansi"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/partiql"
)

// Failure is an error as the workbench shows it: which operation failed,
// on what (table, index, key, file), what the error said, and what to do.
// Line renders it on one line that fits; Full keeps every word of it.
type Failure struct {
	Operation string    // "Query", "PutItem", "PartiQL", ".read", ...
	Target    string    // "AppTable", "AppTable · PK=USER#1", a file path
	Err       error     // the error as returned
	Fix       string    // what to do about it
	Time      time.Time // when it happened
	// Detail holds further lines for the full text only: the lines an
	// import rejected, say.
	Detail []string
}

// NewFailure describes err from operation op on target, with the fix
// FixFor suggests.
func NewFailure(op, target string, err error, now time.Time) *Failure {
	return &Failure{Operation: op, Target: target, Err: err, Fix: FixFor(err), Time: now}
}

// Canceled reports whether the operation was canceled by the user, which
// is shown as a notice rather than as an error.
func (f *Failure) Canceled() bool { return errors.Is(f.Err, context.Canceled) }

// Message is the error's own text: "Code: message" for a service error,
// "line:col: message" for a statement that does not parse.
func (f *Failure) Message() string {
	switch {
	case f.Err == nil:
		return ""
	case errors.Is(f.Err, context.DeadlineExceeded):
		return "timed out"
	case errors.Is(f.Err, context.Canceled):
		return "canceled"
	}
	return oneLine(f.Err.Error())
}

// fullKeyHint ends a shortened line: where the rest is.
const fullKeyHint = " [F2]"

// Line renders the failure on one line of at most width cells:
// "✗ Query AppTable: ValidationException: … — fix: …". When it does not
// fit, the message is shortened first, then the fix, and the line ends
// with a pointer to the full text.
func (f *Failure) Line(width int) string {
	mark := "✗ "
	if f.Canceled() {
		mark = "⊘ "
	}
	head := mark + f.Operation
	if f.Target != "" {
		head += " " + f.Target
	}
	head += ": "
	msg := f.Message()
	fix := ""
	if f.Fix != "" {
		fix = " — fix: " + f.Fix
	}
	line := head + msg + fix
	if ansi.StringWidth(line) <= width {
		return line
	}
	room := width - ansi.StringWidth(head) - ansi.StringWidth(fullKeyHint)
	fixW := min(ansi.StringWidth(fix), room/3)
	msgW := room - fixW
	if msgW < 12 { // too narrow for a fix: keep the message
		msgW, fixW = room, 0
	}
	out := head + ansi.Truncate(msg, max(msgW, 0), "…")
	if fixW > 0 {
		out += ansi.Truncate(fix, fixW, "…")
	}
	return ansi.Truncate(out+fullKeyHint, width, "…")
}

// Full renders everything known about the failure, on as many lines as it
// takes: for a cancelled transaction, every action's reason.
func (f *Failure) Full() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Operation: %s\n", f.Operation)
	if f.Target != "" {
		fmt.Fprintf(&b, "Target:    %s\n", f.Target)
	}
	if !f.Time.IsZero() {
		fmt.Fprintf(&b, "Time:      %s\n", f.Time.Format(time.RFC3339))
	}
	var api *engine.APIError
	var perr *partiql.Error
	switch {
	case errors.As(f.Err, &api):
		fmt.Fprintf(&b, "Error:     %s\n", api.Code)
		fmt.Fprintf(&b, "Message:   %s\n", api.Message)
		for i, r := range api.CancellationReasons {
			fmt.Fprintf(&b, "  action %d: %s", i+1, r.Code)
			if r.Message != "" {
				fmt.Fprintf(&b, ": %s", r.Message)
			}
			b.WriteByte('\n')
		}
		if api.Item != nil {
			fmt.Fprintf(&b, "Item:      %s\n", api.Item)
		}
	case errors.As(f.Err, &perr):
		fmt.Fprintf(&b, "Error:     line %d, column %d\n", perr.Line, perr.Column)
		fmt.Fprintf(&b, "Message:   %s\n", perr.ServiceMessage())
	default:
		fmt.Fprintf(&b, "Error:     %s\n", f.Message())
		if f.Err != nil && f.Err.Error() != f.Message() {
			fmt.Fprintf(&b, "Detail:    %s\n", f.Err.Error())
		}
	}
	if f.Fix != "" {
		fmt.Fprintf(&b, "Fix:       %s\n", f.Fix)
	}
	for _, l := range f.Detail {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return strings.TrimRight(b.String(), "\n")
}

// FixFor suggests what to do about err, in a few words.
func FixFor(err error) string {
	var api *engine.APIError
	var perr *partiql.Error
	var aerr *attr.Error
	var pathErr *fs.PathError
	switch {
	case err == nil:
		return ""
	case errors.Is(err, context.DeadlineExceeded):
		return "narrow it with a key condition, or raise the timeout"
	case errors.Is(err, context.Canceled):
		return ""
	case errors.As(err, &perr):
		return "correct the statement at the caret and run it again"
	case unreachable(err) != "":
		return unreachable(err)
	case errors.As(err, &api):
		return fixForAPI(api)
	case errors.As(err, &aerr):
		return `give every value its DynamoDB type, e.g. {"S": "text"}`
	case errors.As(err, &pathErr):
		return "check the path and its permissions"
	}
	return "see the full text (F2)"
}

// unreachable is the fix for an endpoint that could not be reached, or ""
// when err is something else.
func unreachable(err error) string {
	var dns *net.DNSError
	var cert *tls.CertificateVerificationError
	var nerr net.Error
	var op *net.OpError
	switch {
	case errors.As(err, &dns):
		return "the endpoint's host name does not resolve: check --endpoint or dynalab session show"
	case errors.Is(err, syscall.ECONNREFUSED), errors.As(err, &op) && op.Op == "dial" && !op.Timeout():
		return "nothing listens there: start the endpoint (dynalab serve, DynamoDB Local…), or check --endpoint or dynalab session show"
	case errors.As(err, &cert):
		return "the endpoint's TLS certificate is not trusted: check its address, or trust its CA"
	case errors.As(err, &nerr) && nerr.Timeout():
		return "the endpoint did not answer in time: is it reachable from here?"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.ErrUnexpectedEOF):
		return "the endpoint dropped the connection: is it a DynamoDB endpoint? check --endpoint"
	}
	return ""
}

func fixForAPI(e *engine.APIError) string {
	msg := strings.ToLower(e.Message)
	switch e.Code {
	case "UnknownOperationException":
		return "this endpoint does not implement the operation (dynalite has no Streams or PartiQL, Alternator no PartiQL)"
	case engine.CodeResourceNotFound, engine.CodeTableNotFound:
		return "check the table name: .tables lists them"
	case engine.CodeResourceInUse:
		return "the table exists or is busy: pick another name or wait"
	case engine.CodeConditionalCheckFailed:
		return "the item changed or exists already: reload and retry"
	case engine.CodeProvisionedThroughput, engine.CodeThrottling, engine.CodeRequestLimitExceeded:
		return "wait and retry, or raise the table's capacity"
	case engine.CodeTransactionCanceled:
		return "each action's reason is in the full text (F2)"
	case engine.CodeTransactionConflict:
		return "another transaction touched the item: retry"
	case engine.CodeItemCollectionSizeLimit:
		return "the item collection is over 10 GB: spread the partition key"
	case engine.CodeSerialization:
		return `values need their type, e.g. {"S": "text"}`
	case engine.CodeInternalServerError:
		return "retry; if it persists, report it with the full text (F2)"
	case engine.CodeValidation:
		switch {
		case strings.Contains(msg, "wasn't well formed"):
			return "correct the statement's syntax"
		case strings.Contains(msg, "multi-attribute hash keys"):
			// PartiQL cannot read such an index; the API's Query can.
			return "Query the index in the browser instead (alt+2, i, c)"
		case strings.Contains(msg, "key schema"), strings.Contains(msg, "key element"),
			strings.Contains(msg, "missing the key"), strings.Contains(msg, "key attribute"):
			return "give exactly the key attributes with their types (.describe TABLE)"
		case strings.Contains(msg, "nexttoken"):
			return "run the statement again from its first page"
		case strings.Contains(msg, "item size"):
			return "items are limited to 400 KB: make it smaller"
		case strings.Contains(msg, "significant digits"), strings.Contains(msg, "number"):
			return "numbers have at most 38 significant digits"
		case strings.Contains(msg, "expressionattribute"):
			return "check the expression's names and values"
		case strings.Contains(msg, "table"):
			return "check the table's name and status (.describe TABLE)"
		}
		return "check the request against the table (.describe TABLE)"
	}
	return "see the full text (F2)"
}

// oneLine folds an error text onto one line.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n\t") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}
