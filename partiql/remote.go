package partiql

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"dynalab/engine"
	"dynalab/engine/attr"
)

// RemoteOptions say how to reach a DynamoDB-compatible endpoint.
type RemoteOptions struct {
	Endpoint string // the endpoint URL, e.g. http://localhost:8000
	Region   string // default us-east-1
	// AccessKeyID, SecretAccessKey and SessionToken sign requests; empty
	// means placeholder credentials, which local endpoints accept.
	AccessKeyID, SecretAccessKey, SessionToken string
}

// Remote is a Backend on a DynamoDB-compatible endpoint (AWS, DynamoDB
// Local, dynalab serve, ...), through aws-sdk-go-v2: statements run there,
// planned by the endpoint itself. EXPLAIN plans here from DescribeTable;
// its estimates need the embedded engine and are not made.
type Remote struct {
	client  *dynamodb.Client
	planner *Executor
}

// NewRemote returns a Backend for an endpoint.
func NewRemote(opts RemoteOptions) *Remote {
	region := opts.Region
	if region == "" {
		region = "us-east-1"
	}
	key, secret := opts.AccessKeyID, opts.SecretAccessKey
	if key == "" || secret == "" {
		key, secret = "dynalab", "dynalab"
	}
	r := &Remote{client: dynamodb.New(dynamodb.Options{
		BaseEndpoint: aws.String(opts.Endpoint),
		Region:       region,
		Credentials:  credentials.NewStaticCredentialsProvider(key, secret, opts.SessionToken),
	})}
	r.planner = New(nil, Options{})
	r.planner.describe = r.Schema
	return r
}

// ExecuteStatement runs a statement on the endpoint.
func (r *Remote) ExecuteStatement(ctx context.Context, in *ExecuteStatementInput) (*ExecuteStatementOutput, error) {
	req := &dynamodb.ExecuteStatementInput{Statement: aws.String(in.Statement), NextToken: in.NextToken}
	if in.Limit != nil {
		req.Limit = aws.Int32(int32(min(*in.Limit, 1<<31-1)))
	}
	if in.ConsistentRead {
		req.ConsistentRead = aws.Bool(true)
	}
	for _, p := range in.Parameters {
		req.Parameters = append(req.Parameters, ToSDK(p))
	}
	if in.ReturnConsumedCapacity != "" {
		req.ReturnConsumedCapacity = types.ReturnConsumedCapacity(in.ReturnConsumedCapacity)
	}
	if in.ReturnValuesOnConditionCheckFailure != "" {
		req.ReturnValuesOnConditionCheckFailure = types.ReturnValuesOnConditionCheckFailure(in.ReturnValuesOnConditionCheckFailure)
	}
	res, err := r.client.ExecuteStatement(ctx, req)
	if err != nil {
		return nil, remoteError(err)
	}
	out := &ExecuteStatementOutput{Items: make([]attr.Item, 0, len(res.Items)), NextToken: res.NextToken}
	for _, it := range res.Items {
		item, err := FromSDKItem(it)
		if err != nil {
			return nil, err
		}
		out.Items = append(out.Items, item)
	}
	if c := res.ConsumedCapacity; c != nil {
		out.ConsumedCapacity = &engine.ConsumedCapacity{TableName: aws.ToString(c.TableName), CapacityUnits: aws.ToFloat64(c.CapacityUnits),
			ReadCapacityUnits: aws.ToFloat64(c.ReadCapacityUnits), WriteCapacityUnits: aws.ToFloat64(c.WriteCapacityUnits)}
	}
	return out, nil
}

// Explain plans a statement from the endpoint's DescribeTable.
func (r *Remote) Explain(ctx context.Context, stmt Statement, params []attr.Value) (*Explanation, error) {
	p, err := r.planner.Plan(ctx, stmt, params)
	if err != nil {
		return nil, err
	}
	return &Explanation{Plan: p, NoEstimate: "not available against a remote endpoint (estimates need the embedded engine)"}, nil
}

// Schema describes a table of the endpoint.
func (r *Remote) Schema(ctx context.Context, table string, withIndexes bool) (*Schema, error) {
	res, err := r.client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)})
	if err != nil {
		var nf *types.ResourceNotFoundException
		if errors.As(err, &nf) {
			return nil, errNotFound()
		}
		return nil, remoteError(err)
	}
	d := res.Table
	var defs []engine.AttributeDefinition
	for _, a := range d.AttributeDefinitions {
		defs = append(defs, engine.AttributeDefinition{AttributeName: aws.ToString(a.AttributeName), AttributeType: string(a.AttributeType)})
	}
	keys := func(ks []types.KeySchemaElement) KeySchema {
		var elems []engine.KeySchemaElement
		for _, k := range ks {
			elems = append(elems, engine.KeySchemaElement{AttributeName: aws.ToString(k.AttributeName), KeyType: string(k.KeyType)})
		}
		return keySchema(elems, defs)
	}
	s := &Schema{Table: aws.ToString(d.TableName), Key: keys(d.KeySchema)}
	for _, l := range d.LocalSecondaryIndexes {
		ix := IndexSchema{Name: aws.ToString(l.IndexName), Key: keys(l.KeySchema)}
		if l.Projection != nil {
			ix.Projection = string(l.Projection.ProjectionType)
		}
		s.Indexes = append(s.Indexes, ix)
	}
	for _, g := range d.GlobalSecondaryIndexes {
		ix := IndexSchema{Name: aws.ToString(g.IndexName), Global: true, Key: keys(g.KeySchema)}
		if g.Projection != nil {
			ix.Projection = string(g.Projection.ProjectionType)
		}
		s.Indexes = append(s.Indexes, ix)
	}
	return s, nil
}

// remoteError turns an SDK error into the *engine.APIError it stands for.
func remoteError(err error) error {
	var api smithy.APIError
	if errors.As(err, &api) {
		return &engine.APIError{Code: api.ErrorCode(), Message: api.ErrorMessage()}
	}
	return err
}

// ToSDK converts an attribute value to aws-sdk-go-v2's form.
func ToSDK(v attr.Value) types.AttributeValue {
	switch v.Type() {
	case attr.TypeS:
		return &types.AttributeValueMemberS{Value: v.Str()}
	case attr.TypeN:
		return &types.AttributeValueMemberN{Value: v.Str()}
	case attr.TypeB:
		return &types.AttributeValueMemberB{Value: v.Bytes()}
	case attr.TypeBOOL:
		return &types.AttributeValueMemberBOOL{Value: v.BoolValue()}
	case attr.TypeNULL:
		return &types.AttributeValueMemberNULL{Value: true}
	case attr.TypeM:
		m := make(map[string]types.AttributeValue, len(v.Map()))
		for k, e := range v.Map() {
			m[k] = ToSDK(e)
		}
		return &types.AttributeValueMemberM{Value: m}
	case attr.TypeL:
		l := make([]types.AttributeValue, len(v.List()))
		for i, e := range v.List() {
			l[i] = ToSDK(e)
		}
		return &types.AttributeValueMemberL{Value: l}
	case attr.TypeSS:
		var ss []string
		for _, m := range v.Members() {
			ss = append(ss, m.Str())
		}
		return &types.AttributeValueMemberSS{Value: ss}
	case attr.TypeNS:
		var ns []string
		for _, m := range v.Members() {
			ns = append(ns, m.Str())
		}
		return &types.AttributeValueMemberNS{Value: ns}
	case attr.TypeBS:
		var bs [][]byte
		for _, m := range v.Members() {
			bs = append(bs, m.Bytes())
		}
		return &types.AttributeValueMemberBS{Value: bs}
	}
	return &types.AttributeValueMemberNULL{Value: true}
}

// FromSDKItem converts an item from aws-sdk-go-v2's form.
func FromSDKItem(m map[string]types.AttributeValue) (attr.Item, error) {
	it := make(attr.Item, len(m))
	for k, v := range m {
		a, err := FromSDK(v)
		if err != nil {
			return nil, err
		}
		it[k] = a
	}
	return it, nil
}

// FromSDK converts an attribute value from aws-sdk-go-v2's form.
func FromSDK(v types.AttributeValue) (attr.Value, error) {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return attr.S(v.Value), nil
	case *types.AttributeValueMemberN:
		return attr.N(v.Value)
	case *types.AttributeValueMemberB:
		return attr.B(v.Value), nil
	case *types.AttributeValueMemberBOOL:
		return attr.Bool(v.Value), nil
	case *types.AttributeValueMemberNULL:
		return attr.Null(), nil
	case *types.AttributeValueMemberM:
		m, err := FromSDKItem(v.Value)
		if err != nil {
			return attr.Value{}, err
		}
		return attr.M(m), nil
	case *types.AttributeValueMemberL:
		l := make([]attr.Value, len(v.Value))
		for i, e := range v.Value {
			a, err := FromSDK(e)
			if err != nil {
				return attr.Value{}, err
			}
			l[i] = a
		}
		return attr.L(l), nil
	case *types.AttributeValueMemberSS:
		return attr.SS(v.Value...)
	case *types.AttributeValueMemberNS:
		return attr.NS(v.Value...)
	case *types.AttributeValueMemberBS:
		return attr.BS(v.Value...)
	}
	return attr.Value{}, fmt.Errorf("unsupported attribute value %T", v)
}
