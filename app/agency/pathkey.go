package agency

import (
	"strings"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

// PathKey returns the store key the answer to an agency query path
// (without the leading "agency", as Query takes it) rests on: the record,
// or the anchor of a list, which is also the key whose absence a not-found
// answer proves. ok is false for a path Query refuses as malformed or
// unknown. Query reads exactly this key, so a client can check that a
// proof is of the key the path names.
func PathKey(path []string) (key []byte, ok bool) {
	key, _, err := resolve(path)
	return key, err == nil
}

// answerFunc answers a resolved path from the key it rests on.
type answerFunc func(r state.Reader, key []byte) (*core.QueryResult, error)

// resolve parses a query path into the key its answer rests on (the
// record, or the list's anchor) and the function that answers it from that
// key. A malformed or unknown path is the error Query refuses it with.
// Query and PathKey both resolve through here, so the key a node answers
// with and the key a client expects cannot differ.
func resolve(path []string) ([]byte, answerFunc, error) {
	switch {
	case len(path) == 1 && path[0] == "list":
		return core.AgencySetKey(), agencyList, nil
	case len(path) == 2 && path[0] == "id":
		return core.AgencyKey(path[1]), singleOf(ErrAgencyNotFound), nil
	case len(path) == 3 && path[0] == "account":
		addr, err := core.ParseAddress(path[1])
		if err != nil {
			return nil, nil, err
		}
		switch path[2] {
		case "roles":
			return core.RoleAccountKey(addr), singleOf(errNoRoles), nil
		case "history":
			return core.RoleAccountKey(addr), func(r state.Reader, key []byte) (*core.QueryResult, error) {
				return core.QueryPrefix(r, key, errNoRoles, state.Key(core.PrefixRole, core.RoleHistoryTable, addr[:]))
			}, nil
		}
	case len(path) == 2 && path[0] == "policy":
		if !core.ValidRole(core.Role(path[1])) {
			return nil, nil, core.Wrapf(ErrUnknownRole, "%q", path[1])
		}
		return core.RolePolicyKey(core.Role(path[1])), singleOf(errNoPolicy), nil
	}
	return nil, nil, core.Wrapf(ErrUnknownPath, "/%s/%s", Name, strings.Join(path, "/"))
}

// Not-found answers without a sentinel of their own (kind core.ErrNotFound).
var (
	errNoAgencySet = core.NewError(core.ErrNotFound, "agency: no agency set")
	errNoRoles     = core.NewError(core.ErrNotFound, "agency: account has never held a role")
	errNoPolicy    = core.NewError(core.ErrNotFound, "agency: no agency may grant this role")
)

// agencyList answers list from the agency set under key: the set, then
// every agency by id.
func agencyList(r state.Reader, key []byte) (*core.QueryResult, error) {
	return core.QueryPrefix(r, key, errNoAgencySet, core.AgenciesPrefix())
}

// singleOf answers a single record, notFound if it is missing.
func singleOf(notFound error) answerFunc {
	return func(r state.Reader, key []byte) (*core.QueryResult, error) {
		return core.QuerySingle(r, key, notFound)
	}
}
