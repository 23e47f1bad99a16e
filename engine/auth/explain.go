package auth

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"dynalab/engine"
)

// Operation returns the operation of the request, e.g. "GetItem".
func (r *Result) Operation() string {
	_, op, ok := strings.Cut(r.Target, ".")
	if !ok {
		return r.Target
	}
	return op
}

// Resource returns the resource of the deciding check, shortened to what
// follows "table/" ("AppTable", "AppTable/index/ByDate"), or "".
func (r *Result) Resource() string {
	if len(r.Decisions) == 0 {
		return ""
	}
	res := r.Decisions[len(r.Decisions)-1].Check.Resource
	if i := strings.Index(res, ":table/"); i >= 0 {
		return res[i+len(":table/"):]
	}
	return res
}

// Summary says in one line who asked and what was decided, by which
// statement of which policy: "u123 allowed by OwnItemsOnly (identity-based
// policy)", "u123 denied by DenyDeletes (resource-based policy of
// AppTable)", "u123 denied: no policy allows dynamodb:Scan",
// "unauthenticated: InvalidSignatureException".
func (r *Result) Summary() string {
	if r.User == nil {
		return "unauthenticated: " + errorText(r.Err)
	}
	who := r.Principal.UserID
	if len(r.Decisions) == 0 {
		if r.Err != nil {
			return who + " refused: " + errorText(r.Err)
		}
		return who + " authenticated"
	}
	if r.Allowed() {
		var by []string
		for i := range r.Decisions {
			if s := r.Decisions[i].by(); !contains(by, s) {
				by = append(by, s)
			}
		}
		return who + " allowed by " + strings.Join(by, ", ")
	}
	d := &r.Decisions[len(r.Decisions)-1]
	switch {
	case d.Reason != "":
		return who + " denied: the resource-based policy of " + d.Table + " cannot be evaluated"
	case d.Outcome == ExplicitDeny:
		return who + " denied by " + d.by()
	}
	return who + " denied: no policy allows " + d.Check.Action
}

// by names the deciding statement and its policy.
func (d *Decision) by() string {
	where := d.Policy.String() + " policy"
	if d.Policy == ResourceBased {
		where += " of " + d.Table
	}
	if d.Statement == nil {
		return where
	}
	return d.Statement.Name() + " (" + where + ")"
}

// Explanation renders the result for people, line by line: the verdict,
// then per check its action, resource and condition keys, what decided
// it and the trace of every statement evaluated.
func (r *Result) Explanation() []string {
	var out []string
	head := r.Operation()
	if r.User != nil {
		head += " by " + r.Principal.ARN
	}
	verdict := "ALLOWED"
	if !r.Allowed() {
		verdict = "DENIED"
	}
	out = append(out, head+": "+verdict)
	if r.Err != nil {
		out = append(out, "  "+errorText(r.Err))
	}
	for i := range r.Decisions {
		d := &r.Decisions[i]
		out = append(out, fmt.Sprintf("check %d: %s on %s", i+1, d.Check.Action, d.Check.Resource))
		if len(d.Check.Keys) > 0 {
			keys := make([]string, 0, len(d.Check.Keys))
			for k := range d.Check.Keys {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				out = append(out, fmt.Sprintf("  %s = %q", k, d.Check.Keys[k]))
			}
		}
		switch {
		case d.Reason != "":
			out = append(out, "  denied "+d.Reason)
		case d.Statement != nil:
			out = append(out, fmt.Sprintf("  %s by %s", d.Outcome, d.by()))
		default:
			out = append(out, fmt.Sprintf("  %s: no statement allows it", d.Outcome))
		}
		for _, t := range d.Trace {
			out = append(out, "    "+t)
		}
	}
	return out
}

func errorText(err error) string {
	if err == nil {
		return ""
	}
	var api *engine.APIError
	if errors.As(err, &api) {
		if api.Message == "" {
			return api.Code
		}
		return api.Code + ": " + api.Message
	}
	return err.Error()
}
