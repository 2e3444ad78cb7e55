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

type validateCase struct {
	name   string
	mutate func(m core.Msg) core.Msg
}

// checkValidate requires base to be valid and every mutation of it to be
// refused with ErrInvalidMessage (and so core.ErrInvalid).
func checkValidate(t *testing.T, base core.Msg, cases []validateCase) {
	t.Helper()
	require.NoError(t, base.Validate(), "base %s", base.Type())
	for _, tc := range cases {
		t.Run(base.Type()+"/"+tc.name, func(t *testing.T) {
			err := tc.mutate(base).Validate()
			require.ErrorIs(t, err, ErrInvalidMessage)
			require.ErrorIs(t, err, core.ErrInvalid)
			require.True(t, strings.HasPrefix(err.Error(), "vehicle: "), err.Error())
		})
	}
}

// mut adapts a mutation of a message value of type M.
func mut[M core.Msg](fn func(m *M)) func(core.Msg) core.Msg {
	return func(m core.Msg) core.Msg {
		c := m.(M)
		fn(&c)
		return c
	}
}

func validRegister() RegisterVehicle { return registerMsg(vin1, "AB-123", va) }

func TestValidateRegisterVehicle(t *testing.T) {
	type M = RegisterVehicle
	ok := validRegister()
	ok.TaxLiable = vb
	require.NoError(t, ok.Validate(), "a separate tax-liable account is valid")
	ok = registerMsg(vinE, "X1", va)
	require.NoError(t, ok.Validate(), "a European VIN without check digit is valid")
	checkValidate(t, validRegister(), []validateCase{
		{"short vin", mut(func(m *M) { m.VIN = vin1[:16] })},
		{"vin with O", mut(func(m *M) { m.VIN = "1M8GDM9AXKP04278O" })},
		{"bad check digit", mut(func(m *M) { m.VIN = "1M8GDM9A0KP042788" })},
		{"scheme none for a north american vin", mut(func(m *M) { m.CheckDigitScheme = SchemeNone })},
		{"unknown scheme", mut(func(m *M) { m.CheckDigitScheme = "iso3779" })},
		{"empty make", mut(func(m *M) { m.Make = "" })},
		{"long make", mut(func(m *M) { m.Make = strings.Repeat("x", MaxMakeLen+1) })},
		{"empty model", mut(func(m *M) { m.Model = "" })},
		{"control char in model", mut(func(m *M) { m.Model = "a\nb" })},
		{"year too early", mut(func(m *M) { m.Year = MinYear - 1 })},
		{"year too late", mut(func(m *M) { m.Year = MaxYear + 1 })},
		{"empty colour", mut(func(m *M) { m.Colour = "" })},
		{"long colour", mut(func(m *M) { m.Colour = strings.Repeat("x", MaxColourLen+1) })},
		{"empty plate", mut(func(m *M) { m.Plate = "" })},
		{"lower-case plate", mut(func(m *M) { m.Plate = "ab-123" })},
		{"plate with space", mut(func(m *M) { m.Plate = "AB 123" })},
		{"zero owner", mut(func(m *M) { m.Owner = core.Address{} })},
		{"negative odometer", mut(func(m *M) { m.OdometerKM = -1 })},
		{"huge odometer", mut(func(m *M) { m.OdometerKM = MaxOdometerKM + 1 })},
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
		{"bad vin", mut(func(m *M) { m.VIN = "X" })},
		{"zero buyer", mut(func(m *M) { m.Buyer = core.Address{} })},
		{"negative price", mut(func(m *M) { m.Price = -1 })},
		{"lower-case currency", mut(func(m *M) { m.Currency = "eur" })},
		{"long currency", mut(func(m *M) { m.Currency = "EURO" })},
		{"zero deadline", mut(func(m *M) { m.ExpiresAt = time.Time{} })},
		{"deadline not UTC", mut(func(m *M) { m.ExpiresAt = m.ExpiresAt.In(time.FixedZone("X", 3600)) })},
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
		{"bad vin", mut(func(m *I) { m.VIN = strings.ToLower(vin1) })},
		{"empty result", mut(func(m *I) { m.Result = "" })},
		{"unknown result", mut(func(m *I) { m.Result = "PASS" })},
		{"negative odometer", mut(func(m *I) { m.OdometerKM = -5 })},
		{"long notes", mut(func(m *I) { m.Notes = strings.Repeat("n", MaxNotesLen+1) })},
	})
	type R = RecordRepair
	checkValidate(t, RecordRepair{VIN: vin1, Description: "brakes", OdometerKM: 5}, []validateCase{
		{"bad vin", mut(func(m *R) { m.VIN = "" })},
		{"empty description", mut(func(m *R) { m.Description = "" })},
		{"long description", mut(func(m *R) { m.Description = strings.Repeat("d", MaxDescriptionLen+1) })},
		{"huge odometer", mut(func(m *R) { m.OdometerKM = MaxOdometerKM + 1 })},
	})
	type P = RecordInsurance
	checkValidate(t, RecordInsurance{VIN: vin1, PolicyNumber: "POL-1", ValidFrom: coretest.T0, ValidTo: coretest.T0.Add(time.Hour)}, []validateCase{
		{"bad vin", mut(func(m *P) { m.VIN = vin1 + "1" })},
		{"empty policy", mut(func(m *P) { m.PolicyNumber = "" })},
		{"long policy", mut(func(m *P) { m.PolicyNumber = strings.Repeat("p", MaxPolicyNumberLen+1) })},
		{"zero from", mut(func(m *P) { m.ValidFrom = time.Time{} })},
		{"zero to", mut(func(m *P) { m.ValidTo = time.Time{} })},
		{"from not UTC", mut(func(m *P) { m.ValidFrom = m.ValidFrom.In(time.FixedZone("X", 60)) })},
		{"to before from", mut(func(m *P) { m.ValidTo = coretest.T0.Add(-time.Hour) })},
		{"to equals from", mut(func(m *P) { m.ValidTo = m.ValidFrom })},
	})
	type O = RecordOdometer
	checkValidate(t, RecordOdometer{VIN: vin1, OdometerKM: 0}, []validateCase{
		{"bad vin", mut(func(m *O) { m.VIN = "1M8GDM9AXKP04278I" })},
		{"negative", mut(func(m *O) { m.OdometerKM = -1 })},
	})
}

func TestValidateRegistryActions(t *testing.T) {
	type L = CreateLien
	checkValidate(t, CreateLien{VIN: vin1, Amount: 5, Currency: "USD", Reference: "ref", DocumentHash: coretest.HashOf("l")}, []validateCase{
		{"bad vin", mut(func(m *L) { m.VIN = "" })},
		{"zero amount", mut(func(m *L) { m.Amount = 0 })},
		{"negative amount", mut(func(m *L) { m.Amount = -1 })},
		{"bad currency", mut(func(m *L) { m.Currency = "U$D" })},
		{"empty reference", mut(func(m *L) { m.Reference = "" })},
		{"long reference", mut(func(m *L) { m.Reference = strings.Repeat("r", MaxReferenceLen+1) })},
		{"zero hash", mut(func(m *L) { m.DocumentHash = core.Hash{} })},
	})
	checkValidate(t, ReleaseLien{LienID: 1}, []validateCase{
		{"zero id", func(core.Msg) core.Msg { return ReleaseLien{} }},
	})
	type C = ChangePlate
	checkValidate(t, ChangePlate{VIN: vin1, NewPlate: "NEW-1"}, []validateCase{
		{"bad vin", mut(func(m *C) { m.VIN = "1" })},
		{"empty plate", mut(func(m *C) { m.NewPlate = "" })},
		{"bad plate", mut(func(m *C) { m.NewPlate = "new-1" })},
	})
	type D = DeregisterVehicle
	require.NoError(t, DeregisterVehicle{VIN: vin1, Reason: ReasonExported}.Validate(), "notes are optional")
	require.NoError(t, DeregisterVehicle{VIN: vin1, Reason: ReasonStolen}.Validate())
	checkValidate(t, DeregisterVehicle{VIN: vin1, Reason: ReasonScrapped, Notes: "crushed"}, []validateCase{
		{"bad vin", mut(func(m *D) { m.VIN = "" })},
		{"empty reason", mut(func(m *D) { m.Reason = "" })},
		{"unknown reason", mut(func(m *D) { m.Reason = "lost" })},
		{"bad notes", mut(func(m *D) { m.Notes = "\x01" })},
	})
	type S = ReinstateVehicle
	checkValidate(t, ReinstateVehicle{VIN: vin1, Notes: "recovered"}, []validateCase{
		{"bad vin", mut(func(m *S) { m.VIN = "" })},
		{"empty notes", mut(func(m *S) { m.Notes = "" })},
		{"long notes", mut(func(m *S) { m.Notes = strings.Repeat("n", MaxNotesLen+1) })},
	})
	type H = TransferInheritance
	checkValidate(t, TransferInheritance{VIN: vin1, Heir: va, CertificateHash: coretest.HashOf("c")}, []validateCase{
		{"bad vin", mut(func(m *H) { m.VIN = "" })},
		{"zero heir", mut(func(m *H) { m.Heir = core.Address{} })},
		{"zero hash", mut(func(m *H) { m.CertificateHash = core.Hash{} })},
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
