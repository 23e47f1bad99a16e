package browser

import (
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/sessions"
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

// keyCond is the key-condition bar's content: a value for every partition
// attribute and a condition on the sort attributes. With no partition
// value the listing is a Scan.
//
// An index with a multi-attribute key has up to four partition and four
// sort attributes: every partition attribute is an equality, and the sort
// values are taken left to right up to the first empty one, all
// equalities but the last, which takes op ("" meaning "="). With a single
// sort attribute op "" means no sort condition, as the bar shows it.
type keyCond struct {
	pks []string // one per partition attribute
	sks []string // one per sort attribute
	op  string   // one of skOps, for the last sort value used
	sk2 string   // between's upper bound
}

func (k keyCond) active() bool {
	return slices.ContainsFunc(k.pks, func(s string) bool { return s != "" })
}

// pk is the first partition value.
func (k keyCond) pk() string {
	if len(k.pks) == 0 {
		return ""
	}
	return k.pks[0]
}

// sortTerms returns the sort values the condition uses.
func (k keyCond) sortTerms() []string {
	if len(k.sks) == 1 {
		if k.op == "" {
			return nil
		}
		return k.sks
	}
	n := 0
	for n < len(k.sks) && k.sks[n] != "" {
		n++
	}
	return k.sks[:n]
}

// lastOp is the operator of the last sort value used.
func (k keyCond) lastOp() string {
	if k.op == "" {
		return "="
	}
	return k.op
}

// describe renders the condition: "PK = USER#1 · SK begins_with ORDER#".
func (k keyCond) describe(part, sort []common.KeyAttr) string {
	if !k.active() {
		return ""
	}
	var parts []string
	for i, a := range part {
		if i < len(k.pks) {
			parts = append(parts, a.Name+" = "+k.pks[i])
		}
	}
	terms := k.sortTerms()
	for i, v := range terms {
		if i >= len(sort) {
			break
		}
		name := sort[i].Name
		switch op := k.lastOp(); {
		case i < len(terms)-1:
			parts = append(parts, name+" = "+v)
		case op == "between":
			parts = append(parts, name+" between "+v+" and "+k.sk2)
		default:
			parts = append(parts, name+" "+op+" "+v)
		}
	}
	return strings.Join(parts, " · ")
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

// listing is the request a listing pages through: a Query, a Scan, or a
// PartiQL statement (an access pattern run from the model).
type listing struct {
	query *engine.QueryInput
	scan  *engine.ScanInput
	stmt  *stmtListing
}

// stmtListing is a statement run through the backend, page by page with
// its NextToken.
type stmtListing struct {
	text   string
	params []attr.Value
	op     string // the operation it plans as (EXPLAIN), "" until a page says
}

func (l listing) operation() string {
	switch {
	case l.stmt != nil:
		return cmp.Or(l.stmt.op, "PartiQL")
	case l.query != nil:
		return "Query"
	}
	return "Scan"
}

// buildListing turns the bars into a request on the table or index.
// part and sort are the key attributes of what is read, in key schema
// order. No request sets ConsistentRead: a GSI refuses it, and the
// browser reads tables the same way.
func buildListing(t common.TableInfo, index string, part, sort []common.KeyAttr, kc keyCond, f *filterExpr) (listing, error) {
	names := map[string]string{}
	values := engine.Values{}
	var filter *string
	if f != nil {
		maps.Copy(names, f.names)
		maps.Copy(values, f.values)
		filter = &f.expr
	}
	if !kc.active() {
		// The service refuses an empty ExpressionAttributeValues (or
		// Names): a filter such as exists(gift) has no values.
		in := &engine.ScanInput{TableName: t.Name, IndexName: index, FilterExpression: filter, ReturnConsumedCapacity: engine.CapacityTotal}
		if len(names) > 0 {
			in.ExpressionAttributeNames = names
		}
		if len(values) > 0 {
			in.ExpressionAttributeValues = values
		}
		return listing{scan: in}, nil
	}
	var terms []string
	for i, a := range part {
		v := ""
		if i < len(kc.pks) {
			v = kc.pks[i]
		}
		if v == "" {
			return listing{}, fmt.Errorf("a Query on %s needs every partition attribute: give %s a value (or clear them all to Scan)", target(t.Name, index), a.Name)
		}
		pv, err := keyValue(v, a.Type, a.Name)
		if err != nil {
			return listing{}, err
		}
		n, val := keyPlaceholders("#pk", ":pk", "#p", ":p", i)
		names[n], values[val] = a.Name, pv
		terms = append(terms, n+" = "+val)
	}
	sortVals := kc.sortTerms()
	for i, v := range sortVals {
		if i >= len(sort) {
			break
		}
		a := sort[i]
		sv, err := keyValue(v, a.Type, a.Name)
		if err != nil {
			return listing{}, err
		}
		n, val := keyPlaceholders("#sk", ":sk", "#s", ":s", i)
		names[n], values[val] = a.Name, sv
		switch op := kc.lastOp(); {
		case i < len(sortVals)-1:
			terms = append(terms, n+" = "+val)
		case op == "begins_with":
			terms = append(terms, "begins_with("+n+", "+val+")")
		case op == "between":
			sv2, err := keyValue(kc.sk2, a.Type, a.Name)
			if err != nil {
				return listing{}, err
			}
			values[":sk2"] = sv2
			terms = append(terms, n+" BETWEEN "+val+" AND :sk2")
		default:
			terms = append(terms, n+" "+op+" "+val)
		}
	}
	cond := strings.Join(terms, " AND ")
	in := &engine.QueryInput{
		TableName: t.Name, IndexName: index, KeyConditionExpression: &cond, FilterExpression: filter,
		ExpressionAttributeNames: names, ExpressionAttributeValues: values, ReturnConsumedCapacity: engine.CapacityTotal,
	}
	return listing{query: in}, nil
}

// keyPlaceholders names the placeholders of key attribute i: the first
// keeps "#pk"/":pk" (or "#sk"/":sk"), the others are numbered from 2.
func keyPlaceholders(name0, val0, name, val string, i int) (string, string) {
	if i == 0 {
		return name0, val0
	}
	n := strconv.Itoa(i + 1)
	return name + n, val + n
}

// target names a table or one of its indexes: "AppTable" or
// "AppTable.GSI1".
func target(table, index string) string {
	if index != "" {
		return table + "." + index
	}
	return table
}

// pageMsg carries one page of a listing.
type pageMsg struct {
	id    int
	out   *engine.QueryOutput
	token string // a statement's NextToken
	op    string // the operation a statement ran as
	err   error
	dur   time.Duration
	req   string // the request as sent, in its wire JSON, for the activity pane
}

// fetch returns a command reading one page of l from start.
func (m *Model) fetch(id int, l listing, start attr.Item, limit int64) tea.Cmd {
	ctx, cancel := m.c.OpContext()
	m.load.cancel = cancel
	be, now := m.c.Backend, m.c.Now
	if l.stmt != nil {
		st, token := *l.stmt, m.token
		return func() tea.Msg {
			defer cancel()
			t0 := now()
			res, err := common.Do(ctx, func(ctx context.Context) (*sessions.Result, error) {
				return be.Run(ctx, st.text, st.params, token)
			})
			msg := pageMsg{id: id, err: err, dur: now().Sub(t0), req: st.text}
			if err == nil {
				msg.out = &engine.QueryOutput{Items: res.Items, Count: res.Count, ScannedCount: res.ScannedCount,
					ConsumedCapacity: &engine.ConsumedCapacity{CapacityUnits: res.Capacity}}
				msg.token, msg.op = res.NextToken, res.Operation
			}
			return msg
		}
	}
	return func() tea.Msg {
		defer cancel()
		t0 := now()
		// The request is built (and written down for Activity) before the
		// call: Do may return on cancel while the call still runs.
		var req []byte
		var call func(ctx context.Context) (*engine.QueryOutput, error)
		if l.query != nil {
			in := *l.query
			in.ExclusiveStartKey, in.Limit = start, &limit
			req, _ = json.Marshal(&in)
			call = func(ctx context.Context) (*engine.QueryOutput, error) { return be.Query(ctx, &in) }
		} else {
			in := *l.scan
			in.ExclusiveStartKey, in.Limit = start, &limit
			req, _ = json.Marshal(&in)
			call = func(ctx context.Context) (*engine.QueryOutput, error) { return be.Scan(ctx, &in) }
		}
		out, err := common.Do(ctx, call)
		return pageMsg{id: id, out: out, err: err, dur: now().Sub(t0), req: string(req)}
	}
}
