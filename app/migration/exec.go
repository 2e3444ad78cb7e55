package migration

import (
	"errors"
	"fmt"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/legacy"
	"github.com/govchain/govchain/state"
)

// EventType is the type of the event of an imported batch. Its
// attributes: action (import_batch), registry, root, first, rows (in the
// batch), imported and refused (of the batch's rows), next (the dump's
// next row) and done ("true" once every row is in).
const EventType = Name

// Checkpoint is a dump's progress, under CheckpointKey of its root.
type Checkpoint struct {
	Registry string        `json:"registry"`
	Root     core.HexBytes `json:"root"`
	Total    uint64        `json:"total"`
	// Next is the first row not imported yet; Total when all are.
	Next uint64 `json:"next"`
	// Batches counts the batches imported.
	Batches uint64 `json:"batches"`
	// Imported and Refused count the rows that made a record and those
	// the registry refused; their sum is Next.
	Imported uint64 `json:"imported"`
	Refused  uint64 `json:"refused"`
	// LastBatchHeight is the height of the last batch imported.
	LastBatchHeight int64 `json:"last_batch_height"`
}

// Done reports whether every row of the dump was imported or refused.
func (c *Checkpoint) Done() bool { return c.Next == c.Total }

// Exec implements core.Msg (see the package doc).
func (m ImportBatch) Exec(ctx *core.Context) error {
	reg, err := legacy.RegistryByName(m.Registry)
	if err != nil {
		return core.Wrapf(ErrInvalidMessage, "%v", err)
	}
	for _, role := range []core.Role{core.RoleImporter, reg.Role} {
		ok, err := core.HasRole(ctx.KV, ctx.Signer, role)
		if err != nil {
			return err
		}
		if !ok {
			return core.Wrapf(core.ErrMissingRole, "importing %s needs role %s", m.Registry, role)
		}
	}
	cp := Checkpoint{Registry: m.Registry, Root: m.Root, Total: m.Total}
	found, err := core.GetJSON(ctx.KV, CheckpointKey(m.Root), &cp)
	if err != nil {
		return err
	}
	switch {
	case found && (cp.Registry != m.Registry || cp.Total != m.Total):
		return core.Wrapf(ErrDumpMismatch, "dump %s is %s with %d rows, the batch says %s with %d", m.Root, cp.Registry, cp.Total, m.Registry, m.Total)
	case m.First < cp.Next:
		return core.Wrapf(ErrBatchImported, "rows from %d of dump %s are in; the next row is %d", m.First, m.Root, cp.Next)
	case m.First > cp.Next:
		return core.Wrapf(ErrBatchOutOfOrder, "batch at row %d of dump %s; the next row is %d", m.First, m.Root, cp.Next)
	}
	origin := legacy.Origin{Signer: ctx.Signer, ChainID: ctx.ChainID, Height: ctx.Height, Time: ctx.BlockTime}
	var imported, refused uint64
	for _, row := range m.Rows {
		b := state.NewBranch(ctx.KV)
		err := legacy.ExecRow(b, reg, []byte(row), origin)
		if err != nil {
			// A refusal, or a row that does not map: the row is set
			// aside. A storage failure under it is the app's to see
			// (it stops the node), not this batch's.
			b.Discard()
			refused++
			continue
		}
		if err := b.Write(); err != nil {
			return err
		}
		imported++
	}
	n := uint64(len(m.Rows))
	cp.Next += n
	cp.Batches++
	cp.Imported += imported
	cp.Refused += refused
	cp.LastBatchHeight = ctx.Height
	if err := core.SetJSON(ctx.KV, CheckpointKey(m.Root), cp); err != nil {
		return err
	}
	ctx.Emit(EventType, "action", "import_batch", "registry", m.Registry, "root", m.Root.String(),
		"first", core.Dec(m.First), "rows", core.Dec(n), "imported", core.Dec(imported), "refused", core.Dec(refused),
		"next", core.Dec(cp.Next), "done", fmt.Sprint(cp.Done()))
	return nil
}

// RecordRefusal implements core.Recorder for one refusal alone: a batch
// out of order (ErrBatchOutOfOrder) is accepted with nothing recorded, so
// that CheckTx, which sees only the committed checkpoint, admits a batch
// whose earlier batches are still waiting in the mempool, as it admits a
// sequence ahead of the account's. In a block such a batch is still
// refused with its code and changes nothing but its sequence. Every other
// refusal is returned unchanged: CheckTx refuses it.
func (m ImportBatch) RecordRefusal(_ *core.Context, refusal error, _ uint32) error {
	if errors.Is(refusal, ErrBatchOutOfOrder) {
		return nil
	}
	return refusal
}
