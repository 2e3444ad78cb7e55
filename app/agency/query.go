package agency

import (
	"strings"

	"github.com/govchain/govchain/app/core"
)

// resolve parses an agency query path (without the leading "agency") into
// the key its answer rests on (the record, or the list's anchor) and the
// function that answers it from that key. A malformed or unknown path is the
// error Module.Query refuses it with. Module.Query and Module.PathKey both
// resolve through here, so the key a node answers with and the key a client
// expects cannot differ.
//
// The paths are:
//
//	agency/list                         the agency set (the member agency
//	                                    ids) then every agency, by id
//	agency/id/{id}                      one agency
//	agency/account/{address}/roles      the roles an account holds now
//	agency/account/{address}/history    its role history (anchor first)
//	agency/policy/{role}                which agencies may grant a role
func resolve(path []string) ([]byte, core.Answer, error) {
	switch {
	case len(path) == 1 && path[0] == "list":
		return core.AgencySetKey(), core.PrefixOf(errNoAgencySet, core.AgenciesPrefix()), nil
	case len(path) == 2 && path[0] == "id":
		return core.AgencyKey(path[1]), core.Single(ErrAgencyNotFound), nil
	case len(path) == 3 && path[0] == "account":
		addr, err := core.ParseAddress(path[1])
		if err != nil {
			return nil, nil, err
		}
		switch path[2] {
		case "roles":
			return core.RoleAccountKey(addr), core.Single(errNoRoles), nil
		case "history":
			return core.RoleAccountKey(addr), core.HistoryOf(errNoRoles, func(seq uint64) []byte {
				return core.HistoryKey(core.PrefixRole, core.RoleHistoryTable, addr[:], seq)
			}), nil
		}
	case len(path) == 2 && path[0] == "policy":
		if !core.ValidRole(core.Role(path[1])) {
			return nil, nil, core.Wrapf(ErrUnknownRole, "%q", path[1])
		}
		return core.RolePolicyKey(core.Role(path[1])), core.Single(errNoPolicy), nil
	}
	return nil, nil, core.Wrapf(ErrUnknownPath, "/%s/%s", Name, strings.Join(path, "/"))
}

// Not-found answers without a sentinel of their own (kind core.ErrNotFound).
var (
	errNoAgencySet = core.NewError(core.ErrNotFound, "agency: no agency set")
	errNoRoles     = core.NewError(core.ErrNotFound, "agency: account has never held a role")
	errNoPolicy    = core.NewError(core.ErrNotFound, "agency: no agency may grant this role")
)
