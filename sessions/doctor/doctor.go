package doctor

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/engine/pricing"
	"dynalab/partiql"
	"dynalab/sessions"
	"dynalab/sessions/model"
)

// Severity says how much a finding matters.
type Severity int

// The severities, least first.
const (
	Info    Severity = iota // worth knowing; no action needed
	Warning                 // costs more, or risks failure under load
	Error                   // a hard limit is reached or about to be
)

var severityNames = [...]string{"info", "warning", "error"}

func (s Severity) String() string {
	if s < Info || s > Error {
		return fmt.Sprintf("Severity(%d)", int(s))
	}
	return severityNames[s]
}

// MarshalText writes the severity's name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a severity's name.
func (s *Severity) UnmarshalText(b []byte) error {
	i := slices.Index(severityNames[:], string(b))
	if i < 0 {
		return fmt.Errorf("unknown severity %q", b)
	}
	*s = Severity(i)
	return nil
}

// The checks' ids.
const (
	CheckScan                  = "scan"
	CheckFilteredQuery         = "filtered-query"
	CheckPatternError          = "pattern-error"
	CheckUnusedGSI             = "unused-gsi"
	CheckProjectionFetch       = "projection-fetch"
	CheckHotKey                = "hot-key"
	CheckThrottled             = "throttled"
	CheckProvisionedIdle       = "provisioned-idle"
	CheckLargeItem             = "large-item"
	CheckItemNearLimit         = "item-near-limit"
	CheckCollectionNearLimit   = "collection-near-limit"
	CheckTTLOff                = "ttl-off"
	CheckPITROff               = "pitr-off"
	CheckDeletionProtectionOff = "deletion-protection-off"
)

// Finding is one problem the doctor found.
type Finding struct {
	Severity Severity `json:"severity"`
	Table    string   `json:"table"`
	Index    string   `json:"index"` // "" when it concerns the table
	Check    string   `json:"check"`
	Evidence string   `json:"evidence"`
	Fix      string   `json:"fix"`
}

// Report is what the doctor found, most severe first, then by table,
// index, check and evidence: the same session gives the same order.
type Report struct {
	Findings []Finding `json:"findings"`
}

// Failed reports whether anything is above Info.
func (r *Report) Failed() bool {
	return slices.ContainsFunc(r.Findings, func(f Finding) bool { return f.Severity > Info })
}

// Count returns how many findings have the severity.
func (r *Report) Count(s Severity) int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity == s {
			n++
		}
	}
	return n
}

// DB is what the doctor reads of a local database: its tables, their
// settings and items. *sessions.Local has it.
type DB interface {
	ListTables(ctx context.Context, in *engine.ListTablesInput) (*engine.ListTablesOutput, error)
	DescribeTable(ctx context.Context, in *engine.DescribeTableInput) (*engine.DescribeTableOutput, error)
	DescribeTimeToLive(ctx context.Context, in *engine.DescribeTimeToLiveInput) (*engine.DescribeTimeToLiveOutput, error)
	DescribeContinuousBackups(ctx context.Context, in *engine.DescribeContinuousBackupsInput) (*engine.DescribeContinuousBackupsOutput, error)
	Scan(ctx context.Context, in *engine.ScanInput) (*engine.ScanOutput, error)
	GetItem(ctx context.Context, in *engine.GetItemInput) (*engine.GetItemOutput, error)
}

// Pattern is a saved access pattern: a PartiQL statement with its
// parameters, or an API request.
type Pattern struct {
	Name       string
	Statement  string
	Parameters []attr.Value
	Request    *model.Request
}

// Input is what the doctor examines.
type Input struct {
	DB       DB
	Executor *partiql.Executor // plans and explains the patterns on DB
	Patterns []Pattern
	// Capacity is the session's capacity history (sessions.ReadCapacity).
	Capacity []sessions.CapacityMinute
	// Prices are the prices of cost comparisons; the zero Table is
	// pricing.Default().
	Prices pricing.Table
	// CollectionLimit is the item-collection size limit; 0 is the
	// service's 10 GB.
	CollectionLimit int64
}

// Run examines the session and returns its findings.
func Run(ctx context.Context, in Input) (*Report, error) {
	if in.Prices == (pricing.Table{}) {
		in.Prices = pricing.Default()
	}
	if in.CollectionLimit <= 0 {
		in.CollectionLimit = engine.DefaultItemCollectionLimit
	}
	tables, err := describeAll(ctx, in.DB)
	if err != nil {
		return nil, err
	}
	r := &Report{Findings: []Finding{}}
	uses, err := checkPatterns(ctx, in, tables, r)
	if err != nil {
		return nil, err
	}
	checkUnusedGSIs(in, tables, uses, r)
	checkTraffic(in, r)
	for _, t := range tables {
		if err := checkTable(ctx, in, t, r); err != nil {
			return nil, err
		}
	}
	slices.SortFunc(r.Findings, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(b.Severity, a.Severity), cmp.Compare(a.Table, b.Table), cmp.Compare(a.Index, b.Index),
			cmp.Compare(a.Check, b.Check), cmp.Compare(a.Evidence, b.Evidence), cmp.Compare(a.Fix, b.Fix))
	})
	return r, nil
}

func (r *Report) add(f Finding) { r.Findings = append(r.Findings, f) }

// describeAll describes every table, in name order.
func describeAll(ctx context.Context, db DB) ([]*engine.TableDescription, error) {
	var out []*engine.TableDescription
	in := &engine.ListTablesInput{}
	for {
		page, err := db.ListTables(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("list tables: %w", err)
		}
		for _, name := range page.TableNames {
			d, err := db.DescribeTable(ctx, &engine.DescribeTableInput{TableName: name})
			if err != nil {
				return nil, fmt.Errorf("describe table %s: %w", name, err)
			}
			out = append(out, d.Table)
		}
		if page.LastEvaluatedTableName == "" {
			break
		}
		in.ExclusiveStartTableName = page.LastEvaluatedTableName
	}
	slices.SortFunc(out, func(a, b *engine.TableDescription) int { return cmp.Compare(a.TableName, b.TableName) })
	return out, nil
}

// tableNamed returns the described table, or nil.
func tableNamed(tables []*engine.TableDescription, name string) *engine.TableDescription {
	for _, t := range tables {
		if t.TableName == name {
			return t
		}
	}
	return nil
}
