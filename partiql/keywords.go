package partiql

import (
	"slices"
	"strings"
)

// reservedWords are the words the service's PartiQL lexer (partiql-lang-kotlin)
// treats as keywords: SQL-92's reserved words plus PartiQL's own, its type
// names, aggregate and built-in function names, and the literals. A bare
// identifier spelled like one of them (any case) is a keyword, so attribute
// and table names with these spellings must be double-quoted ("value",
// "date", "user", "order", "size", "key", ...). No authoritative DynamoDB list
// exists; this is the PartiQL reference list.
var reservedWords = func() map[string]struct{} {
	m := map[string]struct{}{}
	for _, group := range []string{
		// literals
		"missing false null true",
		// PartiQL additions
		"pivot unpivot limit tuple remove index conflict do nothing returning modified new old let",
		// SQL-92 reserved words
		"absolute action add all allocate alter and any are as asc assertion at authorization " +
			"begin between bit_length by cascade cascaded case catalog char character_length " +
			"char_length check close collate collation column commit connect connection constraint " +
			"constraints continue convert corresponding create cross current cursor deallocate dec " +
			"declare default deferrable deferred delete desc describe descriptor diagnostics " +
			"disconnect distinct domain drop else end escape except exception exec execute " +
			"external extract fetch first for foreign found from full get global go goto grant " +
			"group having identity immediate in indicator initially inner input insensitive insert " +
			"intersect interval into is isolation join key language last left level like local " +
			"lower match module names national natural nchar next no not octet_length of on only " +
			"open option or order outer output overlaps pad partial position precision prepare " +
			"preserve primary prior privileges procedure public read real references relative " +
			"restrict revoke right rollback rows schema scroll section select session set size " +
			"some space sql sqlcode sqlerror sqlstate table temporary then time to transaction " +
			"translate translation union unique unknown update upper usage user using value values " +
			"view when whenever where with work write zone",
		// type names
		"bool boolean string symbol clob blob struct list sexp bag character date decimal double " +
			"float int integer numeric smallint timestamp varchar varying",
		// aggregate and built-in functions
		"avg count max min sum cast coalesce current_date current_time current_timestamp " +
			"current_user exists date_add date_diff nullif session_user substring system_user trim",
	} {
		for _, w := range strings.Fields(group) {
			m[w] = struct{}{}
		}
	}
	return m
}()

// isReserved reports whether word (any case) is a reserved word, without
// allocating for words of ordinary length.
func isReserved(word string) bool {
	var buf [32]byte
	if len(word) > len(buf) {
		_, ok := reservedWords[strings.ToLower(word)]
		return ok
	}
	for i := 0; i < len(word); i++ {
		c := word[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	_, ok := reservedWords[string(buf[:len(word)])]
	return ok
}

// IsReserved reports whether word, written bare, would be read as a keyword
// rather than an identifier. Such names must be double-quoted.
func IsReserved(word string) bool { return isReserved(word) }

// dialectKeywords are the keywords DynamoDB's dialect actually uses, in the
// order a completion menu would want them: statements, clauses, operators,
// type names for IS, literals. EXPLAIN is the workbench's extension.
var dialectKeywords = []string{
	"SELECT", "INSERT", "UPDATE", "DELETE", "EXISTS", "EXPLAIN",
	"FROM", "WHERE", "INTO", "VALUE", "SET", "REMOVE", "RETURNING", "ORDER", "BY", "ASC", "DESC",
	"ALL", "MODIFIED", "OLD", "NEW",
	"AND", "OR", "NOT", "IN", "BETWEEN", "IS",
	"MISSING", "NULL", "BOOLEAN", "NUMERIC", "STRING", "BLOB", "STRUCT", "TUPLE", "LIST",
	"TRUE", "FALSE",
}

// Keywords returns the keywords of DynamoDB's PartiQL dialect (plus the
// workbench's EXPLAIN), upper-case, for completion menus. The slice is a
// fresh copy.
func Keywords() []string { return slices.Clone(dialectKeywords) }

// Function names, as the formatter prints them.
const (
	FuncBeginsWith         = "begins_with"
	FuncContains           = "contains"
	FuncAttributeType      = "attribute_type"
	FuncAttributeExists    = "attribute_exists"
	FuncAttributeNotExists = "attribute_not_exists"
	FuncSize               = "size"
	FuncListAppend         = "list_append"
	FuncIfNotExists        = "if_not_exists"
	FuncSetAdd             = "set_add"
	FuncSetDelete          = "set_delete"
)

// conditionFuncs are the functions a WHERE clause may call; updateFuncs the
// ones a SET value may call (set_add and set_delete only as the whole value).
var (
	conditionFuncs = []string{FuncBeginsWith, FuncContains, FuncAttributeType, FuncAttributeExists, FuncAttributeNotExists, FuncSize}
	updateFuncs    = []string{FuncListAppend, FuncIfNotExists, FuncSetAdd, FuncSetDelete}
)

// Functions returns the names of the functions the dialect accepts (lower
// case; calls are case-insensitive), for completion menus. The slice is a
// fresh copy.
func Functions() []string { return slices.Concat(conditionFuncs, updateFuncs) }
