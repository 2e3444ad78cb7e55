package identity

import (
	"strings"

	"github.com/govchain/govchain/app/core"
)

// resolve parses an identity query path (without the leading "identity")
// into the key its answer rests on (the record, or the list's anchor) and
// the function that answers it from that key. A malformed or unknown path is
// the error Module.Query refuses it with. Module.Query and Module.PathKey
// both resolve through here, so the key a node answers with and the key a
// client expects cannot differ.
//
// Its answers (Module.Query) are read from a committed view; values are
// the exact stored bytes. The paths are:
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
func resolve(path []string) ([]byte, core.Answer, error) {
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
			return PersonKey(id), core.Single(ErrPersonNotFound), nil
		case "history":
			return PersonKey(id), core.HistoryOf(ErrPersonNotFound, func(s uint64) []byte { return PersonHistoryKey(id, s) }), nil
		case "credentials":
			return PersonCredentialsKey(id), core.PrefixOf(ErrPersonNotFound, PersonCredentialsPrefix(id)), nil
		}
	case "account":
		if sub != "" {
			break
		}
		a, err := core.ParseQueryAddress(path[1], ErrUnknownQuery)
		if err != nil {
			return nil, nil, err
		}
		return AccountLinkKey(a), core.Single(ErrAccountNotLinked), nil
	case "org":
		id, err := idOf(path[1])
		if err != nil {
			return nil, nil, err
		}
		switch sub {
		case "":
			return OrgKey(id), core.Single(ErrOrgNotFound), nil
		case "history":
			return OrgKey(id), core.HistoryOf(ErrOrgNotFound, func(s uint64) []byte { return OrgHistoryKey(id, s) }), nil
		}
	case "credential":
		id, err := idOf(path[1])
		if err != nil {
			return nil, nil, err
		}
		switch sub {
		case "":
			return CredentialKey(id), core.Single(ErrCredentialNotFound), nil
		case "history":
			return CredentialKey(id), core.HistoryOf(ErrCredentialNotFound, func(s uint64) []byte { return CredentialHistoryKey(id, s) }), nil
		}
	case "recovery":
		id, err := core.ParseQueryID(path[1], ErrUnknownQuery)
		if err != nil {
			return nil, nil, err
		}
		switch sub {
		case "":
			return RecoveryKey(id), core.Single(ErrRecoveryNotFound), nil
		case "history":
			return RecoveryKey(id), core.HistoryOf(ErrRecoveryNotFound, func(s uint64) []byte { return RecoveryHistoryKey(id, s) }), nil
		}
	}
	return nil, nil, core.Wrapf(ErrUnknownQuery, "%q", strings.Join(path, "/"))
}

func idOf(s string) (string, error) { return core.ParseQueryIdent("id", s, ErrUnknownQuery) }
