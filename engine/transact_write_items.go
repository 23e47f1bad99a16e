package engine

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strings"
	"sync"
	"time"

	"dynalab/engine/attr"
	"dynalab/engine/internal/store"
)

// TransactWriteItemsInput is the TransactWriteItems request.
type TransactWriteItemsInput struct {
	TransactItems               []TransactWriteItem `json:"TransactItems"`
	ClientRequestToken          *string             `json:"ClientRequestToken,omitempty"`
	ReturnConsumedCapacity      string              `json:"ReturnConsumedCapacity,omitempty"`
	ReturnItemCollectionMetrics string              `json:"ReturnItemCollectionMetrics,omitempty"`
}

// TransactWriteItem is one action of a transaction: exactly one member is set.
type TransactWriteItem struct {
	ConditionCheck *TransactCondition `json:"ConditionCheck,omitempty"`
	Put            *TransactPut       `json:"Put,omitempty"`
	Delete         *TransactDelete    `json:"Delete,omitempty"`
	Update         *TransactUpdate    `json:"Update,omitempty"`
}

// TransactCondition checks a condition on an item without writing it.
type TransactCondition struct {
	TableName                           string            `json:"TableName"`
	Key                                 attr.Item         `json:"Key"`
	ConditionExpression                 *string           `json:"ConditionExpression,omitempty"`
	ExpressionAttributeNames            map[string]string `json:"ExpressionAttributeNames,omitempty"`
	ExpressionAttributeValues           Values            `json:"ExpressionAttributeValues,omitempty"`
	ReturnValuesOnConditionCheckFailure string            `json:"ReturnValuesOnConditionCheckFailure,omitempty"`
}

// TransactPut writes a whole item.
type TransactPut struct {
	TableName                           string            `json:"TableName"`
	Item                                attr.Item         `json:"Item"`
	ConditionExpression                 *string           `json:"ConditionExpression,omitempty"`
	ExpressionAttributeNames            map[string]string `json:"ExpressionAttributeNames,omitempty"`
	ExpressionAttributeValues           Values            `json:"ExpressionAttributeValues,omitempty"`
	ReturnValuesOnConditionCheckFailure string            `json:"ReturnValuesOnConditionCheckFailure,omitempty"`
}

// TransactDelete deletes an item.
type TransactDelete struct {
	TableName                           string            `json:"TableName"`
	Key                                 attr.Item         `json:"Key"`
	ConditionExpression                 *string           `json:"ConditionExpression,omitempty"`
	ExpressionAttributeNames            map[string]string `json:"ExpressionAttributeNames,omitempty"`
	ExpressionAttributeValues           Values            `json:"ExpressionAttributeValues,omitempty"`
	ReturnValuesOnConditionCheckFailure string            `json:"ReturnValuesOnConditionCheckFailure,omitempty"`
}

// TransactUpdate updates an item.
type TransactUpdate struct {
	TableName                           string            `json:"TableName"`
	Key                                 attr.Item         `json:"Key"`
	UpdateExpression                    *string           `json:"UpdateExpression,omitempty"`
	ConditionExpression                 *string           `json:"ConditionExpression,omitempty"`
	ExpressionAttributeNames            map[string]string `json:"ExpressionAttributeNames,omitempty"`
	ExpressionAttributeValues           Values            `json:"ExpressionAttributeValues,omitempty"`
	ReturnValuesOnConditionCheckFailure string            `json:"ReturnValuesOnConditionCheckFailure,omitempty"`
}

// TransactWriteItemsOutput is the TransactWriteItems response.
type TransactWriteItemsOutput struct {
	ConsumedCapacity      []ConsumedCapacity                 `json:"ConsumedCapacity,omitempty"`
	ItemCollectionMetrics map[string][]ItemCollectionMetrics `json:"ItemCollectionMetrics,omitempty"`
}

// maxTransactItems is the service's limit of actions per transaction.
const maxTransactItems = 100

// maxTransactBytes bounds the aggregate size of the items of a
// TransactWriteItems or TransactGetItems: "The aggregate size of the items
// in the transaction cannot exceed 4 MB" (API reference of both).
const maxTransactBytes = 4 << 20

// msgTransactTooLarge refuses a transaction over maxTransactBytes, in the
// service's words as dynoxide records them (nubo-db/dynoxide,
// src/actions/transact_write_items.rs); the API reference gives no text.
const msgTransactTooLarge = "Collection size of items exceeded, which can also be caused by the aggregate size of the items in the transaction exceeding the 4MB limit"

// txAction is one prepared action of a write transaction.
type txAction struct {
	tableName string // resolved to t under the catalog lock
	t         *table
	key       attr.Item
	skey      string
	item      attr.Item // Put: the item
	cond      condition
	upd       updater
	kind      string // "ConditionCheck", "Put", "Delete", "Update"
	onFailure string
}

// TransactWriteItems applies up to 100 actions across tables atomically:
// every condition is checked, then all writes commit in one storage
// transaction, or none does and the response says why for each action.
func (db *DB) TransactWriteItems(ctx context.Context, in *TransactWriteItemsInput) (*TransactWriteItemsOutput, error) {
	if err := validateTransactWrite(in); err != nil {
		return nil, err
	}
	if in.ClientRequestToken != nil {
		token := *in.ClientRequestToken
		out, done, err := db.idem.begin(token, requestFingerprint(in), db.now())
		if err != nil {
			return nil, err
		}
		if done {
			return db.replayTransactWrite(ctx, in, out)
		}
		out, err = db.transactWrite(ctx, in)
		db.idem.finish(token, out, db.now())
		return out, err
	}
	return db.transactWrite(ctx, in)
}

// replayTransactWrite answers a TransactWriteItems repeated with the
// ClientRequestToken of one already applied: the first call's output,
// except that ConsumedCapacity reports the read capacity of reading the
// items, not the write capacity of the first call ("Subsequent
// TransactWriteItems calls with the same client token return the number of
// read capacity units consumed in reading the item", API reference,
// TransactWriteItems ClientRequestToken). Each action's item is read as a
// transaction reads it (twice a strongly consistent read's units; the
// doubling is this engine's reading of "reading the item": the
// documentation gives no number).
func (db *DB) replayTransactWrite(ctx context.Context, in *TransactWriteItemsInput, first *TransactWriteItemsOutput) (*TransactWriteItemsOutput, error) {
	if in.ReturnConsumedCapacity != CapacityTotal && in.ReturnConsumedCapacity != CapacityIndexes {
		return first, nil
	}
	actions, names, err := db.prepareTransactWrite(in)
	if err != nil {
		return nil, err
	}
	units := map[string]float64{}
	err = db.withTables(names, func(tables map[string]*table) error {
		for i := range actions {
			a := &actions[i]
			a.t = tables[a.tableName]
			if err := a.check(); err != nil {
				return err
			}
		}
		return db.store.View(func(tx *store.Tx) error {
			for _, a := range actions {
				item, err := readItem(tx, a.skey)
				if err != nil {
					return fmt.Errorf("replay transaction on %s: %w", a.tableName, err)
				}
				u := 2 * readUnits(item.Size(), true)
				units[a.t.meta.Name] += u
				a.t.meter.charge(false, a.key[a.t.hashName], u)
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	out := *first
	out.ConsumedCapacity = consumedList(ctx, in.ReturnConsumedCapacity, names, units, true)
	return &out, nil
}

func (db *DB) transactWrite(ctx context.Context, in *TransactWriteItemsInput) (*TransactWriteItemsOutput, error) {
	start := time.Now()
	actions, names, err := db.prepareTransactWrite(in)
	if err != nil {
		return nil, err
	}
	out := &TransactWriteItemsOutput{}
	err = db.withTables(names, func(tables map[string]*table) error {
		for i := range actions {
			a := &actions[i]
			a.t = tables[a.tableName]
			if err := a.check(); err != nil {
				return actionError(err, i, len(actions))
			}
		}
		seen := map[string]bool{}
		for _, a := range actions {
			if seen[a.skey] {
				return validationError("Transaction request cannot include multiple operations on one item")
			}
			seen[a.skey] = true
		}
		units := map[string]float64{}
		idx := map[string][]float64{} // index write units (index_capacity.go)
		err := db.store.Update(func(tx *store.Tx) error { return runTransaction(tx, actions, units, idx) })
		if err != nil {
			return wrapWrite(err, "transaction on", actions[0].t)
		}
		for _, name := range names {
			tables[name].meter.request(opTransactWriteItems, start, 0, 0)
		}
		out.ConsumedCapacity = consumedWriteList(ctx, in.ReturnConsumedCapacity, names, tables, units, idx)
		if in.ReturnItemCollectionMetrics == "SIZE" {
			written := make([]collectionWrite, 0, len(actions))
			for _, a := range actions {
				if a.kind != "ConditionCheck" {
					written = append(written, collectionWrite{a.t, a.key[a.t.hashName]})
				}
			}
			out.ItemCollectionMetrics = db.collectionMetricsList(in.ReturnItemCollectionMetrics, written)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// runTransaction evaluates every action against the current items, and
// writes only when all succeed. A Put that needs nothing of the old item
// is written as it is evaluated (replace); when any action fails, the
// error rolls the store transaction back, that write included.
func runTransaction(tx *store.Tx, actions []txAction, units map[string]float64, idx map[string][]float64) error {
	reasons := make([]CancellationReason, len(actions))
	olds := make([]attr.Item, len(actions))
	news := make([]attr.Item, len(actions))
	blind := make([]*replacement, len(actions))
	failed := false
	for i, a := range actions {
		reasons[i].Code = "None"
		var old attr.Item
		var err error
		if a.kind == "Put" && !a.t.writesNeedOld() {
			var r replacement
			if r, err = replace(tx, a.skey, a.item, a.item.Size()); err == nil {
				old, err = r.old()
			}
			blind[i] = &r
		} else {
			old, err = readItem(tx, a.skey)
		}
		if err != nil {
			return err
		}
		olds[i] = old
		size := old.Size()
		switch {
		case !a.cond.eval(old):
			reasons[i] = CancellationReason{Code: "ConditionalCheckFailed", Message: "The conditional request failed"}
			if a.onFailure == ReturnAllOld && old != nil {
				reasons[i].Item = old
			}
			failed = true
		case a.kind == "Put":
			news[i] = a.item
			size = max(size, a.item.Size())
		case a.kind == "Update":
			item, err := a.upd.apply(old, a.key)
			if err == nil && item != nil {
				err = checkItemShape(item, "Item size to update has exceeded the maximum allowed size")
			}
			if err == nil && item != nil {
				err = a.t.checkUpdatedIndexValues(item)
			}
			if api, ok := err.(*APIError); ok && api.wholeRequest {
				return err
			}
			if err != nil {
				reasons[i] = CancellationReason{Code: "ValidationError", Message: errorMessage(err)}
				failed = true
				break
			}
			news[i] = item
			size = max(size, item.Size())
		}
		u := 2 * writeUnits(size) // prepare + commit
		units[a.t.meta.Name] += u
		if err := a.t.meter.take(true, a.key[a.t.hashName], u); err != nil && reasons[i].Code == "None" {
			reasons[i] = throttledReason(err)
			failed = true
		}
	}
	if failed {
		return transactionCanceled(reasons)
	}
	for i, a := range actions {
		switch {
		case blind[i] != nil:
			if _, err := a.t.recordReplacement(tx, a.skey, a.item, blind[i]); err != nil {
				return err
			}
		case a.kind == "Delete" && olds[i] != nil:
			if err := a.t.deleteItem(tx, a.skey, olds[i]); err != nil {
				return err
			}
		case (a.kind == "Put" || a.kind == "Update") && news[i] != nil:
			if err := a.t.writeItem(tx, a.skey, olds[i], news[i]); err != nil {
				if ae, ok := err.(*APIError); ok && ae.Code == CodeItemCollectionSizeLimit {
					reasons[i] = CancellationReason{Code: "ItemCollectionSizeLimitExceeded", Message: "Collection size exceeded."}
					return transactionCanceled(reasons)
				}
				return err
			}
		}
		if a.kind != "ConditionCheck" {
			idx[a.tableName] = a.t.indexWrites(idx[a.tableName], olds[i], news[i], 2)
		}
	}
	return nil
}

// actionError is how a transaction reports a problem with action i of n:
// a key of the wrong type or shape, or a missing key attribute, cancels the
// transaction with a ValidationError reason at that action (the others
// None); anything else (an empty key value, an expression problem) stays a
// ValidationException of the whole request. Captured on the service:
// paritysuite/dynamodb-conformance tests/tier3/error-messages/
// transactWriteItems.test.ts ("Put wrong-typed table key", "Update
// wrong-typed Key") and transactGetItems.test.ts ("missing key attribute").
func actionError(err error, i, n int) error {
	ae, ok := err.(*APIError)
	if !ok || !ae.keyMismatch {
		return err
	}
	reasons := make([]CancellationReason, n)
	for j := range reasons {
		reasons[j].Code = "None"
	}
	reasons[i] = CancellationReason{Code: "ValidationError", Message: ae.Message}
	return transactionCanceled(reasons)
}

// transactionCanceled is the TransactionCanceledException for reasons.
func transactionCanceled(reasons []CancellationReason) *APIError {
	codes := make([]string, len(reasons))
	for i, r := range reasons {
		codes[i] = r.Code
	}
	return &APIError{
		Code:                CodeTransactionCanceled,
		Message:             "Transaction cancelled, please refer cancellation reasons for specific reasons [" + strings.Join(codes, ", ") + "]",
		CancellationReasons: reasons,
	}
}

// throttledReason is the cancellation reason of a throttled action: the
// codes the service uses in CancellationReasons (API Reference,
// TransactionCanceledException).
func throttledReason(err *APIError) CancellationReason {
	if err.Code == CodeThrottling {
		return CancellationReason{Code: "ThrottlingError", Message: err.Message}
	}
	return CancellationReason{Code: "ProvisionedThroughputExceeded", Message: err.Message}
}

func errorMessage(err error) string {
	if api, ok := err.(*APIError); ok {
		return api.Message
	}
	return err.Error()
}

// check validates an action's key or item against its table.
func (a *txAction) check() error {
	if a.kind == "Put" {
		if err := a.t.checkItem(a.item); err != nil {
			return err
		}
		a.key = a.t.keyOf(a.item)
	} else if err := a.t.checkTransactKey(a.key); err != nil {
		return err
	}
	if err := a.upd.checkKeyTargets(a.t); err != nil {
		return err
	}
	a.skey = a.t.storageKey(a.key)
	return nil
}

// validateTransactWrite applies the request-level constraints.
func validateTransactWrite(in *TransactWriteItemsInput) error {
	var c constraints
	c.notNull(in.TransactItems != nil, "transactItems")
	if in.TransactItems != nil && len(in.TransactItems) < 1 {
		c.add("'[]'", "transactItems", "Member must have length greater than or equal to 1")
	}
	if len(in.TransactItems) > maxTransactItems {
		c.add("'[...]'", "transactItems", "Member must have length less than or equal to 100")
	}
	if tok := in.ClientRequestToken; tok != nil && (len(*tok) < 1 || len(*tok) > 36) {
		c.add(quote(*tok), "clientRequestToken", "Member must have length less than or equal to 36")
	}
	c.enum(in.ReturnConsumedCapacity, "returnConsumedCapacity", CapacityIndexes, CapacityTotal, CapacityNone)
	c.enum(in.ReturnItemCollectionMetrics, "returnItemCollectionMetrics", "SIZE", "NONE")
	for i, it := range in.TransactItems {
		n := 0
		for _, set := range []bool{it.ConditionCheck != nil, it.Put != nil, it.Delete != nil, it.Update != nil} {
			if set {
				n++
			}
		}
		if n != 1 {
			return validationError("TransactItems can only contain one of Check, Put, Update or Delete")
		}
		p := fmt.Sprintf("transactItems.%d.member.", i+1)
		switch {
		case it.ConditionCheck != nil:
			c.notNull(it.ConditionCheck.ConditionExpression != nil, p+"conditionCheck.conditionExpression")
			c.notNull(it.ConditionCheck.Key != nil, p+"conditionCheck.key")
		case it.Put != nil:
			c.notNull(it.Put.Item != nil, p+"put.item")
		case it.Delete != nil:
			c.notNull(it.Delete.Key != nil, p+"delete.key")
		case it.Update != nil:
			c.notNull(it.Update.UpdateExpression != nil, p+"update.updateExpression")
			c.notNull(it.Update.Key != nil, p+"update.key")
		}
	}
	return c.err()
}

// prepareTransactWrite parses and binds every action's expressions; any
// expression problem fails the whole request, as the service does.
func (db *DB) prepareTransactWrite(in *TransactWriteItemsInput) ([]txAction, []string, error) {
	actions := make([]txAction, len(in.TransactItems))
	tableSet := map[string]bool{}
	for i := range in.TransactItems {
		it := &in.TransactItems[i]
		a := &actions[i]
		kind, m := it.members()
		tname, condText, names, values, onFail := *m.table, *m.condition, *m.names, *m.values, *m.onFailure
		a.kind = kind
		if m.key != nil {
			a.key = *m.key
		}
		if kind == "Put" {
			a.item = it.Put.Item
			if err := checkItemShape(a.item, "Item size has exceeded the maximum allowed size"); err != nil {
				return nil, nil, err
			}
		}
		var c constraints
		c.tableName(tname, fmt.Sprintf("transactItems.%d.member.tableName", i+1))
		c.enum(onFail, "returnValuesOnConditionCheckFailure", ReturnAllOld, ReturnNone)
		if err := c.err(); err != nil {
			return nil, nil, err
		}
		a.onFailure = onFail
		hasExpr := condText != nil || a.kind == "Update"
		ex, err := db.newExprContext(names, values, exprPresence{names: hasExpr, values: hasExpr, valuesNull: "ConditionExpression is null"})
		if err != nil {
			return nil, nil, err
		}
		if a.kind == "Update" {
			if a.upd, err = ex.update(it.Update.UpdateExpression); err != nil {
				return nil, nil, err
			}
		}
		if a.cond, err = ex.condition("ConditionExpression", condText); err != nil {
			return nil, nil, err
		}
		if err := ex.done(); err != nil {
			return nil, nil, err
		}
		a.tableName = tableNameFromARN(tname)
		tableSet[a.tableName] = true
	}
	if transactWriteSize(in) > maxTransactBytes {
		return nil, nil, validationError(msgTransactTooLarge)
	}
	return actions, sortedKeys(tableSet), nil
}

// transactWriteSize is the aggregate size of the item data a write
// transaction carries: each Put's item, each other action's key, and the
// values its expressions may write. The limit is on what the request
// carries, not on the stored items it touches (an Update of a 400 KB item
// adds only its key and values).
func transactWriteSize(in *TransactWriteItemsInput) int {
	n := 0
	for i := range in.TransactItems {
		_, m := in.TransactItems[i].members()
		if m.key != nil {
			n += m.key.Size()
		} else {
			n += in.TransactItems[i].Put.Item.Size()
		}
		for name, v := range *m.values {
			n += len(name) + v.Size()
		}
	}
	return n
}

// txMembers points at the members every transaction action has; key is
// nil for a Put, which has an Item instead.
type txMembers struct {
	table, onFailure *string
	key              *attr.Item
	condition        **string
	names            *map[string]string
	values           *Values
}

// members returns which action it holds and pointers to its shared
// members. validateTransactWrite has made sure exactly one is set.
func (it *TransactWriteItem) members() (kind string, m txMembers) {
	switch {
	case it.ConditionCheck != nil:
		return "ConditionCheck", it.ConditionCheck.members()
	case it.Put != nil:
		return "Put", it.Put.members()
	case it.Delete != nil:
		return "Delete", it.Delete.members()
	}
	return "Update", it.Update.members()
}

func (x *TransactCondition) members() txMembers {
	return txMembers{&x.TableName, &x.ReturnValuesOnConditionCheckFailure, &x.Key, &x.ConditionExpression, &x.ExpressionAttributeNames, &x.ExpressionAttributeValues}
}

func (x *TransactPut) members() txMembers {
	return txMembers{&x.TableName, &x.ReturnValuesOnConditionCheckFailure, nil, &x.ConditionExpression, &x.ExpressionAttributeNames, &x.ExpressionAttributeValues}
}

func (x *TransactDelete) members() txMembers {
	return txMembers{&x.TableName, &x.ReturnValuesOnConditionCheckFailure, &x.Key, &x.ConditionExpression, &x.ExpressionAttributeNames, &x.ExpressionAttributeValues}
}

func (x *TransactUpdate) members() txMembers {
	return txMembers{&x.TableName, &x.ReturnValuesOnConditionCheckFailure, &x.Key, &x.ConditionExpression, &x.ExpressionAttributeNames, &x.ExpressionAttributeValues}
}

// requestFingerprint identifies a request's content for idempotency: the
// SHA-256 of its members in a fixed order, each length-prefixed, items in
// canonical DynamoDB JSON. The SDKs send a ClientRequestToken with
// every transaction, so this runs on each one: encoding/json here cost a
// quarter of the server's CPU under load.
func requestFingerprint(in *TransactWriteItemsInput) string {
	bp := fingerprintBufs.Get().(*[]byte)
	b := (*bp)[:0]
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	opt := func(p *string) {
		if p == nil {
			b = append(b, 0)
			return
		}
		b = append(b, 1)
		str(*p)
	}
	item := func(it attr.Item) {
		b = binary.AppendUvarint(b, uint64(len(it)))
		if it != nil {
			b = attr.AppendItem(b, it)
		}
	}
	str(in.ReturnConsumedCapacity)
	str(in.ReturnItemCollectionMetrics)
	for i := range in.TransactItems {
		kind, m := in.TransactItems[i].members()
		str(kind)
		str(*m.table)
		str(*m.onFailure)
		opt(*m.condition)
		if m.key != nil {
			item(*m.key)
		}
		b = binary.AppendUvarint(b, uint64(len(*m.names)))
		for _, k := range sortedKeys(*m.names) {
			str(k)
			str((*m.names)[k])
		}
		item(attr.Item(*m.values))
		switch x := &in.TransactItems[i]; {
		case x.Put != nil:
			item(x.Put.Item)
		case x.Update != nil:
			opt(x.Update.UpdateExpression)
		}
	}
	sum := sha256.Sum256(b)
	if cap(b) <= 1<<20 {
		*bp = b
		fingerprintBufs.Put(bp)
	}
	return string(sum[:])
}

// fingerprintBufs recycles requestFingerprint's buffers (4 MB requests at
// most; larger buffers are dropped).
var fingerprintBufs = sync.Pool{New: func() any { return new([]byte) }}
