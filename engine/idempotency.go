package engine

import (
	"strings"
	"sync"
	"time"
)

// idempotencyWindow is how long a ClientRequestToken is remembered.
const idempotencyWindow = 10 * time.Minute

// idempotency remembers the results of transactions sent with a
// ClientRequestToken: within the window, the same token and request get the
// first result again without reapplying it; the same token with a different
// request is refused; a request arriving while the first is still running
// gets TransactionInProgressException. Tokens live in memory: a restart
// forgets them (documented).
type idempotency struct {
	mu      sync.Mutex
	tokens  map[string]*idemEntry
	sweepAt int // sweep expired tokens when the map grows past this
}

type idemEntry struct {
	fingerprint string
	out         *TransactWriteItemsOutput // nil while the first request runs
	at          time.Time
}

// begin claims token for a request. It returns the remembered output when
// the request was already applied (done), or an error for a mismatched or
// in-flight token. Otherwise the caller runs the request and calls finish.
func (m *idempotency) begin(token, fingerprint string, now time.Time) (out *TransactWriteItemsOutput, done bool, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.tokens == nil {
		m.tokens = map[string]*idemEntry{}
	}
	if e, ok := m.tokens[token]; ok && now.Sub(e.at) < idempotencyWindow {
		switch {
		case e.fingerprint != fingerprint:
			return nil, false, &APIError{Code: CodeIdempotentMismatch, Message: "Specified idempotent token was used with different request parameters within the idempotency window"}
		case e.out == nil:
			return nil, false, &APIError{Code: CodeTransactionInProgress, Message: "Transaction with the given request token is already in progress."}
		}
		return e.out, true, nil
	}
	// Kept ten minutes: a copy, not a view into the request body.
	m.tokens[strings.Clone(token)] = &idemEntry{fingerprint: fingerprint, at: now}
	return nil, false, nil
}

// finish records the output of a request begun with token; a nil output
// (the request failed) releases the token.
func (m *idempotency) finish(token string, out *TransactWriteItemsOutput, now time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e := m.tokens[token]
	if e == nil {
		return
	}
	if out == nil {
		delete(m.tokens, token)
		return
	}
	e.out, e.at = out, now // the window runs from completion
	if len(m.tokens) > m.sweepAt {
		for k, e := range m.tokens {
			if e.out != nil && now.Sub(e.at) >= idempotencyWindow {
				delete(m.tokens, k)
			}
		}
		m.sweepAt = max(1024, 2*len(m.tokens))
	}
}
