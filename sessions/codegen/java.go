package codegen

import (
	"encoding/base64"
	"strconv"
	"strings"

	"dynalab/engine/attr"
)

// javaProgram writes r for the AWS SDK for Java v2 (the dynamodb module):
// DynamoDbClient with the endpoint of AWS_ENDPOINT_URL_DYNAMODB, the
// operation's paginator (queryPaginator, scanPaginator) and a catch of
// ConditionalCheckFailedException for a condition.
func javaProgram(r *Request) string {
	var b strings.Builder
	b.WriteString(comment("//", r.header("The client takes its endpoint from AWS_ENDPOINT_URL_DYNAMODB.")))
	b.WriteString(`import java.net.URI;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.dynamodb.model.*;

public class AccessPattern {
    public static void main(String[] args) {
        DynamoDbClientBuilder builder = DynamoDbClient.builder();
        String endpoint = System.getenv("AWS_ENDPOINT_URL_DYNAMODB");
        if (endpoint != null && !endpoint.isEmpty()) {
            builder.endpointOverride(URI.create(endpoint));
        }
        try (DynamoDbClient client = builder.build()) {
`)
	req := r.Operation + "Request"
	var call strings.Builder
	call.WriteString(req + " request = " + req + ".builder()\n")
	for _, f := range javaFields(r) {
		call.WriteString("        ." + f + "\n")
	}
	call.WriteString("        .build();\n")
	lower := strings.ToLower(r.Operation[:1]) + r.Operation[1:]
	switch r.Operation {
	case Query, Scan:
		call.WriteString("for (Map<String, AttributeValue> item : client." + lower + "Paginator(request).items()) {\n    printItem(item);\n}\n")
	case GetItem:
		call.WriteString("GetItemResponse response = client.getItem(request);\nif (response.hasItem()) {\n    printItem(response.item());\n}\n")
	case ExecuteStatement:
		call.WriteString(`while (true) {
    ExecuteStatementResponse response = client.executeStatement(request);
    response.items().forEach(AccessPattern::printItem);
    if (response.nextToken() == null) {
        break;
    }
    request = request.toBuilder().nextToken(response.nextToken()).build();
}
`)
	default:
		body := r.Operation + "Response response = client." + lower + "(request);\nif (response.hasAttributes()) {\n    printItem(response.attributes());\n}\n"
		if r.Condition == "" {
			call.WriteString(body)
			break
		}
		call.WriteString("try {\n" + indent(body, "    "))
		call.WriteString(`} catch (ConditionalCheckFailedException e) {
    System.err.println("ConditionalCheckFailedException: " + e.awsErrorDetails().errorMessage());
    System.exit(1);
}
`)
	}
	b.WriteString(indent(call.String(), "            "))
	b.WriteString(`        }
    }

    /** Prints an item as one line of DynamoDB JSON. */
    static void printItem(Map<String, AttributeValue> item) {
        System.out.println(json(item));
    }

    static String json(Map<String, AttributeValue> item) {
        return item.entrySet().stream()
            .map(e -> quote(e.getKey()) + ":" + json(e.getValue()))
            .collect(Collectors.joining(",", "{", "}"));
    }

    static String json(AttributeValue v) {
        switch (v.type()) {
            case S: return "{\"S\":" + quote(v.s()) + "}";
            case N: return "{\"N\":" + quote(v.n()) + "}";
            case B: return "{\"B\":" + quote(base64(v.b())) + "}";
            case BOOL: return "{\"BOOL\":" + v.bool() + "}";
            case NUL: return "{\"NULL\":true}";
            case SS: return "{\"SS\":" + strings(v.ss()) + "}";
            case NS: return "{\"NS\":" + strings(v.ns()) + "}";
            case BS: return "{\"BS\":" + strings(v.bs().stream().map(AccessPattern::base64).collect(Collectors.toList())) + "}";
            case L: return "{\"L\":" + v.l().stream().map(AccessPattern::json).collect(Collectors.joining(",", "[", "]")) + "}";
            case M: return "{\"M\":" + json(v.m()) + "}";
            default: throw new IllegalArgumentException("unknown attribute value " + v);
        }
    }

    static String base64(SdkBytes b) {
        return Base64.getEncoder().encodeToString(b.asByteArray());
    }

    static String strings(List<String> list) {
        return list.stream().map(AccessPattern::quote).collect(Collectors.joining(",", "[", "]"));
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"': b.append("\\\""); break;
                case '\\': b.append("\\\\"); break;
                case '\n': b.append("\\n"); break;
                case '\r': b.append("\\r"); break;
                case '\t': b.append("\\t"); break;
                default:
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
            }
        }
        return b.append('"').toString();
    }
}
`)
	return b.String()
}

// javaFields are the builder calls of the request, without the dot.
func javaFields(r *Request) []string {
	var fs []string
	str := func(name, s string) {
		if s != "" {
			fs = append(fs, name+"("+jsonString(s)+")")
		}
	}
	if r.Operation == ExecuteStatement {
		str("statement", r.Statement)
		if len(r.Parameters) > 0 {
			parts := make([]string, len(r.Parameters))
			for i, v := range r.Parameters {
				parts[i] = javaValue(v)
			}
			fs = append(fs, "parameters("+strings.Join(parts, ", ")+")")
		}
		return fs
	}
	str("tableName", r.Table)
	str("indexName", r.Index)
	if r.Key != nil {
		fs = append(fs, "key("+javaItem(r.Key)+")")
	}
	if r.Item != nil {
		fs = append(fs, "item("+javaItem(r.Item)+")")
	}
	str("keyConditionExpression", r.KeyCondition)
	str("filterExpression", r.Filter)
	str("projectionExpression", r.Projection)
	str("updateExpression", r.Update)
	str("conditionExpression", r.Condition)
	if len(r.Names) > 0 {
		parts := make([]string, 0, len(r.Names))
		for _, k := range sortedKeys(r.Names) {
			parts = append(parts, "Map.entry("+jsonString(k)+", "+jsonString(r.Names[k])+")")
		}
		fs = append(fs, "expressionAttributeNames(Map.ofEntries(\n            "+strings.Join(parts, ",\n            ")+"))")
	}
	if len(r.Values) > 0 {
		parts := make([]string, 0, len(r.Values))
		for _, k := range sortedKeys(r.Values) {
			parts = append(parts, "Map.entry("+jsonString(k)+", "+javaValue(r.Values[k])+")")
		}
		fs = append(fs, "expressionAttributeValues(Map.ofEntries(\n            "+strings.Join(parts, ",\n            ")+"))")
	}
	if r.Descending {
		fs = append(fs, "scanIndexForward(false)")
	}
	if r.ConsistentRead {
		fs = append(fs, "consistentRead(true)")
	}
	if r.Limit > 0 {
		fs = append(fs, "limit("+strconv.FormatInt(r.Limit, 10)+")")
	}
	if r.ReturnValues != "" {
		fs = append(fs, "returnValues(ReturnValue."+r.ReturnValues+")")
	}
	return fs
}

func javaItem(it attr.Item) string {
	if len(it) == 0 {
		return "Map.of()"
	}
	parts := make([]string, 0, len(it))
	for _, k := range itemKeys(it) {
		parts = append(parts, "Map.entry("+jsonString(k)+", "+javaValue(it[k])+")")
	}
	return "Map.ofEntries(" + strings.Join(parts, ", ") + ")"
}

// javaValue is an AttributeValue made with its static factories.
func javaValue(v attr.Value) string {
	list := func(vs []attr.Value, f func(attr.Value) string) string {
		parts := make([]string, len(vs))
		for i, m := range vs {
			parts[i] = f(m)
		}
		return "List.of(" + strings.Join(parts, ", ") + ")"
	}
	str := func(m attr.Value) string { return jsonString(m.Str()) }
	bin := func(m attr.Value) string {
		return "SdkBytes.fromByteArray(Base64.getDecoder().decode(" + jsonString(base64.StdEncoding.EncodeToString(m.Bytes())) + "))"
	}
	switch v.Type() {
	case attr.TypeS:
		return "AttributeValue.fromS(" + str(v) + ")"
	case attr.TypeN:
		return "AttributeValue.fromN(" + str(v) + ")"
	case attr.TypeB:
		return "AttributeValue.fromB(" + bin(v) + ")"
	case attr.TypeBOOL:
		return "AttributeValue.fromBool(" + strconv.FormatBool(v.BoolValue()) + ")"
	case attr.TypeNULL:
		return "AttributeValue.fromNul(true)"
	case attr.TypeSS:
		return "AttributeValue.fromSs(" + list(v.Members(), str) + ")"
	case attr.TypeNS:
		return "AttributeValue.fromNs(" + list(v.Members(), str) + ")"
	case attr.TypeBS:
		return "AttributeValue.fromBs(" + list(v.Members(), bin) + ")"
	case attr.TypeL:
		return "AttributeValue.fromL(" + list(v.List(), javaValue) + ")"
	case attr.TypeM:
		return "AttributeValue.fromM(" + javaItem(attr.Item(v.Map())) + ")"
	}
	return "null"
}
