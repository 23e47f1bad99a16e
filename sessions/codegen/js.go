package codegen

import (
	"strconv"
	"strings"
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

// jsValues writes plain AttributeValues, { S: "..." }, with Buffers for
// binary values.
var jsValues = valueSyntax{
	typed:  func(t, val string) string { return "{ " + t + ": " + val + " }" },
	binary: func(b64 string) string { return "Buffer.from(" + jsonString(b64) + ", \"base64\")" },
	open:   "{ ", close: " }", yes: "true", no: "false", none: "undefined",
}

// jsFields are the request's members as "Name: value".
func jsFields(r *Request) []string {
	return members(r, memberSyntax{valueSyntax: jsValues, assign: ": ",
		object: func(parts []string) string { return jsObject(parts, "  ") }})
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
