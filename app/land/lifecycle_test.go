package land

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
)

// cast holds the accounts of the lifecycle tests.
type cast struct {
	registrar, notary, bank, bank2, court core.Address
	alice, bob, carol, dave, notaryBuyer  core.Address
}

func newCast(e *env) cast {
	return cast{
		registrar:   e.Account("registrar", core.RoleLandRegistrar),
		notary:      e.Account("notary", core.RoleNotary),
		bank:        e.Account("bank", core.RoleBank),
		bank2:       e.Account("bank2", core.RoleBank),
		court:       e.Account("court", core.RoleCourt),
		alice:       e.Account("alice"),
		bob:         e.Account("bob"),
		carol:       e.Account("carol"),
		dave:        e.Account("dave"),
		notaryBuyer: e.Account("notary-buyer", core.RoleNotary),
	}
}

// sale proposes a sale of parcel id at 1,000 EUR, expiring d after the
// next block.
func (e *env) sale(id string, den uint64, sellers, buyers []Share, d time.Duration) ProposeTransfer {
	return ProposeTransfer{ParcelID: id, Denominator: den, Sellers: sellers, Buyers: buyers,
		Price: 1000, Currency: "EUR", ExpiresAt: e.Deadline(d)}
}

func TestCompleteSale(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)

	// Register P-1, owned half and half by alice and bob.
	ev := e.OK(c.registrar, registerMsg("P-1", 2, sh(c.alice, 1), sh(c.bob, 1)))
	require.Equal(t, []string{"register_parcel"}, attr(t, ev, "action"))
	require.Equal(t, []string{"P-1"}, attr(t, ev, "parcel_id"))

	// The bank's mortgage becomes active once both owners accept it.
	ev = e.OK(c.bank, CreateLien{ParcelID: "P-1", Amount: 5_000_000, Currency: "EUR", Reference: "MORT-7", DocumentHash: coretest.HashOf("mortgage")})
	require.Equal(t, []string{"1"}, attr(t, ev, "lien_id"))
	require.Equal(t, LienPending, e.lien(1).Status)
	require.Equal(t, []uint64{1}, e.parcel("P-1").PendingLiens)
	e.OK(c.alice, AcceptLien{LienID: 1})
	require.Equal(t, LienPending, e.lien(1).Status)
	ev = e.OK(c.bob, AcceptLien{LienID: 1})
	require.Equal(t, []string{LienActive}, attr(t, ev, "lien_status"))
	require.Equal(t, LienActive, e.lien(1).Status)
	require.Equal(t, []uint64{}, e.parcel("P-1").PendingLiens)
	require.Equal(t, []uint64{1}, e.parcel("P-1").ActiveLiens)

	// alice sells her half and bob a quarter: carol gets a half, dave a quarter.
	ev = e.OK(c.alice, ProposeTransfer{
		ParcelID: "P-1", Denominator: 4,
		Sellers: []Share{sh(c.alice, 2), sh(c.bob, 1)},
		Buyers:  []Share{sh(c.carol, 2), sh(c.dave, 1)},
		Price:   25_000_000, Currency: "EUR", ExpiresAt: e.Deadline(30 * 24 * time.Hour),
	})
	require.Equal(t, []string{"1"}, attr(t, ev, "transfer_id"))
	require.Equal(t, []string{c.alice.String(), c.bob.String()}, attr(t, ev, "seller"))
	require.Equal(t, []string{c.carol.String(), c.dave.String()}, attr(t, ev, "buyer"))
	require.Equal(t, []uint64{1}, e.parcel("P-1").PendingTransfers)

	e.OK(c.bob, AcceptTransfer{TransferID: 1})
	e.OK(c.carol, AcceptTransfer{TransferID: 1})
	e.OK(c.dave, AcceptTransfer{TransferID: 1})
	e.OK(c.notary, CertifyTransfer{TransferID: 1, DeedHash: coretest.HashOf("signed deed")})
	ev = e.OK(c.bank, ConsentTransfer{TransferID: 1, LienID: 1})
	require.Equal(t, []string{"1"}, attr(t, ev, "lien_id"))

	tr := e.transfer(1)
	require.Equal(t, TransferPending, tr.Status)
	require.Len(t, tr.Acceptances, 4)
	require.Equal(t, c.alice, tr.Acceptances[0].Account)
	require.Equal(t, c.notary, tr.Certification.Notary)
	require.Equal(t, []Consent{{LienID: 1, Bank: c.bank, Height: tr.Consents[0].Height, Time: tr.Consents[0].Time}}, tr.Consents)

	ev = e.OK(c.registrar, RegisterTransfer{TransferID: 1})
	require.Equal(t, []string{"register_transfer"}, attr(t, ev, "action"))
	require.Equal(t, []string{"1"}, attr(t, ev, "transfer_id"))
	require.Equal(t, []string{"1"}, attr(t, ev, "lien_id"))

	p := e.parcel("P-1")
	require.Equal(t, uint64(4), p.Denominator)
	require.Equal(t, sortShares([]Share{sh(c.bob, 1), sh(c.carol, 2), sh(c.dave, 1)}), p.Owners)
	require.Equal(t, []uint64{}, p.ActiveLiens)
	require.Equal(t, []uint64{}, p.PendingTransfers)
	require.Equal(t, uint64(11), p.HistoryCount)
	require.Equal(t, []string{
		"register_parcel", "create_lien", "accept_lien", "accept_lien", "propose_transfer",
		"accept_transfer", "accept_transfer", "accept_transfer", "certify_transfer",
		"consent_transfer", "register_transfer",
	}, e.history("P-1"))

	tr = e.transfer(1)
	require.Equal(t, TransferRegistered, tr.Status)
	require.Equal(t, c.registrar, *tr.ClosedBy)
	require.Equal(t, []uint64{1}, tr.ReleasedLiens)
	l := e.lien(1)
	require.Equal(t, LienReleased, l.Status)
	require.Equal(t, uint64(1), l.ReleasedByTransfer)

	// Owner indexes: alice owns nothing, the others a share each.
	_, _, ok := e.ownerIndex(c.alice)
	require.False(t, ok)
	for _, want := range []struct {
		who    core.Address
		shares uint64
	}{{c.bob, 1}, {c.carol, 2}, {c.dave, 1}} {
		o, entries, ok := e.ownerIndex(want.who)
		require.True(t, ok)
		require.Equal(t, Owner{Account: want.who, ParcelCount: 1}, o)
		require.Equal(t, []OwnerParcel{{ParcelID: "P-1", Shares: want.shares, Denominator: 4}}, entries)
	}

	// carol then sells her half to dave: the result is reduced to lowest terms.
	e.OK(c.carol, ProposeTransfer{
		ParcelID: "P-1", Denominator: 4, Sellers: []Share{sh(c.carol, 2)}, Buyers: []Share{sh(c.dave, 2)},
		Price: 1, Currency: "EUR", ExpiresAt: e.Deadline(time.Hour),
	})
	e.OK(c.dave, AcceptTransfer{TransferID: 2})
	e.OK(c.notary, CertifyTransfer{TransferID: 2, DeedHash: coretest.HashOf("deed 2")})
	e.OK(c.registrar, RegisterTransfer{TransferID: 2})
	p = e.parcel("P-1")
	require.Equal(t, uint64(4), p.Denominator)
	require.Equal(t, sortShares([]Share{sh(c.bob, 1), sh(c.dave, 3)}), p.Owners)
	_, _, ok = e.ownerIndex(c.carol)
	require.False(t, ok)
	_, entries, _ := e.ownerIndex(c.dave)
	require.Equal(t, []OwnerParcel{{ParcelID: "P-1", Shares: 3, Denominator: 4}}, entries)

	// bob sells his quarter to dave, who then owns all of it: 1/1.
	e.OK(c.bob, ProposeTransfer{
		ParcelID: "P-1", Denominator: 4, Sellers: []Share{sh(c.bob, 1)}, Buyers: []Share{sh(c.dave, 1)},
		Price: 1, Currency: "EUR", ExpiresAt: e.Deadline(time.Hour),
	})
	e.OK(c.dave, AcceptTransfer{TransferID: 3})
	e.OK(c.notary, CertifyTransfer{TransferID: 3, DeedHash: coretest.HashOf("deed 3")})
	e.OK(c.registrar, RegisterTransfer{TransferID: 3})
	p = e.parcel("P-1")
	require.Equal(t, uint64(1), p.Denominator)
	require.Equal(t, []Share{sh(c.dave, 1)}, p.Owners)
	_, entries, _ = e.ownerIndex(c.dave)
	require.Equal(t, []OwnerParcel{{ParcelID: "P-1", Shares: 1, Denominator: 1}}, entries)
}

func TestSubdivideAndMerge(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	e.OK(c.registrar, registerMsg("P-1", 3, sh(c.alice, 2), sh(c.bob, 1)))
	e.OK(c.registrar, registerMsg("P-9", 1, sh(c.alice, 1)))

	ev := e.OK(c.registrar, SubdivideParcel{ParentID: "P-1", DocumentHash: coretest.HashOf("survey"), Children: []NewParcel{
		{ParcelID: "P-1a", CadastralRef: "C-1a", AreaM2: 600},
		{ParcelID: "P-1b", CadastralRef: "C-1b", AreaM2: 400},
	}})
	require.Equal(t, []string{"P-1", "P-1a", "P-1b"}, attr(t, ev, "parcel_id"))
	parent := e.parcel("P-1")
	require.Equal(t, ParcelRetired, parent.Status)
	require.Equal(t, []string{"P-1a", "P-1b"}, parent.Children)
	for _, id := range []string{"P-1a", "P-1b"} {
		ch := e.parcel(id)
		require.Equal(t, ParcelActive, ch.Status)
		require.Equal(t, []string{"P-1"}, ch.Parents)
		require.Equal(t, parent.Owners, ch.Owners)
		require.Equal(t, uint64(3), ch.Denominator)
		require.Equal(t, []string{"subdivide_parcel"}, e.history(id))
	}
	require.Equal(t, []string{"register_parcel", "subdivide_parcel"}, e.history("P-1"))
	o, entries, _ := e.ownerIndex(c.alice)
	require.Equal(t, uint64(3), o.ParcelCount)
	require.Len(t, entries, 3)
	o, entries, _ = e.ownerIndex(c.bob)
	require.Equal(t, uint64(2), o.ParcelCount)
	require.Equal(t, []OwnerParcel{{"P-1a", 1, 3}, {"P-1b", 1, 3}}, entries)

	// Merge the children back into one parcel.
	ev = e.OK(c.registrar, MergeParcels{
		ParentIDs: []string{"P-1a", "P-1b"}, ParcelID: "P-2", CadastralRef: "C-2", AreaM2: 1000,
		DocumentHash: coretest.HashOf("merge survey"),
	})
	require.Equal(t, []string{"P-1a", "P-1b", "P-2"}, attr(t, ev, "parcel_id"))
	merged := e.parcel("P-2")
	require.Equal(t, []string{"P-1a", "P-1b"}, merged.Parents)
	require.Equal(t, parent.Owners, merged.Owners)
	require.Equal(t, int64(1000), merged.AreaM2)
	for _, id := range []string{"P-1a", "P-1b"} {
		ch := e.parcel(id)
		require.Equal(t, ParcelRetired, ch.Status)
		require.Equal(t, []string{"P-2"}, ch.Children)
		require.Equal(t, []string{"subdivide_parcel", "merge_parcels"}, e.history(id))
	}
	require.Equal(t, []string{"merge_parcels"}, e.history("P-2"))
	_, entries, _ = e.ownerIndex(c.bob)
	require.Equal(t, []OwnerParcel{{"P-2", 1, 3}}, entries)
	o, _, _ = e.ownerIndex(c.alice)
	require.Equal(t, uint64(2), o.ParcelCount) // P-2 and P-9
}

func TestDisputeCancelAndExpiry(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	e.OK(c.registrar, registerMsg("P-1", 1, sh(c.alice, 1)))
	sale := ProposeTransfer{ParcelID: "P-1", Denominator: 1, Sellers: []Share{sh(c.alice, 1)},
		Buyers: []Share{sh(c.carol, 1)}, Price: 10, Currency: "USD", ExpiresAt: e.Deadline(100 * time.Second)}
	e.OK(c.alice, sale)

	ev := e.OK(c.court, FlagDispute{ParcelID: "P-1", Reason: "claim by heir", DocumentHash: coretest.HashOf("claim")})
	require.Equal(t, []string{"1"}, attr(t, ev, "dispute_id"))
	require.Equal(t, []uint64{1}, e.parcel("P-1").OpenDisputes)
	e.OK(c.carol, AcceptTransfer{TransferID: 1}) // other steps go on
	e.OK(c.notary, CertifyTransfer{TransferID: 1, DeedHash: coretest.HashOf("deed")})
	e.Refuse(c.registrar, RegisterTransfer{TransferID: 1}, ErrParcelDisputed)
	e.OK(c.registrar, ClearDispute{DisputeID: 1, Resolution: "claim dismissed", DocumentHash: coretest.HashOf("ruling")})
	d := e.dispute(1)
	require.Equal(t, DisputeCleared, d.Status)
	require.Equal(t, c.registrar, *d.ClearedBy)
	require.Equal(t, []uint64{}, e.parcel("P-1").OpenDisputes)

	// The buyer cancels; the parcel no longer lists the transfer.
	e.OK(c.carol, CancelTransfer{TransferID: 1, Reason: "changed my mind"})
	require.Equal(t, TransferCancelled, e.transfer(1).Status)
	require.Equal(t, "changed my mind", e.transfer(1).CancelReason)
	require.Equal(t, []uint64{}, e.parcel("P-1").PendingTransfers)

	// A second proposal expires; only cancellation is then possible, and a
	// registrar may clean it up.
	sale.ExpiresAt = e.Deadline(5 * time.Second)
	e.OK(c.alice, sale)
	e.Height += 10
	e.Refuse(c.carol, AcceptTransfer{TransferID: 2}, ErrTransferExpired)
	e.OK(c.registrar, CancelTransfer{TransferID: 2, Reason: "expired"})
	require.Equal(t, TransferCancelled, e.transfer(2).Status)
	require.Equal(t, []string{
		"register_parcel", "propose_transfer", "flag_dispute", "accept_transfer", "certify_transfer",
		"clear_dispute", "cancel_transfer", "propose_transfer", "cancel_transfer",
	}, e.history("P-1"))

	// Released lien before activation: the bank withdraws it.
	e.OK(c.bank, CreateLien{ParcelID: "P-1", Amount: 1, Currency: "USD", Reference: "R", DocumentHash: coretest.HashOf("l")})
	e.OK(c.bank, ReleaseLien{LienID: 1})
	require.Equal(t, LienReleased, e.lien(1).Status)
	require.Equal(t, []uint64{}, e.parcel("P-1").PendingLiens)
}

// TestRegistrationSupersedesTransfers registers one of three competing
// sales of a co-owned parcel: the competing sale of the same shares is
// closed as superseded (transfer record, history entry, event), every later
// step of it is refused with ErrTransferSuperseded, and the other owner's
// independent sale stays pending and can still be registered.
func TestRegistrationSupersedesTransfers(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	day := 24 * time.Hour
	e.OK(c.registrar, registerMsg("P-1", 2, sh(c.alice, 1), sh(c.bob, 1)))
	e.OK(c.alice, e.sale("P-1", 2, []Share{sh(c.alice, 1)}, []Share{sh(c.carol, 1)}, day)) // 1
	e.OK(c.alice, e.sale("P-1", 2, []Share{sh(c.alice, 1)}, []Share{sh(c.dave, 1)}, day))  // 2
	e.OK(c.bob, e.sale("P-1", 2, []Share{sh(c.bob, 1)}, []Share{sh(c.dave, 1)}, day))      // 3
	for _, step := range []struct {
		id    uint64
		buyer core.Address
	}{{1, c.carol}, {3, c.dave}} {
		e.OK(step.buyer, AcceptTransfer{TransferID: step.id})
		e.OK(c.notary, CertifyTransfer{TransferID: step.id, DeedHash: coretest.HashOf("deed")})
	}

	ev := e.OK(c.registrar, RegisterTransfer{TransferID: 1})
	require.Len(t, ev, 2, "the registration's event, then the supersession's")
	require.Equal(t, []string{"register_transfer"}, attr(t, ev, "action"))
	require.Equal(t, []string{"supersede_transfer"}, attr(t, ev[1:], "action"))
	require.Equal(t, []string{"2"}, attr(t, ev[1:], "transfer_id"))
	require.Equal(t, []string{"1"}, attr(t, ev[1:], "superseded_by"))

	t2 := e.transfer(2)
	require.Equal(t, TransferSuperseded, t2.Status)
	require.Equal(t, uint64(1), t2.SupersededBy)
	require.Contains(t, t2.SupersededReason, "seller does not hold the shares")
	require.Equal(t, c.registrar, *t2.ClosedBy)
	require.Equal(t, e.Height, t2.ClosedHeight)
	require.Equal(t, TransferPending, e.transfer(3).Status)
	require.Equal(t, []uint64{3}, e.parcel("P-1").PendingTransfers)
	hist := e.history("P-1")
	require.Equal(t, []string{"register_transfer", "supersede_transfer"}, hist[len(hist)-2:])

	for _, step := range []struct {
		signer core.Address
		msg    core.Msg
	}{
		{c.dave, AcceptTransfer{TransferID: 2}},
		{c.notary, CertifyTransfer{TransferID: 2, DeedHash: coretest.HashOf("deed")}},
		{c.registrar, RegisterTransfer{TransferID: 2}},
		{c.alice, CancelTransfer{TransferID: 2}},
	} {
		err := e.Refuse(step.signer, step.msg, ErrTransferSuperseded)
		require.ErrorContains(t, err, "when transfer 1 was registered")
	}

	e.OK(c.registrar, RegisterTransfer{TransferID: 3})
	require.Equal(t, sortShares([]Share{sh(c.carol, 1), sh(c.dave, 1)}), e.parcel("P-1").Owners)
}
