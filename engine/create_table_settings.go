package engine

// CreateTable's control-plane settings of issue #11: Tags,
// OnDemandThroughput and ResourcePolicy, checked after the table's own
// rules and recorded in the catalog record with the table.

// checkCreateSettings validates CreateTable's Tags, OnDemandThroughput and
// ResourcePolicy with the rules of TagResource, UpdateTable and
// PutResourcePolicy.
func checkCreateSettings(in *CreateTableInput) error {
	if in.Tags != nil {
		if err := checkTags(in.Tags); err != nil {
			return err
		}
	}
	mode := in.BillingMode
	if mode == "" {
		mode = BillingProvisioned
	}
	if err := checkOnDemand(in.OnDemandThroughput, mode, false); err != nil {
		return err
	}
	if in.ResourcePolicy != nil {
		return checkPolicyDocument(*in.ResourcePolicy)
	}
	return nil
}

// applyCreateSettings records the validated settings in a new table's
// catalog record.
func (db *DB) applyCreateSettings(m *tableMeta, in *CreateTableInput) {
	m.Tags = tagsFromInput(in.Tags)
	if !in.OnDemandThroughput.empty() {
		m.OnDemand = mergeOnDemand(nil, in.OnDemandThroughput)
	}
	if in.ResourcePolicy != nil {
		m.Policy = &resourcePolicy{Document: *in.ResourcePolicy, RevisionID: db.nextRevision(nil)}
	}
}
