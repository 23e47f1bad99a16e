package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"dynalab/engine/pricing"
)

// The largest item DynamoDB stores.
const maxItemBytes = 400 << 10

// calcOptions are calc's flags, as given.
type calcOptions struct {
	itemSize, reads, writes, storage, gsis, gsiShare, streamReads, prices, output string
	strong, eventual, txReads, txWrites                                           bool
}

// newCalcCmd is "dynalab calc": the capacity and cost arithmetic of
// engine/pricing on the command line.
func newCalcCmd() *cobra.Command {
	var o calcOptions
	c := &cobra.Command{
		Use: "calc --item-size SIZE [--reads N] [--strong | --eventual | --transactional]\n" +
			"               [--writes N] [--transactional-writes] [--storage SIZE] [--gsis N] [--gsi-share F]\n" +
			"               [--stream-reads N] [--prices FILE] [-o text|json]",
		Short: "capacity units, partitions and monthly cost for a workload",
		Long: `Compute the capacity a steady workload needs, the partitions it implies and
what it costs a month, on demand and provisioned. Sizes are binary (1 KB = 1024 B).

  read units   ceil(item size / 4 KB) per read: × 0.5 eventually consistent (the
               default), × 1 --strong, × 2 --transactional; at least 0.5
  write units  ceil(item size / 1 KB) per write, × 2 --transactional-writes; each
               GSI is written again at the item's size (× 1 even in a transaction)
  partitions   max(ceil(RCU / 3000 + WCU / 1000), ceil(storage / 10 GB), 1)
  on demand    request units a month (rate × 2,628,000 s) × the price per million
  provisioned  whole units (at least 1) × 730 hours × the hourly price
  storage      (table + each GSI's share) × the price per GB-month

Prices are the us-east-1 Standard table class list prices (November 2024). For
another region or Standard-IA, --prices FILE reads a JSON table that gives every
price in US dollars (these are the built-in ones):
  {"name": "us-east-1 Standard", "readRequestPerMillion": 0.125,
   "writeRequestPerMillion": 0.625, "rcuHour": 0.00013, "wcuHour": 0.00065,
   "storageGBMonth": 0.25, "streamReadRequestPer100K": 0.02}`,
		Example: `  dynalab calc --item-size 10KB --reads 200 --strong
  dynalab calc --item-size 1.5KB --reads 500 --writes 10 --gsis 2 --storage 25GB -o json`,
		Args: files(0, 0, ""),
		RunE: func(c *cobra.Command, args []string) error {
			if c.Flags().NFlag() == 0 {
				fmt.Fprint(c.ErrOrStderr(), c.UsageString())
				return errUsage
			}
			return calc(c, o)
		},
	}
	fs := c.Flags()
	fs.StringVar(&o.itemSize, "item-size", "", "size of each item read or written: `SIZE` such as 10KB, 1.5KB or 800 (bytes)")
	fs.StringVar(&o.reads, "reads", "", "single-item reads a second (`N`)")
	fs.BoolVar(&o.strong, "strong", false, "reads are strongly consistent (ConsistentRead)")
	fs.BoolVar(&o.eventual, "eventual", false, "reads are eventually consistent (the default)")
	fs.BoolVar(&o.txReads, "transactional", false, "reads are made in transactions (TransactGetItems)")
	fs.StringVar(&o.writes, "writes", "", "single-item writes a second (`N`)")
	fs.BoolVar(&o.txWrites, "transactional-writes", false, "writes are made in transactions (TransactWriteItems)")
	fs.StringVar(&o.storage, "storage", "", "data stored in the table, without indexes: `SIZE` such as 25GB")
	fs.StringVar(&o.gsis, "gsis", "", "global secondary indexes (`N`); each receives the table's writes")
	fs.StringVar(&o.gsiShare, "gsi-share", "", "`F`raction of the items, and so of the writes, each GSI holds: 0 < F ≤ 1 (default 1)")
	fs.StringVar(&o.streamReads, "stream-reads", "", "DynamoDB Streams GetRecords calls a second (`N`); Lambda triggers read for free")
	fs.StringVar(&o.prices, "prices", "", "JSON price table `FILE` to use instead of the us-east-1 Standard list prices")
	fs.StringVarP(&o.output, "output", "o", "text", "output `FORMAT`: text or json")
	for _, name := range []string{"item-size", "reads", "writes", "storage", "gsis", "gsi-share", "stream-reads"} {
		completeFlag(c, name, noCompletions)
	}
	completeFlag(c, "output", fixedChoices("text", "json"))
	return c
}

// calc computes and prints the estimate.
func calc(c *cobra.Command, o calcOptions) error {
	stdout, stderr := c.OutOrStdout(), c.ErrOrStderr()
	kind, err := readKind(o.strong, o.eventual, o.txReads)
	if err != nil {
		return calcUsage(stderr, err)
	}
	u := pricing.Usage{Traffic: pricing.Traffic{ReadKind: kind, TransactionalWrites: o.txWrites}, GSIShare: 1}
	var errs []error
	u.ReadsPerSecond, err = parseRate("reads", o.reads)
	errs = append(errs, err)
	u.WritesPerSecond, err = parseRate("writes", o.writes)
	errs = append(errs, err)
	u.StreamReadsPerSecond, err = parseRate("stream-reads", o.streamReads)
	errs = append(errs, err)
	u.StorageBytes, err = parseStorage(o.storage)
	errs = append(errs, err)
	u.GSIs, err = parseGSIs(o.gsis)
	errs = append(errs, err)
	if o.gsiShare != "" {
		u.GSIShare, err = parseShare(o.gsiShare)
		errs = append(errs, err)
	}
	u.ItemBytes, err = parseItemSize(o.itemSize)
	errs = append(errs, err)
	if err := errors.Join(errs...); err != nil {
		return calcUsage(stderr, err)
	}
	if u.ReadsPerSecond == 0 && u.WritesPerSecond == 0 {
		return calcUsage(stderr, errors.New("no traffic: give --reads N and/or --writes N (a second)"))
	}
	if u.ItemBytes == 0 {
		return calcUsage(stderr, errors.New("give --item-size, the size of each item read or written (like 4KB)"))
	}
	if o.output != "text" && o.output != "json" {
		return calcUsage(stderr, fmt.Errorf("-o %s: want text or json", o.output))
	}
	table := pricing.Default()
	if o.prices != "" {
		if table, err = pricing.LoadTable(o.prices); err != nil {
			return err
		}
	}
	res := calculate(u, table)
	if o.output == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	return writeCalc(stdout, res)
}

// calcUsage reports a mistake on one line and makes it a usage error.
// Several mistakes at once are reported on the first's line, joined.
func calcUsage(stderr io.Writer, err error) error {
	fmt.Fprintln(stderr, "dynalab calc:", strings.ReplaceAll(err.Error(), "\n", "; "))
	return errUsage
}

func readKind(strong, eventual, transactional bool) (pricing.ReadKind, error) {
	switch {
	case btoi(strong)+btoi(eventual)+btoi(transactional) > 1:
		return 0, errors.New("--strong, --eventual and --transactional are alternatives; give one")
	case strong:
		return pricing.Strong, nil
	case transactional:
		return pricing.Transactional, nil
	}
	return pricing.Eventual, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// parseRate reads a per-second rate flag: a number, zero or more.
func parseRate(name, s string) (float64, error) {
	if s == "" {
		return 0, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	switch {
	case err != nil || math.IsNaN(v) || math.IsInf(v, 0):
		return 0, fmt.Errorf("--%s %s: want a number a second, like 200 or 0.5", name, s)
	case v < 0:
		return 0, fmt.Errorf("--%s %s: a rate cannot be negative", name, s)
	}
	return v, nil
}

func parseItemSize(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	n, err := pricing.ParseSize(s)
	switch {
	case err != nil:
		return 0, fmt.Errorf("--item-size: %w", err)
	case n == 0:
		return 0, fmt.Errorf("--item-size %s: an item has at least one byte", s)
	case n > maxItemBytes:
		return 0, fmt.Errorf("--item-size %s: larger than DynamoDB's 400 KB item limit", s)
	}
	return n, nil
}

func parseStorage(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	n, err := pricing.ParseSize(s)
	if err != nil {
		return 0, fmt.Errorf("--storage: %w", err)
	}
	return n, nil
}

func parseGSIs(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	switch {
	case err != nil:
		return 0, fmt.Errorf("--gsis %s: want a whole number of indexes", s)
	case n < 0:
		return 0, fmt.Errorf("--gsis %s: cannot be negative", s)
	}
	return n, nil
}

func parseShare(s string) (float64, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || !(v > 0 && v <= 1) {
		return 0, fmt.Errorf("--gsi-share %s: want a fraction more than 0 and at most 1, like 0.25", s)
	}
	return v, nil
}

// calcResult is everything `dynalab calc` works out; -o json prints it.
type calcResult struct {
	Usage        pricing.Usage        `json:"usage"`
	Requirement  pricing.Requirement  `json:"requirement"`
	GSIWCU       float64              `json:"gsiWCU"` // each GSI's write units a second
	Partitions   pricing.Partitions   `json:"partitions"`
	Provisioning pricing.Provisioning `json:"provisioning"`
	OnDemand     pricing.Estimate     `json:"onDemand"`
	Provisioned  pricing.Estimate     `json:"provisioned"`
	Prices       pricing.Table        `json:"prices"`
}

func calculate(u pricing.Usage, t pricing.Table) calcResult {
	r := pricing.Required(u.Traffic)
	return calcResult{
		Usage:        u,
		Requirement:  r,
		GSIWCU:       u.GSIWCU(),
		Partitions:   pricing.PartitionsFor(r.RCU, r.WCU, u.StorageBytes),
		Provisioning: pricing.Provision(u),
		OnDemand:     t.EstimateOnDemand(u),
		Provisioned:  t.EstimateProvisioned(u),
		Prices:       t,
	}
}

// writeCalc prints a calcResult for people: each figure with its formula.
func writeCalc(w io.Writer, res calcResult) error {
	u, r := res.Usage, res.Requirement
	units, size := pricing.FormatUnits, pricing.FormatSize(u.ItemBytes)
	var b strings.Builder
	fmt.Fprintf(&b, "Capacity for a %s item\n", size)

	reads := "none"
	if u.ReadsPerSecond > 0 {
		factor := map[pricing.ReadKind]string{pricing.Eventual: " × 0.5", pricing.Transactional: " × 2"}[u.ReadKind]
		reads = fmt.Sprintf("%s/s × ceil(%s / 4 KB)%s = %s RCU each (%s) → %s RCU",
			units(u.ReadsPerSecond), size, factor, units(r.ReadUnitsEach), u.ReadKind, units(r.RCU))
	}
	writes := "none"
	if u.WritesPerSecond > 0 {
		factor, kind := "", ""
		if u.TransactionalWrites {
			factor, kind = " × 2", " (transactional)"
		}
		writes = fmt.Sprintf("%s/s × ceil(%s / 1 KB)%s = %s WCU each%s → %s WCU",
			units(u.WritesPerSecond), size, factor, units(r.WriteUnitsEach), kind, units(r.WCU))
	}
	rows := [][2]string{{"reads", reads}, {"writes", writes}}
	needed := fmt.Sprintf("%s RCU, %s WCU", units(r.RCU), units(r.WCU))
	if u.GSIs > 0 {
		rate := units(u.WritesPerSecond) + "/s"
		if u.GSIShare < 1 {
			rate = fmt.Sprintf("%s/s (%s of %s)", units(u.WritesPerSecond*u.GSIShare), units(u.GSIShare), rate)
		}
		rows = append(rows, [2]string{"GSI writes", fmt.Sprintf("%s × ceil(%s / 1 KB) = %s WCU each → %s WCU on each of %d GSIs",
			rate, size, units(pricing.WriteUnits(u.ItemBytes, false)), units(res.GSIWCU), u.GSIs)})
		needed += fmt.Sprintf(" on the table; %s WCU on each GSI", units(res.GSIWCU))
	}
	rows = append(rows, [2]string{"needed", needed})
	writeRows(&b, "  ", rows)

	p := res.Partitions
	fmt.Fprintf(&b, "\nPartitions: %d\n", p.Total)
	writeRows(&b, "  ", [][2]string{
		{"throughput", fmt.Sprintf("ceil(%s RCU / 3000 + %s WCU / 1000) = %d", units(r.RCU), units(r.WCU), p.ForThroughput)},
		{"size", fmt.Sprintf("ceil(%s / 10 GB) = %d", pricing.FormatSize(u.StorageBytes), p.ForSize)},
	})

	fmt.Fprintf(&b, "\nMonthly cost (%d hours) at %s prices\n", pricing.HoursPerMonth, res.Prices.Name)
	prov := fmt.Sprintf("provisioned: %d RCU, %d WCU", res.Provisioning.RCU, res.Provisioning.WCU)
	if u.GSIs > 0 {
		prov += fmt.Sprintf("; each GSI %d WCU, %d RCU", res.Provisioning.GSIWCU, res.Provisioning.GSIRCU)
	}
	writeCosts(&b, []costBlock{{"on-demand", res.OnDemand}, {prov, res.Provisioned}})
	b.WriteString("\nNot counted: the free tier, reserved capacity, backups, data transfer. Provisioned\n" +
		"capacity is used at 100% here; auto scaling's default 70% target needs about 1.4×.\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// writeRows prints label–text rows with the texts aligned.
func writeRows(b *strings.Builder, indent string, rows [][2]string) {
	width := 0
	for _, r := range rows {
		width = max(width, utf8.RuneCountInString(r[0]))
	}
	for _, r := range rows {
		fmt.Fprintf(b, "%s%s  %s\n", indent, pad(r[0], width), r[1])
	}
}

// costBlock is one capacity mode's estimate under its heading.
type costBlock struct {
	heading string
	e       pricing.Estimate
}

// writeCosts prints estimates with every dollar amount right-aligned in
// one column. Lines the month does not bill (no storage, no streams…) are
// left out.
func writeCosts(b *strings.Builder, blocks []costBlock) {
	type row struct{ label, detail, money string }
	var rows []row
	labelW, moneyW := 0, 0
	for _, blk := range blocks {
		rows = append(rows, row{"  " + blk.heading, "", pricing.FormatDollars(blk.e.Total)})
		for _, l := range blk.e.Lines {
			if l.Quantity > 0 {
				rows = append(rows, row{"    " + l.Item, l.Detail, pricing.FormatDollars(l.Dollars)})
				labelW = max(labelW, utf8.RuneCountInString(l.Item)+4)
			}
		}
	}
	texts := make([]string, len(rows))
	textW := 0
	for i, r := range rows {
		texts[i] = r.label
		if r.detail != "" {
			texts[i] = pad(r.label, labelW) + "  " + r.detail
		}
		textW = max(textW, utf8.RuneCountInString(texts[i]))
		moneyW = max(moneyW, len(r.money))
	}
	for i, r := range rows {
		fmt.Fprintf(b, "%s  %*s\n", pad(texts[i], textW), moneyW, r.money)
	}
}

// pad right-pads s with spaces to width runes.
func pad(s string, width int) string {
	return s + strings.Repeat(" ", max(0, width-utf8.RuneCountInString(s)))
}
