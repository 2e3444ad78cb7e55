package app

import (
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/gov"
	"github.com/govchain/govchain/app/identity"
	"github.com/govchain/govchain/app/invoice"
	"github.com/govchain/govchain/app/land"
	"github.com/govchain/govchain/app/notary"
	"github.com/govchain/govchain/app/vehicle"
	"github.com/govchain/govchain/state"
)

// queryChain is a chain with records in every registry: a parcel with a
// pending transfer, a lien and a dispute, a vehicle (vin; vin2 is never
// registered) with an offer and a lien, a person linked to alice with a
// credential, shop's invoice INV-1 (tax period period), an anchored deed
// and a proposal with a vote. employer is also a tax authority.
type queryChain struct {
	*testChain
	vin, vin2, period string
}

func newQueryChain(t *testing.T) *queryChain {
	t.Helper()
	c := newTestChainWith(t, state.EngineMemIAVL, t.TempDir(), func(c *testChain, g *Genesis) {
		g.RolePolicy = append(g.RolePolicy, core.RolePolicy{Role: core.RoleTaxAuthority, Agencies: []string{"finance"}})
		g.Roles = append(g.Roles, GenesisRole{Account: c.addr("employer"), Role: core.RoleTaxAuthority, Agency: "finance"})
	})
	c.block()
	hash := docHash
	alice, bob := c.addr("alice"), c.addr("bob")
	vinOf := func(s string) string {
		vin := []byte(s)
		vin[8] = vehicle.VINCheckDigit(s)
		return string(vin)
	}
	q := &queryChain{testChain: c, period: c.time.Format("2006-01")}
	q.vin, q.vin2 = vinOf("1HGCM82630A000001"), vinOf("1HGCM82630A000002")

	c.mustExec("registrar", &land.RegisterParcel{ParcelID: "P-1", CadastralRef: "CAD-1", AreaM2: 100, Location: "here",
		Denominator: 1, Owners: []land.Share{{Account: alice, Shares: 1}}, DocumentHash: hash("survey")})
	c.mustExec("alice", &land.ProposeTransfer{ParcelID: "P-1", Denominator: 1, Sellers: []land.Share{{Account: alice, Shares: 1}},
		Buyers: []land.Share{{Account: bob, Shares: 1}}, Price: 1, Currency: "EUR", ExpiresAt: c.time.Add(time.Hour)})
	c.mustExec("bank", &land.CreateLien{ParcelID: "P-1", Amount: 1, Currency: "EUR", Reference: "L", DocumentHash: hash("lien")})
	c.mustExec("court", &land.FlagDispute{ParcelID: "P-1", Reason: "claim", DocumentHash: hash("claim")})
	c.mustExec("vreg", &vehicle.RegisterVehicle{VIN: q.vin, CheckDigitScheme: "north_american", Make: "Volvo", Model: "V70",
		Year: 2020, Colour: "grey", Plate: "AB-1", Owner: alice, OdometerKM: 1000})
	c.mustExec("alice", &vehicle.OfferTransfer{VIN: q.vin, Buyer: bob, Price: 1, Currency: "EUR", ExpiresAt: c.time.Add(time.Hour)})
	c.mustExec("bank", &vehicle.CreateLien{VIN: q.vin, Amount: 1, Currency: "EUR", Reference: "L", DocumentHash: hash("vlien")})
	c.mustExec("civil", &identity.RegisterPerson{PersonID: "PSN-1", DocumentHash: hash("PSN-1"),
		Commitments: []identity.Commitment{{Attribute: "name", Commitment: hash("salt")}}})
	c.mustExec("civil", &identity.LinkAccount{PersonID: "PSN-1", Account: alice})
	c.mustExec("issuer", &identity.IssueCredential{CredentialID: "CRED-1", CredentialType: "driving_licence", Subject: "PSN-1",
		ClaimsHash: hash("claims"), ValidFrom: c.time, ValidUntil: c.time.Add(365 * 24 * time.Hour)})
	line, err := invoice.NewLine("consulting", 1500, 10_000, 2100)
	require.NoError(t, err)
	net, tax, gross := invoice.SumLines([]invoice.Line{line})
	c.mustExec("shop", &invoice.IssueInvoice{Number: "INV-1", Buyer: alice, Currency: "EUR", Lines: []invoice.Line{line},
		NetTotal: net, TaxTotal: tax, GrossTotal: gross, DocumentHash: hash("INV-1")})
	c.mustExec("notary", &notary.AnchorDocument{DocumentHash: hash("deed"), DocType: "deed"})
	c.mustExec("admin-finance", &gov.SubmitProposal{Summary: "finance may appoint notaries",
		Change: gov.Change{SetRolePolicy: &gov.SetRolePolicy{Role: core.RoleNotary, Agencies: []string{"finance", "justice"}}}})
	c.mustExec("admin-finance", &gov.CastVote{ProposalID: 1, Option: gov.OptionYes})
	return q
}

// TestPathKeyBindsEveryQueryPath builds a chain with records in every
// registry and asks for every query path the node serves, found, missing
// and malformed: each proven answer must rest on (or prove the absence of)
// exactly the key PathKey names for its path, and PathKey must name no key
// for a path Query refuses. A registry whose Query and PathKey drift apart
// fails here. EntryKey must know exactly the history paths among them
// (TestEntryKeyBindsEveryNumberedList checks its keys).
func TestPathKeyBindsEveryQueryPath(t *testing.T) {
	q := newQueryChain(t)
	c := q.testChain
	hash := docHash
	alice, bob, shop := c.addr("alice"), c.addr("bob"), c.addr("shop")
	vin, vin2, period := q.vin, q.vin2, q.period

	const (
		found   = "found"
		missing = "missing"
		invalid = "invalid"
		// beyond is a page start past the anchor's count: refused after
		// the anchor is read, so the path still names the anchor.
		beyond = "beyond"
	)
	a, b, s := alice.String(), bob.String(), shop.String()
	deed, other := hash("deed").String(), hash("other").String()
	for _, q := range []struct {
		path string
		want string
		key  []byte
	}{
		{"/store/" + strings.ToUpper(hex.EncodeToString(core.AccountKey(alice))), found, core.AccountKey(alice)},
		{"/store/ff00", missing, []byte{0xff, 0x00}},
		{"/store/xyz", invalid, nil},
		{"/store", invalid, nil},
		{"/account/" + a, found, core.AccountKey(alice)},
		{"/account/" + b, missing, core.AccountKey(bob)},
		{"/account/xyz", invalid, nil},
		{"/key/" + a, missing, core.KeyIndexKey(alice)},
		{"/key/xyz", invalid, nil},
		{"/chain/info", found, ChainInfoKey()},
		{"/chain/height", invalid, nil},
		{"/chain", invalid, nil},

		{"/agency/list", found, core.AgencySetKey()},
		{"/agency/id/justice", found, core.AgencyKey("justice")},
		{"/agency/id/health", missing, core.AgencyKey("health")},
		{"/agency/account/" + c.addr("registrar").String() + "/roles", found, core.RoleAccountKey(c.addr("registrar"))},
		{"/agency/account/" + c.addr("registrar").String() + "/history", found, core.RoleAccountKey(c.addr("registrar"))},
		{"/agency/account/" + b + "/history", missing, core.RoleAccountKey(bob)},
		{"/agency/policy/notary", found, core.RolePolicyKey(core.RoleNotary)},
		{"/agency/policy/pilot", invalid, nil},
		{"/agency/account/" + a + "/grants", invalid, nil},

		{"/land/parcel/P-1", found, land.ParcelKey("P-1")},
		{"/land/parcel/P-1/history", found, land.ParcelKey("P-1")},
		{"/land/parcel/P-1/transfers", found, land.ParcelKey("P-1")},
		{"/land/parcel/P-1/liens", found, land.ParcelKey("P-1")},
		{"/land/parcel/P-1/disputes", found, land.ParcelKey("P-1")},
		{"/land/parcel/P-2/history", missing, land.ParcelKey("P-2")},
		{"/land/owner/" + a + "/parcels", found, land.OwnerKey(alice)},
		{"/land/owner/" + b + "/parcels", missing, land.OwnerKey(bob)},
		{"/land/transfer/1", found, land.TransferKey(1)},
		{"/land/lien/1", found, land.LienKey(1)},
		{"/land/dispute/1", found, land.DisputeKey(1)},
		{"/land/dispute/2", missing, land.DisputeKey(2)},
		{"/land/parcel/P-1/owners", invalid, nil},
		{"/land/transfer/01", invalid, nil},

		{"/vehicle/vehicle/" + vin, found, vehicle.VehicleKey(vin)},
		{"/vehicle/vehicle/" + vin + "/history", found, vehicle.VehicleKey(vin)},
		{"/vehicle/vehicle/" + vin + "/liens", found, vehicle.VehicleKey(vin)},
		{"/vehicle/vehicle/" + vin2 + "/liens", missing, vehicle.VehicleKey(vin2)},
		{"/vehicle/plate/AB-1", found, vehicle.PlateKey("AB-1")},
		{"/vehicle/plate/ZZ-9", missing, vehicle.PlateKey("ZZ-9")},
		{"/vehicle/owner/" + a + "/vehicles", found, vehicle.OwnerKey(alice)},
		{"/vehicle/transfer/1", found, vehicle.TransferKey(1)},
		{"/vehicle/lien/1", found, vehicle.LienKey(1)},
		{"/vehicle/lien/2", missing, vehicle.LienKey(2)},
		{"/vehicle/plate/ab-1", invalid, nil},
		{"/vehicle/vehicle/" + vin + "/owners", invalid, nil},

		{"/identity/person/PSN-1", found, identity.PersonKey("PSN-1")},
		{"/identity/person/PSN-1/history", found, identity.PersonKey("PSN-1")},
		{"/identity/person/PSN-1/credentials", found, identity.PersonCredentialsKey("PSN-1")},
		{"/identity/person/PSN-2/credentials", missing, identity.PersonCredentialsKey("PSN-2")},
		{"/identity/account/" + a, found, identity.AccountLinkKey(alice)},
		{"/identity/account/" + b, missing, identity.AccountLinkKey(bob)},
		{"/identity/org/ORG-1", missing, identity.OrgKey("ORG-1")},
		{"/identity/org/ORG-1/history", missing, identity.OrgKey("ORG-1")},
		{"/identity/credential/CRED-1", found, identity.CredentialKey("CRED-1")},
		{"/identity/credential/CRED-1/history", found, identity.CredentialKey("CRED-1")},
		{"/identity/recovery/1", missing, identity.RecoveryKey(1)},
		{"/identity/recovery/1/history", missing, identity.RecoveryKey(1)},
		{"/identity/account/" + a + "/history", invalid, nil},
		{"/identity/recovery/x", invalid, nil},

		{"/invoice/invoice/" + s + "/INV-1", found, invoice.InvoiceKey(shop, "INV-1")},
		{"/invoice/invoice/" + s + "/INV-1/history", found, invoice.InvoiceKey(shop, "INV-1")},
		{"/invoice/invoice/" + s + "/INV-2", missing, invoice.InvoiceKey(shop, "INV-2")},
		{"/invoice/buyer/" + a + "/invoices", found, invoice.BuyerKey(alice)},
		{"/invoice/buyer/" + a + "/invoices/1", found, invoice.BuyerKey(alice)},
		{"/invoice/buyer/" + a + "/invoices/2", beyond, invoice.BuyerKey(alice)},
		{"/invoice/buyer/" + b + "/invoices/5", missing, invoice.BuyerKey(bob)},
		{"/invoice/totals/" + s + "/" + period, found, invoice.TotalsKey(shop, period)},
		{"/invoice/totals/" + s + "/" + period + "/entries", found, invoice.TotalsKey(shop, period)},
		{"/invoice/totals/" + s + "/" + period + "/entries/1", found, invoice.TotalsKey(shop, period)},
		{"/invoice/totals/" + s + "/1999-01/entries", missing, invoice.TotalsKey(shop, "1999-01")},
		{"/invoice/totals/" + s + "/" + period + "/entries/01", invalid, nil},
		{"/invoice/buyer/" + strings.ToUpper(a) + "/invoices", invalid, nil},

		{"/notary/document/" + deed, found, notary.DocumentKey(hash("deed"))},
		{"/notary/document/" + deed + "/history", found, notary.DocumentKey(hash("deed"))},
		{"/notary/document/" + other, missing, notary.DocumentKey(hash("other"))},
		{"/notary/document/" + other + "/history", missing, notary.DocumentKey(hash("other"))},
		{"/notary/document/" + strings.ToUpper(deed), invalid, nil},

		{"/gov/params", found, gov.ParamsKey()},
		{"/gov/proposals", found, gov.IndexKey()},
		{"/gov/proposal/1", found, gov.ProposalKey(1)},
		{"/gov/proposal/1/votes", found, gov.ProposalKey(1)},
		{"/gov/proposal/1/history", found, gov.ProposalKey(1)},
		{"/gov/proposal/2/votes", missing, gov.ProposalKey(2)},
		{"/gov/proposal/2/tally", invalid, nil},

		{"/", invalid, nil},
		{"", invalid, nil},
		{"/land//parcel", invalid, nil},
		{"/pension/1", invalid, nil},
	} {
		r := c.query(q.path)
		key, ok := PathKey(q.path)
		_, numbered := EntryKey(q.path, 0)
		require.Equal(t, q.want != invalid && strings.HasSuffix(q.path, "/history"), numbered,
			"%s: EntryKey knows exactly the history paths", q.path)
		switch q.want {
		case found, missing:
			if q.want == found {
				require.NoError(t, r.Err, q.path)
				require.NotEmpty(t, r.Proofs, q.path)
				require.True(t, r.Proofs[0].Exists, q.path)
			} else {
				require.ErrorIs(t, r.Err, core.ErrNotFound, q.path)
				require.Len(t, r.Proofs, 1, q.path)
				require.False(t, r.Proofs[0].Exists, q.path)
			}
			require.True(t, ok, "%s: PathKey names no key", q.path)
			require.Equal(t, q.key, key, q.path)
			require.Equal(t, key, r.Key, q.path)
			require.Equal(t, key, r.Proofs[0].Key, q.path)
		case beyond:
			require.ErrorIs(t, r.Err, core.ErrInvalid, q.path)
			require.True(t, ok, "%s: PathKey names no key", q.path)
			require.Equal(t, q.key, key, q.path)
		case invalid:
			require.ErrorIs(t, r.Err, core.ErrInvalid, q.path)
			require.False(t, ok, "%s: PathKey names %x for a refused path", q.path, key)
		}
	}
}
