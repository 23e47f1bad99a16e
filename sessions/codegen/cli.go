package codegen

import (
	"encoding/json"
	"strconv"
	"strings"

	"dynalab/engine/attr"
)

// cliProgram writes r as a POSIX shell script running the aws CLI, which
// follows LastEvaluatedKey itself (--page-size items a call). The script
// passes AWS_ENDPOINT_URL_DYNAMODB as --endpoint-url when it is set: the
// CLI reads the variable itself only from v1.29 and v2.13 (Debian 12's
// awscli is older). Binary values are in base64, as aws CLI v2 reads
// them (v1 takes the text as the bytes). Reads print what
// they return with --query: Items (an array), Item or Attributes. A
// write with a condition turns the CLI's ConditionalCheckFailedException
// into one line on standard error and exit status 1.
func cliProgram(r *Request) string {
	var b strings.Builder
	b.WriteString("#!/bin/sh\n")
	b.WriteString(comment("#", r.header("For aws CLI v2; it talks to AWS_ENDPOINT_URL_DYNAMODB when that is set.")))
	if r.Operation == ExecuteStatement {
		b.WriteString("# One page of results: pass its NextToken as --next-token for the next.\n")
	}
	args := append([]string{"aws dynamodb " + cliCommand(r.Operation),
		`${AWS_ENDPOINT_URL_DYNAMODB:+--endpoint-url "$AWS_ENDPOINT_URL_DYNAMODB"}`}, cliArgs(r)...)
	switch r.Operation {
	case Query, Scan, ExecuteStatement:
		args = append(args, "--query Items", "--output json")
	case GetItem:
		args = append(args, "--query Item", "--output json")
	default:
		if r.ReturnValues != "" {
			args = append(args, "--query Attributes")
		}
		args = append(args, "--output json")
	}
	call := strings.Join(args, " \\\n    ")
	if r.Condition == "" {
		b.WriteString(call + "\n")
		return b.String()
	}
	b.WriteString("if out=$(" + call + " 2>&1); then\n")
	b.WriteString(`    [ -z "$out" ] || printf '%s\n' "$out"
    exit 0
fi
case $out in
*ConditionalCheckFailedException*)
    echo "ConditionalCheckFailedException: ${out##*: }" >&2 ;;
*)
    printf '%s\n' "$out" >&2 ;;
esac
exit 1
`)
	return b.String()
}

// cliCommand is the CLI's name of an operation: GetItem → get-item.
func cliCommand(op string) string { return strings.ReplaceAll(pySnake(op), "_", "-") }

// cliArgs are the request's options, each value quoted for the shell.
func cliArgs(r *Request) []string {
	var as []string
	str := func(flag, s string) {
		if s != "" {
			as = append(as, flag+" "+shellQuote(s))
		}
	}
	js := func(flag string, v any) {
		data, _ := json.Marshal(v) // attribute values and strings always marshal
		as = append(as, flag+" "+shellQuote(string(data)))
	}
	if r.Operation == ExecuteStatement {
		str("--statement", r.Statement)
		if len(r.Parameters) > 0 {
			js("--parameters", r.Parameters)
		}
		return as
	}
	str("--table-name", r.Table)
	str("--index-name", r.Index)
	if r.Key != nil {
		js("--key", r.Key)
	}
	if r.Item != nil {
		js("--item", r.Item)
	}
	str("--key-condition-expression", r.KeyCondition)
	str("--filter-expression", r.Filter)
	str("--projection-expression", r.Projection)
	str("--update-expression", r.Update)
	str("--condition-expression", r.Condition)
	if len(r.Names) > 0 {
		js("--expression-attribute-names", r.Names)
	}
	if len(r.Values) > 0 {
		js("--expression-attribute-values", map[string]attr.Value(r.Values))
	}
	if r.Descending {
		as = append(as, "--no-scan-index-forward")
	}
	if r.ConsistentRead {
		as = append(as, "--consistent-read")
	}
	if r.Limit > 0 {
		as = append(as, "--page-size "+strconv.FormatInt(r.Limit, 10))
	}
	str("--return-values", r.ReturnValues)
	return as
}

// shellQuote quotes s for a POSIX shell: plain words as they are, the
// rest in single quotes.
func shellQuote(s string) string {
	plain := s != ""
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-_./:@%+=,", c)) {
			plain = false
			break
		}
	}
	if plain {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
