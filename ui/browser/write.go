package browser

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/themes"
	"dynalab/ui/common"
	"dynalab/ui/widgets"
)

// confirmation is a write waiting for y. Nothing is written until then.
type confirmation struct {
	title string
	what  string // what would be lost by quitting now
	body  func(th *themes.Theme, width int) []string
	yes   func() tea.Cmd
	no    func() // nil: nothing to undo
	// The notices after yes and no; by default those of a write.
	yesNotice, noNotice string
}

// editKind says what an $EDITOR round trip makes.
type editKind int

const (
	editExisting  editKind = iota // replace the item
	editNew                       // a new item
	editDuplicate                 // a copy under a new key
)

// pendingEdit is an $EDITOR round trip.
type pendingEdit struct {
	kind editKind
	old  attr.Item // the item opened (nil for a new one)
	orig []byte    // the text the file started with
	path string
	text []byte // the user's text, kept when it did not read back
}

type (
	editorReadyMsg struct {
		path string
		err  error
	}
	editorDoneMsg struct{ err error }
	editedMsg     struct {
		data []byte
		err  error
	}
)

// writeKind says what a write did.
type writeKind int

const (
	writeUpdate writeKind = iota
	writePut
	writeCreate
	writeDelete
)

// writeMsg reports a finished write.
type writeMsg struct {
	kind     writeKind
	op       string
	key      attr.Item   // the item's key
	item     attr.Item   // the new version (update, put, create)
	deleted  []attr.Item // the keys deleted
	err      error
	capacity float64
	dur      time.Duration
}

// errChanged is a write refused because the stored item is not the one
// that was opened.
var errChanged = errors.New("the item changed since it was loaded, so nothing was written")

// startInline opens the inline editor on the selected cell.
func (m *Model) startInline() {
	if m.data == nil || m.data.shown() == 0 {
		return
	}
	c := m.data.cols[m.col]
	if slices.Contains(m.data.keyNames, c.name) { // an index key attribute is an ordinary one of the item
		m.fail("edit", m.target()+" · "+c.name, errKeyInline)
		m.failure.Fix = "y duplicates the item under a new key"
		return
	}
	it := m.data.item(m.cursor)
	b := newBar(barInline)
	b.pos, b.attr = m.cursor, c.name
	if v, ok := it[c.name]; ok {
		b.orig = v
		b.origText = inlineText(v)
	}
	b.fields[0].SetValue(b.origText)
	m.bar = b
	m.failure = nil
}

// inlineText is a value as the inline editor shows it: scalars as their
// text, everything else as typed DynamoDB JSON.
func inlineText(v attr.Value) string {
	switch v.Type() {
	case attr.TypeS, attr.TypeN:
		return v.Str()
	case attr.TypeB:
		return base64.StdEncoding.EncodeToString(v.Bytes())
	case attr.TypeBOOL:
		return strconv.FormatBool(v.BoolValue())
	case attr.TypeNULL:
		return "null"
	}
	return string(attr.AppendValue(nil, v))
}

// inlineValue reads the inline editor's text as a value of the original's
// type, so that an edit never changes a type by accident. Absent
// attributes and collections take typed DynamoDB JSON.
func inlineValue(text string, orig attr.Value) (attr.Value, error) {
	switch orig.Type() {
	case attr.TypeS:
		return attr.S(text), nil
	case attr.TypeN:
		return attr.N(text)
	case attr.TypeB:
		raw, err := base64.StdEncoding.DecodeString(text)
		if err != nil {
			return attr.Value{}, fmt.Errorf("binary values are typed in base64: %w", err)
		}
		return attr.B(raw), nil
	case attr.TypeBOOL:
		switch text {
		case "true":
			return attr.Bool(true), nil
		case "false":
			return attr.Bool(false), nil
		}
		return attr.Value{}, errors.New("a BOOL is true or false")
	case attr.TypeNULL:
		if text == "null" {
			return attr.Null(), nil
		}
		return attr.Value{}, errors.New(`a NULL is null; to change the type, type DynamoDB JSON in $EDITOR (o)`)
	}
	v, err := attr.ParseValue([]byte(text))
	if err != nil {
		return attr.Value{}, fmt.Errorf(`type a DynamoDB JSON value such as {"S": "text"} or {"N": "5"}: %w`, err)
	}
	return v, nil
}

// reviewInline turns the inline edit into a diff to confirm.
func (m *Model) reviewInline() tea.Cmd {
	b := m.bar
	v, err := inlineValue(b.fields[0].Value(), b.orig)
	if err != nil {
		m.fail("edit", m.target()+" · "+b.attr, err)
		return nil
	}
	old := m.data.item(b.pos)
	updated := old.Clone()
	updated[b.attr] = v
	m.bar = nil
	if bytes.Equal(attr.AppendItem(nil, old), attr.AppendItem(nil, updated)) {
		m.notice = "no change: nothing written"
		return nil
	}
	names := m.data.keyNames
	key := keyOf(old, names)
	attrName, orig := b.attr, b.orig
	m.confirmWrite("Update "+b.attr+" of 1 item in "+m.table.Name+"?", "an edit of "+widgets.KeyText(key, names),
		old, updated, func() tea.Cmd { return m.updateCmd(key, attrName, orig, v) })
	return nil
}

// confirmWrite asks before writing updated over old.
func (m *Model) confirmWrite(title, what string, old, updated attr.Item, yes func() tea.Cmd) {
	names := m.data.keyNames
	d := widgets.Diff(old, updated, names)
	key := widgets.KeyText(keyOf(updated, names), names)
	m.confirm = &confirmation{
		title: title,
		what:  what,
		body: func(th *themes.Theme, width int) []string {
			lines := []string{th.Text.Render("key: ") + th.Accent.Render(key), ""}
			lines = append(lines, widgets.DiffLines(th, d, names)...)
			return append(lines, "", th.Muted.Render(common.Plural(widgets.Changes(d), "attribute")+" change · ")+
				th.Key.Render("y")+th.Muted.Render(" writes · ")+th.Key.Render("n/esc")+th.Muted.Render(" cancels"))
		},
		yes: yes,
	}
}

// updateCmd sets one attribute, on the condition that it still holds the
// value it had when loaded.
func (m *Model) updateCmd(key attr.Item, name string, orig, v attr.Value) tea.Cmd {
	hash, _ := m.table.Hash, m.table.Range
	upd := "SET #a = :v"
	names := map[string]string{"#a": name, "#pk": hash.Name}
	values := engine.Values{":v": v}
	cond := "attribute_exists(#pk) AND attribute_not_exists(#a)"
	if !orig.IsZero() {
		cond = "attribute_exists(#pk) AND #a = :old"
		values[":old"] = orig
	}
	in := &engine.UpdateItemInput{
		TableName: m.table.Name, Key: key, UpdateExpression: &upd, ConditionExpression: &cond,
		ExpressionAttributeNames: names, ExpressionAttributeValues: values,
		ReturnValues: engine.ReturnAllNew, ReturnConsumedCapacity: engine.CapacityTotal,
	}
	return m.write(writeUpdate, "UpdateItem", key, func(ctx context.Context) (attr.Item, float64, error) {
		out, err := m.c.Backend.UpdateItem(ctx, in)
		if err != nil {
			var api *engine.APIError
			if errors.As(err, &api) && api.Code == engine.CodeConditionalCheckFailed {
				return nil, 0, errChanged
			}
			return nil, 0, err
		}
		return out.Attributes, capacityOf(out.ConsumedCapacity), nil
	})
}

func capacityOf(cc *engine.ConsumedCapacity) float64 {
	if cc == nil {
		return 0
	}
	return cc.CapacityUnits
}

// write runs a write in a command with the workbench's timeout.
func (m *Model) write(kind writeKind, op string, key attr.Item, fn func(ctx context.Context) (attr.Item, float64, error)) tea.Cmd {
	now := m.c.Now
	ctx, cancel := m.c.OpContext()
	return func() tea.Msg {
		defer cancel()
		t0 := now()
		type res struct {
			it attr.Item
			cu float64
		}
		r, err := common.Do(ctx, func(ctx context.Context) (res, error) {
			it, cu, err := fn(ctx)
			return res{it, cu}, err
		})
		return writeMsg{kind: kind, op: op, key: key, item: r.it, capacity: r.cu, err: err, dur: now().Sub(t0)}
	}
}

// putCmd writes a whole item: over the opened one (which must be unchanged
// in storage), or as a new item (which must not exist).
func (m *Model) putCmd(kind writeKind, old, it attr.Item) tea.Cmd {
	hash := m.table.Hash
	names := m.data.keyNames
	key := keyOf(it, names)
	table := m.table.Name
	cond := "attribute_not_exists(#pk)"
	if kind == writePut {
		cond = "attribute_exists(#pk)"
	}
	be := m.c.Backend
	return m.write(kind, "PutItem", key, func(ctx context.Context) (attr.Item, float64, error) {
		if kind == writePut {
			cur, err := be.GetItem(ctx, &engine.GetItemInput{TableName: table, Key: key, ConsistentRead: true})
			if err != nil {
				return nil, 0, err
			}
			if !bytes.Equal(attr.AppendItem(nil, cur.Item), attr.AppendItem(nil, old)) {
				return nil, 0, errChanged
			}
		}
		out, err := be.PutItem(ctx, &engine.PutItemInput{
			TableName: table, Item: it, ConditionExpression: &cond,
			ExpressionAttributeNames: map[string]string{"#pk": hash.Name}, ReturnConsumedCapacity: engine.CapacityTotal,
		})
		if err != nil {
			var api *engine.APIError
			if errors.As(err, &api) && api.Code == engine.CodeConditionalCheckFailed {
				if kind == writePut {
					return nil, 0, errChanged
				}
				return nil, 0, fmt.Errorf("an item with key %s exists already, so nothing was written", widgets.KeyText(key, names))
			}
			return nil, 0, err
		}
		return it, capacityOf(out.ConsumedCapacity), nil
	})
}

// confirmDelete asks before deleting the marked items, or the one under
// the cursor.
func (m *Model) confirmDelete() {
	if m.data == nil || m.data.shown() == 0 {
		return
	}
	names := m.data.keyNames
	var targets []attr.Item
	if len(m.marked) > 0 {
		for i := range m.data.items {
			if m.marked[i] {
				targets = append(targets, keyOf(m.data.items[i], names))
			}
		}
	} else {
		targets = []attr.Item{keyOf(m.data.item(m.cursor), names)}
	}
	table := m.table.Name
	m.confirm = &confirmation{
		title: "Delete " + common.Plural(len(targets), "item") + " from " + table + "?",
		what:  "a delete of " + common.Plural(len(targets), "item"),
		body: func(th *themes.Theme, width int) []string {
			var lines []string
			for i, k := range targets {
				if i == 10 {
					lines = append(lines, th.Muted.Render("… and "+strconv.Itoa(len(targets)-10)+" more"))
					break
				}
				lines = append(lines, th.Removed.Render("- ")+th.Text.Render(widgets.KeyText(k, names)))
			}
			return append(lines, "", th.Muted.Render("This cannot be undone · ")+
				th.Key.Render("y")+th.Muted.Render(" deletes · ")+th.Key.Render("n/esc")+th.Muted.Render(" cancels"))
		},
		yes: func() tea.Cmd { return m.deleteCmd(targets) },
	}
}

// deleteCmd deletes items one by one, stopping at the first error.
func (m *Model) deleteCmd(keys []attr.Item) tea.Cmd {
	table, hash, be, now := m.table.Name, m.table.Hash, m.c.Backend, m.c.Now
	ctx, cancel := m.c.OpContext()
	return func() tea.Msg {
		defer cancel()
		t0 := now()
		msg := writeMsg{kind: writeDelete, op: "DeleteItem"}
		cond := "attribute_exists(#pk)"
		for _, k := range keys {
			out, err := common.Do(ctx, func(ctx context.Context) (*engine.DeleteItemOutput, error) {
				return be.DeleteItem(ctx, &engine.DeleteItemInput{
					TableName: table, Key: k, ConditionExpression: &cond,
					ExpressionAttributeNames: map[string]string{"#pk": hash.Name}, ReturnConsumedCapacity: engine.CapacityTotal,
				})
			})
			if err != nil {
				msg.key, msg.err = k, err
				break
			}
			msg.deleted = append(msg.deleted, k)
			msg.capacity += capacityOf(out.ConsumedCapacity)
		}
		msg.dur = now().Sub(t0)
		return msg
	}
}

// written applies a finished write to the grid.
func (m *Model) written(msg writeMsg) tea.Cmd {
	names := m.data.keyNames
	act := common.Activity{Time: m.c.Now(), Source: "Browser", Operation: msg.op, Target: m.table.Name + " · " + widgets.KeyText(msg.key, names), Duration: msg.dur}
	if msg.kind == writeDelete {
		var idx []int
		for _, k := range msg.deleted {
			if i := m.data.find(k); i >= 0 {
				idx = append(idx, i)
			}
		}
		m.data.remove(idx)
		clear(m.marked)
		m.cursor = min(m.cursor, max(0, m.data.shown()-1))
		m.follow()
		act.Target = m.table.Name
		act.Summary = "deleted " + common.Plural(len(msg.deleted), "item")
		if msg.err == nil {
			m.notice = "✓ " + act.Summary + " · " + formatCU(msg.capacity)
		}
	}
	if msg.err != nil {
		f := m.fail(msg.op, act.Target, msg.err)
		if errors.Is(msg.err, errChanged) {
			f.Fix = "reload (r) and edit again"
		}
		act.Failure = f
		return common.Report(act)
	}
	switch msg.kind {
	case writeUpdate, writePut:
		if i := m.data.find(msg.key); i >= 0 && msg.item != nil {
			m.data.replace(i, msg.item)
		}
		act.Summary = "written"
		m.notice = "✓ " + msg.op + " " + act.Target + " · " + formatCU(msg.capacity)
	case writeCreate:
		m.data.insert(m.data.index(min(m.cursor, max(0, m.data.shown()-1))), msg.item)
		act.Summary = "created"
		m.notice = "✓ created " + widgets.KeyText(msg.key, names) + " · " + formatCU(msg.capacity) + " · r reloads in key order"
	}
	m.failure = nil
	return common.Report(act)
}

func formatCU(cu float64) string { return strconv.FormatFloat(cu, 'f', -1, 64) + " WCU" }

// removeFile deletes an edit's temporary file.
func removeFile(path string) tea.Cmd {
	return func() tea.Msg {
		_ = os.Remove(path) // a leftover temp file is harmless
		return nil
	}
}
