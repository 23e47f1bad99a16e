package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"dynalab/engine/attr"
	"dynalab/engine/internal/store"
)

// The DynamoDB Streams API (X-Amz-Target DynamoDBStreams_20120810.*):
// ListStreams, DescribeStream, GetShardIterator and GetRecords.

// StreamsTargetPrefix is the X-Amz-Target prefix of DynamoDB Streams
// operations, served by Dispatch beside the DynamoDB ones.
const StreamsTargetPrefix = "DynamoDBStreams_20120810."

// Shard iterator types.
const (
	IteratorTrimHorizon = "TRIM_HORIZON"
	IteratorLatest      = "LATEST"
	IteratorAtSequence  = "AT_SEQUENCE_NUMBER"
	IteratorAfterSeq    = "AFTER_SEQUENCE_NUMBER"
)

// Limits of the Streams API.
const (
	maxGetRecords      = 1000
	maxGetRecordsBytes = 1 << 20
	maxStreamsPage     = 100
)

// streamHandlers maps Streams operation names to their wire adapters.
var streamHandlers = map[string]handler{
	"ListStreams":      wireOp((*DB).ListStreams, func(in *ListStreamsInput) string { return in.TableName }),
	"DescribeStream":   wireOp((*DB).DescribeStream, nil),
	"GetShardIterator": wireOp((*DB).GetShardIterator, nil),
	"GetRecords":       wireOp((*DB).GetRecords, nil),
}

// ListStreamsInput is the ListStreams request.
type ListStreamsInput struct {
	TableName               string `json:"TableName,omitempty"`
	Limit                   *int64 `json:"Limit,omitempty"`
	ExclusiveStartStreamArn string `json:"ExclusiveStartStreamArn,omitempty"`
}

// ListStreamsOutput is the ListStreams response.
type ListStreamsOutput struct {
	Streams                []StreamSummary `json:"Streams"`
	LastEvaluatedStreamArn string          `json:"LastEvaluatedStreamArn,omitempty"`
}

// StreamSummary names one stream in ListStreams.
type StreamSummary struct {
	StreamArn   string `json:"StreamArn"`
	StreamLabel string `json:"StreamLabel"`
	TableName   string `json:"TableName"`
}

// DescribeStreamInput is the DescribeStream request.
type DescribeStreamInput struct {
	StreamArn             string       `json:"StreamArn"`
	Limit                 *int64       `json:"Limit,omitempty"`
	ExclusiveStartShardId string       `json:"ExclusiveStartShardId,omitempty"`
	ShardFilter           *ShardFilter `json:"ShardFilter,omitempty"`
}

// ShardFilter selects shards in DescribeStream: Type CHILD_SHARDS lists the
// children of ShardId.
type ShardFilter struct {
	Type    string `json:"Type,omitempty"`
	ShardId string `json:"ShardId,omitempty"`
}

// DescribeStreamOutput is the DescribeStream response.
type DescribeStreamOutput struct {
	StreamDescription *StreamDescription `json:"StreamDescription"`
}

// StreamDescription describes a stream and a page of its shards.
type StreamDescription struct {
	CreationRequestDateTime float64            `json:"CreationRequestDateTime"`
	KeySchema               []KeySchemaElement `json:"KeySchema"`
	LastEvaluatedShardId    string             `json:"LastEvaluatedShardId,omitempty"`
	Shards                  []Shard            `json:"Shards"`
	StreamArn               string             `json:"StreamArn"`
	StreamLabel             string             `json:"StreamLabel"`
	StreamStatus            string             `json:"StreamStatus"`
	StreamViewType          string             `json:"StreamViewType"`
	TableName               string             `json:"TableName"`
}

// Shard is one shard of a stream; it is open while its range has no
// EndingSequenceNumber.
type Shard struct {
	ParentShardId       string              `json:"ParentShardId,omitempty"`
	SequenceNumberRange SequenceNumberRange `json:"SequenceNumberRange"`
	ShardId             string              `json:"ShardId"`
}

// SequenceNumberRange is the range of a shard's sequence numbers.
type SequenceNumberRange struct {
	EndingSequenceNumber   string `json:"EndingSequenceNumber,omitempty"`
	StartingSequenceNumber string `json:"StartingSequenceNumber"`
}

// GetShardIteratorInput is the GetShardIterator request.
type GetShardIteratorInput struct {
	StreamArn         string  `json:"StreamArn"`
	ShardId           string  `json:"ShardId"`
	ShardIteratorType string  `json:"ShardIteratorType"`
	SequenceNumber    *string `json:"SequenceNumber,omitempty"`
}

// GetShardIteratorOutput is the GetShardIterator response.
type GetShardIteratorOutput struct {
	ShardIterator string `json:"ShardIterator,omitempty"`
}

// GetRecordsInput is the GetRecords request.
type GetRecordsInput struct {
	ShardIterator string `json:"ShardIterator"`
	Limit         *int64 `json:"Limit,omitempty"`
}

// GetRecordsOutput is the GetRecords response. NextShardIterator is absent
// once a closed shard has been read to its end.
type GetRecordsOutput struct {
	Records           []StreamRecord `json:"Records"`
	NextShardIterator *string        `json:"NextShardIterator,omitempty"`
}

// StreamRecord is one stream record, as GetRecords returns it.
type StreamRecord struct {
	EventID      string           `json:"eventID"`
	EventName    string           `json:"eventName"`
	EventVersion string           `json:"eventVersion"`
	EventSource  string           `json:"eventSource"`
	AwsRegion    string           `json:"awsRegion"`
	Dynamodb     StreamRecordData `json:"dynamodb"`
	UserIdentity *Identity        `json:"userIdentity,omitempty"`
}

// StreamRecordData is the "dynamodb" member of a stream record.
type StreamRecordData struct {
	ApproximateCreationDateTime float64   `json:"ApproximateCreationDateTime"`
	Keys                        attr.Item `json:"Keys"`
	NewImage                    attr.Item `json:"NewImage,omitempty"`
	OldImage                    attr.Item `json:"OldImage,omitempty"`
	SequenceNumber              string    `json:"SequenceNumber"`
	SizeBytes                   int64     `json:"SizeBytes"`
	StreamViewType              string    `json:"StreamViewType"`
}

// Identity is the userIdentity of a record: the service, for TTL deletions.
type Identity struct {
	PrincipalId string `json:"PrincipalId"`
	Type        string `json:"Type"`
}

// ListStreams lists the streams of one table or of all tables — enabled
// ones and those disabled within StreamRetention — in ARN order, at most
// Limit (1..100, default 100) per page.
func (db *DB) ListStreams(ctx context.Context, in *ListStreamsInput) (*ListStreamsOutput, error) {
	var c constraints
	if in.TableName != "" {
		c.nameRules(in.TableName, "tableName")
	}
	c.minInt(in.Limit, "limit", 1)
	c.maxInt(in.Limit, "limit", maxStreamsPage)
	arnLength(&c, in.ExclusiveStartStreamArn, "exclusiveStartStreamArn", false)
	if err := c.err(); err != nil {
		return nil, err
	}
	if in.ExclusiveStartStreamArn != "" && !validStreamARN(in.ExclusiveStartStreamArn) {
		return nil, validationError("Invalid StreamArn")
	}
	limit := maxStreamsPage
	if in.Limit != nil {
		limit = int(*in.Limit)
	}
	db.mu.RLock()
	defer db.mu.RUnlock()
	if db.closed {
		return nil, ErrClosed
	}
	var all []StreamSummary
	for _, s := range db.streams {
		if in.TableName == "" || s.Table == in.TableName {
			all = append(all, StreamSummary{StreamArn: s.ARN, StreamLabel: s.Label, TableName: s.Table})
		}
	}
	if in.TableName != "" && len(all) == 0 && db.tables[in.TableName] == nil {
		return nil, errTableNotFound(in.TableName)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].StreamArn < all[j].StreamArn })
	start := 0
	if in.ExclusiveStartStreamArn != "" {
		start = sort.Search(len(all), func(i int) bool { return all[i].StreamArn > in.ExclusiveStartStreamArn })
	}
	end := min(start+limit, len(all))
	out := &ListStreamsOutput{Streams: append([]StreamSummary{}, all[start:end]...)}
	if end < len(all) && end > start {
		out.LastEvaluatedStreamArn = all[end-1].StreamArn
	}
	return out, nil
}

// DescribeStream describes a stream and a page of its shards in creation
// order (which is also shard id order), at most Limit (1..100, default
// 100).
func (db *DB) DescribeStream(ctx context.Context, in *DescribeStreamInput) (*DescribeStreamOutput, error) {
	var c constraints
	arnLength(&c, in.StreamArn, "streamArn", true)
	c.minInt(in.Limit, "limit", 1)
	c.maxInt(in.Limit, "limit", maxStreamsPage)
	shardIDLength(&c, in.ExclusiveStartShardId, "exclusiveStartShardId", false)
	if f := in.ShardFilter; f != nil {
		// The model marks neither member required, but a filter without a
		// Type, or CHILD_SHARDS without the parent's ShardId, is refused
		// (issue #24, seen on the service; ScyllaDB's Alternator tests only
		// match "ValidationException"). The texts are guesses in the model
		// constraints' form: no public source gives the service's wording.
		c.notNull(f.Type != "", "shardFilter.type")
		c.enum(f.Type, "shardFilter.type", "CHILD_SHARDS")
		shardIDLength(&c, f.ShardId, "shardFilter.shardId", f.Type == "CHILD_SHARDS")
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	limit := maxStreamsPage
	if in.Limit != nil {
		limit = int(*in.Limit)
	}
	var out *DescribeStreamOutput
	err := db.withStream(in.StreamArn, func(s *streamMeta, tx *store.Tx) error {
		shards, err := readShards(tx, s.ID)
		if err != nil {
			return err
		}
		d := &StreamDescription{
			CreationRequestDateTime: epochSeconds(time.UnixMilli(s.CreatedMillis)),
			KeySchema:               s.KeySchema,
			Shards:                  []Shard{},
			StreamArn:               s.ARN,
			StreamLabel:             s.Label,
			StreamStatus:            s.status(),
			StreamViewType:          s.ViewType,
			TableName:               s.Table,
		}
		for _, sh := range shards {
			if f := in.ShardFilter; f != nil && f.ShardId != "" && sh.Parent != f.ShardId {
				continue
			}
			if sh.ID <= in.ExclusiveStartShardId {
				continue
			}
			if len(d.Shards) == limit {
				d.LastEvaluatedShardId = d.Shards[limit-1].ShardId
				break
			}
			d.Shards = append(d.Shards, sh.describe())
		}
		out = &DescribeStreamOutput{StreamDescription: d}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (sh *shardMeta) describe() Shard {
	d := Shard{ShardId: sh.ID, ParentShardId: sh.Parent}
	d.SequenceNumberRange.StartingSequenceNumber = sequenceNumber(sh.Start)
	if sh.End != 0 {
		d.SequenceNumberRange.EndingSequenceNumber = sequenceNumber(sh.End)
	}
	return d
}

// GetShardIterator returns an iterator into a shard, valid for
// IteratorLifetime: at its oldest retained record (TRIM_HORIZON), after its
// newest (LATEST), or at or after a sequence number. The shard's
// StartingSequenceNumber with AT_SEQUENCE_NUMBER reads everything retained,
// like TRIM_HORIZON.
func (db *DB) GetShardIterator(ctx context.Context, in *GetShardIteratorInput) (*GetShardIteratorOutput, error) {
	var c constraints
	arnLength(&c, in.StreamArn, "streamArn", true)
	shardIDLength(&c, in.ShardId, "shardId", true)
	c.notNull(in.ShardIteratorType != "", "shardIteratorType")
	c.enum(in.ShardIteratorType, "shardIteratorType", IteratorTrimHorizon, IteratorLatest, IteratorAtSequence, IteratorAfterSeq)
	if n := in.SequenceNumber; n != nil && (len(*n) < 21 || len(*n) > 40) {
		bound := "Member must have length greater than or equal to 21"
		if len(*n) > 40 {
			bound = "Member must have length less than or equal to 40"
		}
		c.add(quote(*n), "sequenceNumber", bound)
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	bySeq := in.ShardIteratorType == IteratorAtSequence || in.ShardIteratorType == IteratorAfterSeq
	var seq uint64
	switch {
	case bySeq && in.SequenceNumber == nil:
		return nil, validationError("SequenceNumber cannot be null for iterator type " + in.ShardIteratorType)
	case !bySeq && in.SequenceNumber != nil:
		return nil, validationError("SequenceNumber should not be passed for iterator type " + in.ShardIteratorType)
	case bySeq:
		var ok bool
		if seq, ok = parseSequenceNumber(*in.SequenceNumber); !ok {
			return nil, validationError("Invalid SequenceNumber: " + *in.SequenceNumber)
		}
	}
	var out *GetShardIteratorOutput
	err := db.withStream(in.StreamArn, func(s *streamMeta, tx *store.Tx) error {
		shards, err := readShards(tx, s.ID)
		if err != nil {
			return err
		}
		var sh *shardMeta
		for _, x := range shards {
			if x.ID == in.ShardId {
				sh = x
			}
		}
		if sh == nil {
			return &APIError{Code: CodeResourceNotFound, Message: "Requested resource not found: Shard: " + in.ShardId + " in Stream: " + s.ARN + " not found"}
		}
		pos, err := iteratorPosition(tx, sh, in.ShardIteratorType, seq)
		if err != nil {
			return err
		}
		it := shardIterator{sid: s.ID, idx: sh.Index, pos: pos, issued: db.now().UnixMilli()}
		out = &GetShardIteratorOutput{ShardIterator: it.encode(s.ARN)}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// iteratorPosition is where an iterator of the given type starts.
func iteratorPosition(tx *store.Tx, sh *shardMeta, typ string, seq uint64) (uint64, error) {
	switch typ {
	case IteratorTrimHorizon:
		return sh.Trimmed, nil
	case IteratorLatest:
		if sh.End != 0 {
			return sh.End, nil
		}
		return tx.StreamSeq()
	}
	if typ == IteratorAtSequence && seq == sh.Start {
		return sh.Trimmed, nil
	}
	pos := seq
	if typ == IteratorAtSequence {
		pos = seq - 1
	}
	if pos < sh.Trimmed {
		return 0, errTrimmed(sh.ID)
	}
	if seq < sh.Start || (sh.End != 0 && seq > sh.End) {
		return 0, validationError("Invalid SequenceNumber " + sequenceNumber(seq) + " for shard " + sh.ID +
			": it is outside the shard's SequenceNumberRange")
	}
	return pos, nil
}

// GetRecords reads records from an iterator's position: at most Limit
// (1..1000, default 1000) and about 1 MB. NextShardIterator continues after
// them; it is absent when a closed shard has been read to its end.
func (db *DB) GetRecords(ctx context.Context, in *GetRecordsInput) (*GetRecordsOutput, error) {
	var c constraints
	c.notNull(in.ShardIterator != "", "shardIterator")
	if len(in.ShardIterator) > 2048 {
		c.add(quote(in.ShardIterator), "shardIterator", "Member must have length less than or equal to 2048")
	}
	c.minInt(in.Limit, "limit", 1)
	c.maxInt(in.Limit, "limit", maxGetRecords)
	if err := c.err(); err != nil {
		return nil, err
	}
	it, arn, ok := decodeIterator(in.ShardIterator)
	if !ok || !validStreamARN(arn) {
		return nil, validationError("Invalid ShardIterator")
	}
	now := db.now()
	if it.expired(now) {
		return nil, errExpiredIterator(it.issued, now)
	}
	limit := maxGetRecords
	if in.Limit != nil {
		limit = int(*in.Limit)
	}
	out := &GetRecordsOutput{Records: []StreamRecord{}}
	err := db.withStream(arn, func(s *streamMeta, tx *store.Tx) error {
		if s.ID != it.sid {
			return validationError("Invalid ShardIterator")
		}
		v, err := tx.Get(store.ShardKey(it.sid, it.idx))
		if err != nil {
			return errTrimmed("") // the shard itself is past retention
		}
		var sh shardMeta
		if err := jsonUnmarshalString(v, &sh); err != nil {
			return fmt.Errorf("corrupt shard record: %w", err)
		}
		if it.pos < sh.Trimmed {
			return errTrimmed(sh.ID)
		}
		pos, more, err := readRecords(tx, it.sid, it.idx, it.pos, limit, out)
		if err != nil {
			return err
		}
		if sh.End == 0 || more {
			next := shardIterator{sid: it.sid, idx: it.idx, pos: pos, issued: now.UnixMilli()}.encode(s.ARN)
			out.NextShardIterator = &next
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// readRecords appends the shard's records after pos to out, within the
// count and size limits. It returns the new position and whether records
// remain after it.
func readRecords(tx *store.Tx, sid, idx uint32, pos uint64, limit int, out *GetRecordsOutput) (uint64, bool, error) {
	prefix := store.RecordPrefix(sid, idx)
	size, more := 0, false
	var err error
	iterErr := tx.Ascend(store.RecordKey(sid, idx, pos+1), func(k, v string) bool {
		if !strings.HasPrefix(k, prefix) {
			return false
		}
		_, raw, ok := splitStoredRecord(v)
		if !ok || (len(out.Records) > 0 && (len(out.Records) == limit || size+len(raw) > maxGetRecordsBytes)) {
			more = ok
			if !ok {
				err = fmt.Errorf("corrupt stream record %q", k)
			}
			return false
		}
		var r StreamRecord
		if e := json.Unmarshal([]byte(raw), &r); e != nil {
			err = fmt.Errorf("corrupt stream record %q: %w", k, e)
			return false
		}
		out.Records = append(out.Records, r)
		size += len(raw)
		pos, _ = store.RecordSeq(k)
		return true
	})
	if iterErr != nil {
		return 0, false, iterErr
	}
	return pos, more, err
}

// withStream runs fn with the stream named by arn, under the catalog lock
// and in a read transaction. A malformed ARN is a ValidationException, an
// unknown one ResourceNotFoundException.
func (db *DB) withStream(arn string, fn func(s *streamMeta, tx *store.Tx) error) error {
	if !validStreamARN(arn) {
		return validationError("Invalid StreamArn")
	}
	db.mu.RLock()
	defer db.mu.RUnlock()
	if db.closed {
		return ErrClosed
	}
	var s *streamMeta
	for _, x := range db.streams {
		if x.ARN == arn {
			s = x
			break
		}
	}
	if s == nil {
		return &APIError{Code: CodeResourceNotFound, Message: "Requested resource not found: Stream: " + arn + " not found"}
	}
	return db.store.View(func(tx *store.Tx) error { return fn(s, tx) })
}

// validStreamARN reports whether s has the form of a stream ARN:
// arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>.
func validStreamARN(s string) bool {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "dynamodb" || parts[3] == "" || parts[4] == "" {
		return false
	}
	rest, ok := strings.CutPrefix(parts[5], "table/")
	if !ok {
		return false
	}
	name, label, ok := strings.Cut(rest, "/stream/")
	return ok && validName(name) && label != ""
}

// arnLength applies the model's 37..1024 length rule of stream ARNs.
func arnLength(c *constraints, arn, path string, required bool) {
	switch {
	case arn == "":
		if required {
			c.notNull(false, path)
		}
	case len(arn) < 37:
		c.add(quote(arn), path, "Member must have length greater than or equal to 37")
	case len(arn) > 1024:
		c.add(quote(arn), path, "Member must have length less than or equal to 1024")
	}
}

// shardIDLength applies the model's 28..65 length rule of shard ids.
func shardIDLength(c *constraints, id, path string, required bool) {
	switch {
	case id == "":
		if required {
			c.notNull(false, path)
		}
	case len(id) < 28:
		c.add(quote(id), path, "Member must have length greater than or equal to 28")
	case len(id) > 65:
		c.add(quote(id), path, "Member must have length less than or equal to 65")
	}
}
