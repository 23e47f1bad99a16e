package learn

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"dynalab/engine"
	"dynalab/partiql"
	"dynalab/ui/common"
)

// CheckFile is the name of a lesson's check file.
const CheckFile = "lesson.check"

// The check file's grammar. One directive per line; '#' starts a comment
// line; blank lines are ignored; a line ending in '\' continues on the
// next (for long statements):
//
//	file       = { setup } { task } .
//	setup      = "table:" SPEC            a table, in the REPL's .create syntax
//	           | "table-json:" JSON       a table, as a CreateTable request
//	           | "setup:" STATEMENT       a PartiQL statement run once, in order
//	           | "pad:" TABLE ATTR BYTES KEYVALUE {KEYVALUE}
//	                                      sets ATTR of an existing item to BYTES
//	                                      bytes of 'x' (key values are strings)
//	task       = "task:" ID { expect } .  ID is the {#ID} anchor of a "## " heading
//	expect     = "answer:" STATEMENT      the reference answer (exactly one)
//	           | "explain: yes"           the statement must be EXPLAIN <statement>
//	           | "plan:" OPERATION TARGET GetItem, Query, Scan, PutItem, UpdateItem or
//	                                      DeleteItem on TABLE or TABLE.INDEX
//	           | "key:" ATTR OP { "," ATTR OP }
//	                                      the key condition: OP is =, IN, <, <=, >, >=,
//	                                      BETWEEN or begins_with
//	           | "partitions:" N          a Query of N partitions (pk IN [...])
//	           | "filter:" "none" | ATTR { "," ATTR }
//	                                      the attributes the filter reads
//	           | "order:" "newest-first" | "oldest-first"
//	                                      descending or ascending sort key
//	           | "row:" KEYVALUE { KEYVALUE }
//	                                      one returned row (repeat, in order)
//	           | "rows: none"             no row returned
//	           | "unordered: yes"         rows compare in any order
//	           | "count:" N               N rows returned
//	           | "capacity:" UNITS        the capacity units consumed
//	           | "error:" CODE            the statement fails with this error
//	           | "before:" STATEMENT      run when the task starts
//	           | "after:" STATEMENT       run when the task is passed
//	           | "verify:" STATEMENT      rows/count are this statement's, run
//	                                      after the learner's (to check a write)
//	KEYVALUE   = ATTR "=" VALUE | ATTR "=" "'" TEXT "'" .
//
// Values compare as text: a string as itself, a number in canonical form,
// a boolean as true or false.

// Step is one thing a lesson's setup does.
type Step struct {
	Line      int
	Table     *engine.CreateTableInput // table: or table-json:
	Statement string                   // setup:
	Pad       *Pad                     // pad:
}

// Pad sets an attribute of an item to a string of a given size (items big
// enough to show capacity arithmetic).
type Pad struct {
	Table string
	Attr  string
	Bytes int
	Key   Row
}

// Task is one checked task of a lesson.
type Task struct {
	ID   string
	Line int // of its task: line

	Answer  string
	Explain bool
	Plan    *PlanSpec
	Key     []KeyCond
	// Partitions > 0 asks a Query of that many partitions.
	Partitions int
	Filter     []string // nil: not checked; empty (filter: none): no filter
	Order      Order
	Rows       []Row // nil: not checked; empty (rows: none): no row
	Unordered  bool
	Count      int // -1: not checked
	Capacity   float64
	HasCap     bool
	Error      string
	Before     []string
	After      []string
	Verify     string
}

// PlanSpec is the operation a task asks for, on a table or index.
type PlanSpec struct {
	Operation partiql.Operation
	Table     string
	Index     string
}

// Target renders the table or index: "Orders", "Orders.GSI1".
func (p *PlanSpec) Target() string {
	if p.Index == "" {
		return p.Table
	}
	return p.Table + "." + p.Index
}

// KeyCond is one part of a key condition: the attribute and its operator.
type KeyCond struct {
	Attr string
	Op   string // =, IN, <, <=, >, >=, BETWEEN, begins_with
}

func (k KeyCond) String() string {
	if k.Op == "begins_with" {
		return "begins_with(" + k.Attr + ", …)"
	}
	return k.Attr + " " + k.Op + " …"
}

// Order is a Query's direction.
type Order string

// The directions a task may ask.
const (
	NewestFirst Order = "newest-first" // descending sort key (ScanIndexForward false)
	OldestFirst Order = "oldest-first" // ascending
)

// Row is one expected row: attribute names and their values as text.
type Row []RowAttr

// RowAttr is one attribute of an expected row.
type RowAttr struct{ Name, Value string }

func (r Row) String() string {
	parts := make([]string, len(r))
	for i, a := range r {
		v := a.Value
		if v == "" || strings.ContainsAny(v, " \t'") {
			v = "'" + strings.ReplaceAll(v, "'", "''") + "'"
		}
		parts[i] = a.Name + "=" + v
	}
	return strings.Join(parts, " ")
}

var (
	idPattern   = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	codePattern = regexp.MustCompile(`^[A-Z][A-Za-z]+(Exception|Error)$`)
	operations  = []partiql.Operation{partiql.OperationGetItem, partiql.OperationQuery, partiql.OperationScan,
		partiql.OperationPutItem, partiql.OperationUpdateItem, partiql.OperationDeleteItem}
	keyOps = []string{"=", "IN", "<", "<=", ">", ">=", "BETWEEN", "begins_with"}
)

// checkFile is a parsed check file.
type checkFile struct {
	setup []Step
	tasks []*Task
}

// parseCheckFile reads a check file, adding every problem to ps.
func parseCheckFile(name string, r io.Reader, ps *problems) *checkFile {
	cf := &checkFile{}
	var task *Task
	seen := map[string]int{}
	answers := map[*Task]bool{}
	lines := readLines(r)
	for _, ln := range lines {
		text := strings.TrimSpace(ln.text)
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		at := func(format string, args ...any) { ps.add(name, ln.no, format, args...) }
		dir, val, ok := strings.Cut(text, ":")
		dir = strings.TrimSpace(dir)
		val = strings.TrimSpace(val)
		if !ok || strings.ContainsAny(dir, " \t") {
			at("expected a directive NAME: VALUE, got %q", clip(text))
			continue
		}
		if dir == "task" {
			task = &Task{ID: val, Line: ln.no, Count: -1}
			switch {
			case !idPattern.MatchString(val):
				at("task id %q: use lower-case letters, digits and '-' (it is the {#%s} anchor of a heading)", val, val)
			case seen[val] > 0:
				at("task %q is already defined at line %d", val, seen[val])
			default:
				seen[val] = ln.no
			}
			cf.tasks = append(cf.tasks, task)
			continue
		}
		if isSetupDirective(dir) {
			if task != nil {
				at("%s: setup directives come before the first task", dir)
				continue
			}
			if st, ok := parseSetup(dir, val, at); ok {
				st.Line = ln.no
				cf.setup = append(cf.setup, st)
			}
			continue
		}
		if !isTaskDirective(dir) {
			at("unknown directive %q (setup: table, table-json, setup, pad; task: %s)", dir, strings.Join(taskDirectives, ", "))
			continue
		}
		if task == nil {
			at("%s: belongs to a task; start one with task: ID", dir)
			continue
		}
		if dir == "answer" {
			if answers[task] {
				at("task %q has a second answer", task.ID)
				continue
			}
			answers[task] = true
		}
		parseExpect(task, dir, val, at)
	}
	for _, t := range cf.tasks {
		checkTask(t, answers[t], func(format string, args ...any) { ps.add(name, t.Line, format, args...) })
	}
	if len(cf.tasks) == 0 {
		ps.add(name, 0, "no task: a lesson needs at least one task: ID")
	}
	return cf
}

var taskDirectives = []string{"answer", "explain", "plan", "key", "partitions", "filter", "order", "row", "rows",
	"unordered", "count", "capacity", "error", "before", "after", "verify"}

func isSetupDirective(d string) bool {
	return d == "table" || d == "table-json" || d == "setup" || d == "pad"
}

func isTaskDirective(d string) bool {
	for _, t := range taskDirectives {
		if t == d {
			return true
		}
	}
	return false
}

func parseSetup(dir, val string, at func(string, ...any)) (Step, bool) {
	switch dir {
	case "table":
		in, err := common.ParseTableSpec(val)
		if err != nil {
			at("table: %v", err)
			return Step{}, false
		}
		return Step{Table: in}, true
	case "table-json":
		var in engine.CreateTableInput
		dec := json.NewDecoder(strings.NewReader(val))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&in); err != nil {
			at("table-json: not a CreateTable request: %v", err)
			return Step{}, false
		}
		if in.TableName == "" || len(in.KeySchema) == 0 {
			at("table-json: give TableName and KeySchema")
			return Step{}, false
		}
		return Step{Table: &in}, true
	case "setup":
		if !parses(val, "setup", at) {
			return Step{}, false
		}
		return Step{Statement: val}, true
	}
	// pad: TABLE ATTR BYTES KEY=VALUE...
	f := strings.Fields(val)
	if len(f) < 4 {
		at("pad: expected TABLE ATTR BYTES KEY=VALUE…, got %q", val)
		return Step{}, false
	}
	n, err := strconv.Atoi(f[2])
	if err != nil || n < 1 || n > 400_000 {
		at("pad: BYTES must be a whole number from 1 to 400000, not %q", f[2])
		return Step{}, false
	}
	key, err := parseRow(strings.Join(f[3:], " "))
	if err != nil {
		at("pad: %v", err)
		return Step{}, false
	}
	return Step{Pad: &Pad{Table: f[0], Attr: f[1], Bytes: n, Key: key}}, true
}

// parses reports whether a statement parses, saying why not at its line.
func parses(stmt, what string, at func(string, ...any)) bool {
	if _, err := partiql.Parse(stmt); err != nil {
		at("%s: the statement does not parse: %v", what, err)
		return false
	}
	return true
}

func parseExpect(t *Task, dir, val string, at func(string, ...any)) {
	switch dir {
	case "answer":
		if parses(val, "answer", at) {
			t.Answer = val
		}
	case "explain":
		b, ok := yesNo(val)
		if !ok {
			at("explain: expected yes or no, got %q", val)
		}
		t.Explain = b
	case "plan":
		p, err := parsePlan(val)
		if err != nil {
			at("plan: %v", err)
			return
		}
		t.Plan = p
	case "key":
		for _, part := range strings.Split(val, ",") {
			f := strings.Fields(part)
			if len(f) != 2 {
				at("key: expected ATTR OP, got %q", strings.TrimSpace(part))
				return
			}
			op := canonicalKeyOp(f[1])
			if op == "" {
				at("key: unknown operator %q (use %s)", f[1], strings.Join(keyOps, ", "))
				return
			}
			t.Key = append(t.Key, KeyCond{Attr: f[0], Op: op})
		}
	case "partitions":
		n, err := strconv.Atoi(val)
		if err != nil || n < 1 {
			at("partitions: expected a whole number of at least 1, got %q", val)
			return
		}
		t.Partitions = n
	case "filter":
		t.Filter = []string{}
		if val != "none" {
			for _, a := range strings.Split(val, ",") {
				if a = strings.TrimSpace(a); a == "" {
					at("filter: expected none or ATTR, ATTR…, got %q", val)
					return
				}
				t.Filter = append(t.Filter, a)
			}
		}
	case "order":
		switch Order(val) {
		case NewestFirst, OldestFirst:
			t.Order = Order(val)
		default:
			at("order: expected newest-first or oldest-first, got %q", val)
		}
	case "row":
		r, err := parseRow(val)
		if err != nil {
			at("row: %v", err)
			return
		}
		t.Rows = append(t.Rows, r)
	case "rows":
		if val != "none" {
			at("rows: the only value is none (list rows with row: lines)")
			return
		}
		if len(t.Rows) > 0 {
			at("rows: none contradicts the row: lines before it")
			return
		}
		t.Rows = []Row{}
	case "unordered":
		b, ok := yesNo(val)
		if !ok {
			at("unordered: expected yes or no, got %q", val)
		}
		t.Unordered = b
	case "count":
		n, err := strconv.Atoi(val)
		if err != nil || n < 0 {
			at("count: expected a whole number, got %q", val)
			return
		}
		t.Count = n
	case "capacity":
		f, err := strconv.ParseFloat(val, 64)
		if err != nil || f < 0 {
			at("capacity: expected capacity units (0.5, 1, 2…), got %q", val)
			return
		}
		t.Capacity, t.HasCap = f, true
	case "error":
		if !codePattern.MatchString(val) {
			at("error: expected an error code such as ConditionalCheckFailedException, got %q", val)
			return
		}
		t.Error = val
	case "before", "after", "verify":
		if !parses(val, dir, at) {
			return
		}
		switch dir {
		case "before":
			t.Before = append(t.Before, val)
		case "after":
			t.After = append(t.After, val)
		default:
			if t.Verify != "" {
				at("verify: a task has one verify statement")
				return
			}
			t.Verify = val
		}
	}
}

// checkTask reports a task that cannot be checked or contradicts itself.
func checkTask(t *Task, answered bool, at func(string, ...any)) {
	if !answered {
		at("task %q has no answer: (the reference statement)", t.ID)
	}
	if t.Plan == nil && t.Rows == nil && t.Count < 0 && !t.HasCap && t.Error == "" && t.Key == nil {
		at("task %q checks nothing: give plan:, key:, row:, count:, capacity: or error:", t.ID)
	}
	if t.Error != "" && (t.Rows != nil || t.Count >= 0 || t.HasCap) {
		at("task %q expects an error and also rows, a count or capacity: a failed statement returns none", t.ID)
	}
	if t.Error != "" && t.Plan == nil {
		at("task %q expects an error: give its plan: too, so that any failing statement does not pass", t.ID)
	}
	if t.Unordered && t.Rows == nil {
		at("task %q: unordered: applies to row: lines, and there are none", t.ID)
	}
	if t.Explain && (t.Rows != nil || t.Count >= 0 || t.Verify != "") {
		at("task %q: an EXPLAIN returns no rows; check its plan instead", t.ID)
	}
	if t.Plan != nil {
		read := t.Plan.Operation == partiql.OperationQuery || t.Plan.Operation == partiql.OperationScan || t.Plan.Operation == partiql.OperationGetItem
		if (t.Order != "" || t.Key != nil || t.Partitions > 0) && t.Plan.Operation != partiql.OperationQuery {
			at("task %q: key:, order: and partitions: describe a Query, and the plan is a %s", t.ID, t.Plan.Operation)
		}
		if !read && (t.Rows != nil || t.Count >= 0) && t.Verify == "" {
			at("task %q: a %s returns no rows; add verify: to read what it wrote", t.ID, t.Plan.Operation)
		}
	}
}

func parsePlan(val string) (*PlanSpec, error) {
	f := strings.Fields(val)
	if len(f) == 3 && strings.EqualFold(f[1], "on") {
		f = []string{f[0], f[2]}
	}
	if len(f) != 2 {
		return nil, fmt.Errorf("expected OPERATION TABLE[.INDEX], got %q", val)
	}
	var op partiql.Operation
	for _, o := range operations {
		if strings.EqualFold(string(o), f[0]) {
			op = o
		}
	}
	if op == "" {
		names := make([]string, len(operations))
		for i, o := range operations {
			names[i] = string(o)
		}
		return nil, fmt.Errorf("unknown operation %q (use %s)", f[0], strings.Join(names, ", "))
	}
	table, index, _ := strings.Cut(f[1], ".")
	if table == "" || (strings.Contains(f[1], ".") && index == "") {
		return nil, fmt.Errorf("expected TABLE or TABLE.INDEX, got %q", f[1])
	}
	return &PlanSpec{Operation: op, Table: table, Index: index}, nil
}

func canonicalKeyOp(s string) string {
	for _, o := range keyOps {
		if strings.EqualFold(o, s) {
			return o
		}
	}
	return ""
}

func yesNo(s string) (bool, bool) {
	switch strings.ToLower(s) {
	case "yes", "true":
		return true, true
	case "no", "false":
		return false, true
	}
	return false, false
}

// parseRow reads NAME=VALUE pairs; a value in single quotes may hold
// spaces (” is a quote).
func parseRow(s string) (Row, error) {
	var row Row
	seen := map[string]bool{}
	for i := 0; ; {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		if i == len(s) {
			break
		}
		eq := strings.IndexByte(s[i:], '=')
		if eq <= 0 {
			return nil, fmt.Errorf("expected NAME=VALUE at %q", clip(s[i:]))
		}
		name := s[i : i+eq]
		if strings.ContainsAny(name, " \t'") {
			return nil, fmt.Errorf("expected NAME=VALUE at %q", clip(s[i:]))
		}
		i += eq + 1
		var val strings.Builder
		if i < len(s) && s[i] == '\'' {
			i++
			closed := false
			for i < len(s) {
				if s[i] == '\'' {
					if i+1 < len(s) && s[i+1] == '\'' {
						val.WriteByte('\'')
						i += 2
						continue
					}
					i++
					closed = true
					break
				}
				val.WriteByte(s[i])
				i++
			}
			if !closed {
				return nil, fmt.Errorf("the value of %s has no closing quote", name)
			}
		} else {
			j := i
			for j < len(s) && s[j] != ' ' && s[j] != '\t' {
				j++
			}
			val.WriteString(s[i:j])
			i = j
		}
		if seen[name] {
			return nil, fmt.Errorf("%s is given twice", name)
		}
		seen[name] = true
		row = append(row, RowAttr{Name: name, Value: val.String()})
	}
	if len(row) == 0 {
		return nil, fmt.Errorf("expected NAME=VALUE pairs")
	}
	return row, nil
}

// line is one logical line of a file: continuation lines joined.
type line struct {
	no   int // the first physical line
	text string
}

func readLines(r io.Reader) []line {
	var out []line
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	no := 0
	var cur *line
	for sc.Scan() {
		no++
		t := strings.TrimRight(sc.Text(), "\r")
		if cur != nil {
			cur.text += " " + strings.TrimSpace(t)
		} else {
			out = append(out, line{no: no, text: t})
			cur = &out[len(out)-1]
		}
		if strings.HasSuffix(cur.text, `\`) {
			cur.text = strings.TrimSuffix(cur.text, `\`)
			continue
		}
		cur = nil
	}
	return out
}

func clip(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}
