package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/migration"
	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/legacy"
)

// Flags of govchain import send.
const (
	flagBatch     = "batch"
	flagBatchWait = "batch-timeout"
	flagInFlight  = "in-flight"
)

// defaultInFlight is how many batches import send keeps posted ahead of
// the chain: 128 batches of 128 parcel rows (the largest under the default
// 32 KiB max_tx_bytes) are more rows than one validator executes in a
// second, so a block is never short of batches while the importer signs
// the next ones.
const defaultInFlight = 128

// sendPoll is how often import send reads the checkpoint while batches
// are in flight.
const sendPoll = 100 * time.Millisecond

// busyWait is the longest import send waits, after the node refused a
// batch as busy, before it posts that batch again if the chain has not
// moved meanwhile (client.DefaultBusyWait: about a block).
const busyWait = client.DefaultBusyWait

// resyncAfter is how long the chain may import nothing while batches are
// in flight before import send posts them again from the checkpoint.
const resyncAfter = 5 * time.Second

// sent is what import send prints at the end.
type sent struct {
	Registry string `json:"registry"`
	File     string `json:"file"`
	Root     string `json:"root"`
	Rows     uint64 `json:"rows"`
	Next     uint64 `json:"next"`
	Batches  uint64 `json:"batches"`
	Imported uint64 `json:"imported"`
	Refused  uint64 `json:"refused"`
	// Size is the batch size this run used.
	Size int `json:"batch_size"`
	// SentNow counts the batches the chain imported during this run.
	SentNow int `json:"sent_now"`
	// Busy counts the batches the node refused as busy (code 19) and that
	// this run posted again.
	Busy int `json:"busy"`
}

func (c *cli) importSendCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "send REGISTRY DUMP --from KEY",
		Short: "Import a dump onto a running chain in batches (path B), resuming from its checkpoint",
		Long: `Prepare DUMP as the chain's genesis time checks it (as prepare does, with the
same progress), read the dump's checkpoint from --node (query
migration/checkpoint/ROOT), then post the rows after it in batches of --batch
rows (a power of two; 0, the default, takes the largest whose every batch fits
the chain's max_tx_bytes), each a migration/import_batch signed by --from,
which must hold the importer role and the registry's role. Up to --in-flight
batches are posted ahead of the chain, with consecutive sequences; the chain
imports them in order. A batch the node refuses as busy (code 19, app.toml
[load]) is posted again, the same bytes, after the next block, and fewer
batches are kept in flight until the chain catches up. Whenever the
account's sequence catches up with the batches posted, the run starts again
from the chain's checkpoint, so a batch the chain refused or already held (a
previous run's, say) costs nothing.
Ctrl-C, a node that stops, or no batch imported for --batch-timeout ends the
run with one line; the same command resumes where the chain's checkpoint
says, so no row is lost or imported twice.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			size := c.v.GetInt(flagBatch)
			if _, err := legacy.BatchLen(1, 0, uint64(size)); size != 0 && err != nil {
				return fmt.Errorf("--%s: %d is not a power of two from 1 to %d (or 0: the largest that fits)", flagBatch, size, legacy.MaxBatchSize)
			}
			window := c.v.GetInt(flagInFlight)
			if window < 1 || window > app.MaxSequenceAhead {
				return fmt.Errorf("--%s: %d is not from 1 to %d", flagInFlight, window, app.MaxSequenceAhead)
			}
			reg, err := registryArg(args[0])
			if err != nil {
				return err
			}
			key, err := c.signer()
			if err != nil {
				return err
			}
			cl, err := c.client()
			if err != nil {
				return err
			}
			// The sender posts a batch the node refuses as busy again
			// itself (sender.run), without holding up the run.
			cl.BusyRetries = 0
			ctx := cmd.Context()
			acct, err := cl.SignerAccount(ctx, client.SignerAddress(key))
			if err != nil {
				return err
			}
			d, chainID, err := c.prepareChainDump(ctx, cl, reg, args[1])
			if err != nil {
				return err
			}
			if size == 0 {
				maxTx, err := chainMaxTxBytes(ctx, cl)
				if err != nil {
					return err
				}
				if size, err = fitBatch(d, key, chainID, maxTx); err != nil {
					return err
				}
			}
			batches, err := d.Batches(size)
			if err != nil {
				return err
			}
			s := &sender{c: c, cl: cl, key: key, acct: acct, d: d, b: batches, provers: map[int]*legacy.Batches{size: batches}, chainID: chainID, window: window,
				wait: c.v.GetDuration(flagBatchWait), file: filepath.Base(args[1])}
			return s.run(ctx)
		},
	}
	f := cmd.Flags()
	f.Int(flagBatch, 0, "rows per batch, a power of two; 0: the largest that fits the chain's max_tx_bytes")
	f.Int(flagInFlight, defaultInFlight, "most batches posted ahead of the chain (fewer while the node answers busy)")
	f.Duration(flagBatchWait, 30*time.Second, "how long to wait for the chain to import a batch")
	f.String(flagFrom, "", "name of the importer's key in the keyring")
	addHomeFlag(cmd)
	addKeyringFlags(cmd)
	addNodeFlag(cmd)
	return cmd
}

// chainMaxTxBytes is the chain's max_tx_bytes (/chain/info).
func chainMaxTxBytes(ctx context.Context, cl *client.Client) (int, error) {
	res, err := cl.Query(ctx, "/chain/info", client.QueryOptions{})
	if err != nil {
		return 0, err
	}
	var info app.ChainInfo
	if err := json.Unmarshal(res.Value, &info); err != nil {
		return 0, fmt.Errorf("node %s: chain information: %w", cl.Remote(), err)
	}
	if info.Params.MaxTxBytes > 0 {
		return info.Params.MaxTxBytes, nil
	}
	return app.DefaultMaxTxBytes, nil
}

// fitMargin is what fitBatch leaves free in a transaction for what may
// differ between two batches of one size besides their rows: one aunt
// more, a longer sequence number.
const fitMargin = 512

// fitBatch returns the largest batch size (a power of two up to
// legacy.MaxBatchSize) whose every batch, signed by key for chainID, is at
// most maxTx bytes. For each size it signs the batch whose rows are the
// longest once encoded.
func fitBatch(d *legacy.Dump, key client.Signer, chainID string, maxTx int) (int, error) {
	cost := make([]int, len(d.Rows)+1) // prefix sums of the rows' encoded lengths
	for i, r := range d.Rows {
		cost[i+1] = cost[i] + jsonLen(r)
	}
	size := 1
	for size < len(d.Rows) && size < legacy.MaxBatchSize {
		size *= 2
	}
	for ; size >= 1; size /= 2 {
		b, err := d.Batches(size)
		if err != nil {
			return 0, err
		}
		longest, most := 0, -1
		for first := 0; first < len(d.Rows); first += size {
			if c := cost[min(first+size, len(d.Rows))] - cost[first]; c > most {
				longest, most = first, c
			}
		}
		m, err := batchMsg(d, b, longest)
		if err != nil {
			return 0, err
		}
		tx, err := app.NewSignedTx(chainID, key.PubKey(), func([]byte) ([]byte, error) { return make([]byte, 64), nil }, 1<<40, m)
		if err != nil {
			return 0, err
		}
		if len(tx)+fitMargin <= maxTx {
			return size, nil
		}
	}
	return 0, fmt.Errorf("import send: one row of %s makes a transaction over the chain's max_tx_bytes %d", d.Registry.Name, maxTx)
}

// jsonLen is at least the length of row as a JSON string.
func jsonLen(row []byte) int {
	n := len(row) + 2
	for _, c := range row {
		switch {
		case c == '"' || c == '\\':
			n++
		case c < 0x20 || c == '<' || c == '>' || c == '&':
			n += 5
		}
	}
	return n
}

// batchMsg is the batch of b at row first.
func batchMsg(d *legacy.Dump, b *legacy.Batches, first int) (*migration.ImportBatch, error) {
	rows, aunts, err := b.Prove(first)
	if err != nil {
		return nil, err
	}
	m := &migration.ImportBatch{Registry: d.Registry.Name, Root: b.Root(), Total: uint64(len(d.Rows)),
		First: uint64(first), Size: uint64(b.Size())}
	for _, r := range rows {
		m.Rows = append(m.Rows, string(r))
	}
	for _, a := range aunts {
		m.Aunts = append(m.Aunts, a)
	}
	return m, nil
}

// sender posts a prepared dump's batches after the chain's checkpoint.
type sender struct {
	c    *cli
	cl   *client.Client
	key  client.Signer
	acct core.Address // the account key signs for
	d    *legacy.Dump
	b    *legacy.Batches // the prover of the run's batch size
	// provers are the provers of the batch sizes used, by size.
	provers map[int]*legacy.Batches
	chainID string
	window  int
	wait    time.Duration
	file    string
}

// checkpoint reads the dump's checkpoint; a dump the chain has no batch
// of starts at row 0.
func (s *sender) checkpoint(ctx context.Context) (*migration.Checkpoint, error) {
	root := s.b.Root()
	cp := &migration.Checkpoint{Registry: s.d.Registry.Name, Root: root, Total: uint64(len(s.d.Rows))}
	res, err := s.cl.Query(ctx, "migration/checkpoint/"+hex.EncodeToString(root), client.QueryOptions{})
	var qe *client.QueryError
	switch {
	case errors.As(err, &qe) && qe.Code == migration.ErrCheckpointNotFound.Code():
		return cp, nil
	case err != nil:
		return nil, err
	}
	if err := json.Unmarshal(res.Value, cp); err != nil {
		return nil, fmt.Errorf("node %s: checkpoint of %s: %w", s.cl.Remote(), s.file, err)
	}
	if cp.Registry != s.d.Registry.Name || cp.Total != uint64(len(s.d.Rows)) {
		return nil, fmt.Errorf("the chain's checkpoint of root %x is %s with %d rows, not this %s dump of %d", root, cp.Registry, cp.Total, s.d.Registry.Name, len(s.d.Rows))
	}
	return cp, nil
}

// run posts the batches after the chain's checkpoint and follows the
// chain until every row is in.
//
// The batches posted and not yet imported are those from row next-size*k
// with sequences nextSeq-k..nextSeq-1. Batch i after the checkpoint gets
// sequence i after the account's: a run that starts again from the same
// checkpoint signs the same transactions, so the node sees one it still
// holds as a duplicate, not a rival. Once the account's committed
// sequence reaches nextSeq, every batch posted was imported or refused,
// and the run starts again from the chain's checkpoint and sequence; it
// does so too when the chain imported nothing for resyncAfter while
// batches were in flight (one the node dropped is then posted again).
//
// A batch the node refuses as busy (code 19) is neither lost nor doubled:
// its sequence is not taken, and it is posted again, the same bytes,
// once the chain has moved (or after busyWait). The window of batches in
// flight then shrinks to those the node holds, and grows back by one
// each time the chain imports a batch without a busy refusal.
func (s *sender) run(ctx context.Context) error {
	cp, err := s.checkpoint(ctx)
	if err != nil {
		return err
	}
	seq, err := s.cl.NextSequence(ctx, s.acct)
	if err != nil {
		return err
	}
	total := len(s.d.Rows)
	p := newProgress(s.c.errOut, "send "+s.file, 0)
	p.total = total - int(cp.Next)
	// Posting is slower than reading: a plain line every 16 batches.
	p.every = 16 * s.b.Size()
	p.nextLog = p.every
	startRow, startBatches := cp.Next, cp.Batches
	next, nextSeq := cp.Next, seq
	stalled := false // the node refused a batch: post none until the chain catches up
	window := s.window
	var (
		busy      int       // busy refusals in this run
		heldSince time.Time // the last busy refusal; zero when none holds posting back
		heldSeq   uint64    // the account's sequence at that refusal
	)
	lastMove := time.Now()
	lastPush := lastMove // the last move of the chain or resync of this run
	stopped := func() error {
		p.abandon()
		return fmt.Errorf("import send: stopped at row %d of %d; the same command resumes", cp.Next, total)
	}
	for cp.Next < cp.Total {
		for !stalled && heldSince.IsZero() && next < cp.Total && nextSeq-seq < uint64(window) {
			err := s.post(ctx, int(next), nextSeq)
			var te *client.TxError
			var dup *client.DuplicateTxError
			switch {
			case err == nil || errors.As(err, &dup):
				next += uint64(s.sizeAt(next))
				nextSeq++
			case errors.As(err, &te) && te.Busy():
				// The node holds as much as it admits: keep to what it
				// holds, and post this batch again after a block.
				busy++
				window = max(1, int(nextSeq-seq))
				heldSince, heldSeq = time.Now(), seq
			case errors.As(err, &te) && (te.Code == migration.ErrBatchImported.Code() ||
				te.Code == core.ErrWrongSequence.Code() || te.Code == core.ErrReplay.Code()):
				// The chain moved under this run (a previous run's batch
				// was imported meanwhile, another transaction of the
				// account took a sequence): wait for it to catch up.
				stalled = true
			default:
				p.abandon()
				if ctx.Err() != nil {
					return stopped()
				}
				return fmt.Errorf("import send: at row %d of %d: %w (the same command resumes)", next, total, err)
			}
		}
		select {
		case <-ctx.Done():
			return stopped()
		case <-time.After(sendPoll):
		}
		now, err := s.checkpoint(ctx)
		if err == nil {
			seq, err = s.cl.NextSequence(ctx, s.acct)
		}
		if err != nil {
			p.abandon()
			if ctx.Err() != nil {
				return stopped()
			}
			return fmt.Errorf("import send: at row %d of %d: %w (the same command resumes)", cp.Next, total, err)
		}
		idle := time.Since(lastMove)
		switch {
		case now.Next != cp.Next:
			lastMove, lastPush = time.Now(), time.Now()
			if heldSince.IsZero() {
				window = min(window+1, s.window)
			}
		case idle > s.wait:
			p.abandon()
			return fmt.Errorf("import send: the chain imported no batch for %s; stopped at row %d of %d; the same command resumes", s.wait, now.Next, total)
		case time.Since(lastPush) > resyncAfter && nextSeq > seq && heldSince.IsZero():
			// Nothing imported for a while with batches in flight: post
			// again from the chain's checkpoint. A batch the node still
			// holds is a duplicate; one it dropped is admitted again.
			stalled, lastPush = false, time.Now()
			next, nextSeq = now.Next, seq
		}
		if !heldSince.IsZero() && (seq != heldSeq || time.Since(heldSince) >= busyWait) {
			heldSince = time.Time{}
		}
		cp = now
		if seq >= nextSeq {
			next, nextSeq, stalled = cp.Next, seq, false
		}
		p.update(int(cp.Next-startRow), int(cp.Refused), 0)
	}
	p.done()
	out := sent{Registry: cp.Registry, File: s.file, Root: hex.EncodeToString(cp.Root), Rows: cp.Total, Next: cp.Next,
		Batches: cp.Batches, Imported: cp.Imported, Refused: cp.Refused, Size: s.b.Size(), SentNow: int(cp.Batches - startBatches), Busy: busy}
	if s.c.jsonOutput() {
		return s.c.printJSON(out)
	}
	_, err = fmt.Fprintf(s.c.out, "registry  %s\nfile      %s\nroot      %s\nrows      %d\nimported  %d\nrefused   %d\nbatches   %d of %d rows (%d sent by this run)\n",
		out.Registry, out.File, out.Root, out.Rows, out.Imported, out.Refused, out.Batches, out.Size, out.SentNow)
	if err == nil && busy > 0 {
		_, err = fmt.Fprintf(s.c.out, "busy      %d batches refused by a busy node and posted again (app.toml [load])\n", busy)
	}
	return err
}

// sizeAt is the size of the batch at row first: the run's batch size, or,
// where a run with smaller batches stopped at a row that is not a
// multiple of it, the largest power of two below it that first is a
// multiple of, so that the batches after first grow back to the run's
// size.
func (s *sender) sizeAt(first uint64) int {
	size := s.b.Size()
	for first%uint64(size) != 0 {
		size /= 2
	}
	return size
}

// post signs the batch at row first with sequence seq and posts it; it
// returns once the node's mempool admitted it.
func (s *sender) post(ctx context.Context, first int, seq uint64) error {
	size := s.sizeAt(uint64(first))
	b, ok := s.provers[size]
	if !ok {
		var err error
		if b, err = s.d.Batches(size); err != nil {
			return err
		}
		s.provers[size] = b
	}
	m, err := batchMsg(s.d, b, first)
	if err != nil {
		return err
	}
	tx, err := client.BuildWith(s.chainID, s.key, seq, m)
	if err != nil {
		return err
	}
	bctx, cancel := context.WithTimeout(ctx, s.wait)
	defer cancel()
	_, err = s.cl.Broadcast(bctx, tx)
	return err
}
