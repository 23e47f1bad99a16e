package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"dynalab/sessions"
	"dynalab/sessions/doctor"
	"dynalab/ui/common"
)

// newDoctorCmd is "dynalab doctor": the modeling checklist applied to a
// session (sessions/doctor).
func newDoctorCmd() *cobra.Command {
	var session string
	var asJSON bool
	c := &cobra.Command{
		Use:   "doctor [--session NAME] [--json]",
		Short: "check a session's design: scans, unused indexes, hot keys, item sizes, TTL and backups",
		Long: `Apply the closing checklist of DynamoDB data modeling to a session and list
what it finds, each with its severity, table and index, a check id, the
evidence and a fix:

  scan, filtered-query     every saved access pattern (the session's saved queries
                           and its model's access patterns) EXPLAINed: Scans, with the
                           index that serves them or the GSI to add
  unused-gsi               GSIs that no saved pattern and no recorded read uses
  projection-fetch         patterns reading attributes their index does not project
  hot-key, throttled       from the capacity history the workbench and dynalab serve
  provisioned-idle         record while they run (a minute at a time, the last 7 days),
                           with on-demand and provisioned monthly costs
  large-item,              items over 100 KB or near 400 KB; item collections near
  item-near-limit,         10 GB on tables with local secondary indexes
  collection-near-limit
  ttl-off, pitr-off,       TTL off where an attribute like expiresAt holds epoch
  deletion-protection-off  seconds; PITR and deletion protection off on tables whose
                           name says production (prod, production, prd, live)

Severities: error, a hard limit reached or about to be (writes will fail);
warning, costs more or risks failure under load; info, worth knowing. The exit
status is 0 when nothing is above info and 1 otherwise, so it can run in CI.

The session's database is opened read-only and unthrottled (the doctor reads
every item); a workbench or server holding it must be stopped first.`,
		Example: `  dynalab sample load product-catalog --session lab && dynalab doctor --session lab
  dynalab doctor --session lab --json | jq '.findings[] | select(.severity != "info")'`,
		Args: names(0),
		RunE: func(c *cobra.Command, args []string) error {
			return runDoctor(c, session, asJSON)
		},
	}
	c.Flags().StringVar(&session, "session", "", "session to examine (default: the default session)")
	c.Flags().BoolVar(&asJSON, "json", false, `print {"findings":[{"severity","table","index","check","evidence","fix"}]}`)
	completeFlag(c, "session", completeSessions)
	return c
}

func runDoctor(c *cobra.Command, session string, asJSON bool) (err error) {
	home, err := dataHome(c)
	if err != nil {
		return err
	}
	sel := sessions.Selector{Home: home, Session: session, ReadOnly: true, NoThrottle: true}
	name := sel.SessionName()
	local, err := openLocalSession(c.Context(), "doctor", sel)
	if err != nil {
		return err
	}
	defer closing(&err, local)
	in, err := doctor.ForSession(home, name, local)
	if err != nil {
		return err
	}
	rep, err := doctor.Run(c.Context(), in)
	if err != nil {
		return fmt.Errorf("doctor: %w", err)
	}
	out := c.OutOrStdout()
	if asJSON {
		enc := json.NewEncoder(out)
		enc.SetEscapeHTML(false) // statements hold < and >
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else if err := writeDoctor(out, name, in, rep); err != nil {
		return err
	}
	if rep.Failed() {
		return fmt.Errorf("doctor: session %q: %s", name, doctorCounts(rep))
	}
	return nil
}

// writeDoctor prints the findings for people.
func writeDoctor(w io.Writer, session string, in doctor.Input, rep *doctor.Report) error {
	var b strings.Builder
	for _, f := range rep.Findings {
		where := f.Table
		if f.Index != "" {
			where += "." + f.Index
		}
		if where == "" {
			where = "(session)"
		}
		fmt.Fprintf(&b, "%-7s  %s  %s\n", strings.ToUpper(f.Severity.String()), where, f.Check)
		fmt.Fprintf(&b, "  evidence: %s\n  fix:      %s\n\n", f.Evidence, f.Fix)
	}
	fmt.Fprintf(&b, "Session %q: %s; %s examined, %s of capacity history.\n", session, doctorCounts(rep),
		common.Plural(len(in.Patterns), "access pattern"), common.Plural(len(in.Capacity), "table-minute"))
	_, err := io.WriteString(w, b.String())
	return err
}

func doctorCounts(rep *doctor.Report) string {
	if len(rep.Findings) == 0 {
		return "no findings"
	}
	return fmt.Sprintf("%s, %s, %d info", common.Plural(rep.Count(doctor.Error), "error"),
		common.Plural(rep.Count(doctor.Warning), "warning"), rep.Count(doctor.Info))
}
