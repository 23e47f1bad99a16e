package attr

// Value reads one attribute value member (the zero Value when null), as the
// legacy parameters hold them (Expected's Value, AttributeValueList,
// AttributeUpdates' Value). A malformed value or a wrong JSON type stops the
// Reader as usual; a value that is well-formed but invalid (an empty set, a
// bad number, NULL false) is returned as invalid instead, so that the caller
// can report it where the service's validation reaches that member.
func (r *Reader) Value() (v Value, invalid error, err error) {
	if r.err != nil {
		return Value{}, nil, r.err
	}
	r.d.skipSpace()
	if r.null() {
		return Value{}, nil, nil
	}
	saved := r.d.verr
	r.d.verr = nil
	v, err = r.d.value(1)
	if err != nil {
		r.d.verr = saved
		return Value{}, nil, r.fail(err)
	}
	invalid, r.d.verr = r.d.verr, saved
	return v, invalid, nil
}
