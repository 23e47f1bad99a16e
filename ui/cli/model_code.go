package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"dynalab/sessions/codegen"
	"dynalab/sessions/model"
)

// newModelCodeCmd is "dynalab model code": an access pattern as code.
func newModelCodeCmd() *cobra.Command {
	var lang string
	var source *sessionFlags
	c := &cobra.Command{
		Use:   "code --lang go|python|js|java|cli NAME [--session NAME]",
		Short: "write an access pattern (a saved query) as aws-sdk-go-v2, boto3, JS, Java or aws CLI code",
		Long: `Write a session's access pattern (saved query) NAME as a program on
standard output: its PartiQL statement planned into the request it runs as
(GetItem, Query, Scan, PutItem, UpdateItem, DeleteItem, with the generated
expressions and placeholders), or its API request, for aws-sdk-go-v2 (go),
boto3 (python), the AWS SDK for JavaScript v3 (js, an ES module), the AWS
SDK for Java v2 (java) or the aws CLI (cli, a shell script). The program
follows LastEvaluatedKey, prints each item as a line of DynamoDB JSON, and
reports a failed condition as "ConditionalCheckFailedException: MESSAGE"
with exit status 1. It talks to the endpoint in AWS_ENDPOINT_URL_DYNAMODB,
so it runs against "dynalab serve" unchanged.`,
		Example: `  dynalab model code --lang python user-orders --session lab > user_orders.py
  AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:8000 python3 user_orders.py`,
		Args: files(1, 1, "give the access pattern's NAME (dynalab session show lists the saved queries)"),
		RunE: func(c *cobra.Command, args []string) (err error) {
			if lang == "" {
				return usageError(c, "--lang is required: go, python, js, java or cli")
			}
			l, err := codegen.ParseLang(lang)
			if err != nil {
				return usageError(c, "--lang: "+err.Error())
			}
			sel, err := source.selector(c)
			if err != nil {
				return err
			}
			session := sel.SessionName()
			if session == "" {
				return errors.New("access patterns are a session's saved queries: give --session NAME")
			}
			q, err := sel.Home.LoadQuery(session, args[0])
			if err != nil {
				return err
			}
			ap, err := model.PatternFromQuery(*q)
			if err != nil {
				return err
			}
			ctx := c.Context()
			b, err := openSession(ctx, "model code", sel, c.ErrOrStderr())
			if err != nil {
				return err
			}
			defer closing(&err, b)
			req, err := codegen.ForPattern(ctx, b, ap)
			if err != nil {
				return err
			}
			text, err := codegen.Generate(l, req)
			if err != nil {
				return err
			}
			_, err = fmt.Fprint(c.OutOrStdout(), text)
			return err
		},
	}
	c.Flags().StringVar(&lang, "lang", "", "the language: go, python, js, java or cli (required)")
	completeFlag(c, "lang", fixedChoices("go", "python", "js", "java", "cli"))
	source = addSessionFlags(c, sessionFlagOptions{ViaHolder: true})
	return c
}
