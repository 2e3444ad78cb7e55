package land

import (
	"slices"
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
	vc = coretest.Address("c")
)

// validateCase is a mutation Validate must refuse (coretest.ValidateCase).
type validateCase coretest.ValidateCase

// checkValidate requires base to be valid and every mutation of it to be
// refused with ErrInvalidMessage (coretest.CheckValidate).
var checkValidate = coretest.Validator[validateCase](Module, ErrInvalidMessage)

func validRegister() RegisterParcel {
	return RegisterParcel{ParcelID: "P-1", CadastralRef: "CAD 1", AreaM2: 10, Location: "Rue 1", Description: "field",
		Denominator: 3, Owners: []Share{sh(va, 2), sh(vb, 1)}, DocumentHash: coretest.HashOf("d")}
}

func TestValidateRegisterParcel(t *testing.T) {
	f := func(fn func(m *RegisterParcel)) func(core.Msg) core.Msg {
		return func(m core.Msg) core.Msg {
			c := m.(RegisterParcel)
			c.Owners = slices.Clone(c.Owners)
			fn(&c)
			return c
		}
	}
	checkValidate(t, validRegister(), []validateCase{
		{"empty id", f(func(m *RegisterParcel) { m.ParcelID = "" })},
		{"id with slash", f(func(m *RegisterParcel) { m.ParcelID = "P/1" })},
		{"long id", f(func(m *RegisterParcel) { m.ParcelID = strings.Repeat("x", 65) })},
		{"empty cadastral ref", f(func(m *RegisterParcel) { m.CadastralRef = "" })},
		{"long cadastral ref", f(func(m *RegisterParcel) { m.CadastralRef = strings.Repeat("x", MaxCadastralRefLen+1) })},
		{"zero area", f(func(m *RegisterParcel) { m.AreaM2 = 0 })},
		{"negative area", f(func(m *RegisterParcel) { m.AreaM2 = -5 })},
		{"huge area", f(func(m *RegisterParcel) { m.AreaM2 = MaxAreaM2 + 1 })},
		{"control char in location", f(func(m *RegisterParcel) { m.Location = "a\nb" })},
		{"long description", f(func(m *RegisterParcel) { m.Description = strings.Repeat("x", MaxDescriptionLen+1) })},
		{"zero denominator", f(func(m *RegisterParcel) { m.Denominator = 0 })},
		{"huge denominator", f(func(m *RegisterParcel) { m.Denominator = MaxDenominator + 1 })},
		{"no owners", f(func(m *RegisterParcel) { m.Owners = nil })},
		{"zero share", f(func(m *RegisterParcel) { m.Owners = []Share{sh(va, 3), sh(vb, 0)} })},
		{"zero account", f(func(m *RegisterParcel) { m.Owners[0].Account = core.Address{} })},
		{"duplicate owner", f(func(m *RegisterParcel) { m.Owners = []Share{sh(va, 2), sh(va, 1)} })},
		{"sum below", f(func(m *RegisterParcel) { m.Owners = []Share{sh(va, 1), sh(vb, 1)} })},
		{"sum above", f(func(m *RegisterParcel) { m.Owners = []Share{sh(va, 3), sh(vb, 1)} })},
		{"share above denominator", f(func(m *RegisterParcel) { m.Owners = []Share{sh(va, 4)} })},
		{"not lowest terms", f(func(m *RegisterParcel) { m.Denominator = 4; m.Owners = []Share{sh(va, 2), sh(vb, 2)} })},
		{"too many owners", f(func(m *RegisterParcel) {
			m.Denominator = MaxOwners + 1
			m.Owners = nil
			for i := 0; i <= MaxOwners; i++ {
				m.Owners = append(m.Owners, sh(coretest.Address(string(rune('a'+i))), 1))
			}
		})},
		{"zero document hash", f(func(m *RegisterParcel) { m.DocumentHash = core.Hash{} })},
	})
}

func validPropose() ProposeTransfer {
	return ProposeTransfer{ParcelID: "P-1", Denominator: 4, Sellers: []Share{sh(va, 2), sh(vb, 1)},
		Buyers: []Share{sh(vc, 3)}, Price: 100, Currency: "EUR", ExpiresAt: coretest.T0.Add(time.Hour)}
}

func TestValidateProposeTransfer(t *testing.T) {
	f := func(fn func(m *ProposeTransfer)) func(core.Msg) core.Msg {
		return func(m core.Msg) core.Msg {
			c := m.(ProposeTransfer)
			c.Sellers, c.Buyers = slices.Clone(c.Sellers), slices.Clone(c.Buyers)
			fn(&c)
			return c
		}
	}
	require.NoError(t, f(func(m *ProposeTransfer) { m.Price = 0 })(validPropose()).Validate(), "a gift is valid")
	checkValidate(t, validPropose(), []validateCase{
		{"bad parcel id", f(func(m *ProposeTransfer) { m.ParcelID = "a b" })},
		{"zero denominator", f(func(m *ProposeTransfer) { m.Denominator = 0 })},
		{"huge denominator", f(func(m *ProposeTransfer) { m.Denominator = MaxDenominator + 1 })},
		{"no sellers", f(func(m *ProposeTransfer) { m.Sellers = nil })},
		{"no buyers", f(func(m *ProposeTransfer) { m.Buyers = nil })},
		{"zero seller share", f(func(m *ProposeTransfer) { m.Sellers[1].Shares = 0 })},
		{"zero buyer account", f(func(m *ProposeTransfer) { m.Buyers[0].Account = core.Address{} })},
		{"duplicate seller", f(func(m *ProposeTransfer) { m.Sellers[1].Account = va })},
		{"duplicate buyer", f(func(m *ProposeTransfer) { m.Buyers = []Share{sh(vc, 1), sh(vc, 2)} })},
		{"sums differ", f(func(m *ProposeTransfer) { m.Buyers[0].Shares = 2 })},
		{"sells more than the whole", f(func(m *ProposeTransfer) {
			m.Sellers = []Share{sh(va, 4), sh(vb, 4)}
			m.Buyers = []Share{sh(vc, 4), sh(coretest.Address("d"), 4)}
		})},
		{"seller is buyer", f(func(m *ProposeTransfer) { m.Buyers = []Share{sh(va, 3)} })},
		{"negative price", f(func(m *ProposeTransfer) { m.Price = -1 })},
		{"lower-case currency", f(func(m *ProposeTransfer) { m.Currency = "eur" })},
		{"long currency", f(func(m *ProposeTransfer) { m.Currency = "EURO" })},
		{"empty currency", f(func(m *ProposeTransfer) { m.Currency = "" })},
		{"zero deadline", f(func(m *ProposeTransfer) { m.ExpiresAt = time.Time{} })},
		{"deadline not UTC", f(func(m *ProposeTransfer) { m.ExpiresAt = m.ExpiresAt.In(time.FixedZone("X", 3600)) })},
	})
}

func TestValidateTransferSteps(t *testing.T) {
	checkValidate(t, AcceptTransfer{TransferID: 1}, []validateCase{
		{"zero id", func(core.Msg) core.Msg { return AcceptTransfer{} }},
	})
	checkValidate(t, CertifyTransfer{TransferID: 1, DeedHash: coretest.HashOf("d")}, []validateCase{
		{"zero id", func(core.Msg) core.Msg { return CertifyTransfer{DeedHash: coretest.HashOf("d")} }},
		{"zero hash", func(core.Msg) core.Msg { return CertifyTransfer{TransferID: 1} }},
	})
	checkValidate(t, ConsentTransfer{TransferID: 1, LienID: 2}, []validateCase{
		{"zero transfer", func(core.Msg) core.Msg { return ConsentTransfer{LienID: 2} }},
		{"zero lien", func(core.Msg) core.Msg { return ConsentTransfer{TransferID: 1} }},
	})
	checkValidate(t, RegisterTransfer{TransferID: 1}, []validateCase{
		{"zero id", func(core.Msg) core.Msg { return RegisterTransfer{} }},
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

func TestValidateLiensAndDisputes(t *testing.T) {
	lien := CreateLien{ParcelID: "P-1", Amount: 5, Currency: "USD", Reference: "ref", DocumentHash: coretest.HashOf("l")}
	checkValidate(t, lien, []validateCase{
		{"bad parcel id", coretest.Mutate(func(m *CreateLien) { m.ParcelID = "" })},
		{"zero amount", coretest.Mutate(func(m *CreateLien) { m.Amount = 0 })},
		{"negative amount", coretest.Mutate(func(m *CreateLien) { m.Amount = -1 })},
		{"bad currency", coretest.Mutate(func(m *CreateLien) { m.Currency = "U$D" })},
		{"empty reference", coretest.Mutate(func(m *CreateLien) { m.Reference = "" })},
		{"long reference", coretest.Mutate(func(m *CreateLien) { m.Reference = strings.Repeat("r", MaxReferenceLen+1) })},
		{"zero hash", coretest.Mutate(func(m *CreateLien) { m.DocumentHash = core.Hash{} })},
	})
	checkValidate(t, AcceptLien{LienID: 1}, []validateCase{
		{"zero id", func(core.Msg) core.Msg { return AcceptLien{} }},
	})
	checkValidate(t, ReleaseLien{LienID: 1}, []validateCase{
		{"zero id", func(core.Msg) core.Msg { return ReleaseLien{} }},
	})
	flag := FlagDispute{ParcelID: "P-1", Reason: "fraud", DocumentHash: coretest.HashOf("f")}
	checkValidate(t, flag, []validateCase{
		{"bad parcel id", coretest.Mutate(func(m *FlagDispute) { m.ParcelID = "é" })},
		{"empty reason", coretest.Mutate(func(m *FlagDispute) { m.Reason = "" })},
		{"long reason", coretest.Mutate(func(m *FlagDispute) { m.Reason = strings.Repeat("x", MaxReasonLen+1) })},
		{"zero hash", coretest.Mutate(func(m *FlagDispute) { m.DocumentHash = core.Hash{} })},
	})
	clear := ClearDispute{DisputeID: 1, Resolution: "settled", DocumentHash: coretest.HashOf("r")}
	checkValidate(t, clear, []validateCase{
		{"zero id", coretest.Mutate(func(m *ClearDispute) { m.DisputeID = 0 })},
		{"empty resolution", coretest.Mutate(func(m *ClearDispute) { m.Resolution = "" })},
		{"bad resolution", coretest.Mutate(func(m *ClearDispute) { m.Resolution = "\x7f" })},
		{"zero hash", coretest.Mutate(func(m *ClearDispute) { m.DocumentHash = core.Hash{} })},
	})
}

func validSubdivide() SubdivideParcel {
	return SubdivideParcel{ParentID: "P-1", DocumentHash: coretest.HashOf("s"), Children: []NewParcel{
		{ParcelID: "P-1a", CadastralRef: "a", AreaM2: 1}, {ParcelID: "P-1b", CadastralRef: "b", AreaM2: 2},
	}}
}

func TestValidateSubdivideAndMerge(t *testing.T) {
	fs := func(fn func(m *SubdivideParcel)) func(core.Msg) core.Msg {
		return func(m core.Msg) core.Msg {
			c := m.(SubdivideParcel)
			c.Children = slices.Clone(c.Children)
			fn(&c)
			return c
		}
	}
	checkValidate(t, validSubdivide(), []validateCase{
		{"bad parent id", fs(func(m *SubdivideParcel) { m.ParentID = "" })},
		{"one child", fs(func(m *SubdivideParcel) { m.Children = m.Children[:1] })},
		{"too many children", fs(func(m *SubdivideParcel) {
			m.Children = nil
			for i := 0; i <= MaxParts; i++ {
				m.Children = append(m.Children, NewParcel{ParcelID: "C" + string(rune('A'+i)), CadastralRef: "c", AreaM2: 1})
			}
		})},
		{"child is parent", fs(func(m *SubdivideParcel) { m.Children[0].ParcelID = "P-1" })},
		{"duplicate child", fs(func(m *SubdivideParcel) { m.Children[1].ParcelID = "P-1a" })},
		{"bad child id", fs(func(m *SubdivideParcel) { m.Children[1].ParcelID = "x y" })},
		{"child zero area", fs(func(m *SubdivideParcel) { m.Children[1].AreaM2 = 0 })},
		{"child empty ref", fs(func(m *SubdivideParcel) { m.Children[1].CadastralRef = "" })},
		{"zero hash", fs(func(m *SubdivideParcel) { m.DocumentHash = core.Hash{} })},
	})
	merge := MergeParcels{ParentIDs: []string{"P-1", "P-2"}, ParcelID: "P-3", CadastralRef: "m", AreaM2: 3, DocumentHash: coretest.HashOf("m")}
	fm := func(fn func(m *MergeParcels)) func(core.Msg) core.Msg {
		return func(m core.Msg) core.Msg {
			c := m.(MergeParcels)
			c.ParentIDs = slices.Clone(c.ParentIDs)
			fn(&c)
			return c
		}
	}
	checkValidate(t, merge, []validateCase{
		{"one parent", fm(func(m *MergeParcels) { m.ParentIDs = m.ParentIDs[:1] })},
		{"duplicate parent", fm(func(m *MergeParcels) { m.ParentIDs[1] = "P-1" })},
		{"new id is a parent", fm(func(m *MergeParcels) { m.ParcelID = "P-2" })},
		{"bad parent id", fm(func(m *MergeParcels) { m.ParentIDs[1] = "" })},
		{"bad new id", fm(func(m *MergeParcels) { m.ParcelID = "" })},
		{"zero area", fm(func(m *MergeParcels) { m.AreaM2 = 0 })},
		{"empty ref", fm(func(m *MergeParcels) { m.CadastralRef = "" })},
		{"zero hash", fm(func(m *MergeParcels) { m.DocumentHash = core.Hash{} })},
	})
}

// validMsgs holds one valid message of every type.
func validMsgs() []core.Msg {
	return []core.Msg{
		AcceptLien{LienID: 1},
		AcceptTransfer{TransferID: 1},
		CancelTransfer{TransferID: 1, Reason: "r"},
		CertifyTransfer{TransferID: 1, DeedHash: coretest.HashOf("d")},
		ClearDispute{DisputeID: 1, Resolution: "r", DocumentHash: coretest.HashOf("r")},
		ConsentTransfer{TransferID: 1, LienID: 1},
		CreateLien{ParcelID: "P-1", Amount: 5, Currency: "USD", Reference: "ref", DocumentHash: coretest.HashOf("l")},
		FlagDispute{ParcelID: "P-1", Reason: "fraud", DocumentHash: coretest.HashOf("f")},
		MergeParcels{ParentIDs: []string{"P-1", "P-2"}, ParcelID: "P-3", CadastralRef: "m", AreaM2: 3, DocumentHash: coretest.HashOf("m")},
		validPropose(),
		validRegister(),
		RegisterTransfer{TransferID: 1},
		ReleaseLien{LienID: 1},
		validSubdivide(),
		validInheritance(),
	}
}

// TestModule checks the module's contract (coretest.CheckModule): one
// valid message per type, each canonical, and its sentinels.
func TestModule(t *testing.T) {
	coretest.CheckModule(t, Module, validMsgs())
}
