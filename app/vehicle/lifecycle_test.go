package vehicle

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
)

func TestSaleMovesOwnershipAndTaxAtAcceptance(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	day := 24 * time.Hour

	reg := registerMsg(vin1, "AB-123", c.alice)
	ev := e.OK(c.registrar, reg)
	require.Equal(t, []string{"register_vehicle"}, attr(t, ev, "action"))
	require.Equal(t, []string{vin1}, attr(t, ev, "vin"))
	require.Equal(t, []string{c.alice.String()}, attr(t, ev, "owner"))
	require.Equal(t, []string{c.alice.String()}, attr(t, ev, "tax_liable"))
	v := e.vehicle(vin1)
	require.Equal(t, StatusActive, v.Status)
	require.Equal(t, c.alice, v.Owner)
	require.Equal(t, c.alice, v.TaxLiable, "tax_liable defaults to the owner")
	require.Equal(t, int64(1000), v.OdometerKM)
	require.Equal(t, SchemeNorthAmerican, v.CheckDigitScheme)
	require.Equal(t, c.registrar, v.RegisteredBy)
	require.Equal(t, []uint64{}, v.ActiveLiens)
	require.Equal(t, []string{vin1}, e.ownedVINs(c.alice))

	// The plate index points to the VIN.
	res, err := boundQuery(t, e.KV, []string{"plate", "AB-123"})
	require.NoError(t, err)
	var p Plate
	require.NoError(t, json.Unmarshal(res.Value, &p))
	require.Equal(t, Plate{Plate: "AB-123", VIN: vin1}, p)

	// alice offers to bob; bob accepts: owner and tax liability move at once.
	ev = e.OK(c.alice, e.offer(vin1, c.bob, 7*day))
	require.Equal(t, []string{"1"}, attr(t, ev, "transfer_id"))
	require.Equal(t, []string{c.alice.String()}, attr(t, ev, "seller"))
	require.Equal(t, []string{c.bob.String()}, attr(t, ev, "buyer"))
	require.Equal(t, uint64(1), e.vehicle(vin1).OpenTransfer)
	tr := e.transfer(1)
	require.Equal(t, TransferPending, tr.Status)
	require.False(t, tr.ApprovalRequired)
	require.Equal(t, int64(1_500_000), tr.Price)

	ev = e.OK(c.bob, AcceptTransfer{TransferID: 1})
	require.Equal(t, []string{TransferCompleted}, attr(t, ev, "transfer_status"))
	require.Equal(t, []string{c.bob.String()}, attr(t, ev, "owner"))
	require.Equal(t, []string{c.bob.String()}, attr(t, ev, "tax_liable"))
	v = e.vehicle(vin1)
	require.Equal(t, c.bob, v.Owner)
	require.Equal(t, c.bob, v.TaxLiable)
	require.Equal(t, coretest.BlockTime(e.Height), v.TaxLiableSince)
	require.Zero(t, v.OpenTransfer)
	tr = e.transfer(1)
	require.Equal(t, TransferCompleted, tr.Status)
	require.Equal(t, c.bob, *tr.ClosedBy)
	require.Equal(t, e.Height, tr.AcceptedHeight)
	_, _, ok := e.ownerIndex(c.alice)
	require.False(t, ok, "the seller owns nothing")
	o, entries, ok := e.ownerIndex(c.bob)
	require.True(t, ok)
	require.Equal(t, Owner{Account: c.bob, VehicleCount: 1}, o)
	require.Equal(t, []OwnerVehicle{{VIN: vin1, SinceHeight: e.Height, Since: coretest.BlockTime(e.Height)}}, entries)
	require.Equal(t, []string{"register_vehicle", "offer_transfer", "accept_transfer"}, e.actions(vin1))
	h := e.history(vin1)
	require.Equal(t, c.bob, h[2].Actor)
	require.JSONEq(t, `{"transfer_id":1,"status":"completed","owner":"`+c.bob.String()+`","tax_liable":"`+c.bob.String()+`"}`, string(h[2].Details))

	// A separate tax-liable account at registration (e.g. a leased car)
	// also moves to the buyer.
	reg2 := registerMsg(vinE, "EU-1", c.bob)
	reg2.TaxLiable = c.carol
	e.OK(c.registrar, reg2)
	require.Equal(t, c.carol, e.vehicle(vinE).TaxLiable)
	e.OK(c.bob, e.offer(vinE, c.alice, day))
	e.OK(c.alice, AcceptTransfer{TransferID: 2})
	require.Equal(t, c.alice, e.vehicle(vinE).TaxLiable)
	require.Equal(t, []string{vin1}, e.ownedVINs(c.bob))
	require.Equal(t, []string{vinE}, e.ownedVINs(c.alice))
}

func TestSaleWithRegistrarApproval(t *testing.T) {
	e := newEnv(t).withApproval()
	c := newCast(e)
	e.OK(c.registrar, registerMsg(vin1, "AB-123", c.alice))
	e.OK(c.alice, e.offer(vin1, c.bob, time.Hour))
	require.True(t, e.transfer(1).ApprovalRequired)

	ev := e.OK(c.bob, AcceptTransfer{TransferID: 1})
	require.Equal(t, []string{TransferAccepted}, attr(t, ev, "transfer_status"))
	require.Empty(t, attr(t, ev, "owner"))
	require.Equal(t, TransferAccepted, e.transfer(1).Status)
	require.Equal(t, c.alice, e.vehicle(vin1).Owner, "nothing moves before approval")
	require.Equal(t, c.alice, e.vehicle(vin1).TaxLiable)

	ev = e.OK(c.registrar, ApproveTransfer{TransferID: 1})
	require.Equal(t, []string{"approve_transfer"}, attr(t, ev, "action"))
	require.Equal(t, []string{TransferCompleted}, attr(t, ev, "transfer_status"))
	v := e.vehicle(vin1)
	require.Equal(t, c.bob, v.Owner)
	require.Equal(t, c.bob, v.TaxLiable)
	tr := e.transfer(1)
	require.Equal(t, TransferCompleted, tr.Status)
	require.Equal(t, c.registrar, *tr.ClosedBy)
	require.Equal(t, []string{"register_vehicle", "offer_transfer", "accept_transfer", "approve_transfer"}, e.actions(vin1))

	// The seller may still cancel an accepted transfer before approval.
	e.OK(c.bob, e.offer(vin1, c.carol, time.Hour))
	e.OK(c.carol, AcceptTransfer{TransferID: 2})
	e.OK(c.bob, CancelTransfer{TransferID: 2, Reason: "buyer did not pay"})
	tr = e.transfer(2)
	require.Equal(t, TransferCancelled, tr.Status)
	require.Equal(t, "buyer did not pay", tr.CancelReason)
	require.Zero(t, e.vehicle(vin1).OpenTransfer)
	require.Equal(t, c.bob, e.vehicle(vin1).Owner)
}

func TestExpiryAndSupersededOffers(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	e.OK(c.registrar, registerMsg(vin1, "AB-123", c.alice))
	e.OK(c.alice, e.offer(vin1, c.bob, 10*time.Second))
	e.Height += 20
	e.Refuse(c.bob, AcceptTransfer{TransferID: 1}, ErrTransferExpired)
	// A new offer supersedes the expired one, closing it as expired.
	ev := e.OK(c.alice, e.offer(vin1, c.carol, time.Hour))
	require.Equal(t, []string{"1"}, attr(t, ev, "expired_transfer_id"))
	require.Equal(t, TransferExpired, e.transfer(1).Status)
	require.Equal(t, uint64(2), e.vehicle(vin1).OpenTransfer)
	e.Refuse(c.bob, CancelTransfer{TransferID: 1}, ErrTransferClosed)
	// A registrar cleans up an expired transfer.
	e.Height += 3600
	e.OK(c.registrar, CancelTransfer{TransferID: 2, Reason: "expired"})
	require.Equal(t, TransferCancelled, e.transfer(2).Status)
	require.Equal(t, []string{"register_vehicle", "offer_transfer", "expire_transfer", "offer_transfer", "cancel_transfer"}, e.actions(vin1))
}

func TestLifecycleEventsAndOdometerFraud(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	e.OK(c.registrar, registerMsg(vin1, "AB-123", c.alice)) // 1000 km

	ev := e.OK(c.station, RecordInspection{VIN: vin1, Result: InspectionPass, OdometerKM: 15_000, Notes: "all fine"})
	require.Len(t, ev, 1)
	require.Equal(t, []string{InspectionPass}, attr(t, ev, "result"))
	v := e.vehicle(vin1)
	require.Equal(t, int64(15_000), v.OdometerKM)
	require.Equal(t, &Inspection{Station: c.station, Result: InspectionPass, OdometerKM: 15_000, Height: e.Height, Time: coretest.BlockTime(e.Height)}, v.LastInspection)

	e.OK(c.workshop, RecordRepair{VIN: vin1, Description: "new brake pads", OdometerKM: 20_000})
	require.Equal(t, int64(20_000), e.vehicle(vin1).OdometerKM)
	from, to := coretest.T0, coretest.T0.Add(365*24*time.Hour)
	ev = e.OK(c.insurer, RecordInsurance{VIN: vin1, PolicyNumber: "POL-9", ValidFrom: from, ValidTo: to})
	require.Equal(t, []string{c.insurer.String()}, attr(t, ev, "insurer"))
	require.Equal(t, &Insurance{Insurer: c.insurer, PolicyNumber: "POL-9", ValidFrom: from, ValidTo: to, Height: e.Height}, e.vehicle(vin1).Insurance)
	e.OK(c.registrar, RecordOdometer{VIN: vin1, OdometerKM: 20_000}) // equal: accepted
	e.OK(c.workshop, RecordOdometer{VIN: vin1, OdometerKM: 21_000})
	require.Equal(t, int64(21_000), e.vehicle(vin1).OdometerKM)

	// A lower reading: the message succeeds, the odometer stays, a fraud
	// flag is recorded and emitted.
	before := e.vehicle(vin1)
	ev = e.OK(c.station, RecordOdometer{VIN: vin1, OdometerKM: 9_000})
	require.Len(t, ev, 1)
	require.Equal(t, []string{ActionOdometerRollback}, attr(t, ev, "action"))
	require.Equal(t, []string{"9000"}, attr(t, ev, "claimed_km"))
	require.Equal(t, []string{"21000"}, attr(t, ev, "recorded_km"))
	require.Equal(t, []string{"record_odometer"}, attr(t, ev, "source"))
	require.Equal(t, []string{"1"}, attr(t, ev, "fraud_flags"))
	v = e.vehicle(vin1)
	require.Equal(t, int64(21_000), v.OdometerKM)
	require.Equal(t, before.OdometerHeight, v.OdometerHeight)
	require.Equal(t, uint64(1), v.FraudFlags)

	// An inspection and a repair with lower readings are recorded and flagged.
	ev = e.OK(c.station, RecordInspection{VIN: vin1, Result: InspectionFail, OdometerKM: 10_000, Notes: "odometer looks tampered"})
	require.Len(t, ev, 2)
	require.Equal(t, []string{"record_inspection"}, attrs(t, ev, 0, "action"))
	require.Equal(t, []string{ActionOdometerRollback}, attrs(t, ev, 1, "action"))
	require.Equal(t, []string{"record_inspection"}, attrs(t, ev, 1, "source"))
	v = e.vehicle(vin1)
	require.Equal(t, InspectionFail, v.LastInspection.Result)
	require.Equal(t, int64(10_000), v.LastInspection.OdometerKM)
	require.Equal(t, int64(21_000), v.OdometerKM)
	ev = e.OK(c.workshop, RecordRepair{VIN: vin1, Description: "cluster replaced", OdometerKM: 0})
	require.Len(t, ev, 2)
	require.Equal(t, []string{"3"}, attrs(t, ev, 1, "fraud_flags"))
	require.Equal(t, uint64(3), e.vehicle(vin1).FraudFlags)
	require.Equal(t, int64(21_000), e.vehicle(vin1).OdometerKM)

	h := e.history(vin1)
	var acts []string
	for _, x := range h {
		acts = append(acts, x.Action)
	}
	require.Equal(t, []string{
		"register_vehicle", "record_inspection", "record_repair", "record_insurance", "record_odometer",
		"record_odometer", "odometer_rollback", "record_inspection", "odometer_rollback",
		"record_repair", "odometer_rollback",
	}, acts)
	require.JSONEq(t, `{"claimed_km":9000,"recorded_km":21000,"source":"record_odometer","fraud_flags":1}`, string(h[6].Details))
	require.JSONEq(t, `{"result":"fail","odometer_km":10000,"odometer_accepted":false,"notes":"odometer looks tampered"}`, string(h[7].Details))
	require.Equal(t, c.station, h[6].Actor)
	require.Equal(t, uint64(11), e.vehicle(vin1).HistoryCount)
}

func TestLiensBlockSale(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	e.OK(c.registrar, registerMsg(vin1, "AB-123", c.alice))

	ev := e.OK(c.bank, CreateLien{VIN: vin1, Amount: 1_000_000, Currency: "EUR", Reference: "LOAN-1", DocumentHash: coretest.HashOf("loan")})
	require.Equal(t, []string{"1"}, attr(t, ev, "lien_id"))
	require.Equal(t, []string{c.alice.String()}, attr(t, ev, "owner"))
	require.Equal(t, LienActive, e.lien(1).Status, "active at once")
	require.Equal(t, []uint64{1}, e.vehicle(vin1).ActiveLiens)
	e.Refuse(c.alice, e.offer(vin1, c.bob, time.Hour), ErrVehicleEncumbered)
	e.OK(c.bank, ReleaseLien{LienID: 1})
	l := e.lien(1)
	require.Equal(t, LienReleased, l.Status)
	require.Equal(t, c.bank, *l.ReleasedBy)
	require.Equal(t, []uint64{}, e.vehicle(vin1).ActiveLiens)

	// A lien created after the offer blocks acceptance until released.
	e.OK(c.alice, e.offer(vin1, c.bob, time.Hour))
	e.OK(c.bank2, CreateLien{VIN: vin1, Amount: 5, Currency: "EUR", Reference: "LOAN-2", DocumentHash: coretest.HashOf("loan2")})
	e.Refuse(c.bob, AcceptTransfer{TransferID: 1}, ErrVehicleEncumbered)
	e.OK(c.bank2, ReleaseLien{LienID: 2})
	e.OK(c.bob, AcceptTransfer{TransferID: 1})
	require.Equal(t, c.bob, e.vehicle(vin1).Owner)
	require.Equal(t, []string{"register_vehicle", "create_lien", "release_lien", "offer_transfer", "create_lien", "release_lien", "accept_transfer"}, e.actions(vin1))
}

func TestPlateChangeDeregistrationAndReinstatement(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	e.OK(c.registrar, registerMsg(vin1, "AB-123", c.alice))
	ev := e.OK(c.registrar, ChangePlate{VIN: vin1, NewPlate: "ZZ-9"})
	require.Equal(t, []string{"AB-123"}, attr(t, ev, "old_plate"))
	require.Equal(t, []string{"ZZ-9"}, attr(t, ev, "plate"))
	require.Equal(t, "ZZ-9", e.vehicle(vin1).Plate)
	_, err := boundQuery(t, e.KV, []string{"plate", "AB-123"})
	require.ErrorIs(t, err, ErrPlateNotFound, "the old plate is freed")
	e.OK(c.registrar, registerMsg(vin2, "AB-123", c.bob)) // and can be reused

	// Stolen with an open offer: the offer is cancelled.
	e.OK(c.alice, e.offer(vin1, c.bob, time.Hour))
	e.OK(c.bank, CreateLien{VIN: vin1, Amount: 5, Currency: "EUR", Reference: "L", DocumentHash: coretest.HashOf("l")})
	ev = e.OK(c.registrar, DeregisterVehicle{VIN: vin1, Reason: ReasonStolen, Notes: "police report 77"})
	require.Equal(t, []string{"1"}, attr(t, ev, "transfer_id"))
	v := e.vehicle(vin1)
	require.Equal(t, StatusDeregistered, v.Status)
	require.Equal(t, ReasonStolen, v.DeregReason)
	require.Zero(t, v.OpenTransfer)
	require.Equal(t, TransferCancelled, e.transfer(1).Status)
	res, err := boundQuery(t, e.KV, []string{"plate", "ZZ-9"})
	require.NoError(t, err, "a stolen vehicle is still found by plate")
	require.Contains(t, string(res.Value), vin1)

	// Nothing but reinstatement.
	for _, x := range []struct {
		signer core.Address
		msg    core.Msg
	}{
		{c.alice, e.offer(vin1, c.bob, time.Hour)},
		{c.bob, AcceptTransfer{TransferID: 1}},
		{c.station, RecordInspection{VIN: vin1, Result: InspectionPass, OdometerKM: 2000}},
		{c.workshop, RecordRepair{VIN: vin1, Description: "x", OdometerKM: 2000}},
		{c.insurer, RecordInsurance{VIN: vin1, PolicyNumber: "P", ValidFrom: coretest.T0, ValidTo: coretest.T0.Add(time.Hour)}},
		{c.registrar, RecordOdometer{VIN: vin1, OdometerKM: 2000}},
		{c.bank, CreateLien{VIN: vin1, Amount: 5, Currency: "EUR", Reference: "L", DocumentHash: coretest.HashOf("l")}},
		{c.bank, ReleaseLien{LienID: 1}},
		{c.registrar, ChangePlate{VIN: vin1, NewPlate: "NEW-1"}},
		{c.registrar, DeregisterVehicle{VIN: vin1, Reason: ReasonScrapped}},
		{c.notary, TransferInheritance{VIN: vin1, Heir: c.bob, CertificateHash: coretest.HashOf("c")}},
	} {
		if x.msg.Type() == TypeAcceptTransfer {
			e.Refuse(x.signer, x.msg, ErrTransferNotPending) // cancelled with the deregistration
			continue
		}
		e.Refuse(x.signer, x.msg, ErrVehicleDeregistered)
	}
	e.OK(c.registrar, ReinstateVehicle{VIN: vin1, Notes: "recovered by police"})
	v = e.vehicle(vin1)
	require.Equal(t, StatusActive, v.Status)
	require.Empty(t, v.DeregReason)
	e.OK(c.bank, ReleaseLien{LienID: 1})
	e.OK(c.alice, e.offer(vin1, c.bob, time.Hour))
	require.Equal(t, []string{
		"register_vehicle", "change_plate", "offer_transfer", "create_lien", "cancel_transfer",
		"deregister_vehicle", "reinstate_vehicle", "release_lien", "offer_transfer",
	}, e.actions(vin1))
}

func TestInheritance(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	e.OK(c.registrar, registerMsg(vin1, "AB-123", c.alice))
	e.OK(c.alice, e.offer(vin1, c.bob, 24*time.Hour))
	inherit := TransferInheritance{VIN: vin1, Heir: c.carol, CertificateHash: coretest.HashOf("certificate")}
	e.Refuse(c.notary, inherit, ErrOwnerNotDeceased)

	// alice dies before bob accepts: the sale cannot complete.
	e.OK(c.bank, CreateLien{VIN: vin1, Amount: 5, Currency: "EUR", Reference: "L", DocumentHash: coretest.HashOf("l")})
	e.Die(c.alice)
	e.OK(c.bank, ReleaseLien{LienID: 1})
	e.Refuse(c.bob, AcceptTransfer{TransferID: 1}, ErrOwnerDeceased)
	e.OK(c.bank, CreateLien{VIN: vin1, Amount: 7, Currency: "EUR", Reference: "L2", DocumentHash: coretest.HashOf("l2")})

	ev := e.OK(c.notary, inherit)
	require.Equal(t, []string{c.alice.String()}, attr(t, ev, "deceased"))
	require.Equal(t, []string{c.carol.String()}, attr(t, ev, "owner"))
	require.Equal(t, []string{"1"}, attr(t, ev, "transfer_id"))
	v := e.vehicle(vin1)
	require.Equal(t, c.carol, v.Owner)
	require.Equal(t, c.carol, v.TaxLiable)
	require.Equal(t, []uint64{2}, v.ActiveLiens, "liens follow the vehicle")
	require.Equal(t, TransferCancelled, e.transfer(1).Status)
	_, _, ok := e.ownerIndex(c.alice)
	require.False(t, ok)
	require.Equal(t, []string{vin1}, e.ownedVINs(c.carol))
	h := e.history(vin1)
	last := h[len(h)-1]
	require.Equal(t, "transfer_inheritance", last.Action)
	require.Equal(t, c.notary, last.Actor)
	require.JSONEq(t, `{"deceased":"`+c.alice.String()+`","heir":"`+c.carol.String()+`","certificate_hash":"`+coretest.HashOf("certificate").String()+`","cancelled_transfer":1}`, string(last.Details))
	require.Equal(t, "cancel_transfer", h[len(h)-2].Action)
}
