package server

import (
	"context"
	"errors"

	"dynalab/engine"
)

// Dispatcher runs one operation. target is the full X-Amz-Target value, e.g.
// "DynamoDB_20120810.GetItem" or "DynamoDBStreams_20120810.GetRecords".
// It returns the response body JSON, or an error: *engine.APIError for
// errors the client sees, engine.ErrUnknownOperation for a target it does not
// serve, anything else = internal error (500 InternalServerError, logged).
//
// body is the request body exactly as received (gzip already decoded). It
// is the dispatcher's: the server never reuses its memory, so Dispatch may
// keep references into it (engine.DB.Dispatch decodes without copying).
// For a target it does not serve it must return engine.ErrUnknownOperation
// whatever the body holds: the server then checks the body's JSON itself.
// Dispatch may be called concurrently.
type Dispatcher interface {
	Dispatch(ctx context.Context, target string, body []byte) (resp []byte, info engine.CallInfo, err error)
}

// DispatcherFunc adapts a function to the Dispatcher interface.
type DispatcherFunc func(ctx context.Context, target string, body []byte) ([]byte, engine.CallInfo, error)

// Dispatch calls f.
func (f DispatcherFunc) Dispatch(ctx context.Context, target string, body []byte) ([]byte, engine.CallInfo, error) {
	return f(ctx, target, body)
}

// Chain is a Dispatcher that offers each call to its members in order: the
// first one that does not answer engine.ErrUnknownOperation serves it. main
// chains the engine with the PartiQL executor this way. An empty Chain
// serves nothing.
type Chain []Dispatcher

// Dispatch runs the call on the first member that serves target, or returns
// engine.ErrUnknownOperation when none does.
func (c Chain) Dispatch(ctx context.Context, target string, body []byte) ([]byte, engine.CallInfo, error) {
	for _, d := range c {
		resp, info, err := d.Dispatch(ctx, target, body)
		if err != nil && errors.Is(err, engine.ErrUnknownOperation) {
			continue
		}
		return resp, info, err
	}
	return nil, engine.CallInfo{}, engine.ErrUnknownOperation
}
