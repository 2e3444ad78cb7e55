package coretest

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
)

// AuthCase is one message type's row of an authorisation matrix (see
// AuthMatrix): what authorises the message, and how to reach a state in
// which it succeeds if its signer is authorised. E and C are the module's
// test chain and its cast of accounts.
type AuthCase[E, C any] struct {
	// Roles are the roles that authorise the message: a signer holding
	// one of them may send it, whatever else it is. Nil means no role
	// does; the message is authorised by who the signer is.
	Roles []core.Role
	// Anyone, with Roles nil, marks a message every signer may send
	// whatever its roles (one that only concerns its signer, or is open to
	// all). Otherwise a message with Roles nil is party-gated: only a
	// party (an owner, a buyer, the lien's bank, an agency admin, ...) may
	// send it, whatever its roles.
	Anyone bool
	// Setup prepares the state on e, with c, and returns the message that
	// s is to sign. party is false only for a party-gated message run as
	// an outsider; Setup then makes s no party to what the message acts on.
	Setup func(e E, c C, s core.Address, party bool) core.Msg
}

// AuthStart prepares one run of an authorisation matrix on a fresh
// chain: it returns the chain, its cast, the Env the chain runs on and the
// signer under test, holding exactly role (no role for ""). party is what
// the row's Setup is told; a module whose setups cannot make the signer a
// party makes it one here.
type AuthStart[E, C any] func(t *testing.T, role core.Role, party bool) (E, C, *Env, core.Address)

// AuthMatrix runs AuthRow for every message type of m; cases must hold
// exactly one case per message type.
func AuthMatrix[E, C any](t *testing.T, m *core.Module, cases map[string]AuthCase[E, C], refusal error, start AuthStart[E, C]) {
	t.Helper()
	require.Len(t, cases, len(m.Types()), "one case per message type")
	for _, typ := range m.Types() {
		ac, ok := cases[typ]
		require.True(t, ok, "no case for %s", typ)
		AuthRow(t, typ, ac, refusal, start)
	}
}

// AuthRow runs message type typ, each time on a fresh chain (start), as a
// signer holding each role of core.Roles and none, and, for a
// party-gated message, both as a party and as an outsider. A role-gated
// message must succeed exactly for its roles; a party-gated one for a
// party whatever its roles; an Anyone message for every signer. Every
// refusal must be of kind core.ErrUnauthorized and be refusal
// (core.ErrUnauthorized itself, or the one sentinel of that kind every
// refusal of the module's messages is).
func AuthRow[E, C any](t *testing.T, typ string, ac AuthCase[E, C], refusal error, start AuthStart[E, C]) {
	t.Helper()
	parties := []bool{true}
	if ac.Roles == nil && !ac.Anyone {
		parties = []bool{true, false}
	}
	for _, role := range append([]core.Role{""}, core.Roles...) {
		for _, party := range parties {
			name := typ + "/" + string(role)
			if !party {
				name += "/outsider"
			}
			t.Run(name, func(t *testing.T) {
				e, c, env, s := start(t, role, party)
				msg := ac.Setup(e, c, s, party)
				require.Equal(t, typ, msg.Type())
				_, err := env.Run(s, msg)
				if authorised(ac.Roles, ac.Anyone, role, party) {
					require.NoError(t, err)
				} else {
					require.ErrorIs(t, err, core.ErrUnauthorized)
					require.ErrorIs(t, err, refusal)
				}
			})
		}
	}
}

// authorised reports whether a signer holding role (or none), a party or
// not, may send a message authorised by roles or, if roles is nil, by
// anyone or by being a party.
func authorised(roles []core.Role, anyone bool, role core.Role, party bool) bool {
	switch {
	case roles != nil:
		return slices.Contains(roles, role)
	case anyone:
		return true
	}
	return party
}

// Pick returns s if party, else other: the account a party-gated Setup
// puts where the party goes.
func Pick(party bool, s, other core.Address) core.Address {
	if party {
		return s
	}
	return other
}

// SignerUnderTest returns the account "signer-under-test" holding exactly
// role, or no role for "" (Account): the signer an AuthStart returns.
func (e *Env) SignerUnderTest(role core.Role) core.Address {
	if role == "" {
		return e.Account("signer-under-test")
	}
	return e.Account("signer-under-test", role)
}

// WithRole runs f with a holding role r: if a lacks r it is granted first
// (Grant) and revoked again after f. A setup uses it to have the signer
// under test make a record only r may make while the signer otherwise
// holds exactly the role under test.
func (e *Env) WithRole(a core.Address, r core.Role, f func()) {
	e.T.Helper()
	had, err := core.HasRole(e.KV, a, r)
	require.NoError(e.T, err)
	if !had {
		require.NoError(e.T, Grant(e.KV, a, r))
	}
	f()
	if !had {
		e.Revoke(a, r)
	}
}
