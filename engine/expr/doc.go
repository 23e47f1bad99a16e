// Package expr implements DynamoDB's expression language: condition and
// filter expressions, key condition expressions, projection expressions and
// update expressions. It parses them, validates them against
// ExpressionAttributeNames and ExpressionAttributeValues with the service's
// exact error texts, and evaluates them over attr.Item values.
//
// # Two phases
//
// Parse* turns the text into an immutable AST whose placeholders (#n, :v)
// are still unresolved, applying the rules that depend on the text alone:
// syntax, redundant parentheses, function names and where functions may be
// used, reserved words, list index range, duplicate update sections, and for
// updates and projections path depth and the operator limit. Because the
// result depends only on the text it can be shared between requests; Cache
// memoizes it.
//
// Bind resolves the placeholders of one request (recording which were used,
// for Params.Unused) and applies the value-dependent checks: operand types of
// literals, BETWEEN bounds, attribute_type names, ADD/DELETE operands,
// distinct operands, overlapping and conflicting document paths. The result
// is an executable form: *Condition (Eval), *Update (Apply), *Projection
// (Apply) or, for Query, a KeyCondition. For conditions Bind also applies
// path depth, the IN operand count and the operator limit, because the
// service checks them in the same walk as operand types and a text-only
// check at Parse would report them too early.
//
// The exported node types (Condition, Operand, Path, Action) can also be
// built directly, so the PartiQL layer compiles WHERE clauses and SET/REMOVE
// into the same nodes and there is one evaluator and one set of type rules.
//
// # Error order
//
// The service reports only the first problem, so the order of the checks is
// part of the contract. It follows the service's architecture (an ANTLR
// grammar, then a listener walk over the parse tree, then a validation walk),
// as seen in DynamoDB Local, and the orderings that dynalite's test suite
// verified against AWS where the two differ:
//
//   - syntax errors and redundant parentheses, whichever the parser meets
//     first (a syntax error inside the look-ahead that decides how a condition
//     starts wins over redundant parentheses in that stretch);
//   - then, in text order, invalid function names, functions used where they
//     are not allowed, reserved words, list indexes out of range, repeated
//     update sections;
//   - updates and projections: then path depth and the operator count;
//   - conditions, at Bind: a post-order walk, each operator after its
//     operands (path depth, undefined placeholders, operand count, operand
//     types, distinct operands, function-specific rules including the IN
//     operand count, then the operator count);
//   - updates, at Bind: undefined names, undefined values, overlapping paths,
//     conflicting paths, ADD/DELETE operand types, then function rules;
//   - projections, at Bind: undefined names, then overlapping and
//     conflicting paths.
//
// # Why not participle
//
// The project already depends on participle, and it would express the
// grammar neatly, but it is the wrong tool here for two reasons. First, the
// error texts are part of the contract: a syntax error must name the exact
// token the service's ANTLR parser stops at and quote the neighbouring tokens
// with their whitespace ("near"), and the checks must fire in the service's
// order; a generic parser reports its own positions and messages, and we
// would have to re-derive all of them. Second, this runs on every request:
// a hand-written lexer and recursive-descent parser allocate a handful of
// small objects and need no reflection, and with the parse cached, Bind plus
// Eval costs well under a microsecond.
package expr
