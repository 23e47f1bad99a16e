package cli

import (
	"fmt"
	"io"
	"os"
	"strings"

	"dynalab/engine/auth"
)

const authUsage = `Usage:
  dynalab auth explain --auth FILE --access-key AKID --target OPERATION [--table-policy [TABLE=]FILE ...] [--partition-key TABLE[/INDEX]=ATTR ...] REQUEST.json|-

explain decides a DynamoDB request as "dynalab serve --auth FILE" would,
without sending it or checking a signature, and prints why it is allowed
or denied: per check (action, resource ARN, condition keys) the statement
that decided, and the trace of every statement of the user's
identity-based policy and of the table's resource-based policy.

REQUEST.json is the request body in DynamoDB JSON, as an SDK sends it
(e.g. {"TableName": "AppTable", "Key": {"PK": {"S": "USER#u123"}}}).
dynamodb:LeadingKeys needs the table's partition key: --partition-key.
`

// authCmd runs "dynalab auth SUBCOMMAND".
func authCmd(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, authUsage)
		return errUsage
	}
	switch args[0] {
	case "-h", "--help", "-help", "help":
		fmt.Fprint(stdout, authUsage)
		return nil
	case "explain":
		return authExplainCmd(args[1:], stdin, stdout, stderr)
	}
	fmt.Fprintf(stderr, "dynalab auth: unknown subcommand %q\n\n%s", args[0], authUsage)
	return errUsage
}

// explainTables is the --table-policy and --partition-key flags: what the
// guard would learn from the database.
type explainTables struct {
	policies map[string]string // table ("" for every table) → document
	keys     map[string]string // table or table/index → partition key
}

func (e *explainTables) ResourcePolicy(table string) (string, bool) {
	if doc, ok := e.policies[table]; ok {
		return doc, true
	}
	doc, ok := e.policies[""]
	return doc, ok
}

func (e *explainTables) PartitionKey(table, index string) (string, bool) {
	if index != "" {
		table += "/" + index
	}
	name, ok := e.keys[table]
	return name, ok
}

func authExplainCmd(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("auth explain", "dynalab auth explain --auth FILE --access-key AKID --target OPERATION [--table-policy [TABLE=]FILE ...] [--partition-key TABLE[/INDEX]=ATTR ...] REQUEST.json|-",
		"Decide a request as dynalab serve --auth would and explain why (see dynalab auth --help).", stderr)
	authFile := fs.String("auth", "", "the auth `FILE` (users, secrets and identity policies)")
	akid := fs.String("access-key", "", "the access key id the request would be signed with")
	target := fs.String("target", "", "the operation, e.g. GetItem (or a full X-Amz-Target such as DynamoDBStreams_20120810.GetRecords)")
	region := fs.String("region", "us-east-1", "the region in ARNs")
	tables := &explainTables{policies: map[string]string{}, keys: map[string]string{}}
	fs.Func("table-policy", "a table's resource-based policy: `[TABLE=]FILE` (without TABLE=, every table's); repeatable", func(v string) error {
		table, file := "", v
		if t, f, ok := strings.Cut(v, "="); ok {
			table, file = t, f
		}
		data, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		tables.policies[table] = string(data)
		return nil
	})
	fs.Func("partition-key", "a table's or index's partition key attribute: `TABLE[/INDEX]=ATTR`; repeatable", func(v string) error {
		t, attr, ok := strings.Cut(v, "=")
		if !ok || t == "" || attr == "" {
			return fmt.Errorf("want TABLE[/INDEX]=ATTR, got %q", v)
		}
		tables.keys[t] = attr
		return nil
	})
	file, err := parseFlagsAndFile(fs, args, stdout)
	if err != nil {
		return err
	}
	switch {
	case *authFile == "" || *akid == "" || *target == "":
		fmt.Fprintln(stderr, "dynalab auth explain: --auth, --access-key and --target are required")
		fs.Usage()
		return errUsage
	}
	f, err := auth.LoadFile(*authFile)
	if err != nil {
		return err
	}
	var body []byte
	if file == "-" {
		body, err = io.ReadAll(stdin)
	} else {
		body, err = os.ReadFile(file)
	}
	if err != nil {
		return err
	}
	g, err := newGuard(f.Users, *region, tables, nil)
	if err != nil {
		return err
	}
	t := *target
	if !strings.Contains(t, ".") {
		t = "DynamoDB_20120810." + t
	}
	res := g.Explain(*akid, t, body)
	for _, l := range res.Explanation() {
		fmt.Fprintln(stdout, l)
	}
	if res.User != nil {
		fmt.Fprintln(stdout, res.Summary())
	}
	return nil
}
