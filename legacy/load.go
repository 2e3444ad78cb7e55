package legacy

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/invoice"
	"github.com/govchain/govchain/app/land"
	"github.com/govchain/govchain/state"
)

// Origin is the block context the import's records are created in: the
// account that signs them (it must hold the registry's role in kv), the
// chain, the height and the block time.
type Origin struct {
	Signer  core.Address
	ChainID string
	Height  int64
	Time    time.Time
}

func execRow(kv state.KV, reg *Registry, row []byte, origin Origin) error {
	fields, err := Fields(row)
	if err != nil {
		return err
	}
	m, err := reg.Msg(fields)
	if err != nil {
		return err
	}
	h := sha256.Sum256(row)
	c := &core.Context{KV: kv, ChainID: origin.ChainID, Height: origin.Height, BlockTime: origin.Time.UTC(),
		TxHash: h[:], Signer: origin.Signer, DropEvents: true}
	return m.Exec(c)
}

// settleSigner is the account the dry run of Settle signs with.
var settleSigner = core.Address{0x1e, 0x6a, 0xc1}

// Settle runs the rows through their module in order on a scratch state,
// as a validator does at InitChain, and sets aside (CodeRefused, with the
// module's result code) every row the module refuses given the rows before
// it, such as a second vehicle with a plate already taken, or a model year
// after the year following at, the block time the records are to be
// created at (the genesis time). Call it before Root and Prove. The
// records it makes are held on disk in the system's temporary directory
// while it runs, and dropped.
func (d *Dump) Settle(ctx context.Context, at time.Time, progress func(done int)) error {
	l, origin, err := newSettleLoad(d.Registry, "", at)
	if err != nil {
		return err
	}
	defer l.Close()
	var (
		rows  [][]byte
		lines []int
	)
	each := func(yield func(line int, row []byte) error) error {
		for i, row := range d.Rows {
			if err := yield(d.lines[i], row); err != nil {
				return err
			}
		}
		return nil
	}
	if err := l.run(ctx, each, d.Registry, origin, progress, func(line int, row []byte, refusal error) error {
		if refusal != nil {
			d.Rejects = append(d.Rejects, refusedRow(d.Registry, line, row, refusal))
		} else {
			rows = append(rows, row)
			lines = append(lines, line)
		}
		return nil
	}); err != nil {
		return err
	}
	if err := l.finish(true); err != nil {
		return err
	}
	if progress != nil {
		progress(len(d.Rows))
	}
	d.Rows, d.lines, d.leaves = rows, lines, nil
	slices.SortFunc(d.Rejects, func(a, b Reject) int { return a.Line - b.Line })
	return nil
}

// refusedRow is the reject of a canonical row its module refused.
func refusedRow(reg *Registry, line int, row []byte, refusal error) Reject {
	return Reject{Line: line, ID: reg.RowID(row), Code: CodeRefused,
		ResultCode: core.ResultCode(refusal), Reason: refusal.Error(), Raw: string(row)}
}

// Expected is the record a canonical row of reg maps to when created at
// origin: its store key and the exact bytes the module stores there. It
// executes the row alone on a scratch state where origin.Signer holds the
// role; the record does not depend on other rows, but for the ids of a
// parcel's liens, which come from the chain's counter: here they are 1, 2
// and so on (ExpectedFrom gives others).
func Expected(reg *Registry, row []byte, origin Origin) (core.KVPair, error) {
	return expectedAfter(reg, row, origin, prior{})
}

// ExpectedFrom is Expected with the row's first lien, if any, numbered
// firstLien (the others follow it, as an import gives them).
func ExpectedFrom(reg *Registry, row []byte, origin Origin, firstLien uint64) (core.KVPair, error) {
	return expectedAfter(reg, row, origin, prior{firstLien: firstLien})
}

// prior is what a record's mapping takes from the chain before its row
// rather than from the row.
type prior struct {
	// firstLien is the id of a parcel's first lien (0 or 1: the first id).
	firstLien uint64
	// buyerSeq is an invoice's position in its buyer's index.
	buyerSeq uint64
	// key is the key of the record wanted when it is not the one the
	// row's id names (an invoice's credit note); nil: that one.
	key []byte
}

func expectedAfter(reg *Registry, row []byte, origin Origin, p prior) (core.KVPair, error) {
	scratch := state.NewBranch(state.Empty{})
	if err := core.SetJSON(scratch, core.RoleGrantKey(origin.Signer, reg.Role),
		core.RoleGrant{Account: origin.Signer, Role: reg.Role, Agency: "import"}); err != nil {
		return core.KVPair{}, err
	}
	if p.firstLien > 1 {
		if err := scratch.Set(land.LienCounterKey(), state.Uint64(p.firstLien-1)); err != nil {
			return core.KVPair{}, err
		}
	}
	if f, err := Fields(row); err == nil && reg == Invoices && len(f) > 2 && p.buyerSeq > 0 {
		buyer, err := core.ParseAddress(f[2])
		if err != nil {
			return core.KVPair{}, err
		}
		if err := core.SetJSON(scratch, invoice.BuyerKey(buyer), invoice.Buyer{Account: buyer, DocumentCount: p.buyerSeq}); err != nil {
			return core.KVPair{}, err
		}
	}
	if err := execRow(scratch, reg, row, origin); err != nil {
		return core.KVPair{}, err
	}
	key := p.key
	if key == nil {
		key = reg.recordKey(reg.RowID(row))
	}
	v, err := scratch.Get(key)
	if err == nil && v == nil {
		return core.KVPair{}, fmt.Errorf("legacy: the row makes no record at %X", key)
	}
	if err != nil {
		return core.KVPair{}, err
	}
	return core.KVPair{Key: key, Value: v}, nil
}

// Match checks that record, the exact bytes stored for a record, is the
// record the canonical row of registry maps to when registered by signer
// (hex) at app.ImportHeight: MatchAt of a new chain's initial state.
func Match(registry string, row []byte, signer string, record []byte) error {
	return MatchAt(registry, row, signer, importHeight, record)
}

// MatchAt checks that record, the exact bytes stored for a record, is the
// record the canonical row of registry maps to when registered by signer
// (hex; empty: the account the record names as registering it, or any
// for a record that names none, an invoice) at height, at the time the
// record itself says it was registered (an invoice or credit note: the
// latest date of its row, when the import came) and with the lien ids it
// holds: every byte else is fixed by the row. The record may be one of
// the row's credit notes: a credit note record matches the invoice row
// that lists it. It is the verify.RowMatch of govchain's registries.
func MatchAt(registry string, row []byte, signer string, height int64, record []byte) error {
	reg, err := RegistryByName(registry)
	if err != nil {
		return err
	}
	var at struct {
		RegisteredBy core.Address `json:"registered_by"`
		RegisteredAt time.Time    `json:"registered_at"`
		ActiveLiens  []uint64     `json:"active_liens"`
		// An invoice's or credit note's.
		Kind     string       `json:"kind"`
		Issuer   core.Address `json:"issuer"`
		Number   string       `json:"number"`
		BuyerSeq uint64       `json:"buyer_seq"`
	}
	if err := json.Unmarshal(record, &at); err != nil {
		return fmt.Errorf("legacy: record does not decode: %w", err)
	}
	a := at.RegisteredBy
	if signer != "" {
		if a, err = core.ParseAddress(signer); err != nil {
			return fmt.Errorf("legacy: signer: %w", err)
		}
	}
	p := prior{buyerSeq: at.BuyerSeq}
	if len(at.ActiveLiens) > 0 {
		p.firstLien = at.ActiveLiens[0]
	}
	when := at.RegisteredAt
	if reg == Invoices {
		m, err := rowMsg(reg, row)
		if err != nil {
			return fmt.Errorf("legacy: row does not map to a record: %w", err)
		}
		r := m.(invoiceRow)
		// The import came after every date of the row.
		when = r.latest()
		if at.Kind == invoice.KindCreditNote {
			// The k-th credit note follows the invoice in its
			// buyer's index by k.
			k := slices.IndexFunc(r.Life.CreditNotes, func(cn invoice.ImportedCreditNote) bool { return cn.Number == at.Number })
			if k < 0 || at.Issuer != r.Issuer || uint64(k+1) > at.BuyerSeq {
				return fmt.Errorf("legacy: the record is credit note %s of %s, which the row does not list", at.Number, at.Issuer)
			}
			p.buyerSeq -= uint64(k + 1)
			p.key = invoice.InvoiceKey(at.Issuer, at.Number)
		}
	}
	want, err := expectedAfter(reg, row, Origin{Signer: a, Height: height, Time: when}, p)
	if err != nil {
		return fmt.Errorf("legacy: row does not map to a record: %w", err)
	}
	if !bytes.Equal(want.Value, record) {
		return fmt.Errorf("legacy: record differs from the row's mapping: want %s", want.Value)
	}
	return nil
}

// rowMsg is the message a canonical row of reg maps to.
func rowMsg(reg *Registry, row []byte) (core.Msg, error) {
	f, err := Fields(row)
	if err != nil {
		return nil, err
	}
	return reg.Msg(f)
}

// ImportedHeight is the height a record says it was registered at (an
// invoice: issued at): for a record an import made, the height of the
// import, app.ImportHeight for a new chain's initial state.
func ImportedHeight(record []byte) (int64, error) {
	var at struct {
		RegisteredHeight int64 `json:"registered_height"`
		IssuedHeight     int64 `json:"issued_height"`
	}
	if err := json.Unmarshal(record, &at); err != nil {
		return 0, fmt.Errorf("legacy: record does not decode: %w", err)
	}
	if h := max(at.RegisteredHeight, at.IssuedHeight); h > 0 {
		return h, nil
	}
	return 0, fmt.Errorf("legacy: the record names no height it was registered at")
}
