// Package codegen writes a DynamoDB request as code: an access pattern's
// PartiQL statement, planned into the native call it runs as (GetItem,
// Query, Scan, PutItem, UpdateItem, DeleteItem, with the generated key
// condition, filter, projection, condition and update expressions and
// their placeholders), or an API request given as such, becomes an
// idiomatic program for aws-sdk-go-v2, boto3, the AWS SDK for JavaScript
// v3 (@aws-sdk/client-dynamodb, plain AttributeValues), the AWS SDK for
// Java v2 or the aws CLI.
//
// Every program talks to the endpoint in AWS_ENDPOINT_URL_DYNAMODB (the
// SDKs' service-specific endpoint variable: aws-sdk-go-v2 reads it
// itself, the others' programs pass it on, as older SDK and CLI versions
// do not read it), so it runs against dynalab unchanged; it follows
// LastEvaluatedKey with the SDK's paginator, prints each item it gets as
// one line of DynamoDB JSON (the aws CLI: the Items array as JSON), and a
// write with a condition reports ConditionalCheckFailedException as one
// line on standard error, "ConditionalCheckFailedException: MESSAGE",
// and exits with status 1.
//
// A statement that is not one native request (a Query over several
// partitions, a filter on a key attribute, which the executor applies
// itself) is written as ExecuteStatement with its parameters instead.
//
// Generation is pure: Request holds everything a program needs, and
// Generate turns it into text.
package codegen
