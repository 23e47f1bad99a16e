package engine

// OnDemandThroughput is an on-demand table's maximum read and write
// request units per second; -1 removes a maximum (UpdateTable). The
// capacity meter throttles a table past its maximum (meter.go) with
// ThrottlingException, reason Table{Read,Write}MaxOnDemandThroughputExceeded
// (developerguide/throttling-ondemand-capacity-exceeded-mitigation.html).
type OnDemandThroughput struct {
	MaxReadRequestUnits  *int64 `json:"MaxReadRequestUnits,omitempty"`
	MaxWriteRequestUnits *int64 `json:"MaxWriteRequestUnits,omitempty"`
}

// empty reports whether neither maximum is given: the service ignores an
// empty OnDemandThroughput when other members come with it.
func (o *OnDemandThroughput) empty() bool {
	return o == nil || (o.MaxReadRequestUnits == nil && o.MaxWriteRequestUnits == nil)
}

// limits returns the maxima the meter enforces (0: none).
func (o *OnDemandThroughput) limits() (read, write float64) {
	if o == nil {
		return 0, 0
	}
	if v := o.MaxReadRequestUnits; v != nil && *v > 0 {
		read = float64(*v)
	}
	if v := o.MaxWriteRequestUnits; v != nil && *v > 0 {
		write = float64(*v)
	}
	return read, write
}

// checkOnDemand applies the service's rules (wording from the ack-api-quirks
// lab's ValidationException catalogue, DDB-TABLE-442) to an OnDemandThroughput
// for a table billed by mode; clear allows -1 (UpdateTable).
func checkOnDemand(o *OnDemandThroughput, mode string, clear bool) error {
	if o.empty() {
		return nil
	}
	for _, f := range []struct {
		name string
		v    *int64
	}{{"MaxReadRequestUnits", o.MaxReadRequestUnits}, {"MaxWriteRequestUnits", o.MaxWriteRequestUnits}} {
		if f.v == nil {
			continue
		}
		if mode != BillingPayPerRequest {
			return invalidParam("%s for OnDemandThroughput cannot be specified when the table BillingMode is PROVISIONED", f.name)
		}
		if *f.v < 1 && !(clear && *f.v == -1) {
			return invalidParam("Requested %s for OnDemandThroughput for table is outside of valid range", f.name)
		}
	}
	return nil
}

// mergeOnDemand returns cur with the maxima o sets.
func mergeOnDemand(cur, o *OnDemandThroughput) *OnDemandThroughput {
	if o.empty() {
		return cur
	}
	out := &OnDemandThroughput{}
	if cur != nil {
		*out = *cur
	}
	if o.MaxReadRequestUnits != nil {
		v := *o.MaxReadRequestUnits
		out.MaxReadRequestUnits = &v
	}
	if o.MaxWriteRequestUnits != nil {
		v := *o.MaxWriteRequestUnits
		out.MaxWriteRequestUnits = &v
	}
	return out
}

// checkOnDemandUpdate is UpdateTable's rule that OnDemandThroughput comes
// alone or with BillingMode only.
func checkOnDemandUpdate(in *UpdateTableInput) error {
	if in.OnDemandThroughput.empty() {
		return nil
	}
	if in.ProvisionedThroughput != nil || len(in.GlobalSecondaryIndexUpdates) > 0 || in.StreamSpecification != nil ||
		in.SSESpecification != nil || in.ReplicaUpdates != nil || in.DeletionProtectionEnabled != nil || in.TableClass != "" {
		return invalidParam("OnDemandThroughput can only be combined with BillingMode in an UpdateTable request")
	}
	return nil
}

// describeOnDemand reports the table's maxima, as DescribeTable does once
// they have been set (also -1 after they were removed).
func (m *tableMeta) describeOnDemand() *OnDemandThroughput {
	if m.OnDemand.empty() {
		return nil
	}
	o := *m.OnDemand
	return &o
}

// checkMax throttles an on-demand table whose current second's
// consumption has reached its maximum; the caller holds tm.mu and has
// rolled the meter to the current second.
func (tm *tableMeter) checkMax(write bool, kind string) *APIError {
	used, limit := tm.cur.rcu, tm.maxRCU
	if write {
		used, limit = tm.cur.wcu, tm.maxWCU
	}
	if limit > 0 && used >= limit {
		return tm.throttled("Table" + kind + "MaxOnDemandThroughputExceeded")
	}
	return nil
}
