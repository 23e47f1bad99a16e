package engine

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
)

// Resource-based policies are stored in the table's catalog record and
// returned as given; their enforcement belongs to engine/auth, which can
// read them with DB.ResourcePolicy. Wording follows the service as
// verified against it by moto's aws_verified tests
// (tests/test_dynamodb/test_dynamodb_resource_policy.py) and the
// ack-api-quirks lab's ValidationException catalogue (DDB-TABLE-442).
// Stream ARNs (a policy slot of their own in the service) are refused.

// resourcePolicy is a table's policy document and its revision.
type resourcePolicy struct {
	Document   string `json:"doc"`
	RevisionID string `json:"rev"`
}

// Limits and errors of resource-based policies.
const (
	maxPolicyBytes = 20480

	// CodePolicyNotFound is returned when a table has no policy or not
	// the expected revision.
	CodePolicyNotFound = "PolicyNotFoundException"

	// noPolicyRevision is the ExpectedRevisionId that says "no policy yet".
	noPolicyRevision = "NO_POLICY"
)

// PutResourcePolicyInput is the PutResourcePolicy request.
type PutResourcePolicyInput struct {
	ResourceArn                     *string `json:"ResourceArn"`
	Policy                          *string `json:"Policy"`
	ExpectedRevisionId              *string `json:"ExpectedRevisionId,omitempty"`
	ConfirmRemoveSelfResourceAccess bool    `json:"ConfirmRemoveSelfResourceAccess,omitempty"`
}

// PutResourcePolicyOutput is the PutResourcePolicy response.
type PutResourcePolicyOutput struct {
	RevisionId string `json:"RevisionId"`
}

// GetResourcePolicyInput is the GetResourcePolicy request.
type GetResourcePolicyInput struct {
	ResourceArn *string `json:"ResourceArn"`
}

// GetResourcePolicyOutput is the GetResourcePolicy response.
type GetResourcePolicyOutput struct {
	Policy     string `json:"Policy"`
	RevisionId string `json:"RevisionId"`
}

// DeleteResourcePolicyInput is the DeleteResourcePolicy request.
type DeleteResourcePolicyInput struct {
	ResourceArn        *string `json:"ResourceArn"`
	ExpectedRevisionId *string `json:"ExpectedRevisionId,omitempty"`
}

// DeleteResourcePolicyOutput is the DeleteResourcePolicy response: the
// revision of the policy deleted.
type DeleteResourcePolicyOutput struct {
	RevisionId string `json:"RevisionId,omitempty"`
}

// PutResourcePolicy attaches a policy to a table or replaces it. Putting
// the current document again changes nothing and returns its revision.
// ConfirmRemoveSelfResourceAccess is accepted; the lockout check it
// confirms needs policy evaluation, which is engine/auth's.
func (db *DB) PutResourcePolicy(ctx context.Context, in *PutResourcePolicyInput) (*PutResourcePolicyOutput, error) {
	var c constraints
	c.notNull(in.ResourceArn != nil, "resourceArn")
	c.notNull(in.Policy != nil, "policy")
	revisionConstraint(&c, in.ExpectedRevisionId)
	if err := c.err(); err != nil {
		return nil, err
	}
	name, err := policyTable(*in.ResourceArn)
	if err != nil {
		return nil, err
	}
	if err := checkPolicyDocument(*in.Policy); err != nil {
		return nil, err
	}
	var rev string
	err = db.updateCatalog(name, errTableNotFound(name), func(m *tableMeta) error {
		cur := m.Policy
		if e := in.ExpectedRevisionId; e != nil {
			if err := checkRevision(cur, *e, name); err != nil {
				return err
			}
		}
		if cur != nil && cur.Document == *in.Policy {
			rev = cur.RevisionID
			return nil
		}
		rev = db.nextRevision(cur)
		m.Policy = &resourcePolicy{Document: *in.Policy, RevisionID: rev}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &PutResourcePolicyOutput{RevisionId: rev}, nil
}

// GetResourcePolicy returns a table's policy.
func (db *DB) GetResourcePolicy(ctx context.Context, in *GetResourcePolicyInput) (*GetResourcePolicyOutput, error) {
	var c constraints
	c.notNull(in.ResourceArn != nil, "resourceArn")
	if err := c.err(); err != nil {
		return nil, err
	}
	name, err := policyTable(*in.ResourceArn)
	if err != nil {
		return nil, err
	}
	db.mu.RLock()
	defer db.mu.RUnlock()
	if db.closed {
		return nil, ErrClosed
	}
	t := db.tables[name]
	if t == nil {
		return nil, errTableNotFound(name)
	}
	p := t.meta.Policy
	if p == nil {
		return nil, errPolicyNotFound(*in.ResourceArn)
	}
	return &GetResourcePolicyOutput{Policy: p.Document, RevisionId: p.RevisionID}, nil
}

// DeleteResourcePolicy removes a table's policy.
func (db *DB) DeleteResourcePolicy(ctx context.Context, in *DeleteResourcePolicyInput) (*DeleteResourcePolicyOutput, error) {
	var c constraints
	c.notNull(in.ResourceArn != nil, "resourceArn")
	revisionConstraint(&c, in.ExpectedRevisionId)
	if err := c.err(); err != nil {
		return nil, err
	}
	name, err := policyTable(*in.ResourceArn)
	if err != nil {
		return nil, err
	}
	var rev string
	err = db.updateCatalog(name, errTableNotFound(name), func(m *tableMeta) error {
		if m.Policy == nil {
			return errPolicyNotFound(*in.ResourceArn)
		}
		if e := in.ExpectedRevisionId; e != nil {
			if err := checkRevision(m.Policy, *e, name); err != nil {
				return err
			}
		}
		rev = m.Policy.RevisionID
		m.Policy = nil
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &DeleteResourcePolicyOutput{RevisionId: rev}, nil
}

// ResourcePolicy returns the policy document attached to a table, for
// engine/auth to evaluate; ok is false when the table has none.
func (db *DB) ResourcePolicy(table string) (doc string, ok bool) {
	db.mu.RLock()
	defer db.mu.RUnlock()
	t := db.tables[tableNameFromARN(table)]
	if t == nil || t.meta.Policy == nil {
		return "", false
	}
	return t.meta.Policy.Document, true
}

func revisionConstraint(c *constraints, rev *string) {
	if rev == nil {
		return
	}
	if len(*rev) < 1 {
		c.add(quote(*rev), "expectedRevisionId", "Member must have length greater than or equal to 1")
	}
	if len(*rev) > 255 {
		c.add(quote(*rev), "expectedRevisionId", "Member must have length less than or equal to 255")
	}
}

// checkRevision applies ExpectedRevisionId to the current policy.
func checkRevision(cur *resourcePolicy, expected, table string) error {
	switch {
	case expected == noPolicyRevision && cur != nil:
		return &APIError{Code: CodePolicyNotFound, Message: "Resource-based policy not found for the provided ResourceArn: " +
			"Requested policy update expecting none to be present for table " + table + ", but a policy exists with revision id " + cur.RevisionID + "."}
	case expected == noPolicyRevision:
		return nil
	case cur == nil:
		return &APIError{Code: CodePolicyNotFound, Message: "Resource-based policy not found for the provided ResourceArn: " +
			"Requested update for policy with revision id " + expected + ", but the policy associated to target table " + table + " does not exist."}
	case cur.RevisionID != expected:
		return &APIError{Code: CodePolicyNotFound, Message: "Resource-based policy not found for the provided ResourceArn: " +
			"Requested update for policy with revision id " + expected + ", but the policy associated to target table " + table +
			" has revision id " + cur.RevisionID + "."}
	}
	return nil
}

// nextRevision returns a new revision id: the clock in epoch milliseconds,
// as the service's (they compare as timestamps), kept increasing.
func (db *DB) nextRevision(cur *resourcePolicy) string {
	n := db.now().UnixMilli()
	if cur != nil {
		if prev, err := strconv.ParseInt(cur.RevisionID, 10, 64); err == nil && prev >= n {
			n = prev + 1
		}
	}
	return strconv.FormatInt(n, 10)
}

func errPolicyNotFound(arn string) *APIError {
	return &APIError{Code: CodePolicyNotFound, Message: "Resource-based policy not found for the provided ResourceArn: " + arn}
}

// policyTable checks the ResourceArn of a policy operation and returns the
// table it names.
func policyTable(arn string) (string, error) {
	if !strings.HasPrefix(arn, "arn:") {
		return "", invalidParam("ARNs must start with 'arn:': %s", arn)
	}
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[2] != "dynamodb" {
		return "", invalidParam("Provided Arn is not a DynamoDB resource arn: %s", arn)
	}
	name, rest, ok := parseTableARN(arn)
	switch {
	case !ok:
		return "", invalidParam("Invalid resource Arn: %s", arn)
	case strings.HasPrefix(rest, "/stream/"):
		return "", validationError("dynalab does not support resource-based policies on streams yet")
	case rest != "":
		return "", invalidParam("Invalid resource arn provided, only table or stream is accepted. Provided resource arn: %s", arn)
	}
	return name, nil
}

// checkPolicyDocument checks what can be checked without an IAM policy
// grammar: size, JSON, a non-empty Statement.
func checkPolicyDocument(doc string) error {
	if len(doc) > maxPolicyBytes {
		return invalidParam("Maximum policy size of %d bytes exceeded", maxPolicyBytes)
	}
	var p map[string]json.RawMessage
	if err := json.Unmarshal([]byte(doc), &p); err != nil || p == nil {
		return invalidParam("Invalid policy document: This policy contains invalid Json")
	}
	st, ok := p["Statement"]
	if !ok {
		return invalidParam("Invalid policy document: Missing required field Statement")
	}
	var list []json.RawMessage
	if json.Unmarshal(st, &list) == nil && len(list) == 0 {
		return invalidParam("Invalid policy document: Could not parse the policy: Statement is empty!")
	}
	return nil
}
