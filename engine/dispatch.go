package engine

import (
	"context"
	"dynalab/engine/internal/store"
	"encoding/json"
	"errors"
	"strings"

	"dynalab/engine/attr"
)

// CallInfo describes a finished wire call for request logs and metrics.
type CallInfo struct {
	Op       string  // operation name, e.g. "GetItem"
	Table    string  // table the call addressed, if any
	Capacity float64 // capacity units consumed (computed even when not returned)
}

// ErrUnknownOperation is returned by Dispatch for a target it does not serve;
// the server answers it like the service (UnknownOperationException, or
// another dispatcher may serve it).
var ErrUnknownOperation = errors.New("unknown operation")

// TargetPrefix is the X-Amz-Target prefix of DynamoDB operations.
const TargetPrefix = "DynamoDB_20120810."

// handler runs one wire operation: decode, call, encode.
type handler func(db *DB, ctx context.Context, body []byte, info *CallInfo) ([]byte, error)

// wireOp adapts a typed operation method to a handler. table extracts the
// table name that request logs show.
func wireOp[In, Out any](fn func(*DB, context.Context, *In) (*Out, error), table func(*In) string) handler {
	return func(db *DB, ctx context.Context, body []byte, info *CallInfo) ([]byte, error) {
		in := new(In)
		if err := decodeRequest(body, in); err != nil {
			return nil, constraintsFirst(in, err)
		}
		if table != nil {
			info.Table = table(in)
		}
		out, err := fn(db, context.WithValue(ctx, callInfoKey{}, info), in)
		if err != nil {
			return nil, err
		}
		return encodeResponse(out)
	}
}

// Dispatch runs the operation named by an X-Amz-Target header value — a
// DynamoDB (TargetPrefix) or DynamoDB Streams (StreamsTargetPrefix) one — on a
// JSON request body and returns the JSON response body. Errors a client
// should see are *APIError; a target this engine does not serve yields
// ErrUnknownOperation.
//
// Dispatch keeps body: what it decodes shares body's memory instead of
// copying it (a 25-item BatchWriteItem is 25 KB), so the caller must never
// change body afterwards; engine/server hands over a fresh buffer per
// request. What the engine keeps past the request (cached expressions,
// idempotency tokens, hot-key names) it copies out, so that no long-lived
// value holds a whole request body in memory.
func (db *DB) Dispatch(ctx context.Context, target string, body []byte) ([]byte, CallInfo, error) {
	ops := handlers
	name, ok := strings.CutPrefix(target, TargetPrefix)
	if !ok {
		ops = streamHandlers
		name, ok = strings.CutPrefix(target, StreamsTargetPrefix)
	}
	info := CallInfo{Op: name}
	if !ok {
		return nil, info, ErrUnknownOperation
	}
	h := ops[name]
	if h == nil {
		return nil, info, ErrUnknownOperation
	}
	resp, err := h(db, ctx, body, &info)
	if errors.Is(err, store.ErrReadOnly) {
		err = readOnlyError(name)
	}
	return resp, info, err
}

// ErrReadOnly is returned (wrapped) by the operations that write when the
// database is open read-only (Options.ReadOnly).
var ErrReadOnly = store.ErrReadOnly

// readOnlyError is how a client sees a write refused by the read-only
// mode: AccessDeniedException, which SDKs do not retry, naming the mode.
// (The service has no such mode; an IAM deny is the nearest answer.)
func readOnlyError(op string) *APIError {
	return &APIError{Code: CodeAccessDenied, Message: "dynalab serves this database read-only (--read-only): " + op + " is refused"}
}

// decodeRequest decodes a request body into in, reporting problems as the
// service does: SerializationException for malformed JSON and wrong JSON
// types, the attribute-value rules as they come.
func decodeRequest(body []byte, in any) error {
	i := 0
	for i < len(body) && (body[i] == ' ' || body[i] == '\t' || body[i] == '\n' || body[i] == '\r') {
		i++
	}
	if i == len(body) || body[i] != '{' {
		return &APIError{Code: CodeSerialization}
	}
	if wd, ok := in.(wireDecoder); ok {
		// The body is Dispatch's to keep: what is decoded shares its memory.
		r := attr.NewStringReader(bytesString(body))
		if err := wd.decodeWire(r); err != nil {
			return fromAttrError(err)
		}
		if err := r.End(); err != nil {
			return fromAttrError(err)
		}
		return nil
	}
	if !attr.ValidText(body) {
		// encoding/json would replace invalid UTF-8 by U+FFFD.
		return &APIError{Code: CodeSerialization}
	}
	err := json.Unmarshal(body, in)
	if err == nil {
		return nil
	}
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return &APIError{Code: CodeSerialization, Message: typeMismatchMessage(typeErr)}
	}
	var api *APIError
	if errors.As(err, &api) {
		return api
	}
	if isAttrError(err) {
		return fromAttrError(err)
	}
	return &APIError{Code: CodeSerialization}
}

// typeMismatchMessage words a JSON type mismatch like the service's
// deserializer.
func typeMismatchMessage(e *json.UnmarshalTypeError) string {
	want := "String"
	switch e.Type.Kind().String() {
	case "bool":
		want = "Boolean"
	case "int", "int32", "int64", "float64":
		want = "Long"
	case "slice":
		if e.Value == "object" {
			return "Start of structure or map found where not expected"
		}
		return "Expected list or null"
	case "map", "struct":
		if e.Value == "array" {
			return "Start of list found where not expected"
		}
		return "Expected map or null"
	}
	switch e.Value {
	case "object":
		return "Start of structure or map found where not expected"
	case "array":
		return "Start of list found where not expected"
	case "number":
		return "NUMBER_VALUE cannot be converted to " + want
	case "bool":
		return "BOOLEAN_VALUE cannot be converted to " + want
	case "string":
		return "STRING_VALUE cannot be converted to " + want
	}
	return "Unexpected field type"
}

type callInfoKey struct{}

// noteCapacity records consumed capacity for the request log of a wire
// call, whether or not the client asked for it to be returned.
func noteCapacity(ctx context.Context, units float64) {
	if info, ok := ctx.Value(callInfoKey{}).(*CallInfo); ok {
		info.Capacity += units
	}
}
