package auth

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"dynalab/engine"
	"dynalab/engine/server"
)

// File is an auth file: the users `dynalab serve --auth FILE` lets in.
//
//	{"users": [{"accessKeyId": "AKIA…", "secretAccessKey": "…", "userId": "u123",
//	            "sessionToken": "…", "policy": {"Version": "2012-10-17", "Statement": [...]}}]}
type File struct {
	Users []User `json:"users"`
}

// User is one access key of an auth file.
type User struct {
	AccessKeyID     string `json:"accessKeyId"`
	SecretAccessKey string `json:"secretAccessKey"`
	// UserID is what ${aws:userid} and ${aws:username} resolve to (a local
	// convention: in AWS aws:userid is the principal's unique id) and the
	// name in the user's ARN; default the access key id.
	UserID string `json:"userId,omitempty"`
	// SessionToken, when set, must come with every request as
	// X-Amz-Security-Token: the key is a temporary credential.
	SessionToken string `json:"sessionToken,omitempty"`
	// Policy is the user's identity policy. Without one the user is
	// authenticated but allowed nothing, as in IAM.
	Policy *Policy `json:"policy,omitempty"`
}

// ParseFile parses and checks an auth file's JSON: unknown members, users
// without a key or secret and duplicate access keys are errors.
func ParseFile(data []byte) (*File, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f File
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("auth file: %w", err)
	}
	if dec.More() {
		return nil, errors.New("auth file: trailing data after the JSON object")
	}
	if len(f.Users) == 0 {
		return nil, errors.New(`auth file: no users (want {"users": [{"accessKeyId": …, "secretAccessKey": …}]})`)
	}
	seen := map[string]bool{}
	for i, u := range f.Users {
		switch {
		case u.AccessKeyID == "":
			return nil, fmt.Errorf("auth file: user %d: no accessKeyId", i+1)
		case u.SecretAccessKey == "":
			return nil, fmt.Errorf("auth file: user %d (%s): no secretAccessKey", i+1, u.AccessKeyID)
		case seen[u.AccessKeyID]:
			return nil, fmt.Errorf("auth file: user %d: access key %s appears twice", i+1, u.AccessKeyID)
		case strings.ContainsAny(u.AccessKeyID, "/ ,="):
			return nil, fmt.Errorf("auth file: user %d: access key %q contains '/', ',', '=' or a space", i+1, u.AccessKeyID)
		}
		seen[u.AccessKeyID] = true
	}
	return &f, nil
}

// LoadFile reads and parses an auth file.
func LoadFile(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("auth file: %w", err)
	}
	f, err := ParseFile(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

// Config configures a Guard.
type Config struct {
	Users []User
	// Region is the server's region: credential scopes must name it.
	// Account appears in ARNs. Defaults us-east-1 and 000000000000.
	Region, Account string
	// Now is the clock for the 15-minute skew window; default time.Now.
	Now func() time.Time
	// Keys and Statements let requests' condition keys and PartiQL
	// statements be understood (see Env).
	Keys       KeySchemas
	Statements Statements
	// ResourcePolicies, when set, gives the tables' resource-based
	// policies, evaluated with the user's identity-based policy (see
	// Guard.decide). *engine.DB implements it.
	ResourcePolicies ResourcePolicies
	// OnResult, when set, receives the Result of every request the guard
	// checks (for a teaching view of decisions). It must not block.
	OnResult func(*Result)
}

// ResourcePolicies gives a table's resource-based policy document; ok is
// false when the table has none (or does not exist). table is a name or
// a table ARN.
type ResourcePolicies interface {
	ResourcePolicy(table string) (doc string, ok bool)
}

// Guard authenticates requests by their SigV4 signatures and authorizes
// them by their user's policy. It is safe for concurrent use.
type Guard struct {
	v        verifier
	env      Env
	onResult func(*Result)
	policies ResourcePolicies

	mu     sync.Mutex
	parsed map[string]*parsedPolicy // by table name
}

// parsedPolicy is a table's resource policy as last parsed. A policy is
// parsed again only when its document changes, which is when its revision
// does (PutResourcePolicy of the same document keeps the revision).
type parsedPolicy struct {
	doc    string
	policy *Policy
	err    error
}

// New returns a Guard for cfg's users.
func New(cfg Config) (*Guard, error) {
	g := &Guard{
		v: verifier{
			region: cfg.Region,
			now:    cfg.Now,
			users:  make(map[string]*User, len(cfg.Users)),
			signer: v4.NewSigner(),
		},
		env:      Env{Region: cfg.Region, Account: cfg.Account, Keys: cfg.Keys, Statements: cfg.Statements},
		onResult: cfg.OnResult,
		policies: cfg.ResourcePolicies,
		parsed:   map[string]*parsedPolicy{},
	}
	if g.v.region == "" {
		g.v.region, g.env.Region = "us-east-1", "us-east-1"
	}
	if g.env.Account == "" {
		g.env.Account = "000000000000"
	}
	if g.v.now == nil {
		g.v.now = time.Now
	}
	for i := range cfg.Users {
		u := cfg.Users[i]
		if u.AccessKeyID == "" || u.SecretAccessKey == "" {
			return nil, fmt.Errorf("auth: user %d: access key id and secret are required", i+1)
		}
		if g.v.users[u.AccessKeyID] != nil {
			return nil, fmt.Errorf("auth: access key %s appears twice", u.AccessKeyID)
		}
		g.v.users[u.AccessKeyID] = &u
	}
	return g, nil
}

// Result is what a Guard found out about one request.
type Result struct {
	// Target is the request's X-Amz-Target, e.g.
	// "DynamoDB_20120810.GetItem".
	Target    string
	User      *User     // nil when authentication failed
	Principal Principal // set once the user is known
	// Decisions has one entry per check, in order, up to the first that
	// was not allowed.
	Decisions []Decision
	Err       error // the error answered, nil when the request was let in
}

// Allowed reports whether the request was let in.
func (r *Result) Allowed() bool { return r.Err == nil }

// Note summarizes the result for a request-log line, without spaces:
// "u123:allow:OwnItems", "u123:explicit-deny:NoDeletes", "AKID…:unauthenticated".
func (r *Result) Note() string {
	if r.User == nil {
		return ""
	}
	who := r.Principal.UserID
	if len(r.Decisions) == 0 {
		if r.Err != nil {
			return who + ":refused"
		}
		return who
	}
	d := &r.Decisions[len(r.Decisions)-1]
	if d.Allowed() && len(r.Decisions) > 1 {
		// Name every statement that allowed a part of the request.
		names := []string{}
		for i := range r.Decisions {
			if n := r.Decisions[i].Note(); !contains(names, n) {
				names = append(names, n)
			}
		}
		return who + ":" + strings.Join(names, ",")
	}
	return who + ":" + d.Note()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Authenticate checks one request: its signature, then every check its
// target and body ask (Checks) against the user's policy. It has the
// signature of server.Options.Authenticate.
func (g *Guard) Authenticate(req *server.AuthRequest) (string, error) {
	res := g.Check(req)
	if g.onResult != nil {
		g.onResult(res)
	}
	return res.Note(), res.Err
}

// Check is Authenticate returning the whole Result.
func (g *Guard) Check(req *server.AuthRequest) *Result {
	res := &Result{Target: req.Target}
	if res.Target == "" && req.HTTP.Method != http.MethodPost {
		// A signed GET (/metrics): named by method and path in the
		// Activity pane; it is authenticated, and needs no permission.
		res.Target = req.HTTP.Method + " " + req.HTTP.URL.Path
	}
	u, _, err := g.v.verify(req.HTTP, req.PayloadSHA256)
	if err != nil {
		res.Err = err
		return res
	}
	g.authorize(res, u, req.Body)
	return res
}

// Explain decides a request as Check does, without a signature: the
// request is taken as signed by accessKeyID's user. It answers "what
// would happen, and why" for `dynalab auth explain`. An unknown access
// key is UnrecognizedClientException.
func (g *Guard) Explain(accessKeyID, target string, body []byte) *Result {
	res := &Result{Target: target}
	u := g.v.users[accessKeyID]
	if u == nil {
		res.Err = sigError(CodeUnrecognizedClient, msgInvalidToken)
		return res
	}
	g.authorize(res, u, body)
	return res
}

// authorize decides every check of a request by user u.
func (g *Guard) authorize(res *Result, u *User, body []byte) {
	res.User = u
	id := u.UserID
	if id == "" {
		id = u.AccessKeyID
	}
	res.Principal = Principal{UserID: id, AccessKeyID: u.AccessKeyID, ARN: "arn:aws:iam::" + g.env.Account + ":user/" + id}
	if len(body) == 0 {
		return // refused by the server as a SerializationException
	}
	checks, err := Checks(res.Target, body, &g.env)
	if err != nil {
		res.Err = err
		return
	}
	for _, c := range checks {
		d := g.decide(u, res.Principal, c)
		res.Decisions = append(res.Decisions, d)
		if !d.Allowed() {
			res.Err = g.denied(res.Principal, &d)
			return
		}
	}
}

// decide evaluates one check as IAM does for a principal of the
// resource's own account: the user's identity-based policy and the
// resource-based policy of the table the resource belongs to (a table's
// policy covers its indexes and streams) are evaluated together. An
// explicit Deny in either wins; otherwise an Allow in either allows;
// otherwise the check is implicitly denied.
func (g *Guard) decide(u *User, pr Principal, c Check) Decision {
	id := u.Policy.Evaluate(pr, c)
	table := resourceTable(c.Resource)
	if table == "" || g.policies == nil {
		return id
	}
	doc, ok := g.policies.ResourcePolicy(table)
	if !ok {
		g.forget(table)
		return id
	}
	rp, err := g.resourcePolicy(table, doc)
	prefix := func(p string, lines []string) []string {
		out := make([]string, len(lines))
		for i, l := range lines {
			out[i] = p + l
		}
		return out
	}
	d := id
	d.Table = table
	d.Trace = prefix("identity: ", id.Trace)
	if err != nil {
		d.Trace = append(d.Trace, "resource "+table+": not evaluated: "+err.Error())
		if isPolicyAction(c.Action) {
			// The identity-based policy alone decides, so that an
			// administrator can replace a policy dynalab cannot evaluate.
			d.Trace = append(d.Trace, "the identity-based policy alone decides "+c.Action)
			return d
		}
		d.Outcome, d.Statement, d.Policy = ExplicitDeny, nil, ResourceBased
		d.Reason = "because the resource-based policy of table " + table + " cannot be evaluated by dynalab (" + err.Error() + ")"
		return d
	}
	rd := rp.Evaluate(pr, c)
	d.Trace = append(d.Trace, prefix("resource "+table+": ", rd.Trace)...)
	switch {
	case id.Outcome == ExplicitDeny:
	case rd.Outcome == ExplicitDeny:
		d.Outcome, d.Statement, d.Policy = ExplicitDeny, rd.Statement, ResourceBased
	case id.Outcome == Allowed:
	case rd.Outcome == Allowed:
		d.Outcome, d.Statement, d.Policy = Allowed, rd.Statement, ResourceBased
	default:
		d.Policy = ResourceBased
	}
	return d
}

// isPolicyAction reports whether action manages resource policies.
func isPolicyAction(action string) bool {
	switch strings.ToLower(action) {
	case "dynamodb:getresourcepolicy", "dynamodb:putresourcepolicy", "dynamodb:deleteresourcepolicy":
		return true
	}
	return false
}

// resourceTable returns the table a DynamoDB ARN belongs to (a table, an
// index or a stream of it), or "" for "*" and other resources.
func resourceTable(arn string) string {
	if !strings.HasPrefix(arn, "arn:") || !strings.Contains(arn, ":table/") {
		return ""
	}
	name := tableName(arn)
	if name == "" || strings.ContainsAny(name, "*?") {
		return ""
	}
	return name
}

// resourcePolicy returns table's parsed policy, parsing doc only when it
// differs from the document parsed last.
func (g *Guard) resourcePolicy(table, doc string) (*Policy, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if p := g.parsed[table]; p != nil && p.doc == doc {
		return p.policy, p.err
	}
	p := &parsedPolicy{doc: doc}
	p.policy, p.err = ParseResourcePolicy([]byte(doc))
	g.parsed[table] = p
	return p.policy, p.err
}

// forget drops a table's cached policy once it has none.
func (g *Guard) forget(table string) {
	g.mu.Lock()
	delete(g.parsed, table)
	g.mu.Unlock()
}

// denied is the AccessDeniedException for a decision, naming the policy
// type that decided.
func (g *Guard) denied(pr Principal, d *Decision) *engine.APIError {
	res := d.Check.Resource
	if res == "*" {
		res = "arn:aws:dynamodb:" + g.env.Region + ":" + g.env.Account + ":table/*"
	}
	why := "because no " + d.Policy.String() + " policy allows the " + d.Check.Action + " action"
	switch {
	case d.Reason != "":
		why = d.Reason
	case d.Outcome == ExplicitDeny:
		why = "with an explicit deny in a" + article(d.Policy) + " " + d.Policy.String() + " policy"
	}
	return &engine.APIError{Code: engine.CodeAccessDenied, Message: fmt.Sprintf(
		"User: %s is not authorized to perform: %s on resource: %s %s", pr.ARN, d.Check.Action, res, why)}
}

// article is "n" before "identity-based", "" before "resource-based".
func article(t PolicyType) string {
	if t == IdentityBased {
		return "n"
	}
	return ""
}
