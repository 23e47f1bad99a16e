package auth

import (
	"fmt"
	"strings"
)

// Check is one authorization question a request asks: may the principal
// perform Action on Resource, given the request's condition keys? A
// request asks one Check per table (and index or stream) it touches.
type Check struct {
	Action   string // e.g. "dynamodb:GetItem"
	Resource string // an ARN, or "*" for account-wide actions (ListTables)
	// Keys holds the request's condition keys, lower-cased
	// ("dynamodb:leadingkeys"); a key absent from the map is absent from
	// the request, which conditions treat differently from an empty list.
	Keys map[string][]string
}

// Principal is who a policy is evaluated for.
type Principal struct {
	UserID      string // ${aws:userid} and ${aws:username}
	AccessKeyID string
	ARN         string // arn:aws:iam::ACCOUNT:user/USERID
}

// Outcome is the result of one Check.
type Outcome uint8

// The outcomes, in the order IAM weighs them.
const (
	ImplicitDeny Outcome = iota // no statement allows it
	Allowed                     // a statement allows it and none denies it
	ExplicitDeny                // a Deny statement matches
)

func (o Outcome) String() string {
	switch o {
	case Allowed:
		return "allow"
	case ExplicitDeny:
		return "explicit-deny"
	}
	return "implicit-deny"
}

// PolicyType is the kind of policy a decision came from.
type PolicyType uint8

// The policy types: a user's identity-based policy (the auth file's), or
// a table's resource-based policy (PutResourcePolicy's).
const (
	IdentityBased PolicyType = iota
	ResourceBased
)

func (t PolicyType) String() string {
	if t == ResourceBased {
		return "resource-based"
	}
	return "identity-based"
}

// Decision records why a Check came out as it did: the teaching view of
// IAM evaluation.
type Decision struct {
	Check   Check
	Outcome Outcome
	// Statement is the statement that decided: the first Deny that
	// matched, else the first Allow that matched; nil for an implicit deny.
	Statement *Statement
	// Policy is the type of the policy that decided: Statement's, or for
	// an implicit deny the one the error names (resource-based when the
	// table has a resource policy, else identity-based).
	Policy PolicyType
	// Table is the table whose resource-based policy was evaluated too,
	// "" when none was.
	Table string
	// Reason, when set, replaces the "because ..." of the error: a
	// resource-based policy that could not be evaluated.
	Reason string
	// Trace says, per statement, why it did or did not apply, e.g.
	// `OwnItems: Allow matches` or `#2: condition ForAllValues:StringEquals
	// dynamodb:LeadingKeys not met`. With a resource-based policy too,
	// each line starts with "identity: " or "resource TABLE: ".
	Trace []string
}

// Allowed reports whether the check passed.
func (d *Decision) Allowed() bool { return d.Outcome == Allowed }

// Note is a one-line summary of the decision for logs, without spaces:
// "allow:OwnItems", "explicit-deny:NoDeletes", "implicit-deny".
// With a resource-based policy's statement: "allow:resource:Sid".
func (d *Decision) Note() string {
	if d.Statement == nil {
		return d.Outcome.String()
	}
	kind := ""
	if d.Policy == ResourceBased {
		kind = "resource:"
	}
	return d.Outcome.String() + ":" + kind + strings.ReplaceAll(d.Statement.Name(), " ", "_")
}

// Evaluate decides one Check for principal under policy p, as IAM does for
// identity-based policies: an explicit Deny wins, else an Allow is needed,
// else the request is implicitly denied. A nil policy denies everything.
func (p *Policy) Evaluate(pr Principal, c Check) Decision {
	d := Decision{Check: c}
	if p == nil {
		d.Trace = append(d.Trace, "no policy: nothing is allowed")
		return d
	}
	vars := p.Version == Version2012
	var allow *Statement
	for i := range p.Statements {
		st := &p.Statements[i]
		why := st.applies(pr, c, vars)
		if why != "" {
			d.Trace = append(d.Trace, st.Name()+": "+why)
			continue
		}
		if st.Effect == Allow && st.accountOnly(pr) {
			// IAM: an account principal delegates to the account's
			// identity-based policies; it grants nothing by itself.
			d.Trace = append(d.Trace, st.Name()+": Allow names the account, not the user: it grants nothing by itself (an identity-based policy must allow)")
			continue
		}
		d.Trace = append(d.Trace, fmt.Sprintf("%s: %s matches", st.Name(), st.Effect))
		if st.Effect == Deny {
			d.Outcome, d.Statement = ExplicitDeny, st
			return d
		}
		if allow == nil {
			allow = st
		}
	}
	if allow != nil {
		d.Outcome, d.Statement = Allowed, allow
	}
	return d
}

// applies returns "" when the statement applies to c, else why not.
func (st *Statement) applies(pr Principal, c Check, vars bool) string {
	if st.Principals != nil && !anyMatch(st.Principals, "", pr.matches) {
		return "principal " + pr.ARN + " not in Principal"
	}
	if st.NotPrincipals != nil && anyMatch(st.NotPrincipals, "", pr.matches) {
		return "principal " + pr.ARN + " in NotPrincipal"
	}
	if st.Actions != nil && !anyMatch(st.Actions, c.Action, actionMatch) {
		return "action " + c.Action + " not in Action"
	}
	if st.NotActions != nil && anyMatch(st.NotActions, c.Action, actionMatch) {
		return "action " + c.Action + " in NotAction"
	}
	res := func(pattern, s string) bool {
		if vars {
			var ok bool
			if pattern, ok = substitute(pattern, pr); !ok {
				return false
			}
		}
		return wildcardMatch(pattern, s, false)
	}
	if st.Resources != nil && !anyMatch(st.Resources, c.Resource, res) {
		return "resource " + c.Resource + " not in Resource"
	}
	if st.NotResources != nil && anyMatch(st.NotResources, c.Resource, res) {
		return "resource " + c.Resource + " in NotResource"
	}
	for i := range st.Conditions {
		cond := &st.Conditions[i]
		if !cond.holds(pr, c.Keys, vars) {
			return fmt.Sprintf("condition %s %s not met (request: %s)", cond.Operator, cond.Key, describeKey(c.Keys, cond.Key))
		}
	}
	return ""
}

// matches reports whether a Principal element's AWS value names pr: "*",
// pr's ARN, or pr's account (its id or arn:aws:iam::ACCOUNT:root). The
// second argument is unused (anyMatch's shape).
func (pr Principal) matches(value, _ string) bool {
	return value == "*" || value == pr.ARN || pr.inAccount(value)
}

// inAccount reports whether value names pr's account.
func (pr Principal) inAccount(value string) bool {
	acct := pr.account()
	return acct != "" && (value == acct || value == "arn:aws:iam::"+acct+":root")
}

// account returns the account of pr's ARN.
func (pr Principal) account() string {
	rest, ok := strings.CutPrefix(pr.ARN, "arn:aws:iam::")
	if !ok {
		return ""
	}
	acct, _, _ := strings.Cut(rest, ":")
	return acct
}

// accountOnly reports whether the statement names pr only through its
// account (no "*", not its ARN).
func (st *Statement) accountOnly(pr Principal) bool {
	if st.Principals == nil {
		return false
	}
	for _, v := range st.Principals {
		if v == "*" || v == pr.ARN {
			return false
		}
	}
	return true
}

func describeKey(keys map[string][]string, key string) string {
	v, ok := keys[key]
	if !ok {
		return "absent"
	}
	return fmt.Sprintf("%q", v)
}

func anyMatch(patterns []string, s string, match func(pattern, s string) bool) bool {
	for _, p := range patterns {
		if match(p, s) {
			return true
		}
	}
	return false
}

// actionMatch matches an action pattern: "*", "dynamodb:*", "dynamodb:Get*",
// case-insensitively, as IAM does.
func actionMatch(pattern, action string) bool {
	return wildcardMatch(pattern, action, true)
}

// holds evaluates the condition against the request's keys with IAM's
// semantics: several policy values are ORed; a negated operator holds when
// no value matches; ForAllValues holds when every request value matches
// (vacuously when there are none); ForAnyValue needs at least one; a key
// absent from the request fails a plain positive operator unless IfExists.
func (c *Condition) holds(pr Principal, keys map[string][]string, vars bool) bool {
	got, present := keys[c.Key]
	if c.Op == opNull {
		want := len(c.Values) > 0 && c.Values[0] == "true"
		return want == !present
	}
	values := c.Values
	if vars {
		values = make([]string, 0, len(c.Values))
		for _, v := range c.Values {
			if s, ok := substitute(v, pr); ok {
				values = append(values, s)
			}
		}
	}
	one := func(v string) bool { return c.matchOne(v, values) }
	switch c.Set {
	case setForAll:
		for _, v := range got {
			if !one(v) {
				return false
			}
		}
		return true
	case setForAny:
		for _, v := range got {
			if one(v) {
				return true
			}
		}
		return false
	}
	if !present {
		return c.IfExists || c.Op.negated()
	}
	if c.Op.negated() {
		// Every request value must avoid every policy value.
		for _, v := range got {
			if !one(v) {
				return false
			}
		}
		return true
	}
	for _, v := range got {
		if one(v) {
			return true
		}
	}
	return false
}

// matchOne applies the base operator to one request value: for the
// positive operators whether it matches one of the policy values, for the
// negated ones whether it matches none.
func (c *Condition) matchOne(v string, values []string) bool {
	var match func(p string) bool
	switch c.Op {
	case opStringEquals, opStringNotEquals:
		match = func(p string) bool { return p == v }
	case opStringEqualsIgnoreCase, opStringNotEqualsIgnoreCase:
		match = func(p string) bool { return strings.EqualFold(p, v) }
	case opStringLike, opStringNotLike:
		match = func(p string) bool { return wildcardMatch(p, v, false) }
	default:
		return false
	}
	found := false
	for _, p := range values {
		if match(p) {
			found = true
			break
		}
	}
	return found != c.Op.negated()
}

// substitute resolves policy variables: ${aws:userid} and ${aws:username}
// (both the user's userId, a local convention), and the escapes ${*},
// ${?} and ${$}. A simplification: an escaped * or ? still acts as a
// wildcard where the value is a pattern. ok is false when a variable cannot
// be resolved: IAM then treats the value as not matching.
func substitute(s string, pr Principal) (string, bool) {
	if !strings.Contains(s, "${") {
		return s, true
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return b.String(), true
		}
		b.WriteString(s[:i])
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			b.WriteString(s[i:])
			return b.String(), true
		}
		name := s[i+2 : i+j]
		s = s[i+j+1:]
		switch strings.ToLower(name) {
		case "aws:userid", "aws:username":
			if pr.UserID == "" {
				return "", false
			}
			b.WriteString(pr.UserID)
		case "*", "?", "$":
			b.WriteString(name)
		default:
			return "", false
		}
	}
}

// wildcardMatch reports whether s matches pattern, where * matches any run
// of characters (including none, and including '/' and ':') and ? exactly
// one. It runs in O(len(pattern)·len(s)) at worst, whatever the input.
func wildcardMatch(pattern, s string, fold bool) bool {
	if fold {
		pattern, s = strings.ToLower(pattern), strings.ToLower(s)
	}
	p, i := 0, 0
	starP, starI := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case p < len(pattern) && pattern[p] == '*':
			starP, starI = p, i
			p++
		case starP >= 0:
			p = starP + 1
			starI++
			i = starI
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}
