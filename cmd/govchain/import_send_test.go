package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/migration"
	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/internal/devnode"
	"github.com/govchain/govchain/legacy"
)

// TestImportSendResumesAfterTheImporterIsKilled: path B against a real
// development node (a process): the justice admin grants the registrar
// the importer role; `govchain import send`, a process of its own, is
// killed (SIGKILL) mid-run; the same command resumes from the chain's
// checkpoint and ends with every row imported once (no row refused, as a
// doubled row would be, none missing). Each record is the row's path A
// mapping at the height and time it was imported.
func TestImportSendResumesAfterTheImporterIsKilled(t *testing.T) {
	n, err := devnode.Start(devnode.Options{ChainID: "import-send-1", Prefix: "govchain-import-"})
	require.NoError(t, err)
	t.Cleanup(n.Stop)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	bin := func(args ...string) *exec.Cmd {
		cmd := exec.CommandContext(ctx, n.Bin, append(args, "--home", n.Home, "--node", n.URL)...)
		cmd.Dir = n.Dir
		return cmd
	}
	dump := filepath.Join(n.Dir, "parcels.csv")
	out, err := exec.CommandContext(ctx, n.Bin, "import", "generate", "parcels", "--rows", "1000", "--bad-every", "40", "--out", dump).CombinedOutput()
	require.NoError(t, err, string(out))
	out, err = bin("tx", "agency", "grant-role", "--from", "admin-justice", "--account", "registrar", "--role", "importer").CombinedOutput()
	require.NoError(t, err, string(out))

	// The first run, killed once the chain holds a few batches.
	first := bin("import", "send", "parcels", dump, "--from", "registrar", "--batch", "32", "--in-flight", "2")
	var firstErr bytes.Buffer
	first.Stderr = &firstErr
	require.NoError(t, first.Start())
	d, err := prepareFile(dump, n)
	require.NoError(t, err)
	root := d.Root()
	require.Eventually(t, func() bool {
		cp, err := checkpointOf(ctx, n.Client, root)
		return err == nil && cp.Next >= 96
	}, time.Minute, 50*time.Millisecond, "the importer posted no batch: %s", &firstErr)
	require.NoError(t, first.Process.Kill())
	require.Error(t, first.Wait())
	killedAt, err := checkpointOf(ctx, n.Client, root)
	require.NoError(t, err)
	require.Less(t, killedAt.Next, killedAt.Total, "killed before the end")

	// The same command resumes.
	var stdout, stderr bytes.Buffer
	again := bin("import", "send", "parcels", dump, "--from", "registrar", "--batch", "32", "--in-flight", "2", "-o", "json")
	again.Stdout, again.Stderr = &stdout, &stderr
	require.NoError(t, again.Run(), stderr.String())
	var s sent
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &s), stdout.String())
	rows := uint64(len(d.Rows))
	require.Equal(t, rows, s.Rows)
	require.Equal(t, rows, s.Next)
	require.Equal(t, rows, s.Imported, "every row imported once")
	require.Equal(t, uint64(0), s.Refused, "no row imported twice")
	require.Equal(t, (rows+31)/32, s.Batches)
	require.Less(t, s.SentNow, int(s.Batches), "the second run resumed")
	require.Contains(t, stderr.String(), "send parcels.csv: ")

	// Once more: nothing left to send.
	out, err = bin("import", "send", "parcels", dump, "--from", "registrar", "--batch", "32").Output()
	require.NoError(t, err)
	require.Contains(t, string(out), "(0 sent by this run)")

	// Records are path A's mapping of their rows at their block.
	reg, err := n.Keyring.Get("registrar")
	require.NoError(t, err)
	for _, i := range []int{0, 95, 96, 500, len(d.Rows) - 1} {
		f, err := legacy.Fields(d.Rows[i])
		require.NoError(t, err)
		r, err := n.Client.Query(ctx, "land/parcel/"+f[0], client.QueryOptions{})
		require.NoError(t, err)
		var at struct {
			Height int64     `json:"registered_height"`
			At     time.Time `json:"registered_at"`
		}
		require.NoError(t, json.Unmarshal(r.Value, &at))
		want, err := legacy.Expected(legacy.Parcels, d.Rows[i], legacy.Origin{Signer: reg.Address(), ChainID: n.ChainID, Height: at.Height, Time: at.At})
		require.NoError(t, err)
		require.Equal(t, string(want.Value), string(r.Value), "row %d", i)
	}
}

// prepareFile canonicalises and settles the dump at path as import send
// does against n (at its genesis time).
func prepareFile(path string, n *devnode.Node) (*legacy.Dump, error) {
	return prepareAt(path, legacy.Parcels, n.Client)
}

// prepareAt prepares the parcels dump at path at the genesis time of cl's
// node.
func prepareAt(path string, reg *legacy.Registry, cl *client.Client) (*legacy.Dump, error) {
	g, err := cl.RPC().Genesis(context.Background())
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	d, err := legacy.Canonicalise(context.Background(), f, reg, legacy.FormatCSV, nil)
	if err != nil {
		return nil, err
	}
	return d, d.Settle(context.Background(), g.Genesis.GenesisTime.UTC(), nil)
}

func checkpointOf(ctx context.Context, cl *client.Client, root []byte) (*migration.Checkpoint, error) {
	var cp migration.Checkpoint
	r, err := cl.Query(ctx, "migration/checkpoint/"+hex.EncodeToString(root), client.QueryOptions{})
	if err != nil {
		return nil, err
	}
	return &cp, json.Unmarshal(r.Value, &cp)
}

// TestImportSendStopsCleanlyOnCtrlC: a run whose context ends (Ctrl-C)
// stops after the batch in flight with one line naming the row it stopped
// at; the same command then finishes; a bad --batch is refused in one line.
func TestImportSendStopsCleanlyOnCtrlC(t *testing.T) {
	n := startDevNodeWith(t, "import-send-2", nil)
	_, stderr, code := n.cli("tx", "agency", "grant-role", "--from", "admin-justice", "--account", "registrar", "--role", "importer")
	require.Equal(t, 0, code, stderr)
	dump := filepath.Join(t.TempDir(), "parcels.csv")
	_, _, code = govchain(t, "import", "generate", "parcels", "--rows", "200", "--out", dump)
	require.Equal(t, 0, code)

	_, stderr, code = n.cli("import", "send", "parcels", dump, "--from", "registrar", "--batch", "6")
	requireOneLineError(t, stderr, code, "--batch: 6 is not a power of two")
	_, stderr, code = n.cli("import", "send", "parcels", dump, "--from", "registrar", "--in-flight", "0")
	requireOneLineError(t, stderr, code, "--in-flight: 0 is not from 1 to 256")

	cl, err := client.New(n.url)
	require.NoError(t, err)
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, stderr, code = govchainCtx(ctx, t, "import", "send", "parcels", dump, "--from", "registrar", "--batch", "16", "--in-flight", "1",
			"--home", n.home, "--node", n.url)
	}()
	d, err := prepareAt(dump, legacy.Parcels, cl)
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		cp, err := checkpointOf(context.Background(), cl, d.Root())
		return err == nil && cp.Next >= 32
	}, time.Minute, 50*time.Millisecond)
	stop()
	<-done
	requireOneLineError(t, stderr, code, "the same command resumes")
	require.Regexp(t, `stopped at row \d+ of 200`, stderr)

	// The same command with larger batches resumes too: batches grow
	// back from the row the first run stopped at to 64 rows. The batch the
	// stopped run had posted may still be waiting for a block: read the
	// checkpoint once two more blocks are made.
	h0, err := latestHeight(n.url)
	require.NoError(t, err)
	require.Eventually(t, func() bool { h, err := latestHeight(n.url); return err == nil && h >= h0+2 }, time.Minute, 50*time.Millisecond)
	cp, err := checkpointOf(context.Background(), cl, d.Root())
	require.NoError(t, err)
	out, stderr, code := n.cli("import", "send", "parcels", dump, "--from", "registrar", "--batch", "64", "-o", "json")
	require.Equal(t, 0, code, stderr)
	var s sent
	require.NoError(t, json.Unmarshal([]byte(out), &s))
	require.Equal(t, uint64(200), s.Imported)
	require.Equal(t, uint64(0), s.Refused)
	require.Equal(t, 64, s.Size)
	require.Equal(t, cp.Batches+uint64(s.SentNow), s.Batches)
	require.Less(t, s.Batches, uint64(13), "fewer batches than 16 rows each")
}

func TestSizeAtGrowsBackToTheRunsSize(t *testing.T) {
	d := &legacy.Dump{Registry: legacy.Parcels}
	for i := range 300 {
		d.Rows = append(d.Rows, []byte{'r', byte(i)})
	}
	b, err := d.Batches(64)
	require.NoError(t, err)
	s := &sender{d: d, b: b}
	var sizes []int
	for at := uint64(48); at < 300; at += uint64(s.sizeAt(at)) {
		sizes = append(sizes, s.sizeAt(at))
	}
	require.Equal(t, []int{16, 64, 64, 64, 64}, sizes)
	require.Equal(t, 64, s.sizeAt(0))
}

// TestFitBatchTakesTheLargestThatFits: the batch size import send picks
// by default makes no transaction over the chain's max_tx_bytes, and twice
// that size makes one over it; a limit below one row's transaction is an
// error.
func TestFitBatchTakesTheLargestThatFits(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, legacy.Generate(&buf, legacy.Parcels, legacy.FormatCSV, legacy.GenConfig{Rows: 3000, Seed: 5}))
	d, err := legacy.Canonicalise(context.Background(), &buf, legacy.Parcels, legacy.FormatCSV, nil)
	require.NoError(t, err)
	require.NoError(t, d.Settle(context.Background(), time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), nil))
	key := &client.Key{Name: "importer", PrivKey: ed25519.GenPrivKey()}
	largest := func(b *legacy.Batches) int {
		most := 0
		for first := 0; first < len(d.Rows); first += b.Size() {
			m, err := batchMsg(d, b, first)
			require.NoError(t, err)
			tx, err := client.BuildWith("c", key, 1<<40, m)
			require.NoError(t, err)
			most = max(most, len(tx))
		}
		return most
	}
	for _, maxTx := range []int{32 * 1024, 200 * 1024, 1 << 20} {
		size, err := fitBatch(d, key, "c", maxTx)
		require.NoError(t, err)
		b, err := d.Batches(size)
		require.NoError(t, err)
		require.LessOrEqual(t, largest(b), maxTx, "size %d", size)
		if size < legacy.MaxBatchSize {
			b2, err := d.Batches(size * 2)
			require.NoError(t, err)
			require.Greater(t, largest(b2)+fitMargin, maxTx, "size %d would fit", size*2)
		}
	}
	_, err = fitBatch(d, key, "c", 1024)
	require.ErrorContains(t, err, "over the chain's max_tx_bytes 1024")
}

// TestImportSendPipelinesBatches: with its defaults, import send sizes
// batches to the chain's max_tx_bytes (128 parcel rows under the default
// 32 KiB) and keeps many in flight, so that one block imports several
// batches; every row is imported once.
func TestImportSendPipelinesBatches(t *testing.T) {
	n := startDevNodeWith(t, "import-send-3", nil)
	_, stderr, code := n.cli("tx", "agency", "grant-role", "--from", "admin-justice", "--account", "registrar", "--role", "importer")
	require.Equal(t, 0, code, stderr)
	dump := filepath.Join(t.TempDir(), "parcels.csv")
	_, _, code = govchain(t, "import", "generate", "parcels", "--rows", "3000", "--bad-every", "100", "--out", dump)
	require.Equal(t, 0, code)
	out, stderr, code := n.cli("import", "send", "parcels", dump, "--from", "registrar", "-o", "json")
	require.Equal(t, 0, code, stderr)
	var s sent
	require.NoError(t, json.Unmarshal([]byte(out), &s))
	require.Equal(t, 128, s.Size)
	require.Equal(t, s.Rows, s.Imported)
	require.Equal(t, uint64(0), s.Refused)
	require.Equal(t, int(s.Batches), s.SentNow)
	require.Equal(t, (s.Rows+127)/128, s.Batches)

	cl, err := client.New(n.url)
	require.NoError(t, err)
	d, err := prepareAt(dump, legacy.Parcels, cl)
	require.NoError(t, err)
	cp, err := checkpointOf(context.Background(), cl, d.Root())
	require.NoError(t, err)
	// The batches landed in far fewer blocks than there are batches.
	most := 0
	for h := cp.LastBatchHeight; h > 0 && h > cp.LastBatchHeight-int64(s.Batches); h-- {
		b, err := cl.RPC().Block(context.Background(), &h)
		require.NoError(t, err)
		most = max(most, len(b.Block.Txs))
	}
	require.Greater(t, most, 2, "at most %d batches in a block", most)
}

// TestImportSendPostsBusyBatchesAgain: against a node whose [load] admits
// at most 4 pending transactions and proposes blocks of at most 3, import
// send with 32 batches in flight is refused busy (code 19) again and
// again; it posts each refused batch again after a block, and ends with
// every row imported exactly once: none refused (as a doubled batch's rows
// would be), none missing.
func TestImportSendPostsBusyBatchesAgain(t *testing.T) {
	n := startDevNodeWith(t, "import-send-busy", func(home string) {
		require.NoError(t, setLoad(home, "block_max_txs=3,pending_max_txs=4"))
		cfgPath := filepath.Join(home, "config", "config.toml")
		cfg, err := os.ReadFile(cfgPath)
		require.NoError(t, err)
		cfg = regexp.MustCompile(`(?m)^timeout_commit = .*$`).ReplaceAll(cfg, []byte(`timeout_commit = "200ms"`))
		require.NoError(t, os.WriteFile(cfgPath, cfg, 0o644))
	})
	_, stderr, code := n.cli("tx", "agency", "grant-role", "--from", "admin-justice", "--account", "registrar", "--role", "importer")
	require.Equal(t, 0, code, stderr)
	dump := filepath.Join(t.TempDir(), "parcels.csv")
	_, _, code = govchain(t, "import", "generate", "parcels", "--rows", "640", "--out", dump)
	require.Equal(t, 0, code)
	out, stderr, code := n.cli("import", "send", "parcels", dump, "--from", "registrar", "--batch", "32", "--in-flight", "32", "-o", "json")
	require.Equal(t, 0, code, stderr)
	var s sent
	require.NoError(t, json.Unmarshal([]byte(out), &s))
	require.Positive(t, s.Busy, "the node never answered busy")
	require.Equal(t, uint64(640), s.Rows)
	require.Equal(t, s.Rows, s.Next)
	require.Equal(t, s.Rows, s.Imported, "every row imported")
	require.Equal(t, uint64(0), s.Refused, "no row imported twice")
	require.Equal(t, uint64(20), s.Batches)
	require.Equal(t, 20, s.SentNow)

	out, _, code = n.cli("import", "send", "parcels", dump, "--from", "registrar", "--batch", "32")
	require.Equal(t, 0, code)
	require.Contains(t, out, "(0 sent by this run)")
	require.NotContains(t, out, "busy")
}

// TestImportCertifyPathB: a record imported by import send (path B) gets
// a migration certificate that rests on the dump's checkpoint at the
// height of its batch's block; import verify checks it offline against
// genesis.json, a parcel with liens included. A certificate whose row is
// another row of the dump (a valid row, the wrong record) and one whose
// row was altered are refused.
func TestImportCertifyPathB(t *testing.T) {
	n := startDevNodeWith(t, "import-certify-b", nil)
	_, stderr, code := n.cli("tx", "agency", "grant-role", "--from", "admin-justice", "--account", "registrar", "--role", "importer")
	require.Equal(t, 0, code, stderr)
	dir := t.TempDir()
	dump := filepath.Join(dir, "parcels.csv")
	_, _, code = govchain(t, "import", "generate", "parcels", "--rows", "200", "--liens-every", "3", "--out", dump)
	require.Equal(t, 0, code)
	_, stderr, code = n.cli("import", "send", "parcels", dump, "--from", "registrar", "--batch", "32")
	require.Equal(t, 0, code, stderr)

	cl, err := client.New(n.url)
	require.NoError(t, err)
	d, err := prepareAt(dump, legacy.Parcels, cl)
	require.NoError(t, err)
	cp, err := checkpointOf(context.Background(), cl, d.Root())
	require.NoError(t, err)
	require.True(t, cp.Done())
	genesis := filepath.Join(n.home, "config", "genesis.json")
	certify := func(i int) (string, []byte) {
		f, err := legacy.Fields(d.Rows[i])
		require.NoError(t, err)
		cert := filepath.Join(dir, f[0]+".json")
		out, stderr, code := govchain(t, "import", "certify", "parcels", dump, "--id", f[0], "--out", cert, "--node", n.url)
		require.Equal(t, 0, code, stderr)
		require.Contains(t, out, "wrote migration certificate of /land/parcel/"+f[0])
		b, err := os.ReadFile(cert)
		require.NoError(t, err)
		return f[0], b
	}
	withLiens := -1
	for i, row := range d.Rows {
		if f, err := legacy.Fields(row); err == nil && len(f) > 8 && f[8] != "" && withLiens < 0 {
			withLiens = i
		}
	}
	require.NotEqual(t, -1, withLiens, "a row with liens")
	for _, i := range []int{0, withLiens, 100, len(d.Rows) - 1} {
		id, _ := certify(i)
		cert := filepath.Join(dir, id+".json")
		out, stderr, code := govchain(t, "import", "verify", cert, "--trust", genesis)
		require.Equal(t, 0, code, stderr)
		require.Regexp(t, `^MIGRATED /land/parcel/`+id+` from row `+strconv.Itoa(i)+` of `+strconv.Itoa(len(d.Rows))+
			` of the parcels dump with root `+hex.EncodeToString(d.Root())+`, imported at height \d+\n$`, out)
	}

	// Row 100's proof in row 0's certificate: the row is the dump's,
	// the record is not its mapping.
	_, zero := certify(0)
	_, other := certify(100)
	var a, b map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(zero, &a))
	require.NoError(t, json.Unmarshal(other, &b))
	a["row"] = b["row"]
	swapped, err := json.MarshalIndent(a, "", "  ")
	require.NoError(t, err)
	bad := filepath.Join(dir, "swapped.json")
	require.NoError(t, os.WriteFile(bad, swapped, 0o600))
	_, stderr, code = govchain(t, "import", "verify", bad, "--trust", genesis)
	requireOneLineError(t, stderr, code, "NOT VERIFIED: verify: migration not proven")
	require.Contains(t, stderr, "is not row 100's mapping")

	// One byte of the row altered: it is not in the dump.
	f, err := legacy.Fields(d.Rows[0])
	require.NoError(t, err)
	altered := []byte(strings.Replace(string(zero), `"row": "`+f[0]+`,`, `"row": "`+f[0]+`,x`, 1))
	require.NotEqual(t, zero, altered)
	require.NoError(t, os.WriteFile(bad, altered, 0o600))
	_, stderr, code = govchain(t, "import", "verify", bad, "--trust", genesis)
	requireOneLineError(t, stderr, code, "NOT VERIFIED: verify: migration not proven")
	require.Contains(t, stderr, "is not in the dump of root")

	// An invoice that was acknowledged and claimed in the legacy registry:
	// its record, claim included, is its row's mapping.
	_, stderr, code = n.cli("tx", "agency", "grant-role", "--from", "admin-finance", "--account", "registrar", "--role", "tax_authority")
	require.Equal(t, 0, code, stderr)
	invoices := filepath.Join(dir, "invoices.csv")
	_, _, code = govchain(t, "import", "generate", "invoices", "--rows", "40", "--life-every", "2", "--credit-every", "3", "--out", invoices)
	require.Equal(t, 0, code)
	_, stderr, code = n.cli("import", "send", "invoices", invoices, "--from", "registrar", "--batch", "16")
	require.Equal(t, 0, code, stderr)
	d, err = prepareAt(invoices, legacy.Invoices, cl)
	require.NoError(t, err)
	claimed := -1
	for i, row := range d.Rows {
		if f, err := legacy.Fields(row); err == nil && len(f) > 11 && f[11] != "" && claimed < 0 {
			claimed = i
		}
	}
	require.NotEqual(t, -1, claimed, "a claimed invoice")
	id := legacy.Invoices.RowID(d.Rows[claimed])
	cert := filepath.Join(dir, "invoice.json")
	out, stderr, code := govchain(t, "import", "certify", "invoices", invoices, "--id", id, "--out", cert, "--node", n.url)
	require.Equal(t, 0, code, stderr)
	require.Contains(t, out, "wrote migration certificate of /invoice/invoice/"+id)
	out, stderr, code = govchain(t, "import", "verify", cert, "--trust", genesis)
	require.Equal(t, 0, code, stderr)
	require.Regexp(t, `^MIGRATED /invoice/invoice/`+id+` from row `+strconv.Itoa(claimed)+` of `, out)
	r, err := cl.Query(context.Background(), "/invoice/invoice/"+id, client.QueryOptions{})
	require.NoError(t, err)
	require.Contains(t, string(r.Value), `"claim":{"claimant":`)

	// A legacy credit note is certified from the row of the invoice
	// that lists it.
	credited := -1
	var notes []struct {
		Number string `json:"number"`
	}
	for i, row := range d.Rows {
		if f, err := legacy.Fields(row); err == nil && len(f) > 14 && f[14] != "" && credited < 0 {
			credited = i
			require.NoError(t, json.Unmarshal([]byte(f[14]), &notes))
		}
	}
	require.NotEqual(t, -1, credited, "an invoice with credit notes")
	issuer, _, _ := strings.Cut(legacy.Invoices.RowID(d.Rows[credited]), "/")
	id = issuer + "/" + notes[len(notes)-1].Number
	out, stderr, code = govchain(t, "import", "certify", "invoices", invoices, "--id", id, "--out", cert, "--node", n.url)
	require.Equal(t, 0, code, stderr)
	require.Contains(t, out, "wrote migration certificate of /invoice/invoice/"+id)
	out, stderr, code = govchain(t, "import", "verify", cert, "--trust", genesis)
	require.Equal(t, 0, code, stderr)
	require.Regexp(t, `^MIGRATED /invoice/invoice/`+id+` from row `+strconv.Itoa(credited)+` of `, out)
	_, stderr, code = govchain(t, "import", "certify", "invoices", invoices, "--id", issuer+"/CN-none", "--out", cert, "--node", n.url)
	requireOneLineError(t, stderr, code, "has no canonical row with id")
}
