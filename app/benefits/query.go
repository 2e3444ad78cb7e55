package benefits

import (
	"strconv"
	"strings"

	"github.com/govchain/govchain/app/core"
)

// resolve parses a benefits query path (without the leading "benefits")
// into the key its answer rests on and the function that answers it.
// Module.Query and Module.PathKey both resolve through here, so the key a
// node answers with and the key a client checks cannot differ. The paths
// are:
//
//	programme/{id}                                   the programme: rule, amount, period, window
//	entitlement/{programme}/{beneficiary}/{subject}  the entitlement, with the facts it rests on
//	entitlement/{programme}/{beneficiary}/{subject}/history
//	                                                 anchor: the entitlement (history_count),
//	                                                 then its opening and end
//	order/{programme}/{beneficiary}/{subject}/{period}
//	                                                 the payment order of a period (from 0)
//	claim/{programme}/{person}                       the person's claim and its decision
//	claim/{programme}/{person}/history               anchor: the claim, then every claim and decision
//	person/{id}                                      anchor: the person's PersonIndex
//	                                                 (entitlement_count), then one Ref per
//	                                                 entitlement naming the person, in key order
//
// Every answer is one record or a list anchored on one and so is
// provable; a missing record is a *core.NotFound with the key whose
// absence proves it: an absent entitlement proves the person is not
// entitled under the programme for that subject. A path not listed here,
// or a malformed segment, is ErrUnknownQuery.
func resolve(path []string) ([]byte, core.Answer, error) {
	ids := func(what []string, segs []string) ([]string, error) {
		out := make([]string, len(segs))
		for i, s := range segs {
			id, err := core.ParseQueryIdent(what[i], s, ErrUnknownQuery)
			if err != nil {
				return nil, err
			}
			out[i] = id
		}
		return out, nil
	}
	refOf := func(segs []string) (Ref, error) {
		v, err := ids([]string{"programme id", "beneficiary", "subject"}, segs)
		if err != nil {
			return Ref{}, err
		}
		return Ref{ProgrammeID: v[0], Beneficiary: v[1], Subject: v[2]}, nil
	}
	switch {
	case len(path) == 2 && path[0] == "programme":
		v, err := ids([]string{"programme id"}, path[1:])
		if err != nil {
			return nil, nil, err
		}
		return ProgrammeKey(v[0]), core.Single(ErrProgrammeNotFound), nil
	case len(path) == 4 && path[0] == "entitlement":
		r, err := refOf(path[1:])
		if err != nil {
			return nil, nil, err
		}
		return EntitlementKey(r), core.Single(ErrEntitlementNotFound), nil
	case len(path) == 5 && path[0] == "entitlement" && path[4] == "history":
		r, err := refOf(path[1:4])
		if err != nil {
			return nil, nil, err
		}
		return EntitlementKey(r), core.HistoryOf(ErrEntitlementNotFound, func(seq uint64) []byte { return EntitlementHistoryKey(r, seq) }), nil
	case len(path) == 5 && path[0] == "order":
		r, err := refOf(path[1:4])
		if err != nil {
			return nil, nil, err
		}
		period, err := strconv.ParseUint(path[4], 10, 64)
		if err != nil || strconv.FormatUint(period, 10) != path[4] {
			return nil, nil, core.Wrapf(ErrUnknownQuery, "period %q must be a decimal number", path[4])
		}
		return OrderKey(r, period), core.Single(ErrOrderNotFound), nil
	case (len(path) == 3 || len(path) == 4 && path[3] == "history") && path[0] == "claim":
		v, err := ids([]string{"programme id", "person id"}, path[1:3])
		if err != nil {
			return nil, nil, err
		}
		if len(path) == 4 {
			return ClaimKey(v[0], v[1]), core.HistoryOf(ErrClaimNotFound, func(seq uint64) []byte { return ClaimHistoryKey(v[0], v[1], seq) }), nil
		}
		return ClaimKey(v[0], v[1]), core.Single(ErrClaimNotFound), nil
	case len(path) == 2 && path[0] == "person":
		v, err := ids([]string{"person id"}, path[1:])
		if err != nil {
			return nil, nil, err
		}
		return PersonKey(v[0]), core.PrefixOf(ErrPersonNotFound, PersonEntitlementsPrefix(v[0])), nil
	}
	return nil, nil, core.Wrapf(ErrUnknownQuery, "%q", strings.Join(path, "/"))
}
