package partiql

import (
	"fmt"
	"strings"
)

// ErrorKind says how the service reports an Error.
type ErrorKind uint8

const (
	// SyntaxError is a statement the service's PartiQL parser rejects: the
	// client sees "Statement wasn't well formed, can't be processed: " and
	// the detail in Message.
	SyntaxError ErrorKind = iota
	// LexicalError is a statement the service's PartiQL lexer rejects (an
	// invalid character, an unterminated string or comment, a number it
	// cannot represent): the client sees the "wasn't well formed" prefix
	// with nothing after it. Message says what went wrong, for the workbench.
	LexicalError
	// ValidationError is a statement that parses but that DynamoDB's
	// translation refuses without looking at any table ("Unsupported
	// clause: LIMIT", "Aliasing is not supported", ...). The client sees
	// Message as it is.
	ValidationError
)

// WellFormedPrefix starts the service's message for statements that do not
// parse.
const WellFormedPrefix = "Statement wasn't well formed, can't be processed: "

// Error is a statement the service would reject before touching any table,
// with the position (of the offending token) the workbench draws a caret
// under.
type Error struct {
	Line    int       // 1-based line
	Column  int       // 1-based column, in characters
	Offset  int       // 0-based byte offset
	Kind    ErrorKind // how the service words it; see ServiceMessage
	Message string    // the detail, in the service's words where it has them
}

// Error renders the error as "line:col: message".
func (e *Error) Error() string { return fmt.Sprintf("%d:%d: %s", e.Line, e.Column, e.Message) }

// ServiceMessage returns the text of the ValidationException the service
// sends for this statement.
func (e *Error) ServiceMessage() string {
	switch e.Kind {
	case SyntaxError:
		return WellFormedPrefix + e.Message
	case LexicalError:
		return WellFormedPrefix
	}
	return e.Message
}

// Pos returns the position the error points at.
func (e *Error) Pos() Pos { return Pos{Offset: e.Offset, Line: e.Line, Column: e.Column} }

// Syntax error details. Most are the texts of partiql-lang-kotlin's parser,
// which the service embeds after WellFormedPrefix.
const (
	detUnexpectedTerm     = "Unexpected term"
	detUnexpectedKeyword  = "Unexpected keyword"
	detUnexpectedOperator = "Unexpected operator"
	detMissingRHS         = "Missing right-hand side expression of infix operator"
	detTrailing           = "Unexpected token after expression"
	detSimplePath         = "Expected identifier for simple path"
	detSimplePathDot      = "Invalid path dot component for simple path"
	detSimplePathIndex    = "Invalid path component for simple path"
	detPathDot            = "Invalid path dot component"
	detTypeName           = "Expected type name"
	detDataManipulation   = "Expected data manipulation"
	detAssignment         = "Expected '='"
	detFromAfterSelect    = "Expected FROM after SELECT list"
	detFromAfterDelete    = "Expected FROM after DELETE"
	detReturning          = "Expected ( MODIFIED | ALL ) ( NEW | OLD ) in RETURNING clause"
	detTooDeep            = "Statement nests brackets too deeply"
)

// Validation messages, verbatim from the service's catalogue
// (ValidationExceptionMessages) unless marked as a guess in DESIGN.md.
const (
	msgOneOperation      = "Only one operation is allowed in a statement."
	msgUnsupportedClause = "Unsupported clause: %s"
	msgAliasing          = "Aliasing is not supported"
	msgValueOrPivot      = "Select projection doesn't support value or pivot keywords"
	msgStarAndOthers     = "Other attributes should not be present in the projection when '*' is used."
	msgDuplicateSelect   = "Duplicate identifiers in select clause: %s"
	msgSingleSource      = "Only select from a single table or index is supported."
	msgFromComponents    = "A path may contain at most 2 components in the FROM clause"
	msgFromSourceDot     = "Invalid path dot component in this operation, expecting either an IDENTIFIER or STAR."
	msgFromList          = "Invalid list expression in source."
	msgFromSource        = "Unexpected from source"
	msgTableName         = "Table name should be within the length [3, 255] and only contain 'a-z', 'A-Z', '0-9', '-', '_', '.'."
	msgOnIndex           = "This operation is not supported on an index"
	msgInsertMulti       = `Unsupported operation: Inserting multiple items in a single statement is not supported, use "INSERT INTO tableName VALUE item" instead`
	msgInsertAt          = "AT is not supported in insert statements."
	msgInsertFormat      = "Unsupported format in item expression. Please use struct format {...} to express item values for insert statement."
	msgInsertReturning   = "RETURNING is not supported in INSERT"
	msgReturningMulti    = "Invalid syntax with multiple returning elements in RETURNING clause"
	msgReturningStar     = "Expected '*' after ( MODIFIED | ALL ) ( NEW | OLD ) in RETURNING clause"
	msgDeleteReturning   = "Invalid returning clause: RETURNING %s. Only RETURNING ALL OLD * is allowed in DELETE statements."
	msgIonLiteral        = "Ion Literals are not supported: %s under key %s"
	msgEmptyBag          = "Empty bags are not supported"
	msgBagType           = "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags"
	msgDuplicateKey      = "Duplicate keys in tuple. Key: %s under %s"
	msgTupleKeyType      = "Tuple keys must be of type String. Actual type: %s under %s"
	msgNegativeZero      = "Negative zero decimal is not supported under key %s"
	msgMissingLiteral    = "MISSING must be compared using IS operator"
	msgInOperator        = "IN operator must have a left hand argument of type Variable Reference and right hand argument of type Seq with at least one member"
	msgIsOperand         = "The left hand side argument to IS must be a Variable Reference, Literal, or Path"
	msgIsType            = "Unsupported data type for IS operator: %s. Supported data types are [MISSING, NULL, BOOLEAN, BLOB, STRING, NUMERIC, STRUCT, TUPLE, LIST]"
	msgIsInUpdate        = "IS operator is not supported in update expressions"
	msgNotOperand        = "The argument to NOT must be a Type or Expression"
	msgAndOrOperand      = "The arguments to AND/OR must be Expressions"
	msgWhereBoolean      = "WHERE clause must contain an expression that resolves to a boolean"
	msgConditionOperator = "Unsupported operator in Condition Expression. Operator: %s"
	msgUpdateOperator    = "Unsupported operator in Update Expression. Operator: %s"
	msgUnknownFunction   = "Unrecognized function: %s"
	msgSetFuncArgs       = "SET_%s must have exactly two arguments"
	msgSetFuncFirst      = "The first argument to SET_%s must equal the assignment value"
	msgSetFuncSecond     = "The second argument to SET_%s must be a value with type SET"
	msgPathEmpty         = "Path component cannot be an empty string"
	msgPathIndexRange    = "List index is not within the allowable range; index: [%s]"
	msgPathComponent     = "Unexpected path component"
	msgUnpivotPath       = "Unpivot path component like a.*.b are not supported"
	msgWildcardPath      = "Wildcard path component like a[*].b are not supported"
	msgOrderByPath       = "Argument to ORDER BY must be of type VariableReference. Type: %s"
	msgNumberUnderRoot   = "%s under %s"
	msgUnsupportedToken  = "Unsupported token in expression: %s"
)

// errAt builds an Error of the given kind at a position.
func errAt(p Pos, kind ErrorKind, format string, args ...any) *Error {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	return &Error{Line: p.Line, Column: p.Column, Offset: p.Offset, Kind: kind, Message: msg}
}

// validationAt builds a ValidationError at a position.
func validationAt(p Pos, format string, args ...any) *Error {
	return errAt(p, ValidationError, format, args...)
}

// keywordOperators are the keywords partiql-lang-kotlin lexes as operators:
// where a term is expected they give "Unexpected operator", not "Unexpected
// keyword".
var keywordOperators = map[string]bool{
	"and": true, "or": true, "not": true, "is": true, "in": true, "like": true, "between": true,
}

// unexpectedTermDetail words the failure to find a term (an operand) at a
// token, as partiql-lang-kotlin's parseTerm does.
func unexpectedTermDetail(typ tokenClass, text string) string {
	switch typ {
	case classKeyword:
		if keywordOperators[strings.ToLower(text)] {
			return detUnexpectedOperator
		}
		return detUnexpectedKeyword
	case classOperator:
		return detUnexpectedOperator
	}
	return detUnexpectedTerm
}

// tokenClass is the coarse classification error wording needs.
type tokenClass uint8

const (
	classOther tokenClass = iota
	classKeyword
	classOperator
	classEOF
)
