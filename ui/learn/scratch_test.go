package learn

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"dynalab/engine"
	"dynalab/partiql"
	"dynalab/sessions"
	"dynalab/ui/common"
)

func TestScratch(t *testing.T) {
	l, err := sessions.OpenLocal("x", engine.Options{Path: engine.InMemory})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ctx := context.Background()
	in, _ := common.ParseTableSpec("Acc PK:S SK:S")
	l.CreateTable(ctx, in)
	var tin engine.CreateTableInput
	js := `{"TableName":"Tickets","BillingMode":"PAY_PER_REQUEST","AttributeDefinitions":[{"AttributeName":"PK","AttributeType":"S"},{"AttributeName":"assignee","AttributeType":"S"},{"AttributeName":"status","AttributeType":"S"},{"AttributeName":"openedAt","AttributeType":"N"}],"KeySchema":[{"AttributeName":"PK","KeyType":"HASH"}],"GlobalSecondaryIndexes":[{"IndexName":"ByAssignee","KeySchema":[{"AttributeName":"assignee","KeyType":"HASH"},{"AttributeName":"status","KeyType":"RANGE"},{"AttributeName":"openedAt","KeyType":"RANGE"}],"Projection":{"ProjectionType":"ALL"}}]}`
	if err := json.Unmarshal([]byte(js), &tin); err != nil {
		t.Fatal(err)
	}
	if _, err := l.CreateTable(ctx, &tin); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{
		`INSERT INTO Acc VALUE {'PK':'A','SK':'1','balance':100,'version':3}`,
		`UPDATE Acc SET balance = 80, version = 4 WHERE PK='A' AND SK='1' AND version = 3`,
		`UPDATE Acc SET balance = 70 SET version = 5 WHERE PK='A' AND SK='1' AND version = 4`,
		`SELECT * FROM Acc WHERE PK='A' AND SK='1'`,
		`SELECT * FROM Acc WHERE PK='A' AND begins_with(SK, '1') AND expiresAt IS MISSING`,
		`INSERT INTO Tickets VALUE {'PK':'t1','assignee':'ana','status':'OPEN','openedAt':150}`,
		`INSERT INTO Tickets VALUE {'PK':'t2','assignee':'ana','status':'OPEN','openedAt':50}`,
		`INSERT INTO Tickets VALUE {'PK':'t3','assignee':'ana','status':'DONE','openedAt':200}`,
		`SELECT * FROM Tickets."ByAssignee" WHERE assignee = 'ana' AND status = 'OPEN' AND openedAt > 100`,
		`SELECT * FROM Tickets."ByAssignee" WHERE assignee = 'ana' AND openedAt > 100`,
		`SELECT * FROM Tickets."ByAssignee" WHERE assignee = 'ana'`,
		`EXPLAIN SELECT * FROM Acc`,
		`SELECT * FROM Acc WHERE PK = 'A' ORDER BY SK DESC`,
		`SELECT * FROM Acc WHERE PK IN ['A','B']`,
		`UPDATE Acc SET n = n + 1 WHERE PK='A' AND SK='1'`,
		`UPDATE Acc SET views = views + 1 WHERE PK='A' AND SK='1'`,
	} {
		res, err := l.Run(ctx, s, nil, "")
		fmt.Printf("%s\n  err=%v\n", s, err)
		if res != nil {
			fmt.Printf("  op=%s items=%v cap=%v\n", res.Operation, res.Items, res.Capacity)
		}
		st, perr := partiql.Parse(s)
		if perr == nil {
			p, err := l.Executor().Plan(ctx, st, nil)
			if err == nil {
				fmt.Printf("  plan %s %s.%s kc=%v fwd=%v parts=%d filter=%d\n", p.Operation, p.Table, p.Index, keyShape(p), p.ScanIndexForward, len(p.Partitions), len(p.Filter))
			} else {
				fmt.Printf("  planerr %v\n", err)
			}
		}
	}
}
