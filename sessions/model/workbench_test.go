package model_test

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"dynalab/engine"
	"dynalab/sessions/model"
	"dynalab/sessions/samples"
)

// normalWorkbench is a Workbench model without what dynalab does not
// model: authorship and dates, DataAccess (MySQL import settings),
// SampleDataFormats (sample data generation) and auto scaling; attributes
// sorted by name.
func normalWorkbench(t *testing.T, data []byte) string {
	t.Helper()
	wb, err := model.ReadWorkbench(data)
	if err != nil {
		t.Fatal(err)
	}
	wb.ModelMetadata.Author, wb.ModelMetadata.DateCreated, wb.ModelMetadata.DateLastModified = "", "", ""
	for i := range wb.DataModel {
		wt := &wb.DataModel[i]
		wt.DataAccess, wt.SampleDataFormats = nil, nil
		if c := wt.ProvisionedCapacitySettings; c != nil {
			c.AutoScalingRead, c.AutoScalingWrite = nil, nil
		}
		slices.SortFunc(wt.NonKeyAttributes, func(a, b model.WorkbenchAttribute) int { return strings.Compare(a.AttributeName, b.AttributeName) })
		for j := range wt.TableFacets {
			wt.TableFacets[j].DataAccess = nil
		}
	}
	out, _ := json.MarshalIndent(wb, "", " ")
	return string(out)
}

// TestWorkbenchFixture: a NoSQL Workbench model imports with its facets,
// GSIs, billing and items, checks clean, applies, and exports back
// equivalent.
func TestWorkbenchFixture(t *testing.T) {
	data, err := os.ReadFile("testdata/workbench-shop.json")
	if err != nil {
		t.Fatal(err)
	}
	if !model.IsWorkbench(data) || model.IsWorkbench([]byte(goodModel)) {
		t.Fatal("IsWorkbench")
	}
	wb, err := model.ReadWorkbench(data)
	if err != nil {
		t.Fatal(err)
	}
	m := model.FromWorkbench(wb)
	shop, products := m.Table("OnlineShop"), m.Table("Products")
	if shop == nil || products == nil || len(shop.Facets) != 2 || len(shop.Items) != 4 || len(products.Items) != 2 {
		t.Fatalf("imported %+v", m)
	}
	if f := shop.Facet("Order"); f == nil || f.PartitionKey != "CUSTOMER#{customerId}" || f.SortKey != "ORDER#{orderDate}#{orderId}" {
		t.Fatalf("Order facet %+v", f)
	}
	if f := products.Facet("Product"); f == nil || f.PartitionKey != "{ProductId}" || f.SortKey != "" {
		t.Fatalf("Product facet %+v", f)
	}
	if g := products.GlobalSecondaryIndexes[0]; *g.ProvisionedThroughput.ReadCapacityUnits != 5 || products.BillingMode != "PROVISIONED" {
		t.Fatalf("Products GSI %+v", g)
	}
	// Items are matched to their facets.
	for _, it := range shop.Items {
		n := 0
		for i := range shop.Facets {
			if shop.Facets[i].Match(shop, it) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("item %v matches %d facets", it, n)
		}
	}
	text, err := model.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if ps := model.Check("imported.json", text); len(ps) > 0 {
		t.Fatalf("problems:\n%v\n%s", ps, text)
	}
	b := newBackend(t)
	if _, err := model.Apply(context.Background(), b, m, model.Options{}); err != nil {
		t.Fatal(err)
	}
	res, err := b.Run(context.Background(), `SELECT * FROM OnlineShop.GSI1 WHERE GSI1PK = 'STATUS#PAID'`, nil, "")
	if err != nil || len(res.Items) != 1 {
		t.Fatalf("GSI1: %v %+v", err, res)
	}

	back, notes := model.ToWorkbench(m)
	if len(notes) > 0 {
		t.Fatalf("notes %v", notes)
	}
	out, err := back.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := normalWorkbench(t, out), normalWorkbench(t, data); got != want {
		t.Fatalf("exported back:\n%s\nwant\n%s", got, want)
	}
	if back.DataModel[0].DataAccess == nil || back.ModelMetadata.Version != "3.0" {
		t.Fatal("the export lacks what Workbench writes")
	}
}

// TestWorkbenchFromDynalab: a dynalab model goes to Workbench and back
// with its tables, facets and items, saying what Workbench cannot hold.
func TestWorkbenchFromDynalab(t *testing.T) {
	s, err := samples.Get("single-table")
	if err != nil {
		t.Fatal(err)
	}
	data, err := s.ModelFile()
	if err != nil {
		t.Fatal(err)
	}
	f, ps := model.Parse("single-table", data)
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	wb, notes := model.ToWorkbench(f.Model)
	if got := strings.Join(notes, "\n"); !strings.Contains(got, "GSI GSI2-multi of AppTable has a multi-attribute key") || !strings.Contains(got, "6 access patterns are left out") {
		t.Fatalf("notes %v", notes)
	}
	out, _ := wb.Marshal()
	wb2, err := model.ReadWorkbench(out)
	if err != nil {
		t.Fatal(err)
	}
	m := model.FromWorkbench(wb2)
	a, b := m.Table("AppTable"), f.Model.Table("AppTable")
	if len(a.Items) != len(b.Items) || len(a.Facets) != len(b.Facets) {
		t.Fatalf("%d items %d facets, want %d %d", len(a.Items), len(a.Facets), len(b.Items), len(b.Facets))
	}
	for i := range a.Facets {
		if a.Facets[i].PartitionKey != b.Facets[i].PartitionKey || a.Facets[i].SortKey != b.Facets[i].SortKey || !slices.Equal(a.Facets[i].Attributes, b.Facets[i].Attributes) {
			t.Errorf("facet %+v, want %+v", a.Facets[i], b.Facets[i])
		}
	}
	if !slices.Equal(a.KeySchema, b.KeySchema) || len(a.GlobalSecondaryIndexes) != 3 || a.BillingMode != engine.BillingPayPerRequest {
		t.Fatalf("table %+v", a)
	}
}

// TestReadEitherFormat: Load takes a Workbench model as well as a model
// file.
func TestReadEitherFormat(t *testing.T) {
	m, err := model.Load("testdata/workbench-shop.json")
	if err != nil || m.Name != "OnlineShop" || len(m.Tables) != 2 {
		t.Fatalf("%v %+v", err, m)
	}
	bad := strings.Replace(mustRead(t, "testdata/workbench-shop.json"), `"AttributeType": "BOOL"`, `"AttributeType": "BOOLEAN"`, 1)
	_, err = model.Read("bad.json", []byte(bad))
	if err == nil || !strings.Contains(err.Error(), `bad.json: as converted from NoSQL Workbench: table Products: NonKeyAttribute inStock has type "BOOLEAN"`) {
		t.Fatalf("err %v", err)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
