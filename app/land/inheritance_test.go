package land

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
)

func validInheritance() TransferInheritance {
	return TransferInheritance{ParcelID: "P-1", Deceased: va, Denominator: 4,
		Heirs: []Share{sh(vb, 1), sh(vc, 1)}, CertificateHash: coretest.HashOf("certificate")}
}

func TestValidateTransferInheritance(t *testing.T) {
	f := func(fn func(m *TransferInheritance)) func(core.Msg) core.Msg {
		return func(m core.Msg) core.Msg {
			c := m.(TransferInheritance)
			c.Heirs = slices.Clone(c.Heirs)
			fn(&c)
			return c
		}
	}
	checkValidate(t, validInheritance(), []validateCase{
		{"bad parcel id", f(func(m *TransferInheritance) { m.ParcelID = "a b" })},
		{"empty parcel id", f(func(m *TransferInheritance) { m.ParcelID = "" })},
		{"zero deceased", f(func(m *TransferInheritance) { m.Deceased = core.Address{} })},
		{"zero denominator", f(func(m *TransferInheritance) { m.Denominator = 0 })},
		{"huge denominator", f(func(m *TransferInheritance) { m.Denominator = MaxDenominator + 1 })},
		{"no heirs", f(func(m *TransferInheritance) { m.Heirs = nil })},
		{"zero heir share", f(func(m *TransferInheritance) { m.Heirs[0].Shares = 0 })},
		{"heir share above denominator", f(func(m *TransferInheritance) { m.Heirs[0].Shares = 5 })},
		{"zero heir account", f(func(m *TransferInheritance) { m.Heirs[1].Account = core.Address{} })},
		{"duplicate heir", f(func(m *TransferInheritance) { m.Heirs[1].Account = vb })},
		{"heirs exceed the whole", f(func(m *TransferInheritance) { m.Heirs = []Share{sh(vb, 3), sh(vc, 3)} })},
		{"deceased is an heir", f(func(m *TransferInheritance) { m.Heirs[0].Account = va })},
		{"zero certificate hash", f(func(m *TransferInheritance) { m.CertificateHash = core.Hash{} })},
	})
}

// TestInheritance: alice dies owning half of P-1, which carries an active
// lien and pending transfers; a notary moves her half to carol and dave.
func TestInheritance(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	day := 24 * time.Hour

	e.OK(c.registrar, registerMsg("P-1", 2, sh(c.alice, 1), sh(c.bob, 1)))
	e.OK(c.bank, CreateLien{ParcelID: "P-1", Amount: 1_000, Currency: "EUR", Reference: "M", DocumentHash: coretest.HashOf("m")})
	e.OK(c.alice, AcceptLien{LienID: 1})
	e.OK(c.bob, AcceptLien{LienID: 1})
	e.OK(c.bank2, CreateLien{ParcelID: "P-1", Amount: 5, Currency: "EUR", Reference: "N", DocumentHash: coretest.HashOf("n")})
	// Transfer 1: alice sells to carol. Transfer 2: bob sells to dave, in
	// quarters. Transfer 3: bob sells to alice. Transfer 4: bob sells to
	// carol, in halves.
	for _, s := range []struct {
		seller, buyer core.Address
		den, shares   uint64
	}{{c.alice, c.carol, 2, 1}, {c.bob, c.dave, 4, 2}, {c.bob, c.alice, 2, 1}, {c.bob, c.carol, 2, 1}} {
		e.OK(s.seller, ProposeTransfer{ParcelID: "P-1", Denominator: s.den, Sellers: []Share{sh(s.seller, s.shares)},
			Buyers: []Share{sh(s.buyer, s.shares)}, Price: 1, Currency: "EUR", ExpiresAt: e.Deadline(day)})
	}
	require.Equal(t, []uint64{1, 2, 3, 4}, e.parcel("P-1").PendingTransfers)

	// While alice lives, no inheritance.
	m := TransferInheritance{ParcelID: "P-1", Deceased: c.alice, Denominator: 4,
		Heirs: []Share{sh(c.dave, 1), sh(c.carol, 1)}, CertificateHash: coretest.HashOf("certificate")}
	e.Refuse(c.notary, m, ErrOwnerNotDeceased)
	e.Die(c.alice)

	before := e.parcel("P-1")
	ev := e.OK(c.notary, m)
	require.Len(t, ev, 2, "the inheritance's event, then one per superseded transfer")
	require.Equal(t, []string{"transfer_inheritance"}, attr(t, ev, "action"))
	require.Equal(t, []string{"supersede_transfer"}, attr(t, ev[1:], "action"))
	require.Equal(t, []string{"4"}, attr(t, ev[1:], "transfer_id"))
	require.Empty(t, attr(t, ev[1:], "superseded_by"), "an inheritance, not a transfer, superseded it")
	require.Equal(t, []string{"P-1"}, attr(t, ev, "parcel_id"))
	require.Equal(t, []string{c.alice.String()}, attr(t, ev, "deceased"))
	require.Equal(t, []string{c.notary.String()}, attr(t, ev, "notary"))
	require.Equal(t, []string{"1", "3"}, attr(t, ev, "transfer_id"))
	heirs := sortShares([]Share{sh(c.carol, 1), sh(c.dave, 1)})
	require.Equal(t, []string{heirs[0].Account.String(), heirs[1].Account.String()}, attr(t, ev, "heir"))

	p := e.parcel("P-1")
	require.Equal(t, uint64(4), p.Denominator)
	require.Equal(t, sortShares([]Share{sh(c.bob, 2), sh(c.carol, 1), sh(c.dave, 1)}), p.Owners)
	require.Equal(t, before.ActiveLiens, p.ActiveLiens, "liens stay: an inheritance does not discharge debts")
	require.Equal(t, []uint64{1}, p.ActiveLiens)
	require.Equal(t, []uint64{2}, p.PendingLiens)
	require.Equal(t, LienActive, e.lien(1).Status)
	require.Equal(t, []uint64{2}, p.PendingTransfers, "bob's sale to dave in quarters stays")
	for _, id := range []uint64{1, 3} {
		tr := e.transfer(id)
		require.Equal(t, TransferCancelled, tr.Status)
		require.Equal(t, inheritanceCancelReason, tr.CancelReason)
		require.Equal(t, c.notary, *tr.ClosedBy)
	}
	require.Equal(t, TransferPending, e.transfer(2).Status)
	// Bob's sale in halves no longer fits the parcel's quarters: superseded,
	// and every later step of it is refused with its own code.
	t4 := e.transfer(4)
	require.Equal(t, TransferSuperseded, t4.Status)
	require.Equal(t, uint64(0), t4.SupersededBy)
	require.Contains(t, t4.SupersededReason, "denominator")
	require.Equal(t, c.notary, *t4.ClosedBy)
	e.Refuse(c.carol, AcceptTransfer{TransferID: 4}, ErrTransferSuperseded)
	e.Refuse(c.bob, CancelTransfer{TransferID: 4}, ErrTransferSuperseded)
	require.Equal(t, []string{"register_parcel", "create_lien", "accept_lien", "accept_lien", "create_lien",
		"propose_transfer", "propose_transfer", "propose_transfer", "propose_transfer",
		"cancel_transfer", "cancel_transfer", "transfer_inheritance", "supersede_transfer"}, e.history("P-1"))

	// Owner indexes moved with the shares.
	_, _, ok := e.ownerIndex(c.alice)
	require.False(t, ok)
	for _, who := range []core.Address{c.carol, c.dave} {
		o, entries, ok := e.ownerIndex(who)
		require.True(t, ok)
		require.Equal(t, uint64(1), o.ParcelCount)
		require.Equal(t, []OwnerParcel{{ParcelID: "P-1", Shares: 1, Denominator: 4}}, entries)
	}
	_, entries, _ := e.ownerIndex(c.bob)
	require.Equal(t, []OwnerParcel{{ParcelID: "P-1", Shares: 2, Denominator: 4}}, entries)

	// The new owners must accept the pending lien; the heirs can sell.
	e.OK(c.bob, AcceptLien{LienID: 2})
	e.OK(c.carol, AcceptLien{LienID: 2})
	require.Equal(t, LienPending, e.lien(2).Status)
	e.OK(c.dave, AcceptLien{LienID: 2})
	require.Equal(t, LienActive, e.lien(2).Status)

	// A second inheritance of the same estate finds nothing left.
	e.Refuse(c.notary, m, ErrDeceasedNotOwner)

	// An heir dies in turn; the estate of dave goes to bob, merging shares.
	e.Die(c.dave)
	e.OK(c.notaryBuyer, TransferInheritance{ParcelID: "P-1", Deceased: c.dave, Denominator: 4,
		Heirs: []Share{sh(c.bob, 1)}, CertificateHash: coretest.HashOf("dave")})
	p = e.parcel("P-1")
	require.Equal(t, uint64(4), p.Denominator)
	require.Equal(t, sortShares([]Share{sh(c.bob, 3), sh(c.carol, 1)}), p.Owners)
	// Bob's pending sale to dave (transfer 2) was cancelled with dave's death.
	require.Equal(t, TransferCancelled, e.transfer(2).Status)
	require.Empty(t, e.parcel("P-1").PendingTransfers)
}

// TestInheritanceLowestTerms: the result is reduced to lowest terms.
func TestInheritanceLowestTerms(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	e.OK(c.registrar, registerMsg("P-1", 2, sh(c.alice, 1), sh(c.bob, 1)))
	e.Die(c.alice)
	e.OK(c.notary, TransferInheritance{ParcelID: "P-1", Deceased: c.alice, Denominator: 6,
		Heirs: []Share{sh(c.bob, 3)}, CertificateHash: coretest.HashOf("c")})
	p := e.parcel("P-1")
	require.Equal(t, uint64(1), p.Denominator)
	require.Equal(t, []Share{sh(c.bob, 1)}, p.Owners)
	_, _, ok := e.ownerIndex(c.alice)
	require.False(t, ok)
	_, entries, _ := e.ownerIndex(c.bob)
	require.Equal(t, []OwnerParcel{{ParcelID: "P-1", Shares: 1, Denominator: 1}}, entries)
}

// inheritanceRefusals triggers every refusal of land/transfer_inheritance,
// including each of the sentinels it added, and marks them seen. It uses
// parcels I-1 and I-2 and accounts of its own, so that it can run inside
// TestRefusals.
func inheritanceRefusals(e *env, c cast) {
	t := e.T
	heirA, heirB := e.Account("heir-a"), e.Account("heir-b")
	dead, living := e.Account("dead-owner"), e.Account("living-owner")
	e.OK(c.registrar, registerMsg("I-1", 2, sh(dead, 1), sh(living, 1)))
	e.OK(c.registrar, registerMsg("I-2", 1, sh(living, 1)))
	inh := func(parcel string, deceased core.Address, den uint64, heirs ...Share) TransferInheritance {
		return TransferInheritance{ParcelID: parcel, Deceased: deceased, Denominator: den, Heirs: heirs, CertificateHash: coretest.HashOf("cert")}
	}
	ok := inh("I-1", dead, 2, sh(heirA, 1))

	bad := ok
	bad.CertificateHash = core.Hash{}
	e.Refuse(c.notary, bad, ErrInvalidMessage)
	e.Refuse(c.notary, ok, ErrOwnerNotDeceased)
	e.Die(dead)
	e.Refuse(c.registrar, ok, core.ErrMissingRole)
	e.Refuse(c.notary, inh("I-1", dead, 2, sh(c.notary, 1)), ErrNotaryIsParty)
	e.Refuse(c.notary, inh("NOPE", dead, 2, sh(heirA, 1)), ErrParcelNotFound)
	e.Refuse(c.notary, inh("I-2", dead, 1, sh(heirA, 1)), ErrDeceasedNotOwner)
	e.Refuse(c.notary, inh("I-1", dead, 3, sh(heirA, 1)), ErrDenominatorMismatch)
	e.Refuse(c.notary, inh("I-1", dead, 4, sh(heirA, 1)), ErrEstateMismatch)
	e.Refuse(c.notary, inh("I-1", dead, 4, sh(heirA, 2), sh(heirB, 1)), ErrEstateMismatch)
	e.Die(heirB)
	e.Refuse(c.notary, inh("I-1", dead, 4, sh(heirA, 1), sh(heirB, 1)), ErrHeirDeceased)
	many := make([]Share, MaxOwners)
	for i := range many {
		many[i] = sh(e.Account("estate-heir-"+core.Dec(uint64(i))), 1)
	}
	e.Refuse(c.notary, inh("I-1", dead, 128, many...), ErrTooManyOwners)

	e.OK(c.court, FlagDispute{ParcelID: "I-1", Reason: "will contested", DocumentHash: coretest.HashOf("w")})
	e.Refuse(c.notary, ok, ErrParcelDisputed)
	disputes := e.parcel("I-1").OpenDisputes
	require.Len(t, disputes, 1)
	e.OK(c.court, ClearDispute{DisputeID: disputes[0], Resolution: "will upheld", DocumentHash: coretest.HashOf("u")})

	e.OK(c.registrar, SubdivideParcel{ParentID: "I-1", DocumentHash: coretest.HashOf("s"), Children: []NewParcel{
		{ParcelID: "I-1a", CadastralRef: "a", AreaM2: 500}, {ParcelID: "I-1b", CadastralRef: "b", AreaM2: 500}}})
	e.Refuse(c.notary, ok, ErrParcelRetired)
	// The children carry the estate; the inheritance applies to each.
	e.OK(c.notary, inh("I-1a", dead, 2, sh(heirA, 1)))

	// A sale ready for registration whose buyer dies meanwhile cannot be
	// registered.
	seller, buyer := e.Account("sale-seller"), e.Account("sale-buyer")
	e.OK(c.registrar, registerMsg("I-3", 1, sh(seller, 1)))
	e.OK(seller, ProposeTransfer{ParcelID: "I-3", Denominator: 1, Sellers: []Share{sh(seller, 1)},
		Buyers: []Share{sh(buyer, 1)}, Price: 1, Currency: "EUR", ExpiresAt: e.Deadline(24 * time.Hour)})
	id := e.parcel("I-3").PendingTransfers[0]
	e.OK(buyer, AcceptTransfer{TransferID: id})
	e.OK(c.notary, CertifyTransfer{TransferID: id, DeedHash: coretest.HashOf("deed-3")})
	e.Die(buyer)
	e.Refuse(c.registrar, RegisterTransfer{TransferID: id}, ErrPartyDeceased)
}

func TestInheritanceRefusals(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	inheritanceRefusals(e, c)
	e.RequireSeen([]*core.Error{ErrOwnerNotDeceased, ErrDeceasedNotOwner, ErrEstateMismatch, ErrHeirDeceased, ErrPartyDeceased})
}

// inheritanceAuthCase is the authorisation case of land/transfer_inheritance:
// only a notary may certify it.
func inheritanceAuthCase() authCase {
	return authCase{Roles: []core.Role{core.RoleNotary}, Setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
		e.OK(c.registrar, registerMsg("P-1", 1, sh(c.alice, 1)))
		e.Die(c.alice)
		return TransferInheritance{ParcelID: "P-1", Deceased: c.alice, Denominator: 1,
			Heirs: []Share{sh(c.carol, 1)}, CertificateHash: coretest.HashOf("certificate")}
	}}
}

// TestInheritanceAuthorisation runs land/transfer_inheritance as a signer
// holding each role (and none).
func TestInheritanceAuthorisation(t *testing.T) {
	coretest.AuthRow(t, TypeTransferInheritance, inheritanceAuthCase(), core.ErrUnauthorized, authStart)
}
