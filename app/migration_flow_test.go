package app

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/agency"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/invoice"
	"github.com/govchain/govchain/app/land"
	"github.com/govchain/govchain/app/migration"
	"github.com/govchain/govchain/legacy"
	"github.com/govchain/govchain/state"
	"github.com/govchain/govchain/state/store"
)

// migrationDump writes a settled parcels dump of rows rows to dir.
func migrationDump(t *testing.T, dir string, rows int, at time.Time) *legacy.Dump {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, legacy.Generate(&buf, legacy.Parcels, legacy.FormatCSV, legacy.GenConfig{Rows: rows, Seed: 7, BadEvery: 13}))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "parcels.csv"), buf.Bytes(), 0o600))
	d, err := legacy.Canonicalise(context.Background(), bytes.NewReader(buf.Bytes()), legacy.Parcels, legacy.FormatCSV, nil)
	require.NoError(t, err)
	require.NoError(t, d.Settle(context.Background(), at, nil))
	return d
}

// importBatch is batch first of b as a message.
func importBatch(t *testing.T, d *legacy.Dump, b *legacy.Batches, first int) *migration.ImportBatch {
	t.Helper()
	rows, aunts, err := b.Prove(first)
	require.NoError(t, err)
	m := &migration.ImportBatch{Registry: "parcels", Root: d.Root(), Total: uint64(len(d.Rows)), First: uint64(first), Size: uint64(b.Size())}
	for _, r := range rows {
		m.Rows = append(m.Rows, string(r))
	}
	for _, a := range aunts {
		m.Aunts = append(m.Aunts, a)
	}
	return m
}

// TestPathBImportsBatchesOnceInOrder: an importer granted by an agency
// posts a dump's batches; a batch posted twice, one out of order, one
// whose rows are not the dump's and one by an account without the role
// are refused with their codes and change nothing; the checkpoint counts
// every row once; each record is exactly path A's mapping of its row at
// the block it was imported in, and equal to path A's record of the same
// row but for the height and time of registration.
func TestPathBImportsBatchesOnceInOrder(t *testing.T) {
	c := newTestChainWith(t, state.EngineMemIAVL, t.TempDir(), func(c *testChain, g *Genesis) {
		g.RolePolicy = append(g.RolePolicy, core.RolePolicy{Role: core.RoleImporter, Agencies: []string{"justice"}})
	})
	dumps := t.TempDir()
	d := migrationDump(t, dumps, 100, c.time)
	b, err := d.Batches(16)
	require.NoError(t, err)
	n := len(d.Rows)

	// Without the importer role the registrar is refused.
	err = c.exec("registrar", importBatch(t, d, b, 0))
	require.ErrorIs(t, err, core.ErrMissingRole)
	c.mustExec("admin-justice", &agency.GrantRole{Account: c.addr("registrar"), Role: core.RoleImporter})
	// An importer without the registry's role is refused too.
	c.mustExec("admin-justice", &agency.GrantRole{Account: c.addr("notary"), Role: core.RoleImporter})
	require.ErrorIs(t, c.exec("notary", importBatch(t, d, b, 0)), core.ErrMissingRole)

	// Not the first batch first; a row changed.
	require.ErrorIs(t, c.exec("registrar", importBatch(t, d, b, 16)), migration.ErrBatchOutOfOrder)
	bad := importBatch(t, d, b, 0)
	bad.Rows[3] = bad.Rows[4]
	require.ErrorIs(t, bad.Validate(), migration.ErrNotInDump)
	r := c.app.Query("migration/checkpoint/"+bad.Root.String(), 0, false)
	require.ErrorIs(t, r.Err, migration.ErrCheckpointNotFound)

	heights := map[int]int64{}
	for first := 0; first < n; first += 16 {
		res := c.mustExec("registrar", importBatch(t, d, b, first))
		for i := first; i < min(first+16, n); i++ {
			heights[i] = c.height
		}
		next := ""
		for _, e := range res.Events {
			if e.Type == migration.EventType {
				for _, a := range e.Attrs {
					if a.Key == "next" {
						next = a.Value
					}
				}
			}
		}
		require.Equal(t, core.Dec(uint64(min(first+16, n))), next)
		if first == 32 {
			// The same batch again, alone or beside the next, never doubles.
			require.ErrorIs(t, c.exec("registrar", importBatch(t, d, b, 32)), migration.ErrBatchImported)
			require.ErrorIs(t, c.exec("registrar", importBatch(t, d, b, 0)), migration.ErrBatchImported)
			require.ErrorIs(t, c.exec("registrar", importBatch(t, d, b, 64)), migration.ErrBatchOutOfOrder)
		}
	}
	require.ErrorIs(t, c.exec("registrar", importBatch(t, d, b, (n-1)/16*16)), migration.ErrBatchImported)
	r = c.app.Query("migration/checkpoint/"+bad.Root.String(), 0, true)
	require.NoError(t, r.Err)
	var cp migration.Checkpoint
	require.NoError(t, json.Unmarshal(r.Value, &cp))
	require.Equal(t, migration.Checkpoint{Registry: "parcels", Root: d.Root(), Total: uint64(n), Next: uint64(n),
		Batches: uint64((n + 15) / 16), Imported: uint64(n), LastBatchHeight: cp.LastBatchHeight}, cp)
	require.True(t, cp.Done())

	// Path A of the same dump, on a chain of its own.
	ref := d.Ref("parcels.csv", c.addr("registrar"))
	a := newImportApp(t, dumps, c, ref)
	for i, row := range d.Rows {
		f, err := legacy.Fields(row)
		require.NoError(t, err)
		gotB := c.app.Query("land/parcel/"+f[0], 0, false)
		require.NoError(t, gotB.Err)
		want, err := legacy.Expected(legacy.Parcels, row, legacy.Origin{Signer: c.addr("registrar"), ChainID: c.chainID,
			Height: heights[i], Time: c.time.Add(time.Duration(heights[i]-c.height) * 10 * time.Second)})
		require.NoError(t, err)
		require.Equal(t, string(want.Value), string(gotB.Value), "row %d", i)

		gotA := a.Query("land/parcel/"+f[0], 0, false)
		require.NoError(t, gotA.Err)
		var pa, pb land.Parcel
		require.NoError(t, json.Unmarshal(gotA.Value, &pa))
		require.NoError(t, json.Unmarshal(gotB.Value, &pb))
		require.Equal(t, int64(ImportHeight), pa.RegisteredHeight)
		pa.RegisteredHeight, pa.RegisteredAt = pb.RegisteredHeight, pb.RegisteredAt
		ja, err := json.Marshal(pa)
		require.NoError(t, err)
		require.Equal(t, string(gotB.Value), string(ja), "row %d: path A and path B differ beyond the registration's height and time", i)
	}
}

// newImportApp starts a chain by path A from dumps with ref, on c's genesis
// with ref's signer holding the registry's role.
func newImportApp(t *testing.T, dumps string, c *testChain, ref ImportRef, change ...func(g *Genesis)) *App {
	t.Helper()
	gen := testGenesis(c.keys)
	gen.Import = []ImportRef{ref}
	for _, f := range change {
		f(gen)
	}
	g, err := json.Marshal(gen)
	require.NoError(t, err)
	st, err := store.Open(t.TempDir(), state.DefaultConfig())
	require.NoError(t, err)
	a, err := New(st)
	require.NoError(t, err)
	t.Cleanup(func() { _ = a.Close() })
	a.SetGenesisLoader(legacy.NodeLoader(context.Background(), dumps, "", nil))
	_, _, err = a.InitChain(c.chainID, c.time, ImportHeight+1, g)
	require.NoError(t, err)
	return a
}

// TestPathBPipelinedBatches: an importer signs a dump's batches with
// consecutive sequences and posts them all before any block. CheckTx
// admits each (a batch ahead of the committed checkpoint may wait for the
// ones before it, as a sequence ahead does), but refuses one the chain
// holds already; PrepareProposal puts them in sequence order whatever the
// mempool's order, and one block imports them all. A batch out of order in
// a block is still refused with its code and writes nothing.
func TestPathBPipelinedBatches(t *testing.T) {
	c := newTestChainWith(t, state.EngineMemIAVL, t.TempDir(), func(c *testChain, g *Genesis) {
		g.RolePolicy = append(g.RolePolicy, core.RolePolicy{Role: core.RoleImporter, Agencies: []string{"justice"}})
	})
	c.mustExec("admin-justice", &agency.GrantRole{Account: c.addr("registrar"), Role: core.RoleImporter})
	d := migrationDump(t, t.TempDir(), 100, c.time)
	b, err := d.Batches(8)
	require.NoError(t, err)
	n := len(d.Rows)

	var txs [][]byte
	for first := 0; first < n; first += 8 {
		tx := c.sign("registrar", importBatch(t, d, b, first))
		require.NoError(t, c.app.CheckTx(tx).Err, "batch at row %d", first)
		txs = append(txs, tx)
	}
	// The mempool may hold them in any order.
	shuffled := append([][]byte{}, txs[len(txs)-1])
	shuffled = append(shuffled, txs[:len(txs)-1]...)
	ordered := c.app.PrepareProposal(shuffled, 1<<30)
	require.Equal(t, txs, ordered)
	for i, r := range c.block(ordered...) {
		require.NoError(t, r.Err, "batch %d", i)
	}
	cp := checkpointOf(t, c, d.Root())
	require.Equal(t, uint64(n), cp.Next)
	require.Equal(t, uint64(n), cp.Imported)
	require.Equal(t, uint64(len(txs)), cp.Batches)

	// The chain holds them now: CheckTx refuses one again.
	again := c.sign("registrar", importBatch(t, d, b, 8))
	require.ErrorIs(t, c.app.CheckTx(again).Err, migration.ErrBatchImported)
	require.ErrorIs(t, c.block(again)[0].Err, migration.ErrBatchImported)

	// Another dump: its second batch alone in a block is refused, changes
	// nothing, and the first batch is still expected.
	d2 := migrationDump(t, t.TempDir(), 40, c.time.Add(time.Hour))
	require.NotEqual(t, d.Root(), d2.Root())
	b2, err := d2.Batches(8)
	require.NoError(t, err)
	before := c.hashes[len(c.hashes)-1]
	res := c.block(c.sign("registrar", importBatch(t, d2, b2, 8)))
	require.ErrorIs(t, res[0].Err, migration.ErrBatchOutOfOrder)
	r := c.app.Query("migration/checkpoint/"+core.HexBytes(d2.Root()).String(), 0, false)
	require.ErrorIs(t, r.Err, migration.ErrCheckpointNotFound)
	require.NotEqual(t, before, c.hashes[len(c.hashes)-1], "the block time and the sequence changed")
	c.mustExec("registrar", importBatch(t, d2, b2, 0))
}

// checkpointOf reads the committed checkpoint of the dump with root.
func checkpointOf(t *testing.T, c *testChain, root []byte) migration.Checkpoint {
	t.Helper()
	r := c.app.Query("migration/checkpoint/"+core.HexBytes(root).String(), 0, false)
	require.NoError(t, r.Err)
	var cp migration.Checkpoint
	require.NoError(t, json.Unmarshal(r.Value, &cp))
	return cp
}

// TestPathBLiens: a parcels dump with liens, imported by path B on a chain
// that already holds a lien, gives each parcel the liens path A gives it:
// equal lien records but for their ids and the height and time they were
// made at, and parcel records equal to the row's mapping with the chain's
// lien ids.
func TestPathBLiens(t *testing.T) {
	c := newTestChainWith(t, state.EngineMemIAVL, t.TempDir(), func(c *testChain, g *Genesis) {
		g.RolePolicy = append(g.RolePolicy, core.RolePolicy{Role: core.RoleImporter, Agencies: []string{"justice"}})
	})
	c.mustExec("admin-justice", &agency.GrantRole{Account: c.addr("registrar"), Role: core.RoleImporter})
	dumps := t.TempDir()
	var buf bytes.Buffer
	require.NoError(t, legacy.Generate(&buf, legacy.Parcels, legacy.FormatCSV, legacy.GenConfig{Rows: 60, Seed: 4, LiensEvery: 2}))
	require.NoError(t, os.WriteFile(filepath.Join(dumps, "parcels.csv"), buf.Bytes(), 0o600))
	d, err := legacy.Canonicalise(context.Background(), bytes.NewReader(buf.Bytes()), legacy.Parcels, legacy.FormatCSV, nil)
	require.NoError(t, err)
	require.NoError(t, d.Settle(context.Background(), c.time, nil))

	// A lien the chain holds before the import shifts path B's lien ids.
	own := c.addr("registrar")
	c.mustExec("registrar", &land.RegisterParcel{ParcelID: "OTHER-1", CadastralRef: "x", AreaM2: 10, Location: "Minsk",
		DocumentHash: core.Hash{1}, Denominator: 1, Owners: []land.Share{{Account: own, Shares: 1}}})
	c.mustExec("bank", &land.CreateLien{ParcelID: "OTHER-1", Amount: 5, Currency: "BYN", Reference: "r", DocumentHash: core.Hash{2}})

	b, err := d.Batches(16)
	require.NoError(t, err)
	var txs [][]byte
	for at := 0; at < len(d.Rows); at += 16 {
		txs = append(txs, c.sign("registrar", importBatch(t, d, b, at)))
	}
	for _, r := range c.block(txs...) {
		require.NoError(t, r.Err)
	}
	a := newImportApp(t, dumps, c, d.Ref("parcels.csv", c.addr("registrar")))
	withLiens := 0
	for _, row := range d.Rows {
		f, err := legacy.Fields(row)
		require.NoError(t, err)
		var pa, pb land.Parcel
		require.NoError(t, json.Unmarshal(a.Query("land/parcel/"+f[0], 0, false).Value, &pa))
		rb := c.app.Query("land/parcel/"+f[0], 0, false)
		require.NoError(t, rb.Err)
		require.NoError(t, json.Unmarshal(rb.Value, &pb))
		require.Len(t, pb.ActiveLiens, len(pa.ActiveLiens), f[0])
		if len(pa.ActiveLiens) == 0 {
			continue
		}
		withLiens++
		require.Greater(t, pb.ActiveLiens[0], pa.ActiveLiens[0], "path B's ids follow the chain's lien")
		want, err := legacy.ExpectedFrom(legacy.Parcels, row, legacy.Origin{Signer: c.addr("registrar"), ChainID: c.chainID,
			Height: pb.RegisteredHeight, Time: pb.RegisteredAt}, pb.ActiveLiens[0])
		require.NoError(t, err)
		require.Equal(t, string(want.Value), string(rb.Value), f[0])
		for i := range pa.ActiveLiens {
			var la, lb land.Lien
			require.NoError(t, json.Unmarshal(a.Query("land/lien/"+core.Dec(pa.ActiveLiens[i]), 0, false).Value, &la))
			require.NoError(t, json.Unmarshal(c.app.Query("land/lien/"+core.Dec(pb.ActiveLiens[i]), 0, false).Value, &lb))
			require.Equal(t, land.LienActive, lb.Status)
			la.ID, la.CreatedHeight, la.CreatedAt, la.ActivatedHeight = lb.ID, lb.CreatedHeight, lb.CreatedAt, lb.ActivatedHeight
			require.Equal(t, la, lb)
		}
	}
	require.Greater(t, withLiens, 10)
}

// TestPathBInvoices: an invoices dump imported by path B gives each
// invoice the record path A gives it, but for its issued_height.
func TestPathBInvoices(t *testing.T) {
	c := newTestChainWith(t, state.EngineMemIAVL, t.TempDir(), func(c *testChain, g *Genesis) {
		g.RolePolicy = append(g.RolePolicy, core.RolePolicy{Role: core.RoleImporter, Agencies: []string{"justice"}})
		for i := range g.RolePolicy {
			if g.RolePolicy[i].Role == core.RoleTaxAuthority && !slices.Contains(g.RolePolicy[i].Agencies, "justice") {
				g.RolePolicy[i].Agencies = append(g.RolePolicy[i].Agencies, "justice")
			}
		}
		if !slices.ContainsFunc(g.RolePolicy, func(p core.RolePolicy) bool { return p.Role == core.RoleTaxAuthority }) {
			g.RolePolicy = append(g.RolePolicy, core.RolePolicy{Role: core.RoleTaxAuthority, Agencies: []string{"justice"}})
		}
	})
	c.mustExec("admin-justice", &agency.GrantRole{Account: c.addr("registrar"), Role: core.RoleImporter})
	c.mustExec("admin-justice", &agency.GrantRole{Account: c.addr("registrar"), Role: core.RoleTaxAuthority})
	dumps := t.TempDir()
	var buf bytes.Buffer
	require.NoError(t, legacy.Generate(&buf, legacy.Invoices, legacy.FormatCSV, legacy.GenConfig{Rows: 50, Seed: 6}))
	require.NoError(t, os.WriteFile(filepath.Join(dumps, "invoices.csv"), buf.Bytes(), 0o600))
	d, err := legacy.Canonicalise(context.Background(), bytes.NewReader(buf.Bytes()), legacy.Invoices, legacy.FormatCSV, nil)
	require.NoError(t, err)
	require.NoError(t, d.Settle(context.Background(), c.time, nil))
	b, err := d.Batches(16)
	require.NoError(t, err)
	var txs [][]byte
	for at := 0; at < len(d.Rows); at += 16 {
		m := importBatch(t, d, b, at)
		m.Registry = "invoices"
		txs = append(txs, c.sign("registrar", m))
	}
	for _, r := range c.block(txs...) {
		require.NoError(t, r.Err)
	}
	a := newImportApp(t, dumps, c, d.Ref("invoices.csv", c.addr("registrar")), func(g *Genesis) {
		g.RolePolicy = append(g.RolePolicy, core.RolePolicy{Role: core.RoleTaxAuthority, Agencies: []string{"justice"}})
		g.Roles = append(g.Roles, GenesisRole{Account: c.addr("registrar"), Role: core.RoleTaxAuthority, Agency: "justice"})
	})
	for _, row := range d.Rows {
		id := legacy.Invoices.RowID(row)
		ra := a.Query("invoice/invoice/"+id, 0, false)
		rb := c.app.Query("invoice/invoice/"+id, 0, false)
		require.NoError(t, ra.Err, id)
		require.NoError(t, rb.Err, id)
		var ia, ib invoice.Invoice
		require.NoError(t, json.Unmarshal(ra.Value, &ia))
		require.NoError(t, json.Unmarshal(rb.Value, &ib))
		require.Equal(t, int64(ImportHeight), ia.IssuedHeight)
		require.Equal(t, c.height, ib.IssuedHeight)
		ia.IssuedHeight = ib.IssuedHeight
		require.Equal(t, ia, ib, id)
	}
}
