package codegen

import (
	"encoding/base64"
	"strconv"
	"strings"

	"dynalab/engine/attr"
)

// jsProgram writes r for the AWS SDK for JavaScript v3 as an ES module:
// @aws-sdk/client-dynamodb with plain AttributeValues (items print as
// DynamoDB JSON as they are), paginateQuery/paginateScan, instanceof
// ConditionalCheckFailedException for a condition.
func jsProgram(r *Request) string {
	var b strings.Builder
	b.WriteString(comment("//", r.header("The client takes its endpoint from AWS_ENDPOINT_URL_DYNAMODB.")))
	imports := []string{"DynamoDBClient"}
	switch {
	case r.paginated():
		imports = append(imports, "paginate"+r.Operation)
	default:
		imports = append(imports, r.Operation+"Command")
	}
	if r.Condition != "" {
		imports = append(imports, "ConditionalCheckFailedException")
	}
	b.WriteString("import {\n")
	for _, i := range imports {
		b.WriteString("  " + i + ",\n")
	}
	b.WriteString(`} from "@aws-sdk/client-dynamodb";

// printItem prints an item as one line of DynamoDB JSON (binary values in base64).
const printItem = (item) =>
  console.log(JSON.stringify(item, (key, value) =>
    value instanceof Uint8Array ? Buffer.from(value).toString("base64") : value));

const client = new DynamoDBClient({ endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB });

`)
	b.WriteString("const input = " + jsObject(jsFields(r), "") + ";\n")
	switch r.Operation {
	case Query, Scan:
		config := "{ client }"
		if r.Limit > 0 {
			config = "{ client, pageSize: " + strconv.FormatInt(r.Limit, 10) + " }"
		}
		b.WriteString("for await (const page of paginate" + r.Operation + "(" + config + ", input)) {\n")
		b.WriteString("  for (const item of page.Items ?? []) {\n    printItem(item);\n  }\n}\n")
	case GetItem:
		b.WriteString("const output = await client.send(new GetItemCommand(input));\n")
		b.WriteString("if (output.Item) {\n  printItem(output.Item);\n}\n")
	case ExecuteStatement:
		b.WriteString(`do {
  const output = await client.send(new ExecuteStatementCommand(input));
  for (const item of output.Items ?? []) {
    printItem(item);
  }
  input.NextToken = output.NextToken;
} while (input.NextToken);
`)
	default:
		send := "await client.send(new " + r.Operation + "Command(input))"
		if r.Condition == "" {
			b.WriteString("const output = " + send + ";\n")
			b.WriteString("if (output.Attributes) {\n  printItem(output.Attributes);\n}\n")
			break
		}
		b.WriteString("try {\n  const output = " + send + ";\n")
		b.WriteString("  if (output.Attributes) {\n    printItem(output.Attributes);\n  }\n")
		b.WriteString(`} catch (err) {
  if (err instanceof ConditionalCheckFailedException) {
    console.error(` + "`ConditionalCheckFailedException: ${err.message}`" + `);
    process.exit(1);
  }
  throw err;
}
`)
	}
	return b.String()
}

// jsFields are the request's members as "Name: value".
func jsFields(r *Request) []string {
	return members(r, memberSyntax{assign: ": ", value: jsValue, item: jsItem,
		object: func(parts []string) string { return jsObject(parts, "  ") }, yes: "true", no: "false"})
}

// jsObject is an object literal of one member a line.
func jsObject(members []string, ind string) string {
	if len(members) == 0 {
		return "{}"
	}
	var b strings.Builder
	b.WriteString("{\n")
	for _, m := range members {
		b.WriteString(ind + "  " + m + ",\n")
	}
	b.WriteString(ind + "}")
	return b.String()
}

func jsItem(it attr.Item) string {
	parts := make([]string, 0, len(it))
	for _, k := range itemKeys(it) {
		parts = append(parts, jsonString(k)+": "+jsValue(it[k]))
	}
	return "{ " + strings.Join(parts, ", ") + " }"
}

// jsValue is a plain AttributeValue: { S: "..." }, with Uint8Arrays
// (Buffers) for binary values.
func jsValue(v attr.Value) string {
	list := func(vs []attr.Value, f func(attr.Value) string) string {
		parts := make([]string, len(vs))
		for i, m := range vs {
			parts[i] = f(m)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	str := func(m attr.Value) string { return jsonString(m.Str()) }
	bin := func(m attr.Value) string {
		return "Buffer.from(" + jsonString(base64.StdEncoding.EncodeToString(m.Bytes())) + ", \"base64\")"
	}
	one := func(t, val string) string { return "{ " + t + ": " + val + " }" }
	switch v.Type() {
	case attr.TypeS:
		return one("S", str(v))
	case attr.TypeN:
		return one("N", str(v))
	case attr.TypeB:
		return one("B", bin(v))
	case attr.TypeBOOL:
		return one("BOOL", strconv.FormatBool(v.BoolValue()))
	case attr.TypeNULL:
		return one("NULL", "true")
	case attr.TypeSS:
		return one("SS", list(v.Members(), str))
	case attr.TypeNS:
		return one("NS", list(v.Members(), str))
	case attr.TypeBS:
		return one("BS", list(v.Members(), bin))
	case attr.TypeL:
		return one("L", list(v.List(), jsValue))
	case attr.TypeM:
		return one("M", jsItem(attr.Item(v.Map())))
	}
	return "undefined"
}
