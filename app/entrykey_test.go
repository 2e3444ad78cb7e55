package app

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/gov"
	"github.com/govchain/govchain/app/identity"
	"github.com/govchain/govchain/app/land"
	"github.com/govchain/govchain/app/vehicle"
)

// TestEntryKeyBindsEveryNumberedList builds a chain with a numbered list
// of every kind (the history of a record of every registry, the sharing
// module's records and consents included, accounts' role histories, the
// evidence index) and checks, for each: the node's
// proven answer is the anchor then entries 0..count-1 with entry i under
// EntryKey(path, i), EntryCount reads count from the anchor, and
// EntryKey(path, count) is provably absent. The state itself says that
// the list of paths is whole: every record in it that counts a history
// (a "history_count" member) is the anchor of one of the paths, and every
// history entry and evidence record in it is an entry of one of them (or
// of the invoice totals' paged list, which EntryKey does not know: a page
// is not a whole list).
func TestEntryKeyBindsEveryNumberedList(t *testing.T) {
	q := newQueryChain(t)
	c := q.testChain
	alice, bob, shop := c.addr("alice"), c.addr("bob"), c.addr("shop")

	// More of each kind: a longer parcel history, an organisation, a key
	// recovery, and two pieces of evidence in one block.
	c.mustExec("bank", &land.CreateLien{ParcelID: "P-1", Amount: 2, Currency: "EUR", Reference: "L2", DocumentHash: docHash("lien-2")})
	c.mustExec("court", &land.FlagDispute{ParcelID: "P-1", Reason: "second claim", DocumentHash: docHash("claim-2")})
	c.mustExec("vreg", &vehicle.RegisterVehicle{VIN: benchVIN(7), CheckDigitScheme: "north_american", Make: "Saab", Model: "900",
		Year: 1990, Colour: "red", Plate: "CD-2", Owner: bob, OdometerKM: 5})
	c.mustExec("employer", &identity.RegisterOrg{OrgID: "ORG-1", Name: "Acme Ltd", DocumentHash: docHash("statutes"),
		Accounts: []core.Address{c.addr("dave")}})
	c.mustExec("civil", &identity.ProposeRecovery{Account: alice, NewPubKey: core.HexBytes(testKey("alice-new").PubKey().Bytes()),
		Reason: "lost phone", DocumentHash: docHash("id check"), ExpiresAt: c.time.Add(time.Hour)})
	val := testKey("val-justice").PubKey().Address()
	c.height++
	c.time = c.time.Add(10 * time.Second)
	_, err := c.app.FinalizeBlock(c.height, c.time, nil,
		gov.Misbehavior{Type: gov.MisbehaviorDuplicateVote, Validator: val, Power: 10, Height: 3, Time: c.time, TotalVotingPower: 10},
		gov.Misbehavior{Type: gov.MisbehaviorLightClientAttack, Validator: val, Power: 10, Height: 4, Time: c.time, TotalVotingPower: 10})
	require.NoError(t, err)
	_, err = c.app.Commit()
	require.NoError(t, err)
	// The replay's data sharing flow: two persons, their records and a
	// consent, with their histories.
	f := &sharingFlow{}
	for txs := f.next(c); txs != nil; txs = f.next(c) {
		for _, r := range c.block(txs...) {
			f.observe(r)
		}
	}
	require.Len(t, f.allowed, 2)

	paths := []string{
		"/land/parcel/P-1/history",
		"/vehicle/vehicle/" + q.vin + "/history",
		"/vehicle/vehicle/" + benchVIN(7) + "/history",
		"/identity/person/PSN-1/history",
		"/identity/org/ORG-1/history",
		"/identity/credential/CRED-1/history",
		"/identity/recovery/1/history",
		"/invoice/invoice/" + shop.String() + "/INV-1/history",
		"/notary/document/" + docHash("deed").String() + "/history",
		"/gov/proposal/1/history",
		"/gov/proposal/2/history",
		"/gov/evidence",
		"/identity/person/SUBJ-1/history",
		"/identity/person/SUBJ-2/history",
		"/sharing/record/finance/income/SUBJ-1/history",
		"/sharing/record/finance/income/SUBJ-2/history",
		"/sharing/consent/SUBJ-1/justice/benefit_eligibility/history",
		"/sharing/log/SUBJ-1",
		"/sharing/log/SUBJ-2",
	}
	for _, name := range testNames {
		if r := c.query("/agency/account/" + c.addr(name).String() + "/history"); r.Err == nil {
			paths = append(paths, "/agency/account/"+c.addr(name).String()+"/history")
		}
	}

	anchors := map[string]string{} // anchor key -> path
	entries := map[string]string{} // entry key -> path
	for _, path := range paths {
		r := c.query(path)
		require.NoError(t, r.Err, path)
		require.Greater(t, len(r.Entries), 1, "%s: a list with entries", path)
		anchor := r.Entries[0]
		require.Equal(t, r.Key, anchor.Key, path)
		anchors[string(anchor.Key)] = path
		n := uint64(len(r.Entries) - 1)
		count, ok := EntryCount(path, anchor.Value)
		require.True(t, ok, "%s: EntryCount reads no count", path)
		require.Equal(t, n, count, "%s: the anchor counts the entries the node lists", path)
		for i, e := range r.Entries[1:] {
			k, ok := EntryKey(path, uint64(i))
			require.True(t, ok, path)
			require.Equal(t, e.Key, k, "%s: entry %d", path, i)
			entries[string(e.Key)] = path
		}
		next, ok := EntryKey(path, n)
		require.True(t, ok, path)
		absent := c.query("/store/" + hex.EncodeToString(next))
		require.ErrorIs(t, absent.Err, ErrKeyNotFound, "%s: entry %d (the next) must be absent", path, n)
		require.Len(t, absent.Proofs, 1)
		require.False(t, absent.Proofs[0].Exists)
		_, ok = EntryCount(path, []byte(`{"id":"P-1"}`))
		require.False(t, ok, "%s: an anchor without its count", path)
	}

	// The invoice totals' entries are a paged list: not a numbered one.
	totals := "/invoice/totals/" + shop.String() + "/" + q.period + "/entries"
	_, ok := EntryKey(totals, 0)
	require.False(t, ok, totals)
	paged := map[string]bool{}
	r := c.query(totals)
	require.NoError(t, r.Err)
	for _, e := range r.Entries[1:] {
		paged[string(e.Key)] = true
	}

	view, err := c.store.ViewAt(0)
	require.NoError(t, err)
	defer view.Close()
	it, err := view.Iterator(nil, nil, true)
	require.NoError(t, err)
	defer it.Close()
	seen := 0
	for ; it.Valid(); it.Next() {
		k, v := string(it.Key()), it.Value()
		if anchors[k] != "" || entries[k] != "" || paged[k] {
			seen++
			continue
		}
		var members map[string]json.RawMessage
		if json.Unmarshal(v, &members) != nil {
			continue
		}
		has := func(names ...string) bool {
			for _, n := range names {
				if _, ok := members[n]; !ok {
					return false
				}
			}
			return true
		}
		require.False(t, has("history_count"), "a record with a history (key %x) that no numbered path answers: %s", k, v)
		require.False(t, has("seq", "action", "actor", "tx_hash", "height", "time"), "a history entry (key %x) that no numbered path lists: %s", k, v)
		require.False(t, has("infraction_height", "committed_height"), "an evidence record (key %x) that the evidence list does not list: %s", k, v)
	}
	require.NoError(t, it.Error())
	require.Equal(t, len(anchors)+len(entries)+len(paged), seen)
	t.Logf("%d numbered lists, %d entries; %d paged entries", len(paths), len(entries), len(paged))
}

// TestEntryKeyRefusesUnknownPaths: EntryKey and EntryCount know nothing
// of a path that is malformed, unknown, or not a numbered list.
func TestEntryKeyRefusesUnknownPaths(t *testing.T) {
	for _, path := range []string{"", "/", "/land", "/land/parcel/P-1", "/land/parcel/P-1/liens", "/land/parcel//history",
		"/land/parcel/P 1/history", "/gov/proposals", "/gov/evidence/1", "/store/00", "/pension/1/history",
		"/invoice/buyer/" + strings.Repeat("a", 40) + "/invoices"} {
		_, ok := EntryKey(path, 0)
		require.False(t, ok, path)
		_, ok = EntryCount(path, []byte(`{"history_count":1,"count":1}`))
		require.False(t, ok, path)
	}
	// A history path names its entries whether or not the record exists.
	for seq := range uint64(3) {
		k, ok := EntryKey("/land/parcel/P-9/history", seq)
		require.True(t, ok)
		require.Equal(t, land.HistoryKey("P-9", seq), k, fmt.Sprint(seq))
	}
	n, ok := EntryCount("/gov/evidence", []byte(`{"count":7}`))
	require.True(t, ok)
	require.EqualValues(t, 7, n)
	for _, bad := range []string{`{"count":-1}`, `{"count":"7"}`, `{"count":1.5}`, `[]`, `{"count":7`, `{"history_count":7}`} {
		_, ok := EntryCount("/gov/evidence", []byte(bad))
		require.False(t, ok, bad)
	}
}
