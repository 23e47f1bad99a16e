package codegen

import (
	"fmt"
	"go/format"
	"strconv"
	"strings"

	"dynalab/engine/attr"
)

// goProgram writes r for aws-sdk-go-v2: config.LoadDefaultConfig (which
// reads AWS_ENDPOINT_URL_DYNAMODB), the operation's paginator for Query
// and Scan, errors.As for ConditionalCheckFailedException.
func goProgram(r *Request) string {
	var b strings.Builder
	b.WriteString(comment("//", r.header("aws-sdk-go-v2 reads the endpoint from AWS_ENDPOINT_URL_DYNAMODB.")))
	b.WriteString(`package main

import (
	"context"
	"encoding/json"
`)
	if r.Condition != "" {
		b.WriteString("\t\"errors\"\n")
	}
	b.WriteString(`	"fmt"
	"log"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func main() {
	log.SetFlags(0)
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		log.Fatalf("load the AWS configuration: %v", err)
	}
	client := dynamodb.NewFromConfig(cfg)

`)
	b.WriteString("\tinput := &dynamodb." + r.Operation + "Input{\n")
	for _, f := range goFields(r) {
		b.WriteString(indent(f, "\t\t"))
	}
	b.WriteString("\t}\n")
	b.WriteString(goCall(r))
	b.WriteString("}\n")
	b.WriteString(goPrintItem)
	// gofmt aligns the struct's members; the text is valid Go whatever the
	// request holds (strconv.Quote), so Source does not fail.
	if src, err := format.Source([]byte(b.String())); err == nil {
		return string(src)
	}
	return b.String()
}

// goFields are the members of the request struct, one "Name: value,\n"
// each (values of several lines included).
func goFields(r *Request) []string {
	var fs []string
	add := func(name, value string) { fs = append(fs, name+": "+value+",\n") }
	str := func(name, s string) {
		if s != "" {
			add(name, "aws.String("+strconv.Quote(s)+")")
		}
	}
	if r.Operation == ExecuteStatement {
		str("Statement", r.Statement)
		if len(r.Parameters) > 0 {
			var p strings.Builder
			p.WriteString("[]types.AttributeValue{\n")
			for _, v := range r.Parameters {
				p.WriteString("\t" + goValue(v, "\t") + ",\n")
			}
			p.WriteString("}")
			add("Parameters", p.String())
		}
		return fs
	}
	str("TableName", r.Table)
	str("IndexName", r.Index)
	if r.Key != nil {
		add("Key", goItem(r.Key, ""))
	}
	if r.Item != nil {
		add("Item", goItem(r.Item, ""))
	}
	str("KeyConditionExpression", r.KeyCondition)
	str("FilterExpression", r.Filter)
	str("ProjectionExpression", r.Projection)
	str("UpdateExpression", r.Update)
	str("ConditionExpression", r.Condition)
	if len(r.Names) > 0 {
		var m strings.Builder
		m.WriteString("map[string]string{\n")
		for _, k := range sortedKeys(r.Names) {
			m.WriteString("\t" + strconv.Quote(k) + ": " + strconv.Quote(r.Names[k]) + ",\n")
		}
		m.WriteString("}")
		add("ExpressionAttributeNames", m.String())
	}
	if len(r.Values) > 0 {
		var m strings.Builder
		m.WriteString("map[string]types.AttributeValue{\n")
		for _, k := range sortedKeys(r.Values) {
			m.WriteString("\t" + strconv.Quote(k) + ": " + goValue(r.Values[k], "\t") + ",\n")
		}
		m.WriteString("}")
		add("ExpressionAttributeValues", m.String())
	}
	if r.Descending {
		add("ScanIndexForward", "aws.Bool(false)")
	}
	if r.ConsistentRead {
		add("ConsistentRead", "aws.Bool(true)")
	}
	if r.Limit > 0 {
		add("Limit", "aws.Int32("+strconv.FormatInt(r.Limit, 10)+")")
	}
	if r.ReturnValues != "" {
		add("ReturnValues", "types.ReturnValue("+strconv.Quote(r.ReturnValues)+")")
	}
	return fs
}

// goCall runs the request and prints what it returns.
func goCall(r *Request) string {
	switch r.Operation {
	case Query, Scan:
		return fmt.Sprintf(`	paginator := dynamodb.New%[1]sPaginator(client, input)
	for paginator.HasMorePages() {
		page, err := paginator.NextPage(ctx)
		if err != nil {
			log.Fatalf("%[1]s: %%v", err)
		}
		for _, item := range page.Items {
			printItem(item)
		}
	}
`, r.Operation)
	case GetItem:
		return `	out, err := client.GetItem(ctx, input)
	if err != nil {
		log.Fatalf("GetItem: %v", err)
	}
	if out.Item != nil {
		printItem(out.Item)
	}
`
	case ExecuteStatement:
		return `	for {
		out, err := client.ExecuteStatement(ctx, input)
		if err != nil {
			log.Fatalf("ExecuteStatement: %v", err)
		}
		for _, item := range out.Items {
			printItem(item)
		}
		if out.NextToken == nil {
			break
		}
		input.NextToken = out.NextToken
	}
`
	}
	var b strings.Builder
	b.WriteString("\tout, err := client." + r.Operation + "(ctx, input)\n")
	if r.Condition != "" {
		b.WriteString(`	var failed *types.ConditionalCheckFailedException
	if errors.As(err, &failed) {
		log.Fatalf("ConditionalCheckFailedException: %s", failed.ErrorMessage())
	}
`)
	}
	fmt.Fprintf(&b, `	if err != nil {
		log.Fatalf("%s: %%v", err)
	}
	if out.Attributes != nil {
		printItem(out.Attributes)
	}
`, r.Operation)
	return b.String()
}

// goItem is a map[string]types.AttributeValue literal; lines after the
// first are indented by ind.
func goItem(it attr.Item, ind string) string {
	var b strings.Builder
	b.WriteString("map[string]types.AttributeValue{\n")
	for _, k := range itemKeys(it) {
		b.WriteString(ind + "\t" + strconv.Quote(k) + ": " + goValue(it[k], ind+"\t") + ",\n")
	}
	b.WriteString(ind + "}")
	return b.String()
}

// goValue is a types.AttributeValue literal.
func goValue(v attr.Value, ind string) string {
	member := func(name, value string) string {
		return "&types.AttributeValueMember" + name + "{Value: " + value + "}"
	}
	quoteAll := func(vs []attr.Value, wrap func(string) string) string {
		parts := make([]string, len(vs))
		for i, m := range vs {
			parts[i] = wrap(m.Str())
		}
		return strings.Join(parts, ", ")
	}
	bytesOf := func(s string) string { return "[]byte(" + goBytes(s) + ")" }
	same := func(s string) string { return strconv.Quote(s) }
	switch v.Type() {
	case attr.TypeS:
		return member("S", strconv.Quote(v.Str()))
	case attr.TypeN:
		return member("N", strconv.Quote(v.Str()))
	case attr.TypeB:
		return member("B", bytesOf(v.Str()))
	case attr.TypeBOOL:
		return member("BOOL", strconv.FormatBool(v.BoolValue()))
	case attr.TypeNULL:
		return member("NULL", "true")
	case attr.TypeSS:
		return member("SS", "[]string{"+quoteAll(v.Members(), same)+"}")
	case attr.TypeNS:
		return member("NS", "[]string{"+quoteAll(v.Members(), same)+"}")
	case attr.TypeBS:
		return member("BS", "[][]byte{"+quoteAll(v.Members(), bytesOf)+"}")
	case attr.TypeL:
		var b strings.Builder
		b.WriteString("[]types.AttributeValue{\n")
		for _, e := range v.List() {
			b.WriteString(ind + "\t" + goValue(e, ind+"\t") + ",\n")
		}
		b.WriteString(ind + "}")
		return member("L", b.String())
	case attr.TypeM:
		return member("M", goItem(attr.Item(v.Map()), ind))
	}
	return "nil"
}

// goBytes is a string literal of binary data: as text when it is
// printable ASCII, else every byte escaped (strconv.Quote would show
// bytes that happen to be UTF-8 as characters).
func goBytes(b string) string {
	text := true
	for i := 0; i < len(b) && text; i++ {
		text = b[i] >= 0x20 && b[i] < 0x7f
	}
	if text {
		return strconv.Quote(b)
	}
	var s strings.Builder
	s.WriteByte('"')
	for i := 0; i < len(b); i++ {
		fmt.Fprintf(&s, "\\x%02x", b[i])
	}
	s.WriteByte('"')
	return s.String()
}

// goPrintItem prints an item as one line of DynamoDB JSON: the SDK's
// types have no JSON form of their own.
const goPrintItem = `
// printItem prints an item as one line of DynamoDB JSON.
func printItem(item map[string]types.AttributeValue) {
	line, err := json.Marshal(jsonItem(item))
	if err != nil {
		log.Fatalf("print an item: %v", err)
	}
	fmt.Println(string(line))
}

func jsonItem(item map[string]types.AttributeValue) map[string]any {
	out := make(map[string]any, len(item))
	for name, v := range item {
		out[name] = jsonValue(v)
	}
	return out
}

// jsonValue is v in DynamoDB JSON; encoding/json writes []byte as base64,
// as DynamoDB JSON does.
func jsonValue(v types.AttributeValue) map[string]any {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return map[string]any{"S": v.Value}
	case *types.AttributeValueMemberN:
		return map[string]any{"N": v.Value}
	case *types.AttributeValueMemberB:
		return map[string]any{"B": v.Value}
	case *types.AttributeValueMemberBOOL:
		return map[string]any{"BOOL": v.Value}
	case *types.AttributeValueMemberNULL:
		return map[string]any{"NULL": v.Value}
	case *types.AttributeValueMemberSS:
		return map[string]any{"SS": v.Value}
	case *types.AttributeValueMemberNS:
		return map[string]any{"NS": v.Value}
	case *types.AttributeValueMemberBS:
		return map[string]any{"BS": v.Value}
	case *types.AttributeValueMemberL:
		list := make([]any, len(v.Value))
		for i, e := range v.Value {
			list[i] = jsonValue(e)
		}
		return map[string]any{"L": list}
	case *types.AttributeValueMemberM:
		return map[string]any{"M": jsonItem(v.Value)}
	}
	return map[string]any{}
}
`
