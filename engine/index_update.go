package engine

import (
	"fmt"
	"slices"

	"dynalab/engine/internal/store"
)

// UpdateTable's GlobalSecondaryIndexUpdates: Create adds a GSI in status
// CREATING (Backfilling) that the background worker fills from the
// table's items (index_backfill.go) and then makes ACTIVE; Update changes a
// GSI's provisioned throughput; Delete puts a GSI in status DELETING, the
// worker removes its entries and then forgets it.

// GlobalSecondaryIndexUpdate is one element of GlobalSecondaryIndexUpdates:
// exactly one of its members is set.
type GlobalSecondaryIndexUpdate struct {
	Create *GlobalSecondaryIndex             `json:"Create,omitempty"`
	Update *UpdateGlobalSecondaryIndexAction `json:"Update,omitempty"`
	Delete *DeleteGlobalSecondaryIndexAction `json:"Delete,omitempty"`
}

// UpdateGlobalSecondaryIndexAction changes a GSI's provisioned throughput.
type UpdateGlobalSecondaryIndexAction struct {
	IndexName             string                 `json:"IndexName"`
	ProvisionedThroughput *ProvisionedThroughput `json:"ProvisionedThroughput"`
}

// DeleteGlobalSecondaryIndexAction deletes a GSI.
type DeleteGlobalSecondaryIndexAction struct {
	IndexName string `json:"IndexName"`
}

// Messages of the index updates. msgOneOnlineIndex is the service's
// (dynalite test/updateTable.js); the others marked "guess" are in no
// public source found.
const (
	msgOneOnlineIndex = "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table"
	// From dynalite's validations (its tests are checked against AWS).
	msgNoIndexAction = "One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Delete must not be null"
	// Guess.
	msgManyIndexActions = "Only one of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Delete can be specified in one GlobalSecondaryIndexUpdate"
	// Guess (the service reads the index while it is being backfilled as
	// unavailable; Alternator and the docs agree on the substance).
	msgBackfillingIndex = "Cannot read from backfilling global secondary index: "
)

func (u *GlobalSecondaryIndexUpdate) indexName() string {
	switch {
	case u.Create != nil:
		return u.Create.IndexName
	case u.Update != nil:
		return u.Update.IndexName
	case u.Delete != nil:
		return u.Delete.IndexName
	}
	return ""
}

// indexUpdates adds the model constraints of GlobalSecondaryIndexUpdates.
func (c *constraints) indexUpdates(us []GlobalSecondaryIndexUpdate) {
	for i, u := range us {
		p := fmt.Sprintf("globalSecondaryIndexUpdates.%d.member", i+1)
		if a := u.Update; a != nil {
			c.indexName(a.IndexName, p+".update.indexName")
			c.notNull(a.ProvisionedThroughput != nil, p+".update.provisionedThroughput")
			if pt := a.ProvisionedThroughput; pt != nil {
				c.notNull(pt.WriteCapacityUnits != nil, p+".update.provisionedThroughput.writeCapacityUnits")
				c.minInt(pt.WriteCapacityUnits, p+".update.provisionedThroughput.writeCapacityUnits", 1)
				c.notNull(pt.ReadCapacityUnits != nil, p+".update.provisionedThroughput.readCapacityUnits")
				c.minInt(pt.ReadCapacityUnits, p+".update.provisionedThroughput.readCapacityUnits", 1)
			}
		}
		if a := u.Create; a != nil {
			c.index(a.spec(), p+".create")
		}
		if a := u.Delete; a != nil {
			c.indexName(a.IndexName, p+".delete.indexName")
		}
	}
}

func (c *constraints) indexName(name, path string) {
	if name == "" {
		c.notNull(false, path)
		return
	}
	c.nameRules(name, path)
}

// checkIndexUpdates applies the rules that do not need the table: one
// action per element, one update per index, one online create or delete
// per request, and each Create's key schema (against the request's
// AttributeDefinitions) and projection.
func checkIndexUpdates(in *UpdateTableInput) error {
	names := map[string]bool{}
	online := 0
	for i := range in.GlobalSecondaryIndexUpdates {
		u := &in.GlobalSecondaryIndexUpdates[i]
		n := 0
		for _, set := range []bool{u.Create != nil, u.Update != nil, u.Delete != nil} {
			if set {
				n++
			}
		}
		if n == 0 {
			return invalidParam(msgNoIndexAction)
		}
		if n > 1 {
			return invalidParam(msgManyIndexActions)
		}
		name := u.indexName()
		if names[name] {
			return invalidParam("Only one global secondary index update per index is allowed simultaneously. Index: %s", name)
		}
		names[name] = true
		if u.Create != nil || u.Delete != nil {
			online++
		}
	}
	if online > 1 {
		return &APIError{Code: CodeLimitExceeded, Message: msgOneOnlineIndex}
	}
	defs := make([]string, len(in.AttributeDefinitions))
	for i, d := range in.AttributeDefinitions {
		defs[i] = d.AttributeName
	}
	for _, u := range in.GlobalSecondaryIndexUpdates {
		if u.Create == nil {
			continue
		}
		s := u.Create.spec()
		if err := checkIndexKeySchema(s, defs); err != nil {
			return err
		}
		if err := checkProjection(s.projection); err != nil {
			return err
		}
	}
	return nil
}

// indexPlan is the index part of an UpdateTable, validated against the
// table; apply records it in the catalog record inside the transaction.
type indexPlan struct {
	create *GlobalSecondaryIndex
}

// planIndexUpdates validates the index updates against the table (m is
// the table's record with the billing change already applied, and is
// changed in place: Update and Delete take effect in it, Create waits for
// apply, which needs an id from the transaction).
func planIndexUpdates(m *tableMeta, in *UpdateTableInput) (*indexPlan, error) {
	m.Indexes = slices.Clone(m.Indexes)
	if m.BillingMode == BillingPayPerRequest {
		for i := range m.Indexes {
			m.Indexes[i].ReadCapacity, m.Indexes[i].WriteCapacity = 0, 0
		}
	}
	find := func(name string) int {
		return slices.IndexFunc(m.Indexes, func(im indexMeta) bool { return im.Name == name })
	}
	plan := &indexPlan{}
	for _, u := range in.GlobalSecondaryIndexUpdates {
		switch {
		case u.Create != nil:
			if err := planCreateIndex(m, in, u.Create); err != nil {
				return nil, err
			}
			plan.create = u.Create
		case u.Delete != nil:
			name := u.Delete.IndexName
			i := find(name)
			if i < 0 || m.Indexes[i].Status == StatusDeleting {
				return nil, errIndexNotFound(name)
			}
			if !m.Indexes[i].Global {
				return nil, errLocalIndexChange(name)
			}
			if onlineIndex(m, name) != "" {
				return nil, &APIError{Code: CodeLimitExceeded, Message: msgOneOnlineIndex}
			}
			m.Indexes[i].Status = StatusDeleting
		case u.Update != nil:
			if err := planIndexThroughput(m, find(u.Update.IndexName), u.Update); err != nil {
				return nil, err
			}
		}
	}
	if m.BillingMode == BillingProvisioned {
		for _, im := range m.Indexes {
			if im.Global && im.Status != StatusDeleting && (im.ReadCapacity == 0 || im.WriteCapacity == 0) {
				// Guess: the service requires the GSIs' throughput when a
				// table switches to PROVISIONED.
				return nil, invalidParam("ProvisionedThroughput must be specified for index: %s when BillingMode is PROVISIONED", im.Name)
			}
		}
	}
	return plan, nil
}

// onlineIndex returns the name of an index other than except that is
// being created or deleted, or "".
func onlineIndex(m *tableMeta, except string) string {
	for _, im := range m.Indexes {
		if im.Name != except && im.Status != "" {
			return im.Name
		}
	}
	return ""
}

// planCreateIndex validates a Create against the table and adds the
// attribute definitions its keys need to m.
func planCreateIndex(m *tableMeta, in *UpdateTableInput, g *GlobalSecondaryIndex) error {
	s := g.spec()
	for _, im := range m.Indexes {
		if im.Name == g.IndexName {
			// Guess (Alternator's tests match "already exists").
			return invalidParam("Index with name: %s already exists", g.IndexName)
		}
	}
	if onlineIndex(m, "") != "" {
		return &APIError{Code: CodeLimitExceeded, Message: msgOneOnlineIndex}
	}
	gsis := 0
	nonKey := len(g.Projection.NonKeyAttributes)
	for _, im := range m.Indexes {
		if im.Global {
			gsis++
		}
		nonKey += len(im.Projection.NonKeyAttributes)
	}
	if gsis >= maxGSIs {
		return invalidParam("GlobalSecondaryIndex count exceeds the per-table limit of %d", maxGSIs)
	}
	if nonKey > maxNonKeyAttributesTotal {
		// Wording in no public source found (a guess, as at CreateTable).
		return invalidParam("Number of projected attributes in all indexes exceeds limit of %d", maxNonKeyAttributesTotal)
	}
	if err := checkIndexThroughput(s, m.BillingMode == BillingPayPerRequest); err != nil {
		return err
	}
	defs := slices.Clone(m.AttributeDefinitions)
	for _, k := range g.KeySchema {
		var want AttributeDefinition
		for _, d := range in.AttributeDefinitions {
			if d.AttributeName == k.AttributeName {
				want = d
			}
		}
		i := slices.IndexFunc(defs, func(d AttributeDefinition) bool { return d.AttributeName == k.AttributeName })
		switch {
		case i < 0:
			defs = append(defs, want)
		case defs[i].AttributeType != want.AttributeType:
			// The service's text as Alternator's test quotes it.
			return invalidParam("Attributes cannot be redefined. Please check that your attribute has the same type as previously defined. "+
				"Existing schema: Schema:[SchemaElement: key{%s:%s}] New schema: Schema:[SchemaElement: key{%s:%s:%s}]",
				k.AttributeName, defs[i].AttributeType, k.AttributeName, want.AttributeType, k.KeyType)
		}
	}
	m.AttributeDefinitions = defs
	return nil
}

// planIndexThroughput applies an Update action to index i of m.
func planIndexThroughput(m *tableMeta, i int, a *UpdateGlobalSecondaryIndexAction) error {
	if i < 0 || m.Indexes[i].Status == StatusDeleting {
		return errIndexNotFound(a.IndexName)
	}
	im := &m.Indexes[i]
	if !im.Global {
		return errLocalIndexChange(a.IndexName)
	}
	if m.BillingMode == BillingPayPerRequest {
		return invalidParam("ProvisionedThroughput should not be specified for index: %s when BillingMode is PAY_PER_REQUEST", a.IndexName)
	}
	r, w := *a.ProvisionedThroughput.ReadCapacityUnits, *a.ProvisionedThroughput.WriteCapacityUnits
	if r > maxCapacityUnits || w > maxCapacityUnits {
		// dynalite's text.
		return validationError("This operation cannot be performed with given input values. Please contact DynamoDB service team for more info: Action Blocked: IndexUpdate")
	}
	if r == im.ReadCapacity && w == im.WriteCapacity {
		// Guess: the table's wording, for the index.
		return Validationf("The provisioned throughput for the index %s will not change. The requested value equals the current value. "+
			"Current ReadCapacityUnits provisioned for the index: %d. Requested ReadCapacityUnits: %d. "+
			"Current WriteCapacityUnits provisioned for the index: %d. Requested WriteCapacityUnits: %d. "+
			"Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.",
			a.IndexName, im.ReadCapacity, r, im.WriteCapacity, w)
	}
	im.ReadCapacity, im.WriteCapacity = r, w
	return nil
}

// errIndexNotFound is the answer to an Update or Delete of a missing GSI
// (ResourceNotFoundException per Alternator's tests; the text is a guess).
func errIndexNotFound(name string) *APIError {
	return &APIError{Code: CodeResourceNotFound, Message: "Requested resource not found: Index: " + name + " not found"}
}

// errLocalIndexChange refuses an Update or Delete of an LSI (the service
// says ValidationException; the text is a guess).
func errLocalIndexChange(name string) *APIError {
	return invalidParam("Index %s is a local secondary index; local secondary indexes cannot be updated or deleted", name)
}

// apply records a Create in m with a new id, in status CREATING.
func (p *indexPlan) apply(tx *store.Tx, m *tableMeta) error {
	if p == nil || p.create == nil {
		return nil
	}
	g := p.create
	id, err := tx.NextTableID()
	if err != nil {
		return err
	}
	im := indexMeta{Name: g.IndexName, ID: id, Global: true, KeySchema: g.KeySchema, Projection: *g.Projection, Status: StatusCreating}
	if pt := g.ProvisionedThroughput; pt != nil && m.BillingMode == BillingProvisioned {
		im.ReadCapacity, im.WriteCapacity = *pt.ReadCapacityUnits, *pt.WriteCapacityUnits
	}
	m.Indexes = append(m.Indexes, im)
	return nil
}

// usedAttributes returns the key attribute names of the table and of its
// indexes that are not being deleted.
func usedAttributes(m *tableMeta) []string {
	var used []string
	add := func(ks []KeySchemaElement) {
		for _, k := range ks {
			if !contains(used, k.AttributeName) {
				used = append(used, k.AttributeName)
			}
		}
	}
	add(m.KeySchema)
	for _, im := range m.Indexes {
		if im.Status != StatusDeleting {
			add(im.KeySchema)
		}
	}
	return used
}

// pruneDefinitions drops the attribute definitions no key uses any more
// (after a GSI is gone), as the service does.
func pruneDefinitions(m *tableMeta) {
	used := usedAttributes(m)
	m.AttributeDefinitions = slices.DeleteFunc(slices.Clone(m.AttributeDefinitions), func(d AttributeDefinition) bool {
		return !contains(used, d.AttributeName)
	})
}
