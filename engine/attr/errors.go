package attr

import "fmt"

// ErrorKind says which layer of the service would report an Error.
type ErrorKind uint8

const (
	// Validation errors become ValidationException.
	Validation ErrorKind = iota
	// Serialization errors (wrong JSON types, bad base64, malformed JSON)
	// become SerializationException; the service finds them before any
	// validation, so they win when a request has both.
	Serialization
)

// Error is a problem with an attribute value, worded as the service words it.
type Error struct {
	Kind    ErrorKind
	Message string
}

func (e *Error) Error() string { return e.Message }

func validation(msg string) error { return &Error{Kind: Validation, Message: msg} }

func validationf(format string, args ...any) error {
	return &Error{Kind: Validation, Message: fmt.Sprintf(format, args...)}
}

func serialization(msg string) error { return &Error{Kind: Serialization, Message: msg} }
