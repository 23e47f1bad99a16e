package cli

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"dynalab/engine"
	"dynalab/engine/auth"
	"dynalab/sessions"
)

// newAuthCmd is "dynalab auth": serve --auth's policies, explained.
func newAuthCmd() *cobra.Command {
	return newGroup("auth", "explain why a request would be allowed or denied (serve --auth's policies)",
		`explain decides a DynamoDB request as "dynalab serve --auth FILE" would,
without sending it or checking a signature, and prints why it is allowed
or denied: per check (action, resource ARN, condition keys) the statement
that decided, and the trace of every statement of the user's
identity-based policy and of the table's resource-based policy.

REQUEST.json is the request body in DynamoDB JSON, as an SDK sends it
(e.g. {"TableName": "AppTable", "Key": {"PK": {"S": "USER#u123"}}}).
dynamodb:LeadingKeys needs the table's partition key: --partition-key.`,
		newAuthExplainCmd())
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

// newAuthExplainCmd is "dynalab auth explain".
func newAuthExplainCmd() *cobra.Command {
	var authFile, akid, target, region string
	tables := &explainTables{policies: map[string]string{}, keys: map[string]string{}}
	c := &cobra.Command{
		Use:   "explain --auth FILE --access-key AKID --target OPERATION [--table-policy [TABLE=]FILE ...] [--partition-key TABLE[/INDEX]=ATTR ...] REQUEST.json|-",
		Short: "decide a request as dynalab serve --auth would, and say why",
		Long:  "Decide a request as dynalab serve --auth would and explain why (see dynalab auth --help).",
		Args:  files(1, 1, "give one REQUEST.json, or - for standard input"),
		RunE: func(c *cobra.Command, args []string) error {
			if authFile == "" || akid == "" || target == "" {
				return usageError(c, "--auth, --access-key and --target are required")
			}
			f, err := auth.LoadFile(authFile)
			if err != nil {
				return err
			}
			var body []byte
			if args[0] == "-" {
				body, err = io.ReadAll(c.InOrStdin())
			} else {
				body, err = os.ReadFile(args[0])
			}
			if err != nil {
				return err
			}
			g, err := sessions.NewGuard(f.Users, region, tables, nil)
			if err != nil {
				return err
			}
			t := target
			if !strings.Contains(t, ".") {
				t = engine.TargetPrefix + t
			}
			res := g.Explain(akid, t, body)
			stdout := c.OutOrStdout()
			for _, l := range res.Explanation() {
				fmt.Fprintln(stdout, l)
			}
			if res.User != nil {
				fmt.Fprintln(stdout, res.Summary())
			}
			return nil
		},
	}
	fs := c.Flags()
	fs.StringVar(&authFile, "auth", "", "the auth `FILE` (users, secrets and identity policies)")
	fs.StringVar(&akid, "access-key", "", "the access key id the request would be signed with")
	fs.StringVar(&target, "target", "", "the operation, e.g. GetItem (or a full X-Amz-Target such as DynamoDBStreams_20120810.GetRecords)")
	fs.StringVar(&region, "region", "us-east-1", "the region in ARNs")
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
	for _, name := range []string{"access-key", "target", "region", "partition-key"} {
		completeFlag(c, name, noCompletions)
	}
	return c
}
