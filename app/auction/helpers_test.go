package auction

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
	"github.com/govchain/govchain/app/identity"
	"github.com/govchain/govchain/app/land"
	"github.com/govchain/govchain/app/vehicle"
	"github.com/govchain/govchain/state"
)

// env is a chain of one-transaction blocks over a MemKV (coretest.Env);
// block h has time coretest.BlockTime(h).
type env struct {
	*coretest.Env
}

func newEnv(t *testing.T) *env { return &env{Env: coretest.NewEnv(t)} }

func (e *env) auction(id uint64) Auction { return coretest.Read(e.T, getAuction, e.KV, id) }

func (e *env) bid(id, seq uint64) Bid {
	e.T.Helper()
	b, err := getBid(e.KV, id, seq)
	require.NoError(e.T, err)
	return *b
}

// at makes the next message run at block time t (a whole second after T0).
func (e *env) at(t time.Time) { e.Height = int64(t.Sub(coretest.T0)/time.Second) - 1 }

// cast holds the accounts of the tests. seller administers the agency
// "finance"; alice, bob and carol are linked to persons, shop to an
// organisation; dave is linked to nothing.
type cast struct {
	seller, registrar, vreg, notary, bank, bank2 core.Address
	alice, bob, carol, shop, dave                core.Address
}

func newCast(e *env) cast {
	c := cast{
		seller:    e.Account("seller"),
		registrar: e.Account("registrar", core.RoleLandRegistrar),
		vreg:      e.Account("vreg", core.RoleVehicleRegistrar),
		notary:    e.Account("notary", core.RoleNotary),
		bank:      e.Account("bank", core.RoleBank),
		bank2:     e.Account("bank2", core.RoleBank),
		alice:     e.Account("alice"),
		bob:       e.Account("bob"),
		carol:     e.Account("carol"),
		shop:      e.Account("shop"),
		dave:      e.Account("dave"),
	}
	e.makeAdmin(c.seller, "finance")
	for _, p := range []core.Address{c.alice, c.bob, c.carol} {
		e.link(p, identity.OwnerPerson)
	}
	e.link(c.shop, identity.OwnerOrg)
	return c
}

// makeAdmin makes a an admin of agency directly, as genesis does.
func (e *env) makeAdmin(a core.Address, agency string) {
	require.NoError(e.T, e.KV.Set(core.AgencyAdminKey(a), []byte(agency)))
}

// link links a to a person or organisation directly, as the identity
// registry's link does.
func (e *env) link(a core.Address, kind string) {
	require.NoError(e.T, core.SetJSON(e.KV, identity.AccountLinkKey(a),
		identity.AccountLink{Account: a, OwnerKind: kind, OwnerID: "ID-" + a.String()[:8]}))
}

// parcel registers parcel id owned wholly by owner.
func (e *env) parcel(c cast, id string, owner core.Address) {
	e.OK(c.registrar, land.RegisterParcel{ParcelID: id, CadastralRef: "CAD-" + id, AreaM2: 1000,
		Denominator: 1, Owners: []land.Share{{Account: owner, Shares: 1}}, DocumentHash: coretest.HashOf(id)})
}

// car registers a vehicle owned by owner.
func (e *env) car(c cast, vin string, owner core.Address) {
	e.OK(c.vreg, vehicle.RegisterVehicle{VIN: vin, CheckDigitScheme: vehicle.SchemeNone, Make: "Ford", Model: "Focus",
		Year: 2020, Colour: "blue", Plate: "P-" + vin[len(vin)-4:], Owner: owner, OdometerKM: 1000})
}

// Timing of a listing made by list: bidding ends 100 s after the listing
// block, reveal 100 s later.
const (
	biddingFor = 100 * time.Second
	revealFor  = 100 * time.Second
)

// listing is a valid listing of asset (kind, id) made at the next block:
// reserve 1000, deposit 100 EUR.
func (e *env) listing(kind, id string) ListAsset {
	end := e.Deadline(biddingFor)
	return ListAsset{AssetKind: kind, AssetID: id, ReservePrice: 1000, Deposit: 100, Currency: "EUR",
		BiddingEndsAt: end, RevealEndsAt: end.Add(revealFor)}
}

// salt is a deterministic test salt for a bidder.
func salt(a core.Address) core.Hash { return coretest.HashOf("salt " + a.String()) }

// commit is the commit of bidder's sealed bid of amount in auction id.
func commit(id uint64, bidder core.Address, amount int64, bank core.Address) CommitBid {
	return CommitBid{AuctionID: id, Commitment: Commitment(id, bidder, amount, salt(bidder)), Bank: bank}
}

// reveal is bidder's reveal of amount in auction id.
func reveal(id uint64, bidder core.Address, amount int64) RevealBid {
	return RevealBid{AuctionID: id, Amount: amount, Salt: salt(bidder)}
}

// bidAndLock commits bidder's bid and has bank lock its deposit.
func (e *env) bidAndLock(id uint64, bidder core.Address, amount int64, bank core.Address) {
	e.T.Helper()
	e.OK(bidder, commit(id, bidder, amount, bank))
	e.OK(bank, ConfirmDeposit{AuctionID: id, Bidder: bidder, Reference: "ESC-" + bidder.String()[:6]})
}

// revealing moves to the start of auction id's reveal window.
func (e *env) revealing(id uint64) { e.at(e.auction(id).BiddingEndsAt) }

// closing moves to the end of auction id's reveal window.
func (e *env) closing(id uint64) { e.at(e.auction(id).RevealEndsAt) }

// boundQuery is coretest.BoundQuery on this module.
func boundQuery(t testing.TB, r state.Reader, path []string) (*core.QueryResult, error) {
	t.Helper()
	return coretest.BoundQuery(t, Module, r, path)
}

// history returns the actions of an auction's history, via Query.
func (e *env) history(id uint64) []string {
	return coretest.Actions(coretest.History(e.T, boundQuery, e.KV, []string{"auction", core.Dec(id), "history"},
		func(seq uint64) []byte { return HistoryKey(id, seq) }))
}

// provenBids returns an auction and its bids as the query auction/{id}/bids
// answers them (anchor first), decoded.
func (e *env) provenBids(id uint64) (Auction, []Bid) {
	e.T.Helper()
	res, err := boundQuery(e.T, e.KV, []string{"auction", core.Dec(id), "bids"})
	require.NoError(e.T, err)
	require.NotEmpty(e.T, res.Entries)
	var a Auction
	require.NoError(e.T, core.StrictUnmarshal(res.Entries[0].Value, &a))
	var list []Bid
	for i, kv := range res.Entries[1:] {
		require.Equal(e.T, BidKey(id, uint64(i)), kv.Key)
		var b Bid
		require.NoError(e.T, core.StrictUnmarshal(kv.Value, &b))
		list = append(list, b)
	}
	return a, list
}
