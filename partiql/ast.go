package partiql

import (
	"fmt"

	"dynalab/engine/attr"
)

// Pos is a position in statement text.
type Pos struct {
	Offset int // 0-based byte offset
	Line   int // 1-based line
	Column int // 1-based column, in characters
}

// String renders the position as "line:col".
func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Column) }

// Node is any node of the syntax tree.
type Node interface {
	// Position returns where the node starts in the statement text.
	Position() Pos
}

// Statement is one parsed statement: *Select, *Insert, *Update, *Delete,
// *Exists or *Explain.
type Statement interface {
	Node
	statementNode()
}

// Expr is an expression: *Path, *Literal, *Param, *Binary, *Not, *Between,
// *In, *Is, *Call, *List, *Map or *Bag.
type Expr interface {
	Node
	exprNode()
}

// Select reads items: SELECT projection FROM table[.index] [WHERE cond]
// [ORDER BY key [ASC|DESC], ...].
type Select struct {
	Pos        Pos
	Projection []*Path     // the projected paths; nil for *
	From       Target      // the table or index read
	Where      Expr        // nil when there is no WHERE clause
	OrderBy    []*OrderKey // nil when there is no ORDER BY clause
}

// Star reports whether the projection is *.
func (s *Select) Star() bool { return s.Projection == nil }

// Target names a table, or an index of a table.
type Target struct {
	Pos   Pos
	Table string
	Index string // "" for the table itself
}

// OrderKey is one ORDER BY key: a top-level attribute name.
type OrderKey struct {
	Pos  Pos
	Name string
	Desc bool
}

// Insert writes one new item: INSERT INTO table VALUE {'attr': value, ...}.
type Insert struct {
	Pos   Pos
	Table Target  // Index is always ""
	Item  []Field // the item's attributes in source order; names are distinct
}

// Field is one name/value pair of an item or map.
type Field struct {
	Pos   Pos // position of the name
	Name  string
	Value Expr
}

// ReturnValues is the RETURNING clause of UPDATE and DELETE.
type ReturnValues uint8

// The RETURNING choices, named after the ReturnValues they translate to.
const (
	ReturnNone       ReturnValues = iota // no RETURNING clause
	ReturnAllOld                         // RETURNING ALL OLD *
	ReturnUpdatedOld                     // RETURNING MODIFIED OLD *
	ReturnAllNew                         // RETURNING ALL NEW *
	ReturnUpdatedNew                     // RETURNING MODIFIED NEW *
)

var returnNames = [...]string{"NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"}
var returnClauses = [...]string{"", "ALL OLD *", "MODIFIED OLD *", "ALL NEW *", "MODIFIED NEW *"}

// String returns the API name: "NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW"
// or "UPDATED_NEW".
func (r ReturnValues) String() string {
	if int(r) < len(returnNames) {
		return returnNames[r]
	}
	return "?"
}

// Update changes one item: UPDATE table SET ... REMOVE ... WHERE cond
// [RETURNING ...].
type Update struct {
	Pos       Pos
	Table     Target    // Index is always ""
	Actions   []*Action // in source order; never empty
	Where     Expr      // nil when there is no WHERE clause
	Returning ReturnValues
}

// ActionKind says what an update action does.
type ActionKind uint8

// The update actions. SET x = set_add(x, v) and SET x = set_delete(x, v) are
// parsed into ActionAdd and ActionDelete, the UpdateExpression ADD and
// DELETE clauses they translate to.
const (
	ActionSet    ActionKind = iota // SET Path = Value
	ActionRemove                   // REMOVE Path
	ActionAdd                      // SET Path = set_add(Path, Value)
	ActionDelete                   // SET Path = set_delete(Path, Value)
)

// Action is one SET or REMOVE of an UPDATE.
type Action struct {
	Pos   Pos
	Kind  ActionKind
	Path  *Path
	Value Expr // nil for ActionRemove; for Add and Delete, the set operand
}

// Delete removes one item: DELETE FROM table WHERE cond [RETURNING ALL OLD *].
type Delete struct {
	Pos       Pos
	Table     Target // Index is always ""
	Where     Expr   // nil when there is no WHERE clause
	Returning ReturnValues
}

// Exists is a transaction's condition check: EXISTS(SELECT ...).
type Exists struct {
	Pos    Pos
	Select *Select
}

// Explain is the workbench's EXPLAIN statement: show the plan instead of
// running it.
type Explain struct {
	Pos       Pos
	Statement Statement // never an *Explain
}

// StatementTarget returns the table and index a statement reads or writes;
// "" for one that names none (an *Explain: unwrap it first).
func StatementTarget(st Statement) (table, index string) {
	switch s := st.(type) {
	case *Select:
		return s.From.Table, s.From.Index
	case *Exists:
		return s.Select.From.Table, s.Select.From.Index
	case *Insert:
		return s.Table.Table, ""
	case *Update:
		return s.Table.Table, ""
	case *Delete:
		return s.Table.Table, ""
	}
	return "", ""
}

// Path names an attribute or a place inside one: a.b[2]."c d".
type Path struct {
	Pos   Pos
	Name  string // the top-level attribute
	Steps []Step // map keys and list indexes below it
}

// Step is one map key or list index of a Path.
type Step struct {
	Pos     Pos
	Name    string // the map key, when !IsIndex
	Index   int    // the list index, when IsIndex
	IsIndex bool
}

// Literal is a constant value. Lists, maps and sets whose members are all
// constant are folded into one Literal.
type Literal struct {
	Pos   Pos
	Value attr.Value
}

// Param is a ? placeholder, bound positionally from the request's
// Parameters.
type Param struct {
	Pos   Pos
	Index int // 0-based, in order of appearance
}

// Op is a binary operator.
type Op uint8

// The binary operators. != is read as <>.
const (
	OpOr Op = iota
	OpAnd
	OpEq
	OpNe
	OpLt
	OpLe
	OpGt
	OpGe
	OpAdd
	OpSub
)

var opNames = [...]string{"OR", "AND", "=", "<>", "<", "<=", ">", ">=", "+", "-"}

// String returns the operator as the formatter writes it.
func (o Op) String() string {
	if int(o) < len(opNames) {
		return opNames[o]
	}
	return "?"
}

// IsComparison reports whether o is one of = <> < <= > >=.
func (o Op) IsComparison() bool { return o >= OpEq && o <= OpGe }

// Binary is Left Op Right.
type Binary struct {
	Pos         Pos // position of the operator
	Op          Op
	Left, Right Expr
}

// Not is NOT Expr. x NOT IN [...] and x NOT BETWEEN a AND b are parsed as
// NOT applied to the IN or BETWEEN.
type Not struct {
	Pos  Pos
	Expr Expr
}

// Between is Expr BETWEEN Low AND High.
type Between struct {
	Pos             Pos // position of BETWEEN
	Expr, Low, High Expr
}

// In is Expr IN [Values...]; Values is never empty. (The service also
// accepts IN (v1, v2), which means the same.)
type In struct {
	Pos    Pos // position of IN
	Expr   Expr
	Values []Expr
}

// IsType is the type tested by IS.
type IsType uint8

// The types IS can test for.
const (
	IsMissing IsType = iota
	IsNull
	IsBoolean
	IsNumeric
	IsString
	IsBlob
	IsStruct
	IsTuple
	IsList
)

var isTypeNames = [...]string{"MISSING", "NULL", "BOOLEAN", "NUMERIC", "STRING", "BLOB", "STRUCT", "TUPLE", "LIST"}

// String returns the type name as written after IS.
func (t IsType) String() string {
	if int(t) < len(isTypeNames) {
		return isTypeNames[t]
	}
	return "?"
}

// AttributeType returns the attribute_type name an IS test translates to
// ("BOOL", "N", "S", "B", "M", "L"), or "" for MISSING and NULL.
func (t IsType) AttributeType() string {
	switch t {
	case IsBoolean:
		return "BOOL"
	case IsNumeric:
		return "N"
	case IsString:
		return "S"
	case IsBlob:
		return "B"
	case IsStruct, IsTuple:
		return "M"
	case IsList:
		return "L"
	}
	return ""
}

// Is is Expr IS [NOT] Type.
type Is struct {
	Pos  Pos // position of IS
	Expr Expr
	Not  bool
	Type IsType
}

// Call is a function call. Name is lower-case (calls are
// case-insensitive) and one of the names Functions returns.
type Call struct {
	Pos  Pos
	Name string
	Args []Expr
}

// List is a list constructor with at least one non-constant member.
type List struct {
	Pos   Pos
	Elems []Expr
}

// Map is a map constructor with at least one non-constant value; names are
// distinct.
type Map struct {
	Pos    Pos
	Fields []Field
}

// Bag is a set constructor (<<...>>) with at least one ? member; the other
// members are all numbers or all strings.
type Bag struct {
	Pos   Pos
	Type  attr.Type // TypeNS or TypeSS as the constant members say; 0 when all are ?
	Elems []Expr
}

// Position returns where the Select starts.
func (n *Select) Position() Pos { return n.Pos }

// Position returns where the Insert starts.
func (n *Insert) Position() Pos { return n.Pos }

// Position returns where the Update starts.
func (n *Update) Position() Pos { return n.Pos }

// Position returns where the Delete starts.
func (n *Delete) Position() Pos { return n.Pos }

// Position returns where the Exists starts.
func (n *Exists) Position() Pos { return n.Pos }

// Position returns where the Explain starts.
func (n *Explain) Position() Pos { return n.Pos }

// Position returns where the Path starts.
func (n *Path) Position() Pos { return n.Pos }

// Position returns where the Literal starts.
func (n *Literal) Position() Pos { return n.Pos }

// Position returns where the Param starts.
func (n *Param) Position() Pos { return n.Pos }

// Position returns the position of the Binary's operator.
func (n *Binary) Position() Pos { return n.Pos }

// Position returns where the Not starts.
func (n *Not) Position() Pos { return n.Pos }

// Position returns the position of the Between's operator.
func (n *Between) Position() Pos { return n.Pos }

// Position returns the position of the In's operator.
func (n *In) Position() Pos { return n.Pos }

// Position returns the position of the Is's operator.
func (n *Is) Position() Pos { return n.Pos }

// Position returns where the Call starts.
func (n *Call) Position() Pos { return n.Pos }

// Position returns where the List starts.
func (n *List) Position() Pos { return n.Pos }

// Position returns where the Map starts.
func (n *Map) Position() Pos { return n.Pos }

// Position returns where the Bag starts.
func (n *Bag) Position() Pos { return n.Pos }

// Position returns where the Action starts.
func (n *Action) Position() Pos { return n.Pos }

// Position returns where the OrderKey starts.
func (n *OrderKey) Position() Pos { return n.Pos }

func (*Select) statementNode()  {}
func (*Insert) statementNode()  {}
func (*Update) statementNode()  {}
func (*Delete) statementNode()  {}
func (*Exists) statementNode()  {}
func (*Explain) statementNode() {}

func (*Path) exprNode()    {}
func (*Literal) exprNode() {}
func (*Param) exprNode()   {}
func (*Binary) exprNode()  {}
func (*Not) exprNode()     {}
func (*Between) exprNode() {}
func (*In) exprNode()      {}
func (*Is) exprNode()      {}
func (*Call) exprNode()    {}
func (*List) exprNode()    {}
func (*Map) exprNode()     {}
func (*Bag) exprNode()     {}
