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
	if len(path) < 2 || len(path) > 3 {
		return nil, core.Wrapf(ErrUnknownQuery, "%q", strings.Join(path, "/"))
	}
	sub := ""
	if len(path) == 3 {
		sub = path[2]
	}
	switch path[0] {
	case "person":
		id, err := idOf(path[1])
		if err != nil {
			return nil, err
		}
		switch sub {
		case "":
			return single(r, PersonKey(id), ErrPersonNotFound)
		case "history":
			var p Person
			return historyList(r, PersonKey(id), ErrPersonNotFound, &p, func() [][]byte {
				return seqKeys(p.HistoryCount, func(s uint64) []byte { return PersonHistoryKey(id, s) })
			})
		case "credentials":
			return personCredentials(r, id)
		}
	case "account":
		if sub != "" {
			break
		}
		a, err := core.ParseAddress(path[1])
		if err != nil || a.String() != path[1] {
			return nil, core.Wrapf(ErrUnknownQuery, "account %q must be 40 lower-case hex digits", path[1])
		}
		return single(r, AccountLinkKey(a), ErrAccountNotLinked)
	case "org":
		id, err := idOf(path[1])
		if err != nil {
			return nil, err
		}
		switch sub {
		case "":
			return single(r, OrgKey(id), ErrOrgNotFound)
		case "history":
			var o Organisation
			return historyList(r, OrgKey(id), ErrOrgNotFound, &o, func() [][]byte {
				return seqKeys(o.HistoryCount, func(s uint64) []byte { return OrgHistoryKey(id, s) })
			})
		}
	case "credential":
		id, err := idOf(path[1])
		if err != nil {
			return nil, err
		}
		switch sub {
		case "":
			return single(r, CredentialKey(id), ErrCredentialNotFound)
		case "history":
			var c Credential
			return historyList(r, CredentialKey(id), ErrCredentialNotFound, &c, func() [][]byte {
				return seqKeys(c.HistoryCount, func(s uint64) []byte { return CredentialHistoryKey(id, s) })
			})
		}
	case "recovery":
		id, err := numericID(path[1])
		if err != nil {
			return nil, err
		}
		switch sub {
		case "":
			return single(r, RecoveryKey(id), ErrRecoveryNotFound)
		case "history":
			var rc Recovery
			return historyList(r, RecoveryKey(id), ErrRecoveryNotFound, &rc, func() [][]byte {
				return seqKeys(rc.HistoryCount, func(s uint64) []byte { return RecoveryHistoryKey(id, s) })
			})
		}
	}
	return nil, core.Wrapf(ErrUnknownQuery, "%q", strings.Join(path, "/"))
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

// personCredentials answers person/{id}/credentials.
func personCredentials(r state.Reader, id string) (*core.QueryResult, error) {
	anchor := PersonCredentialsKey(id)
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
