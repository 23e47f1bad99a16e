package engine

import (
	"dynalab/engine/attr"
)

// Values is an ExpressionAttributeValues map. It is an attr.Item with a
// decoder that names the placeholder of an invalid value, as the service's
// message does.
type Values map[string]attr.Value

// UnmarshalJSON implements json.Unmarshaler with the request decoder's
// rules (attr.Reader.Values).
func (v *Values) UnmarshalJSON(data []byte) error {
	r := attr.NewReader(data)
	item, err := r.Values()
	if err == nil {
		err = r.End()
	}
	if err != nil {
		return fromAttrError(err)
	}
	if item != nil {
		*v = Values(item)
	}
	return nil
}

// Item returns the values as an attr.Item.
func (v Values) Item() attr.Item { return attr.Item(v) }
