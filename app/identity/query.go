package identity

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

// Query answers an identity query path (without the leading "identity")
// from a read-only view. Values are the exact stored bytes. The paths are:
//
//	person/{id}                 the person record (Key, Value)
//	person/{id}/history         anchor: the person record (history_count),
//	                            then every history entry in order
//	person/{id}/credentials     anchor: the PersonCredentials record
//	                            (credential_count), then one
//	                            PersonCredential entry per credential in key
//	                            order (shorter ids first, then bytes)
//	account/{address}           the AccountLink: which person or
//	                            organisation the account belongs to
//	org/{id}                    the organisation record
//	org/{id}/history            anchor: the organisation, then its history
//	credential/{id}             the credential record: status and
//	                            valid_from/valid_until (compare them with
//	                            the time of the header the proof is checked
//	                            against)
//	credential/{id}/history     anchor: the credential, then its history
//	recovery/{id}               the recovery record (id in decimal)
//	recovery/{id}/history       anchor: the recovery, then its history
//
// For a list answer, Key and Value are the anchor's and Entries holds the
// anchor first, then every entry. A missing record is a *core.NotFound with
// the key whose absence proves it and the registry's not-found sentinel. A
// path not listed here, or a malformed id in it, is ErrUnknownQuery (kind
// core.ErrInvalid).
func Query(r state.Reader, path []string) (*core.QueryResult, error) {
	key, answer, err := resolve(path)
	if err != nil {
		return nil, err
	}
	return answer(r, key)
}

// answerFunc answers a resolved path from the key it rests on.
type answerFunc func(r state.Reader, key []byte) (*core.QueryResult, error)

// resolve parses a query path into the key its answer rests on (the
// record, or the list's anchor) and the function that answers it from that
// key. A malformed or unknown path is the error Query refuses it with.
// Query and PathKey both resolve through here, so the key a node answers
// with and the key a client expects cannot differ.
func resolve(path []string) ([]byte, answerFunc, error) {
	if len(path) < 2 || len(path) > 3 {
		return nil, nil, core.Wrapf(ErrUnknownQuery, "%q", strings.Join(path, "/"))
	}
	sub := ""
	if len(path) == 3 {
		sub = path[2]
	}
	switch path[0] {
	case "person":
		id, err := idOf(path[1])
		if err != nil {
			return nil, nil, err
		}
		switch sub {
		case "":
			return PersonKey(id), singleOf(ErrPersonNotFound), nil
		case "history":
			return PersonKey(id), func(r state.Reader, key []byte) (*core.QueryResult, error) {
				var p Person
				return historyList(r, key, ErrPersonNotFound, &p, func() [][]byte {
					return seqKeys(p.HistoryCount, func(s uint64) []byte { return PersonHistoryKey(id, s) })
				})
			}, nil
		case "credentials":
			return PersonCredentialsKey(id), func(r state.Reader, key []byte) (*core.QueryResult, error) {
				return personCredentials(r, key, id)
			}, nil
		}
	case "account":
		if sub != "" {
			break
		}
		a, err := core.ParseAddress(path[1])
		if err != nil || a.String() != path[1] {
			return nil, nil, core.Wrapf(ErrUnknownQuery, "account %q must be 40 lower-case hex digits", path[1])
		}
		return AccountLinkKey(a), singleOf(ErrAccountNotLinked), nil
	case "org":
		id, err := idOf(path[1])
		if err != nil {
			return nil, nil, err
		}
		switch sub {
		case "":
			return OrgKey(id), singleOf(ErrOrgNotFound), nil
		case "history":
			return OrgKey(id), func(r state.Reader, key []byte) (*core.QueryResult, error) {
				var o Organisation
				return historyList(r, key, ErrOrgNotFound, &o, func() [][]byte {
					return seqKeys(o.HistoryCount, func(s uint64) []byte { return OrgHistoryKey(id, s) })
				})
			}, nil
		}
	case "credential":
		id, err := idOf(path[1])
		if err != nil {
			return nil, nil, err
		}
		switch sub {
		case "":
			return CredentialKey(id), singleOf(ErrCredentialNotFound), nil
		case "history":
			return CredentialKey(id), func(r state.Reader, key []byte) (*core.QueryResult, error) {
				var c Credential
				return historyList(r, key, ErrCredentialNotFound, &c, func() [][]byte {
					return seqKeys(c.HistoryCount, func(s uint64) []byte { return CredentialHistoryKey(id, s) })
				})
			}, nil
		}
	case "recovery":
		id, err := numericID(path[1])
		if err != nil {
			return nil, nil, err
		}
		switch sub {
		case "":
			return RecoveryKey(id), singleOf(ErrRecoveryNotFound), nil
		case "history":
			return RecoveryKey(id), func(r state.Reader, key []byte) (*core.QueryResult, error) {
				var rc Recovery
				return historyList(r, key, ErrRecoveryNotFound, &rc, func() [][]byte {
					return seqKeys(rc.HistoryCount, func(s uint64) []byte { return RecoveryHistoryKey(id, s) })
				})
			}, nil
		}
	}
	return nil, nil, core.Wrapf(ErrUnknownQuery, "%q", strings.Join(path, "/"))
}

func idOf(s string) (string, error) {
	if err := core.ValidateID("id", s); err != nil {
		return "", core.Wrapf(ErrUnknownQuery, "%v", err)
	}
	return s, nil
}

// numericID parses a positive decimal id in canonical form (no sign, no
// leading zeros).
func numericID(s string) (uint64, error) {
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n == 0 || strconv.FormatUint(n, 10) != s {
		return 0, core.Wrapf(ErrUnknownQuery, "id %q must be a positive decimal number", s)
	}
	return n, nil
}

// singleOf answers a single record, notFound if it is missing.
func singleOf(notFound error) answerFunc {
	return func(r state.Reader, key []byte) (*core.QueryResult, error) {
		return single(r, key, notFound)
	}
}

func single(r state.Reader, key []byte, notFound error) (*core.QueryResult, error) {
	v, err := r.Get(key)
	if err != nil {
		return nil, err
	}
	if v == nil {
		return nil, &core.NotFound{Key: key, Err: notFound}
	}
	return &core.QueryResult{Key: key, Value: v}, nil
}

func seqKeys(n uint64, keyOf func(uint64) []byte) [][]byte {
	keys := make([][]byte, 0, n)
	for s := uint64(0); s < n; s++ {
		keys = append(keys, keyOf(s))
	}
	return keys
}

// historyList answers a list anchored on a record: the record (decoded
// into rec), then the value of every key that keysOf derives from it. A
// listed key that is missing means the state is inconsistent and is an
// internal error.
func historyList(r state.Reader, anchor []byte, notFound error, rec any, keysOf func() [][]byte) (*core.QueryResult, error) {
	v, err := r.Get(anchor)
	if err != nil {
		return nil, err
	}
	if v == nil {
		return nil, &core.NotFound{Key: anchor, Err: notFound}
	}
	if _, err := core.GetJSON(r, anchor, rec); err != nil {
		return nil, err
	}
	res := &core.QueryResult{Key: anchor, Value: v, Entries: []core.KVPair{{Key: anchor, Value: v}}}
	for _, k := range keysOf() {
		ev, err := r.Get(k)
		if err != nil {
			return nil, err
		}
		if ev == nil {
			return nil, fmt.Errorf("identity: record %x lists key %x that is missing", anchor, k)
		}
		res.Entries = append(res.Entries, core.KVPair{Key: k, Value: ev})
	}
	return res, nil
}

// personCredentials answers person/{id}/credentials from the person's
// PersonCredentials record under anchor.
func personCredentials(r state.Reader, anchor []byte, id string) (*core.QueryResult, error) {
	v, err := r.Get(anchor)
	if err != nil {
		return nil, err
	}
	if v == nil {
		return nil, &core.NotFound{Key: anchor, Err: ErrPersonNotFound}
	}
	res := &core.QueryResult{Key: anchor, Value: v, Entries: []core.KVPair{{Key: anchor, Value: v}}}
	prefix := PersonCredentialsPrefix(id)
	it, err := r.Iterator(prefix, state.PrefixEnd(prefix), true)
	if err != nil {
		return nil, err
	}
	defer it.Close()
	for ; it.Valid(); it.Next() {
		res.Entries = append(res.Entries, core.KVPair{Key: slices.Clone(it.Key()), Value: slices.Clone(it.Value())})
	}
	if err := it.Error(); err != nil {
		return nil, err
	}
	return res, nil
}
