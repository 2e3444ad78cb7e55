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

	"github.com/govchain/govchain/app/migration"
	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/legacy"
)

// Flags of govchain import send.
const (
	flagBatch     = "batch"
	flagBatchWait = "batch-timeout"
)

// defaultBatch is the batch size of import send: 64 parcel rows make a
// transaction of about 20 KiB, under the default 32 KiB limit.
const defaultBatch = 64

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
	// SentNow counts the batches this run posted.
	SentNow int `json:"sent_now"`
}

func (c *cli) importSendCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "send REGISTRY DUMP --from KEY",
		Short: "Import a dump onto a running chain in batches (path B), resuming from its checkpoint",
		Long: `Prepare DUMP as the chain's genesis time checks it (as prepare does, with the
same progress), read the dump's checkpoint from --node (query
migration/checkpoint/ROOT), then post the rows after it in batches of --batch
rows (a power of two), each a migration/import_batch signed by --from, which
must hold the importer role and the registry's role. Each batch waits for its
block. A batch the chain already holds (the previous run's last one, say) is
skipped by reading the checkpoint again. Ctrl-C, or a node that stops,
ends the run after the batch in flight; the same command resumes where the
chain's checkpoint says, so no row is lost or imported twice.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			size := c.v.GetInt(flagBatch)
			if _, err := legacy.BatchLen(1, 0, uint64(size)); err != nil || size < 1 {
				return fmt.Errorf("--%s: %d is not a power of two from 1 to %d", flagBatch, size, legacy.MaxBatchSize)
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
			ctx := cmd.Context()
			d, chainID, err := c.prepareChainDump(ctx, cl, reg, args[1])
			if err != nil {
				return err
			}
			batches, err := d.Batches(size)
			if err != nil {
				return err
			}
			s := &sender{c: c, cl: cl, key: key, d: d, b: batches, chainID: chainID,
				wait: c.v.GetDuration(flagBatchWait), file: filepath.Base(args[1])}
			return s.run(ctx)
		},
	}
	f := cmd.Flags()
	f.Int(flagBatch, defaultBatch, "rows per batch, a power of two")
	f.Duration(flagBatchWait, 30*time.Second, "how long to wait for a batch's block")
	f.String(flagFrom, "", "name of the importer's key in the keyring")
	addHomeFlag(cmd)
	addKeyringFlags(cmd)
	addNodeFlag(cmd)
	return cmd
}

// sender posts a prepared dump's batches after the chain's checkpoint.
type sender struct {
	c       *cli
	cl      *client.Client
	key     client.Signer
	d       *legacy.Dump
	b       *legacy.Batches
	chainID string
	wait    time.Duration
	file    string
}

// checkpoint reads the dump's checkpoint; a dump the chain has no batch
// of starts at row 0.
func (s *sender) checkpoint(ctx context.Context) (*migration.Checkpoint, error) {
	root := s.d.Root()
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

func (s *sender) run(ctx context.Context) error {
	cp, err := s.checkpoint(ctx)
	if err != nil {
		return err
	}
	total := len(s.d.Rows)
	p := newProgress(s.c.errOut, "send "+s.file, 0)
	p.total = total - int(cp.Next)
	// Posting is slower than reading: a plain line every 16 batches.
	p.every = 16 * s.b.Size()
	p.nextLog = p.every
	start := cp.Next
	n := 0
	for cp.Next < cp.Total {
		if err := ctx.Err(); err != nil {
			p.abandon()
			return fmt.Errorf("import send: stopped at row %d of %d; the same command resumes", cp.Next, total)
		}
		err := s.post(ctx, int(cp.Next))
		var te *client.TxError
		switch {
		case errors.As(err, &te) && te.Code == migration.ErrBatchImported.Code():
			// The chain holds it already (a batch of a run that stopped).
		case err != nil:
			p.abandon()
			if ctx.Err() != nil {
				return fmt.Errorf("import send: stopped at row %d of %d; the same command resumes", cp.Next, total)
			}
			return fmt.Errorf("import send: at row %d of %d: %w (the same command resumes)", cp.Next, total, err)
		default:
			n++
		}
		if cp, err = s.checkpoint(ctx); err != nil {
			p.abandon()
			return err
		}
		p.update(int(cp.Next-start), int(cp.Refused), 0)
	}
	p.done()
	out := sent{Registry: cp.Registry, File: s.file, Root: hex.EncodeToString(cp.Root), Rows: cp.Total, Next: cp.Next,
		Batches: cp.Batches, Imported: cp.Imported, Refused: cp.Refused, SentNow: n}
	if s.c.jsonOutput() {
		return s.c.printJSON(out)
	}
	_, err = fmt.Fprintf(s.c.out, "registry  %s\nfile      %s\nroot      %s\nrows      %d\nimported  %d\nrefused   %d\nbatches   %d (%d sent by this run)\n",
		out.Registry, out.File, out.Root, out.Rows, out.Imported, out.Refused, out.Batches, out.SentNow)
	return err
}

// post signs the batch at row first with the key's next sequence, posts
// it and waits for its block.
func (s *sender) post(ctx context.Context, first int) error {
	rows, aunts, err := s.b.Prove(first)
	if err != nil {
		return err
	}
	m := &migration.ImportBatch{Registry: s.d.Registry.Name, Root: s.d.Root(), Total: uint64(len(s.d.Rows)),
		First: uint64(first), Size: uint64(s.b.Size())}
	for _, r := range rows {
		m.Rows = append(m.Rows, string(r))
	}
	for _, a := range aunts {
		m.Aunts = append(m.Aunts, a)
	}
	bctx, cancel := context.WithTimeout(ctx, s.wait)
	defer cancel()
	_, err = s.cl.Submit(bctx, s.key, m, client.SubmitOptions{ChainID: s.chainID})
	return err
}
