package auth

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Policy versions. Policy variables (${aws:userid}) are resolved only under
// Version2012; without a Version the IAM default, 2008-10-17, applies and
// "${...}" is literal text.
const (
	Version2012 = "2012-10-17"
	Version2008 = "2008-10-17"
)

// Limits on a policy document, so that a hostile auth file cannot make
// evaluation slow: far above what IAM allows (6,144 characters for an
// inline user policy).
const (
	maxPolicyBytes = 1 << 20
	maxStatements  = 1000
)

// Policy is a parsed IAM policy document: an identity-based policy (a
// user's, from the auth file) or a resource-based one (a table's, stored
// by PutResourcePolicy), whose statements name their Principal.
type Policy struct {
	Version    string
	Statements []Statement
}

// Statement is one statement of a policy.
type Statement struct {
	Sid    string // may be empty
	Index  int    // position in the document, from 0
	Effect Effect
	// Actions or NotActions (exactly one is set): patterns such as
	// "dynamodb:Get*", matched case-insensitively.
	Actions    []string
	NotActions []string
	// Resources or NotResources (exactly one is set): ARN patterns with
	// * and ?, matched case-sensitively.
	Resources    []string
	NotResources []string
	Conditions   []Condition // all must hold
	// Principals or NotPrincipals (exactly one is set in a resource-based
	// policy, neither in an identity-based one): "*", AWS principals as
	// written (an ARN, or an account id), and other kinds as
	// "Service:NAME", "Federated:NAME" or "CanonicalUser:ID", which never
	// match a user of the auth file.
	Principals    []string
	NotPrincipals []string
}

// Name returns the statement's Sid, or "#N" (its position from 1).
func (s *Statement) Name() string {
	if s.Sid != "" {
		return s.Sid
	}
	return "#" + strconv.Itoa(s.Index+1)
}

// Effect is a statement's Effect.
type Effect string

// The two effects.
const (
	Allow Effect = "Allow"
	Deny  Effect = "Deny"
)

// Condition is one key of one operator of a statement's Condition block,
// e.g. ForAllValues:StringEquals {"dynamodb:LeadingKeys": [...]}.
type Condition struct {
	Operator string   // as written, e.g. "ForAllValues:StringEquals"
	Set      setQual  // ForAllValues:/ForAnyValue: prefix, if any
	Op       opKind   // the base operator
	IfExists bool     // …IfExists suffix
	Key      string   // the condition key, lower-cased (keys are case-insensitive)
	Values   []string // as written; variables resolved at evaluation
}

type setQual uint8

const (
	setNone setQual = iota
	setForAll
	setForAny
)

type opKind uint8

const (
	opStringEquals opKind = iota
	opStringNotEquals
	opStringEqualsIgnoreCase
	opStringNotEqualsIgnoreCase
	opStringLike
	opStringNotLike
	opNull
)

var operators = map[string]opKind{
	"stringequals":              opStringEquals,
	"stringnotequals":           opStringNotEquals,
	"stringequalsignorecase":    opStringEqualsIgnoreCase,
	"stringnotequalsignorecase": opStringNotEqualsIgnoreCase,
	"stringlike":                opStringLike,
	"stringnotlike":             opStringNotLike,
	"null":                      opNull,
}

// negated reports whether the operator matches when no value matches.
func (o opKind) negated() bool {
	return o == opStringNotEquals || o == opStringNotEqualsIgnoreCase || o == opStringNotLike
}

// ParsePolicy parses an IAM policy document, refusing what this subset
// does not support rather than ignoring it: an unknown element or
// condition operator would otherwise widen or narrow access silently.
func ParsePolicy(data []byte) (*Policy, error) { return parsePolicy(data, false) }

// ParseResourcePolicy parses a resource-based policy document, such as a
// table's: like ParsePolicy, but every statement must name its Principal
// (or NotPrincipal).
func ParseResourcePolicy(data []byte) (*Policy, error) { return parsePolicy(data, true) }

func parsePolicy(data []byte, resource bool) (*Policy, error) {
	if len(data) > maxPolicyBytes {
		return nil, fmt.Errorf("policy: larger than %d bytes", maxPolicyBytes)
	}
	var doc map[string]json.RawMessage
	if err := strictUnmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("policy: %w", err)
	}
	if doc == nil {
		return nil, errors.New("policy: not a JSON object")
	}
	p := &Policy{Version: Version2008}
	var stmts []json.RawMessage
	for k, v := range doc {
		switch k {
		case "Version":
			if err := json.Unmarshal(v, &p.Version); err != nil || (p.Version != Version2012 && p.Version != Version2008) {
				return nil, fmt.Errorf("policy: Version must be %q or %q", Version2012, Version2008)
			}
		case "Id":
			var id string
			if err := json.Unmarshal(v, &id); err != nil {
				return nil, errors.New("policy: Id must be a string")
			}
		case "Statement":
			var err error
			if stmts, err = oneOrMany(v); err != nil {
				return nil, fmt.Errorf("policy: Statement: %w", err)
			}
		default:
			return nil, fmt.Errorf("policy: unsupported element %q", k)
		}
	}
	if len(stmts) == 0 {
		return nil, errors.New("policy: no Statement")
	}
	if len(stmts) > maxStatements {
		return nil, fmt.Errorf("policy: more than %d statements", maxStatements)
	}
	for i, raw := range stmts {
		st, err := parseStatement(raw, i, resource)
		if err != nil {
			return nil, fmt.Errorf("policy: statement %d: %w", i+1, err)
		}
		p.Statements = append(p.Statements, st)
	}
	return p, nil
}

func parseStatement(raw json.RawMessage, index int, resource bool) (Statement, error) {
	st := Statement{Index: index}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return st, errors.New("not a JSON object")
	}
	var err error
	for k, v := range m {
		switch k {
		case "Sid":
			if json.Unmarshal(v, &st.Sid) != nil {
				return st, errors.New("Sid must be a string")
			}
		case "Effect":
			var e string
			if json.Unmarshal(v, &e) != nil || (e != string(Allow) && e != string(Deny)) {
				return st, errors.New(`Effect must be "Allow" or "Deny"`)
			}
			st.Effect = Effect(e)
		case "Action":
			st.Actions, err = stringList(k, v)
		case "NotAction":
			st.NotActions, err = stringList(k, v)
		case "Resource":
			st.Resources, err = stringList(k, v)
		case "NotResource":
			st.NotResources, err = stringList(k, v)
		case "Condition":
			st.Conditions, err = parseConditions(v)
		case "Principal", "NotPrincipal":
			if !resource {
				return st, fmt.Errorf("%s is not allowed in an identity-based policy", k)
			}
			var list []string
			if list, err = parsePrincipal(k, v); err == nil {
				if k == "Principal" {
					st.Principals = list
				} else {
					st.NotPrincipals = list
				}
			}
		default:
			return st, fmt.Errorf("unsupported element %q", k)
		}
		if err != nil {
			return st, err
		}
	}
	switch {
	case st.Effect == "":
		return st, errors.New("missing Effect")
	case (st.Actions == nil) == (st.NotActions == nil):
		return st, errors.New("needs exactly one of Action and NotAction")
	case (st.Resources == nil) == (st.NotResources == nil):
		return st, errors.New("needs exactly one of Resource and NotResource")
	case resource && (st.Principals == nil) == (st.NotPrincipals == nil):
		return st, errors.New("needs exactly one of Principal and NotPrincipal in a resource-based policy")
	}
	return st, nil
}

// parsePrincipal reads a Principal or NotPrincipal element: "*", or an
// object of principal kinds ("AWS", "Service", "Federated",
// "CanonicalUser") to one or a list of strings.
func parsePrincipal(name string, raw json.RawMessage) ([]string, error) {
	var star string
	if json.Unmarshal(raw, &star) == nil {
		if star != "*" {
			return nil, fmt.Errorf(`%s must be "*" or an object such as {"AWS": "arn:aws:iam::ACCOUNT:user/NAME"}`, name)
		}
		return []string{"*"}, nil
	}
	var kinds map[string]json.RawMessage
	if err := json.Unmarshal(raw, &kinds); err != nil || len(kinds) == 0 {
		return nil, fmt.Errorf(`%s must be "*" or an object such as {"AWS": "arn:aws:iam::ACCOUNT:user/NAME"}`, name)
	}
	var out []string
	for _, kind := range sortedKeys(kinds) {
		values, err := stringList(name+" "+kind, kinds[kind])
		if err != nil {
			return nil, err
		}
		switch kind {
		case "AWS":
			out = append(out, values...)
		case "Service", "Federated", "CanonicalUser":
			for _, v := range values {
				out = append(out, kind+":"+v)
			}
		default:
			return nil, fmt.Errorf("%s: unsupported principal kind %q", name, kind)
		}
	}
	return out, nil
}

func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// parseConditions reads a Condition block: operator → key → value(s). The
// result is sorted so that evaluation (and its explanations) are stable.
func parseConditions(raw json.RawMessage) ([]Condition, error) {
	var block map[string]map[string]json.RawMessage
	if err := json.Unmarshal(raw, &block); err != nil {
		return nil, errors.New("Condition must map operators to objects of condition keys")
	}
	var out []Condition
	for opName, keys := range block {
		c := Condition{Operator: opName}
		name := strings.ToLower(opName)
		if rest, ok := strings.CutPrefix(name, "forallvalues:"); ok {
			c.Set, name = setForAll, rest
		} else if rest, ok := strings.CutPrefix(name, "foranyvalue:"); ok {
			c.Set, name = setForAny, rest
		}
		if rest, ok := strings.CutSuffix(name, "ifexists"); ok && rest != "null" {
			c.IfExists, name = true, rest
		}
		op, ok := operators[name]
		if !ok {
			return nil, fmt.Errorf("unsupported condition operator %q", opName)
		}
		c.Op = op
		if op == opNull && (c.Set != setNone || c.IfExists) {
			return nil, fmt.Errorf("unsupported condition operator %q", opName)
		}
		for key, v := range keys {
			values, err := conditionValues(v)
			if err != nil {
				return nil, fmt.Errorf("Condition %s %s: %w", opName, key, err)
			}
			if op == opNull {
				for _, s := range values {
					if s != "true" && s != "false" {
						return nil, fmt.Errorf("Condition %s %s: values must be true or false", opName, key)
					}
				}
			}
			cc := c
			cc.Key, cc.Values = strings.ToLower(key), values
			out = append(out, cc)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Operator != out[j].Operator {
			return out[i].Operator < out[j].Operator
		}
		return out[i].Key < out[j].Key
	})
	return out, nil
}

// conditionValues reads a condition's value or list of values: strings,
// numbers and booleans, kept as their text.
func conditionValues(raw json.RawMessage) ([]string, error) {
	items, err := oneOrMany(raw)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		var s string
		if json.Unmarshal(it, &s) == nil {
			out = append(out, s)
			continue
		}
		var n json.Number
		if json.Unmarshal(it, &n) == nil {
			out = append(out, n.String())
			continue
		}
		var b bool
		if json.Unmarshal(it, &b) == nil {
			out = append(out, strconv.FormatBool(b))
			continue
		}
		return nil, errors.New("values must be strings, numbers or booleans")
	}
	return out, nil
}

// stringList reads a string or a non-empty list of strings.
func stringList(name string, raw json.RawMessage) ([]string, error) {
	items, err := oneOrMany(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("%s is empty", name)
	}
	out := make([]string, len(items))
	for i, it := range items {
		if json.Unmarshal(it, &out[i]) != nil {
			return nil, fmt.Errorf("%s must be a string or a list of strings", name)
		}
	}
	return out, nil
}

// oneOrMany reads a JSON value that is either a list or a single element.
func oneOrMany(raw json.RawMessage) ([]json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '[' {
		var list []json.RawMessage
		if err := json.Unmarshal(raw, &list); err != nil {
			return nil, err
		}
		return list, nil
	}
	if len(raw) == 0 || string(raw) == "null" {
		return nil, errors.New("missing value")
	}
	return []json.RawMessage{raw}, nil
}

// strictUnmarshal decodes exactly one JSON value.
func strictUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}

// UnmarshalJSON lets a Policy be embedded in a JSON auth file.
func (p *Policy) UnmarshalJSON(data []byte) error {
	q, err := ParsePolicy(data)
	if err != nil {
		return err
	}
	*p = *q
	return nil
}
