package codegen

import (
	"strconv"
	"strings"
)

// pythonProgram writes r for boto3's low-level client (whose items are
// DynamoDB JSON already), on the endpoint in AWS_ENDPOINT_URL_DYNAMODB
// (read by boto3 itself only from 1.28, and Debian 12's is 1.26): the
// operation's paginator for Query and Scan,
// client.exceptions.ConditionalCheckFailedException for a condition.
func pythonProgram(r *Request) string {
	var b strings.Builder
	b.WriteString(comment("#", r.header("The client takes its endpoint from AWS_ENDPOINT_URL_DYNAMODB.")))
	b.WriteString(`import base64
import json
import os
import sys

import boto3


def binary(value):
    """DynamoDB JSON writes binary values in base64."""
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def print_item(item):
    """Print an item as one line of DynamoDB JSON."""
    print(json.dumps(item, default=binary, separators=(",", ":")))


# boto3 1.28 and later read AWS_ENDPOINT_URL_DYNAMODB themselves; passing it
# serves older ones too (None: the default endpoint).
client = boto3.client("dynamodb", endpoint_url=os.environ.get("AWS_ENDPOINT_URL_DYNAMODB"))
`)
	args := pyArgs(r)
	switch r.Operation {
	case Query, Scan:
		if r.Limit > 0 {
			args = append(args, `PaginationConfig={"PageSize": `+strconv.FormatInt(r.Limit, 10)+"}")
		}
		b.WriteString("\npaginator = client.get_paginator(" + strconv.Quote(pySnake(r.Operation)) + ")\n")
		b.WriteString("for page in paginator.paginate(\n" + pyArgList(args) + "):\n")
		b.WriteString("    for item in page[\"Items\"]:\n        print_item(item)\n")
	case GetItem:
		b.WriteString("\nresponse = client.get_item(\n" + pyArgList(args) + ")\n")
		b.WriteString("if \"Item\" in response:\n    print_item(response[\"Item\"])\n")
	case ExecuteStatement:
		b.WriteString("\nrequest = dict(\n" + pyArgList(args) + ")\n")
		b.WriteString(`while True:
    response = client.execute_statement(**request)
    for item in response["Items"]:
        print_item(item)
    if "NextToken" not in response:
        break
    request["NextToken"] = response["NextToken"]
`)
	default:
		call := "client." + pySnake(r.Operation) + "(\n" + pyArgList(args) + ")\n"
		if r.Condition != "" {
			b.WriteString("\ntry:\n" + indent("response = "+call, "    "))
			b.WriteString(`except client.exceptions.ConditionalCheckFailedException as err:
    print(f"ConditionalCheckFailedException: {err.response['Error']['Message']}", file=sys.stderr)
    sys.exit(1)
`)
		} else {
			b.WriteString("\nresponse = " + call)
		}
		b.WriteString("if \"Attributes\" in response:\n    print_item(response[\"Attributes\"])\n")
	}
	return b.String()
}

// pyValues writes AttributeValues as boto3's client takes them: DynamoDB
// JSON with bytes for binary values.
var pyValues = valueSyntax{
	typed:  func(t, val string) string { return "{" + jsonString(t) + ": " + val + "}" },
	binary: func(b64 string) string { return "base64.b64decode(" + jsonString(b64) + ")" },
	open:   "{", close: "}", yes: "True", no: "False", none: "None",
}

// pyArgs are the request's keyword arguments.
func pyArgs(r *Request) []string {
	return members(r, memberSyntax{valueSyntax: pyValues, assign: "=", object: pyDict})
}

// pyDict is a dict literal of one entry a line, as a keyword argument's
// value.
func pyDict(entries []string) string {
	if len(entries) == 1 {
		return "{" + entries[0] + "}"
	}
	return "{\n        " + strings.Join(entries, ",\n        ") + ",\n    }"
}

func pyArgList(args []string) string {
	var b strings.Builder
	for _, a := range args {
		b.WriteString("    " + a + ",\n")
	}
	return b.String()
}

// pySnake is boto3's name of an operation: GetItem → get_item.
func pySnake(op string) string {
	var b strings.Builder
	for i, c := range op {
		if c >= 'A' && c <= 'Z' {
			if i > 0 {
				b.WriteByte('_')
			}
			c += 'a' - 'A'
		}
		b.WriteRune(c)
	}
	return b.String()
}
