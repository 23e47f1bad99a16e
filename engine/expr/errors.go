package expr

import (
	"errors"
	"strconv"

	"dynalab/engine/attr"
)

// Error is a problem with an expression or with applying one. The service
// reports all of them as ValidationException; Message is its exact text.
type Error struct {
	Message string
}

// Error returns the message.
func (e *Error) Error() string { return e.Message }

// The expression parameter names, used as the <Param> of "Invalid <Param>: ...".
const (
	ParamCondition    = "ConditionExpression"
	ParamFilter       = "FilterExpression"
	ParamKeyCondition = "KeyConditionExpression"
	ParamUpdate       = "UpdateExpression"
	ParamProjection   = "ProjectionExpression"
)

// Messages of the errors an update raises while it is applied to an item.
const (
	msgPathInvalidForUpdate = "The document path provided in the update expression is invalid for update"
	msgOperandDataType      = "An operand in the update expression has an incorrect data type"
	msgAttributeNotInItem   = "The provided expression refers to an attribute that does not exist in the item"
)

// Message fragments of validation errors.
const (
	msgEmpty         = "The expression can not be empty;"
	msgTooLong       = "Expression size has exceeded the maximum allowed size"
	msgRedundant     = "The expression has redundant parentheses;"
	msgReserved      = "Attribute name is a reserved keyword; reserved keyword: "
	msgBadFunction   = "Invalid function name; function: "
	msgNotInUpdate   = "The function is not allowed in an update expression; function: "
	msgNotInCond     = "The function is not allowed in a condition expression; function: "
	msgMisused       = "The function is not allowed to be used this way in an expression; function: "
	msgListIndex     = "List index is not within the allowable range; index: "
	msgTooDeep       = "The document path has too many nesting levels; nesting levels: "
	msgTooManyIn     = "The IN operator is provided with too many operands; number of operands: "
	msgTooManyOps    = "The expression contains too many operators; operator count: "
	msgUndefinedName = "An expression attribute name used in the document path is not defined; attribute name: "
	msgUndefinedVal  = "An expression attribute value used in expression is not defined; attribute value: "
	msgOperandCount  = "Incorrect number of operands for operator or function; operator or function: "
	msgOperandType   = "Incorrect operand type for operator or function; operator or function: "
	msgNeedsPath     = "Operator or function requires a document path; operator or function: "
	msgNotDistinct   = "The first operand must be distinct from the remaining operands for this operator or function; operator: "
	msgTypeName      = "Invalid attribute type name found; type: "
	msgValidTypes    = ", valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"
	msgBetweenTypes  = "The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: "
	msgBetweenOrder  = "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: "
	msgBetweenUpper  = ", upper bound operand: AttributeValue: "
	msgOverlap       = "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: "
	msgConflict      = "Two document paths conflict with each other; must remove or rewrite one of these paths; path one: "
	msgPathTwo       = ", path two: "
	// allTypeSymbols is how the service names "any type" in operand errors.
	allTypeSymbols = "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}"
)

// Expression limits (Developer Guide, Constraints: expression parameters;
// DynamoDB Local's LocalDBEnv has the same numbers).
const (
	maxExpressionSize = 4096
	maxOperators      = 300
	maxPathDepth      = 32
	maxInOperands     = 100
	maxPlaceholderLen = 255
	maxListIndex      = 1<<31 - 1
)

func newError(msg string) *Error { return &Error{Message: msg} }

// invalid prefixes msg with "Invalid <param>: ".
func invalid(param, msg string) *Error { return &Error{Message: "Invalid " + param + ": " + msg} }

func itoa(i int) string { return strconv.Itoa(i) }

// fromAttr turns an attribute-value error (number overflow and the like) into
// an expression error with the same text.
func fromAttr(err error) *Error {
	var ae *attr.Error
	if errors.As(err, &ae) {
		return newError(ae.Message)
	}
	return newError(err.Error())
}

// updateTypeName is the spelling of a type in ADD/DELETE operand errors.
func updateTypeName(t attr.Type) string {
	switch t {
	case attr.TypeS:
		return "STRING"
	case attr.TypeN:
		return "NUMBER"
	case attr.TypeB:
		return "BINARY"
	case attr.TypeBOOL:
		return "BOOLEAN"
	case attr.TypeNULL:
		return "NULL"
	case attr.TypeL:
		return "LIST"
	case attr.TypeM:
		return "MAP"
	}
	return t.String()
}
