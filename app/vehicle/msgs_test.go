package vehicle

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
)

var (
	va = coretest.Address("a")
	vb = coretest.Address("b")
)

// validateCase is a mutation Validate must refuse (coretest.ValidateCase).
type validateCase coretest.ValidateCase

// checkValidate requires base to be valid and every mutation of it to be
// refused with ErrInvalidMessage (coretest.CheckValidate).
var checkValidate = coretest.Validator[validateCase](Module, ErrInvalidMessage)

func validRegister() RegisterVehicle { return registerMsg(vin1, "AB-123", va) }

func TestValidateRegisterVehicle(t *testing.T) {
	type M = RegisterVehicle
	ok := validRegister()
	ok.TaxLiable = vb
	require.NoError(t, ok.Validate(), "a separate tax-liable account is valid")
	ok = registerMsg(vinE, "X1", va)
	require.NoError(t, ok.Validate(), "a European VIN without check digit is valid")
	checkValidate(t, validRegister(), []validateCase{
		{"short vin", coretest.Mutate(func(m *M) { m.VIN = vin1[:16] })},
		{"vin with O", coretest.Mutate(func(m *M) { m.VIN = "1M8GDM9AXKP04278O" })},
		{"bad check digit", coretest.Mutate(func(m *M) { m.VIN = "1M8GDM9A0KP042788" })},
		{"scheme none for a north american vin", coretest.Mutate(func(m *M) { m.CheckDigitScheme = SchemeNone })},
		{"unknown scheme", coretest.Mutate(func(m *M) { m.CheckDigitScheme = "iso3779" })},
		{"empty make", coretest.Mutate(func(m *M) { m.Make = "" })},
		{"long make", coretest.Mutate(func(m *M) { m.Make = strings.Repeat("x", MaxMakeLen+1) })},
		{"empty model", coretest.Mutate(func(m *M) { m.Model = "" })},
		{"control char in model", coretest.Mutate(func(m *M) { m.Model = "a\nb" })},
		{"year too early", coretest.Mutate(func(m *M) { m.Year = MinYear - 1 })},
		{"year too late", coretest.Mutate(func(m *M) { m.Year = MaxYear + 1 })},
		{"empty colour", coretest.Mutate(func(m *M) { m.Colour = "" })},
		{"long colour", coretest.Mutate(func(m *M) { m.Colour = strings.Repeat("x", MaxColourLen+1) })},
		{"empty plate", coretest.Mutate(func(m *M) { m.Plate = "" })},
		{"lower-case plate", coretest.Mutate(func(m *M) { m.Plate = "ab-123" })},
		{"plate with space", coretest.Mutate(func(m *M) { m.Plate = "AB 123" })},
		{"zero owner", coretest.Mutate(func(m *M) { m.Owner = core.Address{} })},
		{"negative odometer", coretest.Mutate(func(m *M) { m.OdometerKM = -1 })},
		{"huge odometer", coretest.Mutate(func(m *M) { m.OdometerKM = MaxOdometerKM + 1 })},
	})
}

func validOffer() OfferTransfer {
	return OfferTransfer{VIN: vin1, Buyer: vb, Price: 100, Currency: "EUR", ExpiresAt: coretest.T0.Add(time.Hour)}
}

func TestValidateTransfers(t *testing.T) {
	type M = OfferTransfer
	gift := validOffer()
	gift.Price = 0
	require.NoError(t, gift.Validate(), "a gift is valid")
	checkValidate(t, validOffer(), []validateCase{
		{"bad vin", coretest.Mutate(func(m *M) { m.VIN = "X" })},
		{"zero buyer", coretest.Mutate(func(m *M) { m.Buyer = core.Address{} })},
		{"negative price", coretest.Mutate(func(m *M) { m.Price = -1 })},
		{"lower-case currency", coretest.Mutate(func(m *M) { m.Currency = "eur" })},
		{"long currency", coretest.Mutate(func(m *M) { m.Currency = "EURO" })},
		{"zero deadline", coretest.Mutate(func(m *M) { m.ExpiresAt = time.Time{} })},
		{"deadline not UTC", coretest.Mutate(func(m *M) { m.ExpiresAt = m.ExpiresAt.In(time.FixedZone("X", 3600)) })},
	})
	checkValidate(t, AcceptTransfer{TransferID: 1}, []validateCase{
		{"zero id", func(core.Msg) core.Msg { return AcceptTransfer{} }},
	})
	checkValidate(t, ApproveTransfer{TransferID: 1}, []validateCase{
		{"zero id", func(core.Msg) core.Msg { return ApproveTransfer{} }},
	})
	require.NoError(t, CancelTransfer{TransferID: 1}.Validate(), "reason is optional")
	checkValidate(t, CancelTransfer{TransferID: 1, Reason: "no"}, []validateCase{
		{"zero id", func(core.Msg) core.Msg { return CancelTransfer{Reason: "no"} }},
		{"control char", func(core.Msg) core.Msg { return CancelTransfer{TransferID: 1, Reason: "\x00"} }},
		{"long reason", func(core.Msg) core.Msg {
			return CancelTransfer{TransferID: 1, Reason: strings.Repeat("x", MaxReasonLen+1)}
		}},
	})
}

func TestValidateLifecycleEvents(t *testing.T) {
	type I = RecordInspection
	require.NoError(t, RecordInspection{VIN: vin1, Result: InspectionFail}.Validate(), "notes are optional")
	checkValidate(t, RecordInspection{VIN: vin1, Result: InspectionPass, OdometerKM: 5, Notes: "ok"}, []validateCase{
		{"bad vin", coretest.Mutate(func(m *I) { m.VIN = strings.ToLower(vin1) })},
		{"empty result", coretest.Mutate(func(m *I) { m.Result = "" })},
		{"unknown result", coretest.Mutate(func(m *I) { m.Result = "PASS" })},
		{"negative odometer", coretest.Mutate(func(m *I) { m.OdometerKM = -5 })},
		{"long notes", coretest.Mutate(func(m *I) { m.Notes = strings.Repeat("n", MaxNotesLen+1) })},
	})
	type R = RecordRepair
	checkValidate(t, RecordRepair{VIN: vin1, Description: "brakes", OdometerKM: 5}, []validateCase{
		{"bad vin", coretest.Mutate(func(m *R) { m.VIN = "" })},
		{"empty description", coretest.Mutate(func(m *R) { m.Description = "" })},
		{"long description", coretest.Mutate(func(m *R) { m.Description = strings.Repeat("d", MaxDescriptionLen+1) })},
		{"huge odometer", coretest.Mutate(func(m *R) { m.OdometerKM = MaxOdometerKM + 1 })},
	})
	type P = RecordInsurance
	checkValidate(t, RecordInsurance{VIN: vin1, PolicyNumber: "POL-1", ValidFrom: coretest.T0, ValidTo: coretest.T0.Add(time.Hour)}, []validateCase{
		{"bad vin", coretest.Mutate(func(m *P) { m.VIN = vin1 + "1" })},
		{"empty policy", coretest.Mutate(func(m *P) { m.PolicyNumber = "" })},
		{"long policy", coretest.Mutate(func(m *P) { m.PolicyNumber = strings.Repeat("p", MaxPolicyNumberLen+1) })},
		{"zero from", coretest.Mutate(func(m *P) { m.ValidFrom = time.Time{} })},
		{"zero to", coretest.Mutate(func(m *P) { m.ValidTo = time.Time{} })},
		{"from not UTC", coretest.Mutate(func(m *P) { m.ValidFrom = m.ValidFrom.In(time.FixedZone("X", 60)) })},
		{"to before from", coretest.Mutate(func(m *P) { m.ValidTo = coretest.T0.Add(-time.Hour) })},
		{"to equals from", coretest.Mutate(func(m *P) { m.ValidTo = m.ValidFrom })},
	})
	type O = RecordOdometer
	checkValidate(t, RecordOdometer{VIN: vin1, OdometerKM: 0}, []validateCase{
		{"bad vin", coretest.Mutate(func(m *O) { m.VIN = "1M8GDM9AXKP04278I" })},
		{"negative", coretest.Mutate(func(m *O) { m.OdometerKM = -1 })},
	})
}

func TestValidateRegistryActions(t *testing.T) {
	type L = CreateLien
	checkValidate(t, CreateLien{VIN: vin1, Amount: 5, Currency: "USD", Reference: "ref", DocumentHash: coretest.HashOf("l")}, []validateCase{
		{"bad vin", coretest.Mutate(func(m *L) { m.VIN = "" })},
		{"zero amount", coretest.Mutate(func(m *L) { m.Amount = 0 })},
		{"negative amount", coretest.Mutate(func(m *L) { m.Amount = -1 })},
		{"bad currency", coretest.Mutate(func(m *L) { m.Currency = "U$D" })},
		{"empty reference", coretest.Mutate(func(m *L) { m.Reference = "" })},
		{"long reference", coretest.Mutate(func(m *L) { m.Reference = strings.Repeat("r", MaxReferenceLen+1) })},
		{"zero hash", coretest.Mutate(func(m *L) { m.DocumentHash = core.Hash{} })},
	})
	checkValidate(t, ReleaseLien{LienID: 1}, []validateCase{
		{"zero id", func(core.Msg) core.Msg { return ReleaseLien{} }},
	})
	type C = ChangePlate
	checkValidate(t, ChangePlate{VIN: vin1, NewPlate: "NEW-1"}, []validateCase{
		{"bad vin", coretest.Mutate(func(m *C) { m.VIN = "1" })},
		{"empty plate", coretest.Mutate(func(m *C) { m.NewPlate = "" })},
		{"bad plate", coretest.Mutate(func(m *C) { m.NewPlate = "new-1" })},
	})
	type D = DeregisterVehicle
	require.NoError(t, DeregisterVehicle{VIN: vin1, Reason: ReasonExported}.Validate(), "notes are optional")
	require.NoError(t, DeregisterVehicle{VIN: vin1, Reason: ReasonStolen}.Validate())
	checkValidate(t, DeregisterVehicle{VIN: vin1, Reason: ReasonScrapped, Notes: "crushed"}, []validateCase{
		{"bad vin", coretest.Mutate(func(m *D) { m.VIN = "" })},
		{"empty reason", coretest.Mutate(func(m *D) { m.Reason = "" })},
		{"unknown reason", coretest.Mutate(func(m *D) { m.Reason = "lost" })},
		{"bad notes", coretest.Mutate(func(m *D) { m.Notes = "\x01" })},
	})
	type S = ReinstateVehicle
	checkValidate(t, ReinstateVehicle{VIN: vin1, Notes: "recovered"}, []validateCase{
		{"bad vin", coretest.Mutate(func(m *S) { m.VIN = "" })},
		{"empty notes", coretest.Mutate(func(m *S) { m.Notes = "" })},
		{"long notes", coretest.Mutate(func(m *S) { m.Notes = strings.Repeat("n", MaxNotesLen+1) })},
	})
	type H = TransferInheritance
	checkValidate(t, TransferInheritance{VIN: vin1, Heir: va, CertificateHash: coretest.HashOf("c")}, []validateCase{
		{"bad vin", coretest.Mutate(func(m *H) { m.VIN = "" })},
		{"zero heir", coretest.Mutate(func(m *H) { m.Heir = core.Address{} })},
		{"zero hash", coretest.Mutate(func(m *H) { m.CertificateHash = core.Hash{} })},
	})
}

func TestParams(t *testing.T) {
	require.NoError(t, DefaultParams().Validate())
	require.False(t, DefaultParams().RegistrarApprovalRequired)
	kv := coretest.NewMemKV()
	p, err := GetParams(kv)
	require.NoError(t, err)
	require.Equal(t, DefaultParams(), p, "missing params are the defaults")
	require.NoError(t, InitGenesis(kv, Params{RegistrarApprovalRequired: true}))
	p, err = GetParams(kv)
	require.NoError(t, err)
	require.True(t, p.RegistrarApprovalRequired)
	raw, _ := kv.Get(ParamsKey())
	require.JSONEq(t, `{"registrar_approval_required":true}`, string(raw))
}

// validMsgs holds one valid message of every type, in Types order.
func validMsgs() []core.Msg {
	return []core.Msg{
		AcceptTransfer{TransferID: 1},
		ApproveTransfer{TransferID: 1},
		CancelTransfer{TransferID: 1, Reason: "r"},
		ChangePlate{VIN: vin1, NewPlate: "NEW-1"},
		CreateLien{VIN: vin1, Amount: 5, Currency: "USD", Reference: "ref", DocumentHash: coretest.HashOf("l")},
		DeregisterVehicle{VIN: vin1, Reason: ReasonStolen, Notes: "n"},
		validOffer(),
		RecordInspection{VIN: vin1, Result: InspectionPass, OdometerKM: 5, Notes: "ok"},
		RecordInsurance{VIN: vin1, PolicyNumber: "POL-1", ValidFrom: coretest.T0, ValidTo: coretest.T0.Add(time.Hour)},
		RecordOdometer{VIN: vin1, OdometerKM: 7},
		RecordRepair{VIN: vin1, Description: "brakes", OdometerKM: 5},
		validRegister(),
		ReinstateVehicle{VIN: vin1, Notes: "recovered"},
		ReleaseLien{LienID: 1},
		TransferInheritance{VIN: vin1, Heir: va, CertificateHash: coretest.HashOf("c")},
	}
}

// TestModule checks the module's contract (coretest.CheckModule): one
// valid message per type, each canonical, and its sentinels.
func TestModule(t *testing.T) {
	coretest.CheckModule(t, Module, validMsgs())
}
