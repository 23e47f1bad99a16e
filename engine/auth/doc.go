// Package auth is dynalab's security layer for `dynalab serve --auth FILE`:
// it authenticates DynamoDB requests by their AWS Signature Version 4, as
// the service does, and authorizes them with IAM-style identity policies.
//
// A Guard plugs into server.Options.Authenticate. For each request it
//
//  1. verifies the signature (verifier, sigv4.go): the Authorization
//     header's form, the credential scope (date, the server's region,
//     service "dynamodb" — DynamoDB Streams too), the 15-minute clock skew
//     window, the session token, and then the signature itself, recomputed
//     with aws-sdk-go-v2's signer over a copy of the request carrying only
//     the headers the client signed, and compared in constant time;
//  2. derives the authorization checks the request asks (Checks,
//     request.go): the IAM action, the table, index or stream ARN, and the
//     condition keys dynamodb:LeadingKeys, dynamodb:Attributes,
//     dynamodb:Select, dynamodb:ReturnValues and
//     dynamodb:ReturnConsumedCapacity — one check per table of a batch and
//     per action of a transaction;
//  3. evaluates each check against the user's identity-based policy
//     (Policy.Evaluate, eval.go) and, when the resource is a table or one
//     of its indexes or streams, the table's resource-based policy
//     (Config.ResourcePolicies; parsed again only when its document
//     changes), the way IAM combines them for a principal of the
//     resource's own account: an explicit Deny in either wins, else an
//     Allow in either allows, else the request is implicitly denied.
//     Resource-based statements match on their Principal: "*", {"AWS":
//     "*"}, the user's ARN, or the account (whose Allow grants nothing by
//     itself, as in IAM, but whose Deny applies to every user).
//
// Failures are the service's errors (MissingAuthenticationTokenException,
// IncompleteSignatureException, InvalidSignatureException,
// UnrecognizedClientException, AccessDeniedException) with its messages.
// Every decision is recorded (Decision: which statement decided, and a
// per-statement trace) for logs and a teaching view.
//
// Local conventions: ${aws:userid} and ${aws:username} resolve to the
// user's userId from the auth file; a user's ARN is
// arn:aws:iam::000000000000:user/USERID (USERID defaulting to the access
// key id), the account being 000000000000 unless configured. A table
// policy dynalab cannot evaluate (outside the supported subset) denies
// every action on the table except Get/Put/DeleteResourcePolicy, which
// the identity-based policy alone decides, so that it can be replaced.
package auth
