package partiql

import (
	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// The concrete syntax, as participle productions. It deliberately accepts
// more than DynamoDB supports (aliases, joins, LIMIT, VALUE projections,
// wildcards, * / % || LIKE, unknown functions, ...) so that lowering (see
// lower.go) can reject those with the service's own messages at the right
// position instead of a generic syntax error. Keywords are matched
// case-insensitively; reserved words never lex as identifiers.
//
//	root        = [ "EXPLAIN" ] statement [ ";" ] .
//	statement   = select | insert | update | delete | exists | fromDML | errStatement .
//	select      = "SELECT" [ "DISTINCT" | "ALL" ] projection ( "FROM" | errFromSelect ) fromItem
//	              { join } [ "WHERE" expr ] { clause } .
//	projection  = "VALUE" expr | projItem { "," projItem } .
//	projItem    = "*" | expr [ alias ] .
//	alias       = [ "AS" ] ( Ident | QIdent ) .
//	fromItem    = expr [ alias ] .
//	join        = ( "," | [ "CROSS" | "INNER" | ( "LEFT" | "RIGHT" | "FULL" | "OUTER" ) [ "OUTER" ] ] "JOIN" )
//	              fromItem [ "ON" expr ] .
//	clause      = "ORDER" "BY" orderKey { "," orderKey }
//	            | ( "GROUP" [ "PARTIAL" ] "BY" | "HAVING" | "LIMIT" | "OFFSET" ) expr { "," expr } .
//	orderKey    = expr [ "ASC" | "DESC" ] .
//	insert      = "INSERT" "INTO" simplePath
//	              ( "VALUE" expr [ "AT" expr ] | ( "VALUES" | "SELECT" ) rest | expr ) [ returning ] .
//	update      = "UPDATE" simplePath [ alias ] ( dmlOp { dmlOp } | errDML ) [ "WHERE" expr ] [ returning ] .
//	dmlOp       = "SET" assignment { "," assignment } | "REMOVE" simplePath { "," simplePath } .
//	assignment  = simplePath "=" expr .
//	delete      = "DELETE" ( "FROM" | errFromDelete ) simplePath [ alias ] [ "WHERE" expr ] [ returning ] .
//	exists      = "EXISTS" "(" select ")" .
//	fromDML     = "FROM" simplePath [ alias ] [ "WHERE" expr ] ( dmlOp | errDML ) .
//	returning   = "RETURNING" returnElem { "," returnElem } .
//	returnElem  = ( "MODIFIED" | "ALL" | errReturning ) ( "OLD" | "NEW" | errReturning ) ( "*" | expr ) .
//	simplePath  = ( Ident | QIdent | errSimplePath ) { step } .
//
//	expr        = andExpr { "OR" andExpr } .
//	andExpr     = notExpr { "AND" notExpr } .
//	notExpr     = "NOT" notExpr | predicate .
//	predicate   = sum [ predTail ] .
//	predTail    = ( "=" | "<>" | "!=" | "<" | "<=" | ">" | ">=" ) sum
//	            | "IS" [ "NOT" ] typeName
//	            | [ "NOT" ] ( "IN" sum | "BETWEEN" sum "AND" sum | "LIKE" sum [ "ESCAPE" sum ] ) .
//	sum         = primary { ( "+" | "-" | "||" | "*" | "/" | "%" ) primary } .
//	primary     = ref | ( "-" | "+" ) primary | String | Number | Param | "TRUE" | "FALSE" | "NULL"
//	            | "MISSING" | "(" expr { "," expr } ")" | "[" [ expr { "," expr } ] "]"
//	            | "{" [ field { "," field } ] "}" | "<<" [ expr { "," expr } ] ">>" | Ion | errTerm .
//	field       = expr ":" expr .
//	ref         = ( Ident | QIdent | "SIZE" | "EXISTS" | ... ) [ "(" [ expr { "," expr } ] ")" ] { step } .
//	step        = "." ( Ident | QIdent | "*" | errPathDot ) | "[" ( "*" | expr ) "]" .
//	typeName    = ( "MISSING" | "NULL" | "BOOLEAN" | ... | "DOUBLE" "PRECISION" | "CHARACTER" [ "VARYING" ] )
//	              [ "(" Number { "," Number } ")" ] | errTypeName .
//
// The err* productions never match: each is the last alternative where the
// service's parser has a specific complaint, and fails with it (see
// grammar_errors.go). rest swallows the remainder of the statement.
//
// Each production below is one struct; Pos (and, where lowering quotes the
// source, EndPos) are filled in by participle.

type synRoot struct {
	Pos     lexer.Position
	Explain bool          `parser:"@'EXPLAIN'?"`
	Stmt    *synStatement `parser:"@@"`
	Semi    bool          `parser:"@';'?"`
}

type synStatement struct {
	Select *synSelect    `parser:"  @@"`
	Insert *synInsert    `parser:"| @@"`
	Update *synUpdate    `parser:"| @@"`
	Delete *synDelete    `parser:"| @@"`
	Exists *synExists    `parser:"| @@"`
	From   *synFromDML   `parser:"| @@"`
	Err    *errStatement `parser:"| @@"`
}

type synSelect struct {
	Pos        lexer.Position
	Quantifier *synQuantifier `parser:"'SELECT' @@?"`
	Projection *synProjection `parser:"@@"`
	FromErr    *errFromSelect `parser:"( 'FROM' | @@ )"`
	From       *synFromItem   `parser:"@@"`
	Joins      []*synJoin     `parser:"@@*"`
	Where      *synExpr       `parser:"( 'WHERE' @@ )?"`
	Clauses    []*synClause   `parser:"@@*"`
}

// synQuantifier is DISTINCT or ALL after SELECT, with its position.
type synQuantifier struct {
	Pos  lexer.Position
	Word string `parser:"@( 'DISTINCT' | 'ALL' )"`
}

type synProjection struct {
	Pos   lexer.Position
	Value *synExpr       `parser:"  'VALUE' @@"`
	Items []*synProjItem `parser:"| @@ ( ',' @@ )*"`
}

type synProjItem struct {
	Pos   lexer.Position
	Star  bool      `parser:"  @'*'"`
	Expr  *synExpr  `parser:"| @@"`
	Alias *synAlias `parser:"  @@?"`
}

type synAlias struct {
	Pos  lexer.Position
	As   bool   `parser:"@'AS'?"`
	Name string `parser:"@( Ident | QIdent )"`
}

type synFromItem struct {
	Pos   lexer.Position
	Expr  *synExpr  `parser:"@@"`
	Alias *synAlias `parser:"@@?"`
}

type synJoin struct {
	Pos  lexer.Position
	Kind string       `parser:"( @',' | ( 'CROSS' | 'INNER' | ( 'LEFT' | 'RIGHT' | 'FULL' | 'OUTER' ) 'OUTER'? )? @'JOIN' )"`
	Item *synFromItem `parser:"@@"`
	On   *synExpr     `parser:"( 'ON' @@ )?"`
}

type synClause struct {
	Pos         lexer.Position
	OrderBy     []*synOrderKey `parser:"  'ORDER' 'BY' @@ ( ',' @@ )*"`
	Unsupported string         `parser:"| ( @'GROUP' 'PARTIAL'? 'BY' | @'HAVING' | @'LIMIT' | @'OFFSET' )"`
	Args        []*synExpr     `parser:"  @@ ( ',' @@ )*"`
}

type synOrderKey struct {
	Pos lexer.Position
	Key *synExpr `parser:"@@"`
	Dir string   `parser:"@( 'ASC' | 'DESC' )?"`
}

type synInsert struct {
	Pos       lexer.Position
	Target    *synSimplePath `parser:"'INSERT' 'INTO' @@"`
	Value     *synExpr       `parser:"( 'VALUE' @@"`
	At        *synExpr       `parser:"  ( 'AT' @@ )?"`
	Multi     *synInsertMany `parser:"| @@"`
	Other     *synExpr       `parser:"| @@ )"`
	Returning *synReturning  `parser:"@@?"`
}

// synInsertMany is the start of an INSERT of several items; the rest of the
// statement does not matter, the service refuses it whole.
type synInsertMany struct {
	Pos  lexer.Position
	Word string   `parser:"@( 'VALUES' | 'SELECT' )"`
	Rest *anyRest `parser:"@@"`
}

type synUpdate struct {
	Pos       lexer.Position
	Target    *synSimplePath `parser:"'UPDATE' @@"`
	Alias     *synAlias      `parser:"@@?"`
	Ops       []*synDMLOp    `parser:"( @@+"`
	OpsErr    *errDML        `parser:"| @@ )"`
	Where     *synExpr       `parser:"( 'WHERE' @@ )?"`
	Returning *synReturning  `parser:"@@?"`
}

type synDMLOp struct {
	Pos    lexer.Position
	Set    []*synAssignment `parser:"  'SET' @@ ( ',' @@ )*"`
	Remove []*synSimplePath `parser:"| 'REMOVE' @@ ( ',' @@ )*"`
}

type synAssignment struct {
	Pos    lexer.Position
	Target *synSimplePath `parser:"@@"`
	Value  *synExpr       `parser:"'=' @@"`
}

type synDelete struct {
	Pos       lexer.Position
	FromErr   *errFromDelete `parser:"'DELETE' ( 'FROM' | @@ )"`
	Target    *synSimplePath `parser:"@@"`
	Alias     *synAlias      `parser:"@@?"`
	Where     *synExpr       `parser:"( 'WHERE' @@ )?"`
	Returning *synReturning  `parser:"@@?"`
}

type synExists struct {
	Pos    lexer.Position
	Select *synSelect `parser:"'EXISTS' '(' @@ ')'"`
}

type synFromDML struct {
	Pos    lexer.Position
	Target *synSimplePath `parser:"'FROM' @@"`
	Alias  *synAlias      `parser:"@@?"`
	Where  *synExpr       `parser:"( 'WHERE' @@ )?"`
	Op     *synDMLOp      `parser:"( @@"`
	OpErr  *errDML        `parser:"| @@ )"`
}

type synReturning struct {
	Pos   lexer.Position
	Elems []*synReturnElem `parser:"'RETURNING' @@ ( ',' @@ )*"`
}

type synReturnElem struct {
	Pos      lexer.Position
	Which    string        `parser:"( @( 'MODIFIED' | 'ALL' )"`
	WhichErr *errReturning `parser:"| @@ )"`
	Image    string        `parser:"( @( 'OLD' | 'NEW' )"`
	ImageErr *errReturning `parser:"| @@ )"`
	Star     bool          `parser:"( @'*'"`
	Expr     *synExpr      `parser:"| @@ )"`
}

type synSimplePath struct {
	Pos     lexer.Position
	Root    string         `parser:"( @( Ident | QIdent )"`
	RootErr *errSimplePath `parser:"| @@ )"`
	Steps   []*synStep     `parser:"@@*"`
}

type synExpr struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Left   *synAnd    `parser:"@@"`
	Ors    []*synOrOp `parser:"@@*"`
}

type synOrOp struct {
	Pos   lexer.Position
	Right *synAnd `parser:"'OR' @@"`
}

type synAnd struct {
	Pos  lexer.Position
	Left *synNot     `parser:"@@"`
	Ands []*synAndOp `parser:"@@*"`
}

type synAndOp struct {
	Pos   lexer.Position
	Right *synNot `parser:"'AND' @@"`
}

type synNot struct {
	Pos  lexer.Position
	Not  *synNot       `parser:"  'NOT' @@"`
	Pred *synPredicate `parser:"| @@"`
}

type synPredicate struct {
	Pos  lexer.Position
	Left *synSum      `parser:"@@"`
	Tail *synPredTail `parser:"@@?"`
}

type synPredTail struct {
	Pos     lexer.Position
	Compare string       `parser:"  @( '=' | '<>' | '!=' | '<=' | '>=' | '<' | '>' )"`
	Right   *synSum      `parser:"  @@"`
	Is      bool         `parser:"| @'IS'"`
	IsNot   bool         `parser:"  @'NOT'?"`
	Type    *synTypeName `parser:"  @@"`
	Not     bool         `parser:"| @'NOT'?"`
	In      *synSum      `parser:"  ( 'IN' @@"`
	Between *synSum      `parser:"  | 'BETWEEN' @@"`
	And     *synSum      `parser:"    'AND' @@"`
	Like    *synSum      `parser:"  | 'LIKE' @@"`
	Escape  *synSum      `parser:"    ( 'ESCAPE' @@ )? )"`
}

type synSum struct {
	Pos  lexer.Position
	Left *synPrimary `parser:"@@"`
	Ops  []*synSumOp `parser:"@@*"`
}

// synSumOp also takes * / % and ||, which DynamoDB does not have: as they are
// refused wherever they appear, their precedence does not matter, and one
// layer fewer makes every operand cheaper to parse.
type synSumOp struct {
	Pos   lexer.Position
	Op    string      `parser:"@( '+' | '-' | '||' | '*' | '/' | '%' )"`
	Right *synPrimary `parser:"@@"`
}

type synPrimary struct {
	Pos     lexer.Position
	EndPos  lexer.Position
	Ref     *synRef     `parser:"  @@"`
	Sign    string      `parser:"| @( '-' | '+' )"`
	Operand *synPrimary `parser:"  @@"`
	String  string      `parser:"| @String"`
	Number  string      `parser:"| @Number"`
	Param   bool        `parser:"| @Param"`
	Bool    string      `parser:"| @( 'TRUE' | 'FALSE' )"`
	Null    bool        `parser:"| @'NULL'"`
	Missing bool        `parser:"| @'MISSING'"`
	Paren   []*synExpr  `parser:"| '(' @@ ( ',' @@ )* ')'"`
	List    *synList    `parser:"| @@"`
	Struct  *synStruct  `parser:"| @@"`
	Bag     *synBag     `parser:"| @@"`
	Ion     string      `parser:"| @Ion"`
	Err     *errTerm    `parser:"| @@"`
}

type synList struct {
	Pos   lexer.Position
	Elems []*synExpr `parser:"'[' ( @@ ( ',' @@ )* )? ']'"`
}

type synBag struct {
	Pos   lexer.Position
	Elems []*synExpr `parser:"'<<' ( @@ ( ',' @@ )* )? '>>'"`
}

type synStruct struct {
	Pos    lexer.Position
	Fields []*synField `parser:"'{' ( @@ ( ',' @@ )* )? '}'"`
}

type synField struct {
	Pos   lexer.Position
	Key   *synExpr `parser:"@@ ':'"`
	Value *synExpr `parser:"@@"`
}

// synRef is a path, or a function call: both start with a name, and the
// parser commits to the first alternative that consumes a token.
type synRef struct {
	Pos   lexer.Position
	Name  string     `parser:"@( Ident | QIdent | 'SIZE' | 'EXISTS' | 'COUNT' | 'AVG' | 'MIN' | 'MAX' | 'SUM' | 'UPPER' | 'LOWER' | 'COALESCE' | 'NULLIF' | 'CHAR_LENGTH' | 'CHARACTER_LENGTH' | 'OCTET_LENGTH' | 'BIT_LENGTH' )"`
	Call  *synArgs   `parser:"@@?"`
	Steps []*synStep `parser:"@@*"`
}

type synArgs struct {
	Pos  lexer.Position
	Args []*synExpr `parser:"'(' ( @@ ( ',' @@ )* )? ')'"`
}

type synStep struct {
	Pos      lexer.Position
	Name     string      `parser:"  '.' ( @( Ident | QIdent )"`
	Unpivot  bool        `parser:"      | @'*'"`
	DotErr   *errPathDot `parser:"      | @@ )"`
	Wildcard bool        `parser:"| '[' ( @'*'"`
	Index    *synExpr    `parser:"      | @@ ) ']'"`
}

type synTypeName struct {
	Pos  lexer.Position
	Name []string     `parser:"( @( 'MISSING' | 'NULL' | 'BOOLEAN' | 'BOOL' | 'NUMERIC' | 'STRING' | 'BLOB' | 'STRUCT' | 'TUPLE' | 'LIST' | 'SMALLINT' | 'INTEGER' | 'INT' | 'INT4' | 'INT8' | 'FLOAT' | 'REAL' | 'DECIMAL' | 'DEC' | 'VARCHAR' | 'CHAR' | 'SYMBOL' | 'CLOB' | 'SEXP' | 'BAG' | 'DATE' | 'TIME' | 'TIMESTAMP' )"`
	Two  []string     `parser:"  | @'DOUBLE' @'PRECISION' | @'CHARACTER' @'VARYING'?"`
	Args []string     `parser:"  ) ( '(' @Number ( ',' @Number )* ')' )?"`
	Err  *errTypeName `parser:"| @@"`
}

// parser is built once; participle parsers are safe for concurrent use.
var parser = buildParser()

func buildParser() *participle.Parser[synRoot] {
	// Naming symbols here makes the package initialise them first: the
	// grammar's token names are looked up while building.
	if len(symbols) == 0 {
		panic("partiql: lexer symbols not initialised")
	}
	return participle.MustBuild[synRoot](
		participle.Lexer(definition{}),
		participle.CaseInsensitive("Keyword", "Ident"),
		// Commit to an alternative as soon as it consumes a token, as
		// partiql-lang-kotlin's recursive descent does: the error is then
		// reported where that parser reports it.
		participle.UseLookahead(0),
	)
}
