package model_test

import (
	"os"
	"testing"

	"dynalab/sessions/model"
)

// FuzzRead: no model file or Workbench model panics the reader, the
// checker or the converters.
func FuzzRead(f *testing.F) {
	f.Add([]byte(goodModel))
	if data, err := os.ReadFile("testdata/workbench-shop.json"); err == nil {
		f.Add(data)
	}
	f.Add([]byte(`{"Version": 1, "Tables": [{"TableName": "T", "Facets": [{"Name": "x", "PartitionKey": "{a}{b}"}]}]}`))
	f.Add([]byte(`[[[[`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := model.Read("fuzz.json", data)
		if err == nil {
			if _, err := model.Marshal(m); err != nil {
				t.Fatalf("a model that reads does not marshal: %v", err)
			}
			wb, _ := model.ToWorkbench(m)
			if _, err := wb.Marshal(); err != nil {
				t.Fatal(err)
			}
		}
	})
}
