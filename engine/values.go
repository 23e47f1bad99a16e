package engine

import (
	"bytes"
	"encoding/json"
	"errors"

	"dynalab/engine/attr"
)

// Values is an ExpressionAttributeValues map. It is an attr.Item with a
// decoder that names the placeholder of an invalid value, as the service's
// message does.
type Values map[string]attr.Value

// UnmarshalJSON implements json.Unmarshaler.
func (v *Values) UnmarshalJSON(data []byte) error {
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		return nil
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return &APIError{Code: CodeSerialization, Message: "Expected map or null"}
	}
	out := make(Values, len(raw))
	var firstInvalid error
	for k, r := range raw {
		if bytes.Equal(bytes.TrimSpace(r), []byte("null")) {
			continue
		}
		val, err := attr.ParseValue(r)
		var ae *attr.Error
		if errors.As(err, &ae) && ae.Kind == attr.Validation {
			if firstInvalid == nil {
				firstInvalid = validationError("ExpressionAttributeValues contains invalid value: " + ae.Message + " for key " + k)
			}
			continue
		}
		if err != nil {
			return err
		}
		out[k] = val
	}
	if firstInvalid != nil {
		return firstInvalid
	}
	*v = out
	return nil
}

// Item returns the values as an attr.Item.
func (v Values) Item() attr.Item { return attr.Item(v) }
