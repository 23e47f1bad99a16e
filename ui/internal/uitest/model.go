package uitest

import (
	"context"
	"testing"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/partiql"
	"dynalab/sessions"
	"dynalab/sessions/model"
)

// ExecRunner returns a RunFunc that runs statements through a real
// PartiQL executor on the backend's engine, as a local session does:
// EXPLAIN answers with the executor's plan, estimate and Explanation.
func ExecRunner(b *Backend) func(ctx context.Context, stmt string, params []attr.Value, token string) (*sessions.Result, error) {
	x := partiql.New(b.DB, partiql.Options{})
	return func(ctx context.Context, text string, params []attr.Value, token string) (*sessions.Result, error) {
		st, err := partiql.Parse(text)
		if err != nil {
			return nil, err
		}
		if e, ok := st.(*partiql.Explain); ok {
			ex, err := x.Explain(ctx, e, params)
			if err != nil {
				return nil, err
			}
			return &sessions.Result{Plan: ex.String(), Operation: string(ex.Plan.Operation), Explanation: ex}, nil
		}
		in := &partiql.ExecuteStatementInput{Statement: text, Parameters: params, ReturnConsumedCapacity: engine.CapacityTotal}
		if token != "" {
			in.NextToken = &token
		}
		out, err := x.ExecuteStatement(ctx, in)
		if err != nil {
			return nil, err
		}
		res := &sessions.Result{Items: out.Items, Operation: string(out.Operation), Count: len(out.Items), ScannedCount: out.ScannedCount}
		if out.NextToken != nil {
			res.NextToken = *out.NextToken
		}
		if out.ConsumedCapacity != nil {
			res.Capacity = out.ConsumedCapacity.CapacityUnits
		}
		return res, nil
	}
}

// SeedEmails gives the seed's two profiles an email, as the seed model's
// User facet describes them.
func (b *Backend) SeedEmails(tb testing.TB) {
	tb.Helper()
	b.Put(tb, "AppTable", `{"PK":{"S":"USER#u1"},"SK":{"S":"PROFILE"},"name":{"S":"Ada"},"email":{"S":"ada@example.com"},"age":{"N":"36"},"tags":{"SS":["admin","ops"]}}`)
	b.Put(tb, "AppTable", `{"PK":{"S":"USER#u2"},"SK":{"S":"PROFILE"},"name":{"S":"Grace"},"email":{"S":"grace@example.com"},"age":{"N":"45"},"note":{"NULL":true}}`)
}

// SeedModel is a data model of the seed (Seed): AppTable's entity types
// User, Order and Product, and four access patterns, two with
// parameters and one a write.
func SeedModel() *model.Model {
	s, n := attr.S, attr.MustN
	return &model.Model{
		Version: model.FormatVersion,
		Name:    "shop",
		Tables: []model.Table{{
			TableName:            "AppTable",
			AttributeDefinitions: []engine.AttributeDefinition{{AttributeName: "PK", AttributeType: "S"}, {AttributeName: "SK", AttributeType: "S"}},
			KeySchema:            []engine.KeySchemaElement{{AttributeName: "PK", KeyType: engine.KeyTypeHash}, {AttributeName: "SK", KeyType: engine.KeyTypeRange}},
			BillingMode:          engine.BillingPayPerRequest,
			Facets: []model.Facet{
				{Name: "User", PartitionKey: "USER#{userId}", SortKey: "PROFILE", Attributes: []string{"name", "email", "age"}},
				{Name: "Order", PartitionKey: "USER#{userId}", SortKey: "ORDER#{orderId}", Attributes: []string{"total", "status", "gift"}},
				{Name: "Product", PartitionKey: "PRODUCT#{productId}", SortKey: "META", Attributes: []string{"title", "price"}},
			},
		}},
		AccessPatterns: []model.AccessPattern{
			{Name: "user-orders", Description: "A user's orders.", Statement: `SELECT * FROM "AppTable" WHERE PK = ? AND begins_with(SK, 'ORDER#')`,
				Parameters: []attr.Value{s("USER#u1")}, Facet: "Order"},
			{Name: "user-profile", Description: "A user's profile, by id.", Statement: `SELECT * FROM "AppTable" WHERE PK = ? AND SK = 'PROFILE'`,
				Parameters: []attr.Value{s("USER#u2")}, Facet: "User"},
			{Name: "products-over", Description: "Products above a price: a Scan, every item read.", Statement: `SELECT * FROM "AppTable" WHERE price > ?`,
				Parameters: []attr.Value{n("10")}, Facet: "Product"},
			{Name: "cancel-order", Description: "Cancel an order.", Statement: `UPDATE "AppTable" SET status = 'cancelled' WHERE PK = ? AND SK = ?`,
				Parameters: []attr.Value{s("USER#u1"), s("ORDER#002")}, Facet: "Order"},
		},
	}
}
