package partiql

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"dynalab/engine"
	"dynalab/engine/attr"
)

// Dispatcher serves ExecuteStatement, BatchExecuteStatement and
// ExecuteTransaction over the DynamoDB JSON protocol: it implements
// engine/server's Dispatcher, so main chains it after the engine:
//
//	server.New(server.Chain{db, partiql.NewDispatcher(partiql.New(db, partiql.Options{}))}, opts)
type Dispatcher struct {
	x *Executor
}

// NewDispatcher returns a Dispatcher running statements with x.
func NewDispatcher(x *Executor) *Dispatcher { return &Dispatcher{x: x} }

// The operations the Dispatcher serves, as X-Amz-Target values.
const (
	TargetExecuteStatement      = engine.TargetPrefix + "ExecuteStatement"
	TargetBatchExecuteStatement = engine.TargetPrefix + "BatchExecuteStatement"
	TargetExecuteTransaction    = engine.TargetPrefix + "ExecuteTransaction"
)

// Dispatch runs the PartiQL operation named by target on a JSON request
// body and returns the JSON response. Any other target is
// engine.ErrUnknownOperation. body is not retained.
func (d *Dispatcher) Dispatch(ctx context.Context, target string, body []byte) ([]byte, engine.CallInfo, error) {
	name, _ := strings.CutPrefix(target, engine.TargetPrefix)
	info := engine.CallInfo{Op: name}
	switch target {
	case TargetExecuteStatement:
		var in ExecuteStatementInput
		if err := decodeBody(body, &in); err != nil {
			return nil, info, err
		}
		out, stats, err := d.x.executeStatement(ctx, &in)
		info.Table, info.Capacity = stats.table, stats.units
		if err != nil {
			return nil, info, err
		}
		data, err := encodeStatementOutput(out)
		return data, info, err
	case TargetBatchExecuteStatement:
		var in BatchExecuteStatementInput
		if err := decodeBody(body, &in); err != nil {
			return nil, info, err
		}
		out, units, err := d.x.batchExecute(ctx, &in)
		info.Capacity = units
		return encodeOutput(out, info, err)
	case TargetExecuteTransaction:
		var in ExecuteTransactionInput
		if err := decodeBody(body, &in); err != nil {
			return nil, info, err
		}
		out, units, err := d.x.executeTransaction(ctx, &in)
		info.Capacity = units
		return encodeOutput(out, info, err)
	}
	return nil, info, engine.ErrUnknownOperation
}

func encodeOutput(out any, info engine.CallInfo, err error) ([]byte, engine.CallInfo, error) {
	if err != nil {
		return nil, info, err
	}
	data, err := json.Marshal(out)
	return data, info, err
}

// encodeStatementOutput writes an ExecuteStatement response, items with
// the attribute-value encoder (the hot path).
func encodeStatementOutput(out *ExecuteStatementOutput) ([]byte, error) {
	b := make([]byte, 0, 256)
	b = append(b, `{"Items":[`...)
	for i, it := range out.Items {
		if i > 0 {
			b = append(b, ',')
		}
		b = attr.AppendItem(b, it)
	}
	b = append(b, ']')
	if out.NextToken != nil {
		b = append(b, `,"NextToken":`...)
		b = attr.AppendString(b, *out.NextToken)
	}
	if out.ConsumedCapacity != nil {
		cc, err := json.Marshal(out.ConsumedCapacity)
		if err != nil {
			return nil, err
		}
		b = append(b, `,"ConsumedCapacity":`...)
		b = append(b, cc...)
	}
	b = append(b, '}')
	return b, nil
}

// decodeBody decodes a request body as the service does: malformed JSON
// and members of the wrong JSON type are SerializationException, invalid
// attribute values ValidationException.
func decodeBody(body []byte, in any) error {
	err := json.Unmarshal(body, in)
	if err == nil {
		return nil
	}
	var ae *attr.Error
	if errors.As(err, &ae) {
		if ae.Kind == attr.Serialization {
			return &engine.APIError{Code: engine.CodeSerialization, Message: ae.Message}
		}
		return engine.Validationf("%s", ae.Message)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return &engine.APIError{Code: engine.CodeSerialization, Message: typeMismatch(te)}
	}
	return &engine.APIError{Code: engine.CodeSerialization}
}

// typeMismatch words a JSON type mismatch like the service's deserializer.
func typeMismatch(e *json.UnmarshalTypeError) string {
	switch e.Value {
	case "object":
		return "Start of structure or map found where not expected"
	case "array":
		return "Start of list found where not expected"
	}
	want := "String"
	switch e.Type.Kind().String() {
	case "bool":
		want = "Boolean"
	case "int", "int32", "int64":
		want = "Long"
	case "slice":
		return "Expected list or null"
	case "map", "struct":
		return "Expected map or null"
	}
	return strings.ToUpper(e.Value) + "_VALUE cannot be converted to " + want
}
