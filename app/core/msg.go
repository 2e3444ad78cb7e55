package core

// Msg is one message: the body of a transaction.
//
// Contract:
//   - Type returns the frozen type string "registry/verb_noun"; it never
//     changes once released.
//   - Validate is the stateless check: it never reads the store and returns
//     an error of kind ErrInvalid.
//   - Exec is deterministic: same state, same context, same result. It
//     checks authorisation first (kind ErrUnauthorized), reads and writes
//     only through ctx.KV, and returns an error to refuse the message; the
//     caller then discards every write it made.
type Msg interface {
	Type() string
	Validate() error
	Exec(ctx *Context) error
}

// KVPair is a store key and the exact bytes stored under it.
type KVPair struct {
	Key   []byte
	Value []byte
}

// QueryResult is a registry's answer to a query path.
//
// A single-record answer sets Key and Value (the exact stored bytes). An
// answer that rests on several keys (a history, a list) sets Key to its
// anchor key (the record that states how many entries exist) and Entries to
// every key it rests on with its exact value, anchor first, so that each can
// be proven against the same app hash.
type QueryResult struct {
	Key     []byte
	Value   []byte
	Entries []KVPair
}

// NotFound is returned (with a kind-ErrNotFound error) by registry queries
// for a missing record; Key is the key whose absence proves it.
type NotFound struct {
	Key []byte
	Err error
}

// Error implements error.
func (n *NotFound) Error() string { return n.Err.Error() }

// Unwrap returns the underlying error.
func (n *NotFound) Unwrap() error { return n.Err }

// Recorder is a Msg whose refusals are themselves recorded in the state
// (an access request that no grant covers, say, which the subject's access
// log must still show). After Exec refuses, the app discards Exec's writes
// and calls RecordRefusal on a fresh branch with the refusal and the
// result code the transaction gets; if RecordRefusal returns nil, its
// writes and events are kept while the transaction's result is still the
// refusal. CheckTx admits a Recorder whose refusal RecordRefusal accepts,
// so that the refusal reaches a block and is recorded there.
//
// Contract: RecordRefusal is deterministic, writes only through ctx.KV,
// and returns an error (nothing is then recorded) for a refusal that must
// not be recorded, such as a signer without the role to make the request
// at all.
type Recorder interface {
	Msg
	RecordRefusal(ctx *Context, refusal error, code uint32) error
}
