package app

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/agency"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/gov"
	"github.com/govchain/govchain/app/identity"
	"github.com/govchain/govchain/app/invoice"
	"github.com/govchain/govchain/app/land"
	"github.com/govchain/govchain/app/notary"
	"github.com/govchain/govchain/app/sharing"
	"github.com/govchain/govchain/app/vehicle"
	"github.com/govchain/govchain/state"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func docHash(s string) core.Hash { return sha256.Sum256([]byte(s)) }

// eventAttr returns the value of the first indexed attribute key in events.
func eventAttr(evs []core.Event, key string) string {
	for _, e := range evs {
		for _, a := range e.Attrs {
			if a.Key == key {
				return a.Value
			}
		}
	}
	return ""
}

// TestLandSaleThroughApp runs a complete sale through the state machine
// (envelope, signatures, sequences, roles, events, proven queries), the way
// the node runs it.
func TestLandSaleThroughApp(t *testing.T) {
	c := newTestChain(t, state.EngineMemIAVL, t.TempDir())
	c.block()
	alice, bob := c.addr("alice"), c.addr("bob")

	reg := c.sign("registrar", &land.RegisterParcel{ParcelID: "P-100", CadastralRef: "CAD-7/100", AreaM2: 1250,
		Location: "Rue de la Loi 16, Brussels", Description: "garden plot", Denominator: 1,
		Owners: []land.Share{{Account: alice, Shares: 1}}, DocumentHash: docHash("survey")})
	require.NoError(t, c.app.CheckTx(reg).Err)
	require.NoError(t, c.block(reg)[0].Err)

	r := c.mustExec("alice", &land.ProposeTransfer{ParcelID: "P-100", Denominator: 1,
		Sellers: []land.Share{{Account: alice, Shares: 1}}, Buyers: []land.Share{{Account: bob, Shares: 1}},
		Price: 25_000_000, Currency: "EUR", ExpiresAt: c.time.Add(30 * 24 * time.Hour)})
	id, err := strconv.ParseUint(eventAttr(r.Events, "transfer_id"), 10, 64)
	require.NoError(t, err)

	// Registration before the steps are done is refused with its own error.
	require.ErrorIs(t, c.exec("registrar", &land.RegisterTransfer{TransferID: id}), land.ErrAcceptanceMissing)
	c.mustExec("bob", &land.AcceptTransfer{TransferID: id})
	require.ErrorIs(t, c.exec("registrar", &land.RegisterTransfer{TransferID: id}), land.ErrNotCertified)
	// A citizen cannot certify; a notary can.
	require.ErrorIs(t, c.exec("carol", &land.CertifyTransfer{TransferID: id, DeedHash: docHash("deed")}), core.ErrMissingRole)
	c.mustExec("notary", &land.CertifyTransfer{TransferID: id, DeedHash: docHash("deed")})

	// Revocation takes effect from the next transaction, even in the same block.
	revoke := c.sign("admin-justice", &agency.RevokeRole{Account: c.addr("registrar"), Role: core.RoleLandRegistrar, Reason: "audit"})
	tooLate := c.sign("registrar", &land.RegisterTransfer{TransferID: id})
	res := c.block(revoke, tooLate)
	require.NoError(t, res[0].Err)
	require.ErrorIs(t, res[1].Err, core.ErrMissingRole)
	c.mustExec("admin-justice", &agency.GrantRole{Account: c.addr("registrar"), Role: core.RoleLandRegistrar})

	r = c.mustExec("registrar", &land.RegisterTransfer{TransferID: id})
	require.Equal(t, "P-100", eventAttr(r.Events, "parcel_id"))

	// The result, provably: the parcel, its history, the owners' indexes.
	q := c.query("/land/parcel/P-100")
	require.NoError(t, q.Err)
	var p land.Parcel
	require.NoError(t, json.Unmarshal(q.Value, &p))
	require.Equal(t, []land.Share{{Account: bob, Shares: 1}}, p.Owners)

	q = c.query("/land/parcel/P-100/history")
	require.NoError(t, q.Err)
	require.Len(t, q.Entries, int(p.HistoryCount)+1)
	var last core.HistoryEntry
	require.NoError(t, json.Unmarshal(q.Entries[len(q.Entries)-1].Value, &last))
	require.Equal(t, c.addr("registrar"), last.Actor)
	require.Equal(t, c.height, last.Height)

	q = c.query("/land/owner/" + bob.String() + "/parcels")
	require.NoError(t, q.Err)
	require.Len(t, q.Entries, 2)
	q = c.query("/land/owner/" + alice.String() + "/parcels")
	require.ErrorIs(t, q.Err, land.ErrOwnerNotFound)
	require.Len(t, q.Proofs, 1)
	require.False(t, q.Proofs[0].Exists)

	q = c.query("/land/parcel/P-404")
	require.ErrorIs(t, q.Err, land.ErrParcelNotFound)
	require.False(t, q.Proofs[0].Exists)
}

// genBlocks drives one chain with a seeded mix of land and agency
// transactions, valid and refused, with the other registries' (mixed_gen_test.go)
// and the data sharing flow's, and returns the raw blocks it executed.
func genBlocks(t *testing.T, blocks int) [][][]byte {
	c := newTestChain(t, state.EngineMemIAVL, t.TempDir())
	rng := rand.New(rand.NewPCG(2026, 11))
	citizens := []string{"alice", "bob", "carol", "dave"}
	owner := map[string]string{} // parcel -> sole owner name
	var parcels []string
	var out [][][]byte
	type step struct {
		id    uint64
		buyer string
		next  int
	}
	var steps []step
	n, registered, superseded := 0, 0, 0
	other := &otherRegistries{}
	shared := &sharingFlow{}
	succeeded, refused := map[string]int{}, map[string]int{}
	for b := 0; b < blocks; b++ {
		var txs [][]byte
		for i := 0; i < 1+rng.IntN(6); i++ {
			switch k := rng.IntN(16); {
			case k < 4 || len(parcels) == 0:
				n++
				id := fmt.Sprintf("P-%d", n)
				who := citizens[rng.IntN(len(citizens))]
				txs = append(txs, c.sign("registrar", &land.RegisterParcel{ParcelID: id, CadastralRef: "CAD-" + id,
					AreaM2: int64(100 + rng.IntN(10000)), Location: "district " + strconv.Itoa(rng.IntN(20)),
					Denominator: 1, Owners: []land.Share{{Account: c.addr(who), Shares: 1}}, DocumentHash: docHash(id)}))
				parcels = append(parcels, id)
				owner[id] = who
			case k < 7:
				id := parcels[rng.IntN(len(parcels))]
				buyer := citizens[rng.IntN(len(citizens))]
				if buyer == owner[id] {
					buyer = "bank" // a bank may buy land too
				}
				txs = append(txs, c.sign(owner[id], &land.ProposeTransfer{ParcelID: id, Denominator: 1,
					Sellers: []land.Share{{Account: c.addr(owner[id]), Shares: 1}},
					Buyers:  []land.Share{{Account: c.addr(buyer), Shares: 1}},
					Price:   int64(rng.IntN(1_000_000)), Currency: "EUR", ExpiresAt: c.time.Add(time.Hour)}))
				if rng.IntN(3) == 0 {
					// A double sale: the owner offers the same parcel to the
					// bank too. The first registered supersedes the other.
					txs = append(txs, c.sign(owner[id], &land.ProposeTransfer{ParcelID: id, Denominator: 1,
						Sellers: []land.Share{{Account: c.addr(owner[id]), Shares: 1}},
						Buyers:  []land.Share{{Account: c.addr("bank"), Shares: 1}},
						Price:   int64(rng.IntN(1_000_000)), Currency: "EUR", ExpiresAt: c.time.Add(time.Hour)}))
				}
			case k < 8:
				txs = append(txs, c.sign("bank", &land.CreateLien{ParcelID: parcels[rng.IntN(len(parcels))],
					Amount: int64(1 + rng.IntN(1_000_000)), Currency: "EUR", Reference: "L", DocumentHash: docHash("lien")}))
			case k < 9:
				txs = append(txs, c.sign("court", &land.FlagDispute{ParcelID: parcels[rng.IntN(len(parcels))],
					Reason: "claim", DocumentHash: docHash("claim")}))
			case k < 10:
				// Refused: a role grant by a non-admin.
				txs = append(txs, c.sign(citizens[rng.IntN(len(citizens))], &agency.GrantRole{Account: c.addr("dave"), Role: core.RoleNotary}))
			default:
				txs = append(txs, other.next(c, rng))
			}
		}
		// Carry every successful proposal of the previous block one step
		// further: buyer accepts, notary certifies, registrar registers.
		for _, st := range steps {
			switch st.next {
			case 0:
				txs = append(txs, c.sign(st.buyer, &land.AcceptTransfer{TransferID: st.id}))
			case 1:
				txs = append(txs, c.sign("notary", &land.CertifyTransfer{TransferID: st.id, DeedHash: docHash("deed")}))
			case 2:
				txs = append(txs, c.sign("registrar", &land.RegisterTransfer{TransferID: st.id}))
			}
		}
		txs = append(txs, shared.next(c)...)
		res := c.block(txs...)
		out = append(out, txs)
		var next []step
		for _, st := range steps {
			if st.next < 2 {
				st.next++
				next = append(next, st)
			}
		}
		for i, r := range res {
			if r.Err == nil && r.Type == land.TypeProposeTransfer {
				id, _ := strconv.ParseUint(eventAttr(r.Events, "transfer_id"), 10, 64)
				buyer := ""
				var m struct {
					Msg struct {
						Body land.ProposeTransfer `json:"body"`
					} `json:"msg"`
				}
				require.NoError(t, json.Unmarshal(txs[i], &m))
				for name := range c.keys {
					if c.addr(name) == m.Msg.Body.Buyers[0].Account {
						buyer = name
					}
				}
				next = append(next, step{id: id, buyer: buyer})
			}
			if r.Err == nil && r.Type == land.TypeRegisterTransfer {
				registered++
			}
			if errors.Is(r.Err, land.ErrTransferSuperseded) {
				superseded++
			}
			shared.observe(r)
			if r.Err == nil {
				succeeded[r.Type]++
			} else {
				refused[r.Type]++
			}
		}
		steps = next
	}
	require.Positive(t, registered, "the generator must complete some sales")
	require.Positive(t, superseded, "the generator must make double sales whose loser is superseded")
	for _, typ := range []string{vehicle.TypeRegisterVehicle, vehicle.TypeRecordOdometer, vehicle.TypeOfferTransfer,
		invoice.TypeIssueInvoice, invoice.TypeClaimReimbursement, notary.TypeAnchorDocument,
		identity.TypeRegisterPerson, identity.TypeIssueCredential} {
		require.Positive(t, succeeded[typ], "the generator must run %s successfully", typ)
	}
	for _, typ := range sharing.Module.Types() {
		require.Positive(t, succeeded[typ], "the generator must run %s successfully", typ)
	}
	require.Len(t, shared.allowed, 2, "the sharing flow's allowed requests")
	require.Len(t, shared.covert, 2, "the sharing flow's allowed covert requests")
	require.Equal(t, 7, refused[sharing.TypeRequestAccess], "the sharing flow's refused requests")
	require.Equal(t, 2, succeeded[sharing.TypeDiscloseRequest], "the covert requests disclosed")
	require.Positive(t, succeeded[gov.TypeCastVote], "the purpose vote")
	require.Positive(t, refused[invoice.TypeIssueInvoice], "a duplicate invoice number must be refused")
	require.Positive(t, refused[invoice.TypeClaimReimbursement], "a second claim must be refused")
	return out
}

// TestDeterminismAcrossEngines replays the same generated blocks on a fresh
// store of each engine and requires the same app hash at every height, and
// the final hash to equal the golden one in testdata (go test -update
// rewrites it after an intended change of the state layout).
func TestDeterminismAcrossEngines(t *testing.T) {
	blocks := genBlocks(t, 60)
	var runs [][]string
	for _, engine := range []string{state.EngineMemIAVL, state.EngineIAVL} {
		c := newTestChain(t, engine, t.TempDir())
		for _, txs := range blocks {
			c.block(txs...)
		}
		runs = append(runs, c.hashes)
	}
	require.Len(t, runs[0], len(blocks))
	for h := range runs[0] {
		require.Equal(t, runs[0][h], runs[1][h], "app hash differs at height %d", h+1)
	}
	golden := filepath.Join("testdata", "golden_apphash.txt")
	got := strings.Join(runs[0], "\n") + "\n"
	if *update {
		require.NoError(t, os.WriteFile(golden, []byte(got), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run go test ./app -run Determinism -update to create it")
	require.Equal(t, string(want), got, "app hashes changed: if the state layout changed on purpose, run with -update")
}
