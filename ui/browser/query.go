package browser

import (
	"context"
	"encoding/base64"
	"fmt"
	"maps"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/ui/common"
)

// Page sizes: the first pages are small so rows show at once; loading all
// pages uses big ones.
const (
	pageSize    = 100
	bulkPageSiz = 1000
)

// skOps are the sort key operators of the key-condition bar, in the order
// Tab cycles them.
var skOps = []string{"", "=", "begins_with", "between", "<", "<=", ">", ">="}

// keyCond is the key-condition bar's content: a partition key value and
// an optional sort key condition. With no partition key value the listing
// is a Scan.
type keyCond struct {
	pk      string
	op      string // one of skOps ("" for none)
	sk, sk2 string
}

func (k keyCond) active() bool { return k.pk != "" }

// describe renders the condition: "PK = USER#1 · SK begins_with ORDER#".
func (k keyCond) describe(pkName, skName string) string {
	if !k.active() {
		return ""
	}
	s := pkName + " = " + k.pk
	switch k.op {
	case "":
	case "between":
		s += " · " + skName + " between " + k.sk + " and " + k.sk2
	default:
		s += " · " + skName + " " + k.op + " " + k.sk
	}
	return s
}

// keyValue reads a key value typed in the bar as the key attribute's type.
func keyValue(text, typ, name string) (attr.Value, error) {
	switch typ {
	case "N":
		v, err := attr.N(text)
		if err != nil {
			return attr.Value{}, fmt.Errorf("%s is a number: %w", name, err)
		}
		return v, nil
	case "B":
		raw, err := base64.StdEncoding.DecodeString(text)
		if err != nil {
			return attr.Value{}, fmt.Errorf("%s is binary: type it in base64 (%v)", name, err)
		}
		return attr.B(raw), nil
	}
	return attr.S(text), nil
}

// listing is the request a listing pages through: a Query or a Scan.
type listing struct {
	query *engine.QueryInput
	scan  *engine.ScanInput
}

func (l listing) operation() string {
	if l.query != nil {
		return "Query"
	}
	return "Scan"
}

// buildListing turns the bars into a request on the table or index.
func buildListing(t common.TableInfo, index string, hash, rng common.KeyAttr, kc keyCond, f *filterExpr) (listing, error) {
	names := map[string]string{}
	values := engine.Values{}
	var filter *string
	if f != nil {
		maps.Copy(names, f.names)
		maps.Copy(values, f.values)
		filter = &f.expr
	}
	if !kc.active() {
		in := &engine.ScanInput{TableName: t.Name, IndexName: index, FilterExpression: filter, ReturnConsumedCapacity: engine.CapacityTotal}
		if len(names) > 0 {
			in.ExpressionAttributeNames, in.ExpressionAttributeValues = names, values
		}
		return listing{scan: in}, nil
	}
	pv, err := keyValue(kc.pk, hash.Type, hash.Name)
	if err != nil {
		return listing{}, err
	}
	names["#pk"], values[":pk"] = hash.Name, pv
	cond := "#pk = :pk"
	if kc.op != "" && rng.Name != "" {
		sv, err := keyValue(kc.sk, rng.Type, rng.Name)
		if err != nil {
			return listing{}, err
		}
		names["#sk"], values[":sk"] = rng.Name, sv
		switch kc.op {
		case "begins_with":
			cond += " AND begins_with(#sk, :sk)"
		case "between":
			sv2, err := keyValue(kc.sk2, rng.Type, rng.Name)
			if err != nil {
				return listing{}, err
			}
			values[":sk2"] = sv2
			cond += " AND #sk BETWEEN :sk AND :sk2"
		default:
			cond += " AND #sk " + kc.op + " :sk"
		}
	}
	in := &engine.QueryInput{
		TableName: t.Name, IndexName: index, KeyConditionExpression: &cond, FilterExpression: filter,
		ExpressionAttributeNames: names, ExpressionAttributeValues: values, ReturnConsumedCapacity: engine.CapacityTotal,
	}
	return listing{query: in}, nil
}

// pageMsg carries one page of a listing.
type pageMsg struct {
	id  int
	out *engine.QueryOutput
	err error
	dur time.Duration
}

// fetch returns a command reading one page of l from start.
func (m *Model) fetch(id int, l listing, start attr.Item, limit int64) tea.Cmd {
	ctx, cancel := m.c.OpContext()
	m.load.cancel = cancel
	be, now := m.c.Backend, m.c.Now
	return func() tea.Msg {
		defer cancel()
		t0 := now()
		out, err := common.Do(ctx, func(ctx context.Context) (*engine.QueryOutput, error) {
			if l.query != nil {
				in := *l.query
				in.ExclusiveStartKey, in.Limit = start, &limit
				return be.Query(ctx, &in)
			}
			in := *l.scan
			in.ExclusiveStartKey, in.Limit = start, &limit
			return be.Scan(ctx, &in)
		})
		return pageMsg{id: id, out: out, err: err, dur: now().Sub(t0)}
	}
}
