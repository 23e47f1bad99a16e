package engine

import (
	"errors"
	"fmt"
	"strings"

	"dynalab/engine/attr"
)

// Error codes a DynamoDB client can see, as the service names them.
const (
	CodeValidation               = "ValidationException"
	CodeSerialization            = "SerializationException"
	CodeUnknownOperation         = "UnknownOperationException"
	CodeResourceNotFound         = "ResourceNotFoundException"
	CodeResourceInUse            = "ResourceInUseException"
	CodeConditionalCheckFailed   = "ConditionalCheckFailedException"
	CodeLimitExceeded            = "LimitExceededException"
	CodeTransactionCanceled      = "TransactionCanceledException"
	CodeTransactionConflict      = "TransactionConflictException"
	CodeIdempotentMismatch       = "IdempotentParameterMismatchException"
	CodeTransactionInProgress    = "TransactionInProgressException"
	CodeProvisionedThroughput    = "ProvisionedThroughputExceededException"
	CodeThrottling               = "ThrottlingException"
	CodeRequestLimitExceeded     = "RequestLimitExceeded"
	CodeItemCollectionSizeLimit  = "ItemCollectionSizeLimitExceededException"
	CodeDuplicateItem            = "DuplicateItemException"
	CodeInternalServerError      = "InternalServerError"
	CodeMissingAuthToken         = "MissingAuthenticationTokenException"
	CodeAccessDenied             = "AccessDeniedException"
	CodeExpiredIterator          = "ExpiredIteratorException"
	CodeTrimmedDataAccess        = "TrimmedDataAccessException"
	CodeBackupNotFound           = "BackupNotFoundException"
	CodeTableNotFound            = "TableNotFoundException"
	CodeContinuousBackupsUnavail = "ContinuousBackupsUnavailableException"
)

// APIError is every error a DynamoDB client can see: the service's error
// code, its message and, for some codes, extra members. The HTTP server
// turns it into the wire form with one errors.As.
type APIError struct {
	Code    string
	Message string
	// Item is the old item returned by ConditionalCheckFailedException when
	// ReturnValuesOnConditionCheckFailure is ALL_OLD.
	Item attr.Item
	// CancellationReasons lists, for TransactionCanceledException, one reason
	// per action in request order.
	CancellationReasons []CancellationReason
	// ThrottlingReasons says, for ProvisionedThroughputExceededException and
	// ThrottlingException, what was throttled and why.
	ThrottlingReasons []ThrottlingReason

	// keyMismatch marks a key attribute of the wrong type or shape, or a
	// missing one: a transaction reports it as the action's ValidationError
	// cancellation reason, not as a ValidationException of its own.
	keyMismatch bool
	// wholeRequest marks a problem an update's result shows that a
	// transaction reports as a ValidationException of its own, not as the
	// action's cancellation reason.
	wholeRequest bool
}

// keyMismatchError is a ValidationException that a transaction reports
// per action (APIError.keyMismatch).
func keyMismatchError(e *APIError) *APIError {
	e.keyMismatch = true
	return e
}

// wholeRequestError is a ValidationException that fails a whole
// transaction (APIError.wholeRequest).
func wholeRequestError(e *APIError) *APIError {
	e.wholeRequest = true
	return e
}

// ThrottlingReason is one entry of a throttling error's ThrottlingReasons:
// Reason is ResourceType+OperationType+LimitType, e.g.
// "TableWriteProvisionedThroughputExceeded"; Resource the table's ARN.
type ThrottlingReason struct {
	Reason   string `json:"reason"`
	Resource string `json:"resource"`
}

// CancellationReason is one entry of TransactionCanceledException.CancellationReasons.
type CancellationReason struct {
	Code    string    `json:"Code"`
	Message string    `json:"Message,omitempty"`
	Item    attr.Item `json:"Item,omitempty"`
}

func (e *APIError) Error() string {
	if e.Message == "" {
		return e.Code
	}
	return e.Code + ": " + e.Message
}

// Type returns the error's wire __type: the code qualified by the namespace
// the service uses for it.
func (e *APIError) Type() string {
	switch e.Code {
	case CodeValidation:
		return "com.amazon.coral.validate#" + e.Code
	case CodeSerialization, CodeUnknownOperation, CodeMissingAuthToken, CodeAccessDenied,
		"IncompleteSignatureException", "InvalidSignatureException", "UnrecognizedClientException",
		"ExpiredTokenException":
		return "com.amazon.coral.service#" + e.Code
	}
	return "com.amazonaws.dynamodb.v20120810#" + e.Code
}

// Status returns the HTTP status the service answers this error with.
func (e *APIError) Status() int {
	switch e.Code {
	case CodeInternalServerError:
		return 500
	case "ServiceUnavailable":
		return 503
	}
	return 400
}

// UpperMessage reports whether the service spells this error's message
// member "Message" rather than "message".
func (e *APIError) UpperMessage() bool {
	switch e.Code {
	case CodeTransactionCanceled, CodeIdempotentMismatch, CodeTransactionInProgress, CodeSerialization:
		return true
	}
	return false
}

// Validationf returns a ValidationException.
func Validationf(format string, args ...any) *APIError {
	return &APIError{Code: CodeValidation, Message: fmt.Sprintf(format, args...)}
}

func validationError(msg string) *APIError { return &APIError{Code: CodeValidation, Message: msg} }

// messageOf is an error's message as a client sees it: an *APIError's
// Message, otherwise its text.
func messageOf(err error) string {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Message
	}
	return err.Error()
}

func invalidParam(format string, args ...any) *APIError {
	return &APIError{Code: CodeValidation, Message: "One or more parameter values were invalid: " + fmt.Sprintf(format, args...)}
}

// errNotFound is the data plane's ResourceNotFoundException.
func errNotFound() *APIError {
	return &APIError{Code: CodeResourceNotFound, Message: "Requested resource not found"}
}

// errTableNotFound is the control plane's ResourceNotFoundException.
func errTableNotFound(name string) *APIError {
	return &APIError{Code: CodeResourceNotFound, Message: "Requested resource not found: Table: " + name + " not found"}
}

func errConditionFailed(old attr.Item) *APIError {
	return &APIError{Code: CodeConditionalCheckFailed, Message: "The conditional request failed", Item: old}
}

// fromAttrError converts an attribute-value error to the client's error.
func fromAttrError(err error) *APIError {
	var ae *attr.Error
	if errors.As(err, &ae) {
		if ae.Kind == attr.Serialization {
			return &APIError{Code: CodeSerialization, Message: ae.Message}
		}
		return validationError(ae.Message)
	}
	var api *APIError
	if errors.As(err, &api) {
		return api
	}
	return &APIError{Code: CodeInternalServerError, Message: "Internal server error"}
}

// constraintErrors joins framework-level constraint failures the way the
// service does: "1 validation error detected: ..." or "N validation errors
// detected: a; b".
func constraintErrors(errs []string) *APIError {
	if len(errs) == 0 {
		return nil
	}
	if len(errs) > 10 {
		errs = errs[:10]
	}
	noun := "error"
	if len(errs) > 1 {
		noun = "errors"
	}
	return validationError(fmt.Sprintf("%d validation %s detected: %s", len(errs), noun, strings.Join(errs, "; ")))
}

func isAttrError(err error) bool {
	var ae *attr.Error
	return errors.As(err, &ae)
}
