// Package regions simulates DynamoDB global tables (version 2019.11.21):
// one engine.DB per region, a Router that sends each request to the region
// of its SigV4 credential scope, UpdateTable ReplicaUpdates that create and
// delete replicas, and a replicator that copies each committed change of a
// global table to the other regions after a configurable delay,
// last-writer-wins (engine.DB.ApplyReplica).
package regions

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"google.golang.org/protobuf/proto"

	"dynalab/engine"
	"dynalab/engine/server"
)

// Region is one region of a Router.
type Region struct {
	DB *engine.DB // its database; its Region() names it
	// Dispatcher serves its requests; nil means DB.
	Dispatcher server.Dispatcher
}

// Options configure a Router.
type Options struct {
	// Delay is how long after its commit a change reaches the other
	// regions (--replication-delay); 0 replicates at the next step.
	Delay time.Duration
	// Clock is the replicator's clock; default time.Now. It should be the
	// databases' clock, as changes carry their commit times.
	Clock func() time.Time
}

// Router dispatches each request to its region and replicates global
// tables between regions. The first region is the default, for requests
// without a credential scope.
type Router struct {
	regions map[string]Region
	names   []string
	opt     Options

	subs    map[string]<-chan engine.ChangeEvent
	cancels []func()

	mu        sync.Mutex
	queue     []pending
	lag       map[route]float64 // seconds, of the last change applied
	conflicts map[route]uint64
	applied   map[route]uint64
	dropped   uint64
	errs      uint64
}

type route struct{ table, from, to string }

type pending struct {
	ev       engine.ChangeEvent
	from, to string
	due      time.Time
}

// New returns a Router over regions; call Close when done.
func New(regions []Region, opt Options) *Router {
	if opt.Clock == nil {
		opt.Clock = time.Now
	}
	r := &Router{
		regions: map[string]Region{}, opt: opt, subs: map[string]<-chan engine.ChangeEvent{},
		lag: map[route]float64{}, conflicts: map[route]uint64{}, applied: map[route]uint64{},
	}
	for _, g := range regions {
		if g.Dispatcher == nil {
			g.Dispatcher = g.DB
		}
		name := g.DB.Region()
		r.regions[name] = g
		r.names = append(r.names, name)
		ch, cancel := g.DB.Subscribe(1 << 16)
		r.subs[name] = ch
		r.cancels = append(r.cancels, cancel)
	}
	return r
}

// Close ends the Router's subscriptions; it does not close the databases.
func (r *Router) Close() {
	for _, c := range r.cancels {
		c()
	}
}

// Regions returns the region names, the default first.
func (r *Router) Regions() []string { return slices.Clone(r.names) }

// DB returns a region's database, or nil.
func (r *Router) DB(region string) *engine.DB { return r.regions[region].DB }

type regionKey struct{}

// WithRegion returns ctx carrying the region a request is for.
func WithRegion(ctx context.Context, region string) context.Context {
	return context.WithValue(ctx, regionKey{}, region)
}

// CredentialRegion returns the region of the request's SigV4 credential
// scope (Authorization header or presigned X-Amz-Credential), or "".
func CredentialRegion(req *http.Request) string {
	cred := req.URL.Query().Get("X-Amz-Credential")
	if h := req.Header.Get("Authorization"); h != "" {
		if _, v, ok := strings.Cut(h, "Credential="); ok {
			cred, _, _ = strings.Cut(v, ",")
		}
	}
	parts := strings.Split(strings.TrimSpace(cred), "/")
	if len(parts) != 5 {
		return ""
	}
	return parts[2]
}

// RequestContext is the server.Options.RequestContext of a Router: the
// request's context with its credential region.
func (r *Router) RequestContext(req *http.Request) context.Context {
	if region := CredentialRegion(req); region != "" {
		return WithRegion(req.Context(), region)
	}
	return req.Context()
}

// MetricsHandler serves WriteMetrics.
func (r *Router) MetricsHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		if err := r.WriteMetrics(w); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
}

// Handler wraps h (the server) so that requests carry their credential
// region to Dispatch.
func (r *Router) Handler(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if region := CredentialRegion(req); region != "" {
			req = req.WithContext(WithRegion(req.Context(), region))
		}
		h.ServeHTTP(w, req)
	})
}

// region returns the region ctx names, the default when none.
func (r *Router) region(ctx context.Context) (string, error) {
	name, _ := ctx.Value(regionKey{}).(string)
	if name == "" {
		return r.names[0], nil
	}
	if _, ok := r.regions[name]; !ok {
		return "", &engine.APIError{Code: "InvalidSignatureException",
			Message: fmt.Sprintf("Credential should be scoped to a valid region, not '%s'. ", name)}
	}
	return name, nil
}

// Dispatch serves a request in its region. UpdateTable's ReplicaUpdates
// are served here, as they span regions.
func (r *Router) Dispatch(ctx context.Context, target string, body []byte) ([]byte, engine.CallInfo, error) {
	name, err := r.region(ctx)
	if err != nil {
		return nil, engine.CallInfo{}, err
	}
	g := r.regions[name]
	if target == server.TargetPrefixDynamoDB+"UpdateTable" && strings.Contains(string(body), "ReplicaUpdates") {
		return r.updateReplicas(ctx, name, body)
	}
	return g.Dispatcher.Dispatch(ctx, target, body)
}

type replicaUpdate struct {
	Create *struct{ RegionName string } `json:"Create"`
	Delete *struct{ RegionName string } `json:"Delete"`
	Update *struct{ RegionName string } `json:"Update"`
}

// updateReplicas serves an UpdateTable with ReplicaUpdates in region from:
// any other change first, then each Create (the table, with its items, in
// the new region) and Delete (the replica's table), and the table's
// description.
func (r *Router) updateReplicas(ctx context.Context, from string, body []byte) ([]byte, engine.CallInfo, error) {
	info := engine.CallInfo{Op: "UpdateTable"}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, info, &engine.APIError{Code: engine.CodeSerialization}
	}
	var name string
	var updates []replicaUpdate
	if err := json.Unmarshal(raw["TableName"], &name); err != nil {
		return nil, info, &engine.APIError{Code: engine.CodeSerialization}
	}
	if err := json.Unmarshal(raw["ReplicaUpdates"], &updates); err != nil {
		return nil, info, &engine.APIError{Code: engine.CodeSerialization}
	}
	info.Table = name
	src := r.regions[from]
	if len(updates) == 0 {
		return nil, info, engine.Validationf("1 validation error detected: Value '[]' at 'replicaUpdates' failed to satisfy constraint: Member must have length greater than or equal to 1")
	}
	delete(raw, "ReplicaUpdates")
	if len(raw) > 1 {
		rest, _ := json.Marshal(raw)
		if _, _, err := src.Dispatcher.Dispatch(ctx, server.TargetPrefixDynamoDB+"UpdateTable", rest); err != nil {
			return nil, info, err
		}
	}
	group, err := src.DB.Replicas(name)
	if err != nil {
		return nil, info, err
	}
	if len(group) == 0 {
		group = []string{from}
	}
	for _, u := range updates {
		switch {
		case u.Create != nil:
			to := u.Create.RegionName
			if _, ok := r.regions[to]; !ok {
				return nil, info, engine.Validationf("One or more parameter values were invalid: Region %s is not one of this endpoint's regions (%s)", to, strings.Join(r.names, ", "))
			}
			if slices.Contains(group, to) {
				return nil, info, engine.Validationf("Failed to create a the new replica of table with name: '%s' because one or more replicas already existed as tables.", name)
			}
			if err := r.createReplica(ctx, src.DB, r.regions[to].DB, name); err != nil {
				return nil, info, err
			}
			group = append(group, to)
		case u.Delete != nil:
			to := u.Delete.RegionName
			if !slices.Contains(group, to) || to == from && len(group) == 1 {
				return nil, info, engine.Validationf("Failed to update table with name: '%s' because replica in region %s does not exist.", name, to)
			}
			if _, err := r.regions[to].DB.DeleteTable(ctx, &engine.DeleteTableInput{TableName: name}); err != nil {
				return nil, info, err
			}
			group = slices.DeleteFunc(group, func(s string) bool { return s == to })
		default:
			return nil, info, engine.Validationf("One or more parameter values were invalid: Only Create and Delete replica updates are simulated")
		}
	}
	if len(group) == 0 {
		return nil, info, engine.Validationf("One or more parameter values were invalid: a table keeps at least one replica")
	}
	for _, region := range group {
		if err := r.regions[region].DB.SetReplicas(name, group); err != nil {
			return nil, info, err
		}
	}
	d, err := r.regions[cmp.Or(firstIn(group, from), group[0])].DB.DescribeTable(ctx, &engine.DescribeTableInput{TableName: name})
	if err != nil {
		return nil, info, err
	}
	resp, err := json.Marshal(engine.UpdateTableOutput{TableDescription: d.Table})
	return resp, info, err
}

func firstIn(group []string, region string) string {
	if slices.Contains(group, region) {
		return region
	}
	return ""
}

// createReplica creates the table in dst with src's keys and indexes and
// copies its items, stamped as old as can be so that any later write
// wins over them.
func (r *Router) createReplica(ctx context.Context, src, dst *engine.DB, name string) error {
	in, err := src.ReplicaSchema(name)
	if err != nil {
		return err
	}
	if _, err := dst.CreateTable(ctx, in); err != nil {
		return err
	}
	scan := &engine.ScanInput{TableName: name}
	for {
		out, err := src.Scan(ctx, scan)
		if err != nil {
			return err
		}
		for _, it := range out.Items {
			keys := it.Clone()
			for k := range keys {
				if !slices.ContainsFunc(in.KeySchema, func(e engine.KeySchemaElement) bool { return e.AttributeName == k }) {
					delete(keys, k)
				}
			}
			if _, err := dst.ApplyReplica(engine.ReplicaChange{Table: name, Keys: keys, Item: it, Time: time.Unix(0, 1), Region: src.Region()}); err != nil {
				return err
			}
		}
		if len(out.LastEvaluatedKey) == 0 {
			return nil
		}
		scan.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

// intake moves the changes committed since the last call onto the queue.
// The caller holds mu.
func (r *Router) intake() {
	for _, from := range r.names {
		ch := r.subs[from]
	drain:
		for {
			select {
			case ev, ok := <-ch:
				if !ok {
					break drain
				}
				r.dropped += uint64(ev.Dropped)
				if ev.Origin != "" {
					continue // a replicated write: not replicated again
				}
				group, err := r.regions[from].DB.Replicas(ev.Table)
				if err != nil {
					continue
				}
				for _, to := range group {
					if to == from || r.regions[to].DB == nil {
						continue
					}
					r.queue = append(r.queue, pending{ev: ev, from: from, to: to, due: ev.Time.Add(r.opt.Delay)})
				}
			default:
				break drain
			}
		}
	}
}

// Step replicates every change whose delay has passed by the clock's now.
// Run calls it periodically; tests call it after advancing their clock.
func (r *Router) Step() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.intake()
	now := r.opt.Clock()
	keep := r.queue[:0]
	for _, p := range r.queue {
		if p.due.After(now) {
			keep = append(keep, p)
			continue
		}
		rt := route{p.ev.Table, p.from, p.to}
		applied, err := r.regions[p.to].DB.ApplyReplica(engine.ReplicaChange{
			Table: p.ev.Table, Keys: p.ev.Keys, Item: p.ev.NewImage, Time: p.ev.Time, Region: p.from,
		})
		switch {
		case err != nil:
			r.errs++ // e.g. the replica was deleted meanwhile
		case applied:
			r.applied[rt]++
		default:
			r.conflicts[rt]++
		}
		r.lag[rt] = now.Sub(p.ev.Time).Seconds()
	}
	clear(r.queue[len(keep):])
	r.queue = keep
}

// Pending returns the number of changes waiting for their delay.
func (r *Router) Pending() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.intake()
	return len(r.queue)
}

// Run steps the replicator every tick until ctx is done.
func (r *Router) Run(ctx context.Context, tick time.Duration) {
	if tick <= 0 {
		tick = min(max(r.opt.Delay/4, 5*time.Millisecond), 100*time.Millisecond)
	}
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			r.Step()
		}
	}
}

// WriteMetrics writes the replication metrics in the Prometheus text
// format (through expfmt, as the engine's own metrics): lag and applied
// changes and conflicts per table and route, pending and dropped changes.
func (r *Router) WriteMetrics(w io.Writer) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	perRoute := func(name, help string, typ dto.MetricType, m map[route]float64) *dto.MetricFamily {
		keys := make([]route, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			a, c := keys[i], keys[j]
			return a.table+"\x00"+a.from+"\x00"+a.to < c.table+"\x00"+c.from+"\x00"+c.to
		})
		f := &dto.MetricFamily{Name: proto.String(name), Help: proto.String(help), Type: typ.Enum()}
		for _, k := range keys {
			f.Metric = append(f.Metric, metric(typ, m[k], "table", k.table, "from", k.from, "to", k.to))
		}
		return f
	}
	counts := func(m map[route]uint64) map[route]float64 {
		f := make(map[route]float64, len(m))
		for k, v := range m {
			f[k] = float64(v)
		}
		return f
	}
	single := func(name, help string, typ dto.MetricType, v float64) *dto.MetricFamily {
		return &dto.MetricFamily{Name: proto.String(name), Help: proto.String(help), Type: typ.Enum(), Metric: []*dto.Metric{metric(typ, v)}}
	}
	for _, f := range []*dto.MetricFamily{
		perRoute("dynalab_replication_lag_seconds", "Time from commit to replica of the last change replicated.", dto.MetricType_GAUGE, r.lag),
		perRoute("dynalab_replication_applied_total", "Changes applied to a replica.", dto.MetricType_COUNTER, counts(r.applied)),
		perRoute("dynalab_replication_conflicts_total", "Replicated changes that lost to a later write in the replica (last writer wins).", dto.MetricType_COUNTER, counts(r.conflicts)),
		single("dynalab_replication_pending", "Changes waiting for the replication delay.", dto.MetricType_GAUGE, float64(len(r.queue))),
		single("dynalab_replication_dropped_total", "Changes lost by the replicator because it fell behind.", dto.MetricType_COUNTER, float64(r.dropped)),
	} {
		if len(f.Metric) == 0 {
			continue // no route has any yet; expfmt writes no empty family
		}
		if _, err := expfmt.MetricFamilyToText(w, f); err != nil {
			return fmt.Errorf("write replication metrics: %w", err)
		}
	}
	return nil
}

// metric is one sample of a gauge or counter with label name/value pairs.
func metric(typ dto.MetricType, v float64, labels ...string) *dto.Metric {
	m := &dto.Metric{}
	for i := 0; i+1 < len(labels); i += 2 {
		m.Label = append(m.Label, &dto.LabelPair{Name: proto.String(labels[i]), Value: proto.String(labels[i+1])})
	}
	if typ == dto.MetricType_COUNTER {
		m.Counter = &dto.Counter{Value: proto.Float64(v)}
	} else {
		m.Gauge = &dto.Gauge{Value: proto.Float64(v)}
	}
	return m
}
