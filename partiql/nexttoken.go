package partiql

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"time"

	"dynalab/engine"
	"dynalab/engine/attr"
)

// A NextToken says where the next page of a SELECT starts: which of the
// plan's Queries (a fan-out runs several) and the LastEvaluatedKey within
// it. It is bound to the request — a hash of the statement text and its
// parameters — so that it cannot resume a different statement ("NextToken
// does not match request"), carries its creation time (the service's
// tokens expire after an hour, DynamoDB Local's too), and is signed with
// HMAC-SHA256, so that an altered or invented token is "Invalid NextToken"
// rather than a read from an arbitrary key.

// tokenLifetime is how long a NextToken can be used.
const tokenLifetime = time.Hour

// resumeAt is the position a NextToken records.
type resumeAt struct {
	Partition int       `json:"p,omitempty"` // index into Plan.Partitions
	Key       attr.Item `json:"k,omitempty"` // the ExclusiveStartKey; nil: the partition's start
}

type tokenBody struct {
	Version int    `json:"v"`
	Request []byte `json:"r"` // requestHash
	Created int64  `json:"t"` // Unix milliseconds
	resumeAt
}

const tokenVersion = 1

// requestHash identifies a statement and its parameters.
func requestHash(statement string, params []attr.Value) []byte {
	h := sha256.New()
	h.Write([]byte(strconv.Itoa(len(statement))))
	h.Write([]byte{0})
	h.Write([]byte(statement))
	for _, p := range params {
		h.Write([]byte{0})
		h.Write(attr.AppendValue(nil, p))
	}
	return h.Sum(nil)[:16]
}

// encodeToken returns the NextToken for a position in a statement's
// results.
func (x *Executor) encodeToken(statement string, params []attr.Value, c resumeAt) (string, error) {
	body, err := json.Marshal(tokenBody{Version: tokenVersion, Request: requestHash(statement, params), Created: x.now().UnixMilli(), resumeAt: c})
	if err != nil {
		return "", err
	}
	mac := hmac.New(sha256.New, x.tokenKey)
	mac.Write(body)
	return base64.StdEncoding.EncodeToString(mac.Sum(body)), nil
}

// decodeToken checks a NextToken against the request and returns its
// position.
func (x *Executor) decodeToken(token, statement string, params []attr.Value) (resumeAt, error) {
	invalid := engine.Validationf(msgTokenInvalid)
	raw, err := base64.StdEncoding.DecodeString(token)
	if err != nil || len(raw) <= sha256.Size {
		return resumeAt{}, invalid
	}
	body, sum := raw[:len(raw)-sha256.Size], raw[len(raw)-sha256.Size:]
	mac := hmac.New(sha256.New, x.tokenKey)
	mac.Write(body)
	if !hmac.Equal(sum, mac.Sum(nil)) {
		return resumeAt{}, invalid
	}
	var t tokenBody
	if err := json.Unmarshal(body, &t); err != nil || t.Version != tokenVersion {
		return resumeAt{}, invalid
	}
	if !hmac.Equal(t.Request, requestHash(statement, params)) {
		return resumeAt{}, engine.Validationf(msgTokenMismatch)
	}
	if x.now().Sub(time.UnixMilli(t.Created)) >= tokenLifetime {
		return resumeAt{}, engine.Validationf(msgTokenExpired)
	}
	return t.resumeAt, nil
}
