package model

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/sessions"
)

// ChangeKind is what Apply does to a table.
type ChangeKind string

// The changes Apply makes. RecreateTable, DropIndex and ReplaceIndex are
// destructive: they lose items or index entries.
const (
	CreateTable   ChangeKind = "create table"
	RecreateTable ChangeKind = "recreate table" // key schema or LSIs differ: delete and create
	AddIndex      ChangeKind = "add GSI"
	DropIndex     ChangeKind = "drop GSI"
	ReplaceIndex  ChangeKind = "replace GSI" // key or projection differs: drop and add
	SetBilling    ChangeKind = "set billing"
	SetStream     ChangeKind = "set stream"
	SetTTL        ChangeKind = "set TTL"
)

// Change is one change Apply makes.
type Change struct {
	Kind   ChangeKind
	Table  string
	Index  string // for the GSI changes
	Detail string // what differs
}

// Destructive reports whether the change loses data.
func (c Change) Destructive() bool {
	return c.Kind == RecreateTable || c.Kind == DropIndex || c.Kind == ReplaceIndex
}

// String renders the change as a line of a plan: "drop GSI ByStatus of Orders (...)".
func (c Change) String() string {
	s := string(c.Kind) + " "
	if c.Index != "" {
		s += c.Index + " of "
	}
	s += c.Table
	if c.Detail != "" {
		s += ": " + c.Detail
	}
	return s
}

// Changes is a plan: the changes in the order Apply makes them.
type Changes []Change

// Destructive returns the destructive changes.
func (cs Changes) Destructive() Changes {
	var out Changes
	for _, c := range cs {
		if c.Destructive() {
			out = append(out, c)
		}
	}
	return out
}

// ErrDestructive matches a *DestructiveError.
var ErrDestructive = errors.New("destructive change refused")

// DestructiveError is Apply's refusal to drop a table or an index without
// Options.AllowDestructive; nothing was changed.
type DestructiveError struct{ Changes Changes }

func (e *DestructiveError) Error() string {
	lines := make([]string, len(e.Changes))
	for i, c := range e.Changes {
		lines[i] = c.String()
	}
	return "the model needs changes that lose data, and nothing was changed: " + strings.Join(lines, "; ") +
		" (allow them to apply it: --yes, or answer the question on a terminal)"
}

// Is makes errors.Is(err, ErrDestructive) true.
func (e *DestructiveError) Is(target error) bool { return target == ErrDestructive }

// Options say how Apply applies a model.
type Options struct {
	// AllowDestructive lets Apply drop and recreate tables and indexes
	// whose definition changed; without it Apply refuses with a
	// *DestructiveError before changing anything.
	AllowDestructive bool
	// Session receives the access patterns as saved queries, and the
	// model itself (SessionModel reads it back); "" saves none.
	// QueriesDir, when set, is where the saved queries go instead.
	Session    string
	QueriesDir string
	// Home is where Session lives.
	Home sessions.Home
	// NoItems skips the sample items.
	NoItems bool
	// Sleep waits between status polls and retries; nil sleeps for real.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Report is what Apply did.
type Report struct {
	Changes Changes
	Items   map[string]int        // sample items written, by table
	Queries []sessions.SavedQuery // access patterns saved
}

// Optional operations of a Backend: both sessions.Local (the engine) and
// sessions.Remote have them, a test double may not.
type (
	tableUpdater interface {
		UpdateTable(ctx context.Context, in *engine.UpdateTableInput) (*engine.UpdateTableOutput, error)
	}
	ttlBackend interface {
		UpdateTimeToLive(ctx context.Context, in *engine.UpdateTimeToLiveInput) (*engine.UpdateTimeToLiveOutput, error)
		DescribeTimeToLive(ctx context.Context, in *engine.DescribeTimeToLiveInput) (*engine.DescribeTimeToLiveOutput, error)
	}
	// maintainer is the embedded engine, whose index builds and removals
	// run in the background: Apply advances them instead of waiting for
	// the next sweep.
	maintainer interface{ RunMaintenance() error }
)

// Plan compares the model's tables with b's and returns the changes Apply
// would make. Tables of b that the model does not name are left alone.
func Plan(ctx context.Context, b sessions.Backend, m *Model) (Changes, error) {
	var out Changes
	for i := range m.Tables {
		t := &m.Tables[i]
		d, err := describe(ctx, b, t.TableName)
		if err != nil {
			return nil, err
		}
		if d == nil {
			out = append(out, Change{Kind: CreateTable, Table: t.TableName})
			continue
		}
		cs, err := diffTable(ctx, b, t, d)
		if err != nil {
			return nil, err
		}
		out = append(out, cs...)
	}
	return out, nil
}

// describe returns a table's description, nil when it does not exist.
func describe(ctx context.Context, b sessions.Backend, table string) (*engine.TableDescription, error) {
	out, err := b.DescribeTable(ctx, &engine.DescribeTableInput{TableName: table})
	var api *engine.APIError
	switch {
	case err == nil:
		return out.Table, nil
	case errors.As(err, &api) && api.Code == engine.CodeResourceNotFound:
		return nil, nil
	}
	return nil, fmt.Errorf("describe table %s: %w", table, err)
}

// diffTable lists the changes that make an existing table the model's.
func diffTable(ctx context.Context, b sessions.Backend, t *Table, d *engine.TableDescription) (Changes, error) {
	ch := func(k ChangeKind, index, detail string) Change {
		return Change{Kind: k, Table: t.TableName, Index: index, Detail: detail}
	}
	if why := keysDiffer(t, d); why != "" {
		return Changes{ch(RecreateTable, "", fmt.Sprintf("%s; its %d items are deleted", why, d.ItemCount))}, nil
	}
	var out Changes
	// Billing first: the GSIs added next need the table's billing mode.
	if why := billingDiffers(t, d); why != "" {
		out = append(out, ch(SetBilling, "", why))
	}
	have := map[string]engine.GlobalSecondaryIndexDescription{}
	for _, g := range d.GlobalSecondaryIndexes {
		have[g.IndexName] = g
	}
	want := map[string]bool{}
	for _, g := range t.GlobalSecondaryIndexes {
		want[g.IndexName] = true
		old, ok := have[g.IndexName]
		switch {
		case !ok:
			out = append(out, ch(AddIndex, g.IndexName, keyText(g.KeySchema)+" "+projectionText(g.Projection)))
		case !slices.Equal(old.KeySchema, g.KeySchema) || !sameProjection(old.Projection, g.Projection):
			out = append(out, ch(ReplaceIndex, g.IndexName, fmt.Sprintf("%s %s becomes %s %s; its %d entries are rebuilt",
				keyText(old.KeySchema), projectionText(old.Projection), keyText(g.KeySchema), projectionText(g.Projection), old.ItemCount)))
		}
	}
	for _, g := range d.GlobalSecondaryIndexes {
		if !want[g.IndexName] {
			out = append(out, ch(DropIndex, g.IndexName, fmt.Sprintf("not in the model; its %d entries are deleted", g.ItemCount)))
		}
	}
	if why := streamDiffers(t, d); why != "" {
		out = append(out, ch(SetStream, "", why))
	}
	if tb, ok := b.(ttlBackend); ok {
		out2, err := tb.DescribeTimeToLive(ctx, &engine.DescribeTimeToLiveInput{TableName: t.TableName})
		if err != nil {
			return nil, fmt.Errorf("describe TTL of %s: %w", t.TableName, err)
		}
		cur := ""
		if td := out2.TimeToLiveDescription; td != nil && (td.TimeToLiveStatus == "ENABLED" || td.TimeToLiveStatus == "ENABLING") {
			cur = td.AttributeName
		}
		if cur != t.TimeToLiveAttribute {
			out = append(out, ch(SetTTL, "", fmt.Sprintf("%s → %s", orNone(cur), orNone(t.TimeToLiveAttribute))))
		}
	}
	return out, nil
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// keysDiffer says why an existing table's key schema or LSIs (which only
// CreateTable sets) are not the model's; "" when they are.
func keysDiffer(t *Table, d *engine.TableDescription) string {
	if !slices.Equal(d.KeySchema, t.KeySchema) {
		return fmt.Sprintf("its key is %s, the model's %s", keyText(d.KeySchema), keyText(t.KeySchema))
	}
	for _, k := range t.KeySchema {
		if typeIn(d.AttributeDefinitions, k.AttributeName) != t.attrType(k.AttributeName) {
			return fmt.Sprintf("key attribute %s is %s, the model's %s", k.AttributeName,
				typeIn(d.AttributeDefinitions, k.AttributeName), t.attrType(k.AttributeName))
		}
	}
	if len(d.LocalSecondaryIndexes) != len(t.LocalSecondaryIndexes) {
		return fmt.Sprintf("it has %d LSIs, the model %d (LSIs are made only with the table)", len(d.LocalSecondaryIndexes), len(t.LocalSecondaryIndexes))
	}
	for _, l := range t.LocalSecondaryIndexes {
		i := slices.IndexFunc(d.LocalSecondaryIndexes, func(x engine.LocalSecondaryIndexDescription) bool { return x.IndexName == l.IndexName })
		if i < 0 || !slices.Equal(d.LocalSecondaryIndexes[i].KeySchema, l.KeySchema) || !sameProjection(d.LocalSecondaryIndexes[i].Projection, l.Projection) {
			return "LSI " + l.IndexName + " differs (LSIs are made only with the table)"
		}
	}
	return ""
}

func typeIn(defs []engine.AttributeDefinition, name string) string {
	for _, d := range defs {
		if d.AttributeName == name {
			return d.AttributeType
		}
	}
	return ""
}

func keyText(ks []engine.KeySchemaElement) string {
	parts := make([]string, len(ks))
	for i, k := range ks {
		parts[i] = k.AttributeName
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func projectionText(p *engine.Projection) string {
	if p == nil {
		return "ALL"
	}
	if p.ProjectionType == "INCLUDE" {
		return "INCLUDE " + strings.Join(p.NonKeyAttributes, ", ")
	}
	return p.ProjectionType
}

func sameProjection(a, b *engine.Projection) bool {
	ta, tb := "ALL", "ALL"
	var na, nb []string
	if a != nil {
		ta, na = a.ProjectionType, slices.Sorted(slices.Values(a.NonKeyAttributes))
	}
	if b != nil {
		tb, nb = b.ProjectionType, slices.Sorted(slices.Values(b.NonKeyAttributes))
	}
	return ta == tb && slices.Equal(na, nb)
}

func billingMode(t *Table) string {
	if t.BillingMode == "" {
		return engine.BillingProvisioned
	}
	return t.BillingMode
}

func describedBilling(d *engine.TableDescription) string {
	if d.BillingModeSummary != nil && d.BillingModeSummary.BillingMode != "" {
		return d.BillingModeSummary.BillingMode
	}
	return engine.BillingProvisioned
}

func billingDiffers(t *Table, d *engine.TableDescription) string {
	want, have := billingMode(t), describedBilling(d)
	if want != have {
		return have + " → " + want
	}
	if want == engine.BillingProvisioned && t.ProvisionedThroughput != nil && d.ProvisionedThroughput != nil {
		p := t.ProvisionedThroughput
		if p.ReadCapacityUnits != nil && p.WriteCapacityUnits != nil &&
			(*p.ReadCapacityUnits != d.ProvisionedThroughput.ReadCapacityUnits || *p.WriteCapacityUnits != d.ProvisionedThroughput.WriteCapacityUnits) {
			return fmt.Sprintf("%d/%d RCU/WCU → %d/%d", d.ProvisionedThroughput.ReadCapacityUnits, d.ProvisionedThroughput.WriteCapacityUnits,
				*p.ReadCapacityUnits, *p.WriteCapacityUnits)
		}
	}
	return ""
}

func streamView(s *engine.StreamSpecification) string {
	if s == nil || s.StreamEnabled == nil || !*s.StreamEnabled {
		return ""
	}
	return s.StreamViewType
}

func streamDiffers(t *Table, d *engine.TableDescription) string {
	want, have := streamView(t.StreamSpecification), streamView(d.StreamSpecification)
	if want == have {
		return ""
	}
	return orNone(have) + " → " + orNone(want)
}

// Apply makes b's tables the model's (creating tables, adding GSIs,
// setting billing, streams and TTL; dropping and recreating what changed
// only with opts.AllowDestructive), writes the sample items and saves the
// access patterns as saved queries. Tables of b the model does not name
// are left alone.
func Apply(ctx context.Context, b sessions.Backend, m *Model, opts Options) (*Report, error) {
	if opts.Sleep == nil {
		opts.Sleep = sessions.Sleep
	}
	changes, err := Plan(ctx, b, m)
	if err != nil {
		return nil, err
	}
	if d := changes.Destructive(); len(d) > 0 && !opts.AllowDestructive {
		return nil, &DestructiveError{Changes: d}
	}
	rep := &Report{Changes: changes, Items: map[string]int{}}
	for _, c := range changes {
		if err := apply(ctx, b, m.Table(c.Table), c, opts); err != nil {
			return rep, fmt.Errorf("model: %s: %w", c, err)
		}
	}
	if !opts.NoItems {
		for i := range m.Tables {
			t := &m.Tables[i]
			if err := writeItems(ctx, b, t.TableName, t.Items, opts); err != nil {
				return rep, fmt.Errorf("model: items of %s: %w", t.TableName, err)
			}
			rep.Items[t.TableName] = len(t.Items)
		}
	}
	dir := opts.QueriesDir
	if dir == "" && opts.Session != "" {
		if dir, err = opts.Home.QueriesDir(opts.Session); err != nil {
			return rep, err
		}
	}
	if dir != "" {
		for i := range m.AccessPatterns {
			ap := &m.AccessPatterns[i]
			text, err := ap.QueryText()
			if err != nil {
				return rep, err
			}
			q, _, err := sessions.SaveQueryIn(dir, ap.Name, text)
			if err != nil {
				return rep, fmt.Errorf("model: %w", err)
			}
			rep.Queries = append(rep.Queries, *q)
		}
	}
	if opts.Session != "" {
		if err := SaveSessionModel(opts.Home, opts.Session, m); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// apply makes one change.
func apply(ctx context.Context, b sessions.Backend, t *Table, c Change, opts Options) error {
	up, _ := b.(tableUpdater)
	needUpdate := func() error {
		if up == nil {
			return errors.New("the backend cannot UpdateTable")
		}
		return nil
	}
	switch c.Kind {
	case CreateTable, RecreateTable:
		if c.Kind == RecreateTable {
			if _, err := b.DeleteTable(ctx, &engine.DeleteTableInput{TableName: t.TableName}); err != nil {
				return err
			}
			if err := waitGone(ctx, b, t.TableName, opts); err != nil {
				return err
			}
		}
		if _, err := b.CreateTable(ctx, t.CreateTableInput()); err != nil {
			return err
		}
		if err := waitActive(ctx, b, t.TableName, opts); err != nil {
			return err
		}
		if t.TimeToLiveAttribute != "" {
			return setTTL(ctx, b, t, "")
		}
	case AddIndex, DropIndex, ReplaceIndex:
		if err := needUpdate(); err != nil {
			return err
		}
		if c.Kind != AddIndex {
			if _, err := up.UpdateTable(ctx, &engine.UpdateTableInput{TableName: t.TableName,
				GlobalSecondaryIndexUpdates: []engine.GlobalSecondaryIndexUpdate{{Delete: &engine.DeleteGlobalSecondaryIndexAction{IndexName: c.Index}}}}); err != nil {
				return err
			}
			if err := waitActive(ctx, b, t.TableName, opts); err != nil {
				return err
			}
		}
		if c.Kind == DropIndex {
			return nil
		}
		i := slices.IndexFunc(t.GlobalSecondaryIndexes, func(g engine.GlobalSecondaryIndex) bool { return g.IndexName == c.Index })
		g := t.GlobalSecondaryIndexes[i]
		var defs []engine.AttributeDefinition
		for _, k := range g.KeySchema {
			defs = append(defs, engine.AttributeDefinition{AttributeName: k.AttributeName, AttributeType: t.attrType(k.AttributeName)})
		}
		if _, err := up.UpdateTable(ctx, &engine.UpdateTableInput{TableName: t.TableName, AttributeDefinitions: defs,
			GlobalSecondaryIndexUpdates: []engine.GlobalSecondaryIndexUpdate{{Create: &g}}}); err != nil {
			return err
		}
		return waitActive(ctx, b, t.TableName, opts)
	case SetBilling:
		if err := needUpdate(); err != nil {
			return err
		}
		in := &engine.UpdateTableInput{TableName: t.TableName, BillingMode: billingMode(t), ProvisionedThroughput: t.ProvisionedThroughput}
		d, err := describe(ctx, b, t.TableName)
		if err != nil {
			return err
		}
		if in.BillingMode == engine.BillingProvisioned {
			// Switching to PROVISIONED needs the throughput of every GSI
			// the table has (those the model adds come with theirs).
			for _, g := range t.GlobalSecondaryIndexes {
				exists := slices.ContainsFunc(d.GlobalSecondaryIndexes, func(x engine.GlobalSecondaryIndexDescription) bool { return x.IndexName == g.IndexName })
				if g.ProvisionedThroughput != nil && exists {
					in.GlobalSecondaryIndexUpdates = append(in.GlobalSecondaryIndexUpdates, engine.GlobalSecondaryIndexUpdate{
						Update: &engine.UpdateGlobalSecondaryIndexAction{IndexName: g.IndexName, ProvisionedThroughput: g.ProvisionedThroughput}})
				}
			}
		}
		if _, err := up.UpdateTable(ctx, in); err != nil {
			return err
		}
		return waitActive(ctx, b, t.TableName, opts)
	case SetStream:
		if err := needUpdate(); err != nil {
			return err
		}
		d, err := describe(ctx, b, t.TableName)
		if err != nil {
			return err
		}
		if streamView(d.StreamSpecification) != "" { // the service changes a stream's view by disabling it first
			off := false
			if _, err := up.UpdateTable(ctx, &engine.UpdateTableInput{TableName: t.TableName, StreamSpecification: &engine.StreamSpecification{StreamEnabled: &off}}); err != nil {
				return err
			}
		}
		if streamView(t.StreamSpecification) != "" {
			if _, err := up.UpdateTable(ctx, &engine.UpdateTableInput{TableName: t.TableName, StreamSpecification: t.StreamSpecification}); err != nil {
				return err
			}
		}
		return waitActive(ctx, b, t.TableName, opts)
	case SetTTL:
		cur, _, _ := strings.Cut(c.Detail, " → ")
		if cur == "none" {
			cur = ""
		}
		return setTTL(ctx, b, t, cur)
	}
	return nil
}

// setTTL disables TTL on cur (when set) and enables it on the model's
// attribute (when set).
func setTTL(ctx context.Context, b sessions.Backend, t *Table, cur string) error {
	tb, ok := b.(ttlBackend)
	if !ok {
		return errors.New("the backend cannot UpdateTimeToLive")
	}
	set := func(name string, on bool) error {
		_, err := tb.UpdateTimeToLive(ctx, &engine.UpdateTimeToLiveInput{TableName: t.TableName,
			TimeToLiveSpecification: &engine.TimeToLiveSpecification{AttributeName: &name, Enabled: &on}})
		return err
	}
	if cur != "" {
		if err := set(cur, false); err != nil {
			return err
		}
	}
	if t.TimeToLiveAttribute != "" {
		return set(t.TimeToLiveAttribute, true)
	}
	return nil
}

// pollInterval is the pause between DescribeTable calls while a table or
// index is built; maxPolls bounds the wait.
const (
	pollInterval = time.Second
	maxPolls     = 600
)

// waitActive waits until the table and its GSIs are ACTIVE and no GSI is
// being deleted.
func waitActive(ctx context.Context, b sessions.Backend, table string, opts Options) error {
	for range maxPolls {
		if mt, ok := b.(maintainer); ok {
			if err := mt.RunMaintenance(); err != nil {
				return err
			}
		}
		d, err := describe(ctx, b, table)
		if err != nil {
			return err
		}
		if d == nil {
			return fmt.Errorf("table %s went away", table)
		}
		if ready(d) {
			return nil
		}
		if err := opts.Sleep(ctx, pollInterval); err != nil {
			return err
		}
	}
	return fmt.Errorf("table %s is not ACTIVE after %d polls", table, maxPolls)
}

func ready(d *engine.TableDescription) bool {
	if d.TableStatus != engine.StatusActive {
		return false
	}
	for _, g := range d.GlobalSecondaryIndexes {
		if g.IndexStatus != "" && g.IndexStatus != engine.StatusActive {
			return false
		}
	}
	return true
}

func waitGone(ctx context.Context, b sessions.Backend, table string, opts Options) error {
	for range maxPolls {
		d, err := describe(ctx, b, table)
		if err != nil || d == nil {
			return err
		}
		if err := opts.Sleep(ctx, pollInterval); err != nil {
			return err
		}
	}
	return fmt.Errorf("table %s is still being deleted after %d polls", table, maxPolls)
}

// batchSize is BatchWriteItem's limit of requests.
const batchSize = 25

// writeItems puts items 25 per BatchWriteItem, retrying unprocessed items
// with capped exponential backoff.
func writeItems(ctx context.Context, b sessions.Backend, table string, items []attr.Item, opts Options) error {
	for len(items) > 0 {
		n := min(batchSize, len(items))
		reqs := make([]engine.WriteRequest, n)
		for i, it := range items[:n] {
			reqs[i] = engine.WriteRequest{PutRequest: &engine.PutRequest{Item: it}}
		}
		delay := 50 * time.Millisecond
		for tries := 0; len(reqs) > 0; tries++ {
			if tries == 10 {
				return fmt.Errorf("%d items still unprocessed after %d tries", len(reqs), tries)
			}
			out, err := b.BatchWriteItem(ctx, &engine.BatchWriteItemInput{RequestItems: map[string][]engine.WriteRequest{table: reqs}})
			if err != nil {
				return err
			}
			if reqs = out.UnprocessedItems[table]; len(reqs) > 0 {
				if err := opts.Sleep(ctx, delay); err != nil {
					return err
				}
				delay = min(2*delay, 2*time.Second)
			}
		}
		items = items[n:]
	}
	return nil
}
