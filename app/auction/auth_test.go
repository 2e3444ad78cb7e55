package auction

import (
	"testing"
	"time"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
	"github.com/govchain/govchain/app/identity"
)

// authCase is a row of the authorisation matrix (coretest.AuthMatrix).
type authCase = coretest.AuthCase[*env, cast]

func authCases() map[string]authCase {
	// listed has seller list P-1, which it owns and whose agency it
	// administers: auction 1.
	listed := func(e *env, c cast, seller core.Address) {
		e.makeAdmin(seller, "finance")
		e.parcel(c, "P-1", seller)
		e.OK(seller, e.listing(AssetParcel, "P-1"))
	}
	// revealed has bidder bid 2000 in auction 1 and reveal it.
	revealed := func(e *env, c cast, bidder core.Address) {
		e.bidAndLock(1, bidder, 2000, c.bank)
		e.revealing(1)
		e.OK(bidder, reveal(1, bidder, 2000))
	}
	return map[string]authCase{
		TypeListAsset: {Setup: func(e *env, c cast, s core.Address, party bool) core.Msg {
			if party {
				e.makeAdmin(s, "finance")
			}
			e.parcel(c, "P-1", coretest.Pick(party, s, c.seller))
			return e.listing(AssetParcel, "P-1")
		}},
		TypeCommitBid: {Setup: func(e *env, c cast, s core.Address, party bool) core.Msg {
			listed(e, c, c.seller)
			if party {
				e.link(s, identity.OwnerPerson)
			}
			return commit(1, s, 2000, c.bank)
		}},
		TypeConfirmDeposit: {Roles: []core.Role{core.RoleBank}, Setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			listed(e, c, c.seller)
			e.WithRole(s, core.RoleBank, func() { e.OK(c.alice, commit(1, c.alice, 2000, s)) })
			return ConfirmDeposit{AuctionID: 1, Bidder: c.alice, Reference: "r"}
		}},
		TypeRevealBid: {Setup: func(e *env, c cast, s core.Address, party bool) core.Msg {
			listed(e, c, c.seller)
			bidder := coretest.Pick(party, s, c.alice)
			e.link(bidder, identity.OwnerPerson)
			e.bidAndLock(1, bidder, 2000, c.bank)
			e.revealing(1)
			return reveal(1, s, 2000)
		}},
		TypeCloseAuction: {Setup: func(e *env, c cast, s core.Address, party bool) core.Msg {
			listed(e, c, coretest.Pick(party, s, c.seller))
			revealed(e, c, c.alice)
			e.closing(1)
			return CloseAuction{AuctionID: 1}
		}},
		TypeCompleteAuction: {Anyone: true, Setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			listed(e, c, c.seller)
			revealed(e, c, c.alice)
			e.closing(1)
			e.OK(c.seller, CloseAuction{AuctionID: 1})
			e.at(e.auction(1).ClosedAt.Add(PurchaseWindow + time.Second))
			return CompleteAuction{AuctionID: 1}
		}},
	}
}

// TestAuthorisationMatrix runs every message type as a signer holding each
// role (and none): confirm_deposit succeeds exactly for a bank (the one
// the bid names); the party-gated messages succeed for a party (the
// owning agency admin, a registered bidder, the bidder, the seller)
// whatever its role and are refused (ErrUnauthorized) for an outsider;
// complete_auction succeeds for anyone.
func TestAuthorisationMatrix(t *testing.T) {
	coretest.AuthMatrix(t, Module, authCases(), core.ErrUnauthorized, authStart)
}

// authStart starts one run of the matrix: a fresh chain, its cast, and the
// signer under test holding exactly role.
func authStart(t *testing.T, role core.Role, _ bool) (*env, cast, *coretest.Env, core.Address) {
	e := newEnv(t)
	c := newCast(e)
	return e, c, e.Env, e.SignerUnderTest(role)
}
