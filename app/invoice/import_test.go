package invoice

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
)

// importMsg runs ImportInvoice as a message, as package legacy does.
type importMsg struct {
	issuer core.Address
	m      IssueInvoice
	issued time.Time
	life   Imported
}

func (importMsg) Type() string    { return "test/import_invoice" }
func (importMsg) Validate() error { return nil }
func (i importMsg) Exec(ctx *core.Context) error {
	return ImportInvoice(ctx, i.issuer, i.m, i.issued, i.life)
}

// TestImportInvoiceLife: an imported invoice carries the legacy registry's
// acknowledgement and claim, dated as the registry dated them, at the
// import's height, each with a history entry in date order; an imported
// claim stops any claim on the chain (no invoice is reimbursed twice) and
// an imported acknowledgement any acknowledgement; dates before the issue
// or after the block time, a claim without claimant or with an overlong
// reference are refused and write nothing.
func TestImportInvoiceLife(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	issued := coretest.T0.AddDate(0, -3, 0)
	day := func(n int) time.Time { return issued.AddDate(0, 0, n) }
	doc := func(n string) IssueInvoice { return issue(n, c.alice, line("chairs", 2000, 1500, 2000)) }
	run := func(number string, life Imported) error {
		_, err := e.Run(c.taxAuthority, importMsg{issuer: c.shop, m: doc(number), issued: issued, life: life})
		return err
	}

	require.NoError(t, run("INV-1", Imported{Acknowledged: day(10), Claim: &ImportedClaim{Claimant: c.employer, Reference: "EXP-9", Time: day(4)}}))
	inv := e.doc(c.shop, "INV-1")
	require.Equal(t, &Acknowledgement{Buyer: c.alice, Height: e.Height, Time: day(10).UTC()}, inv.Acknowledgement)
	require.Equal(t, &Claim{Claimant: c.employer, Reference: "EXP-9", Amount: inv.GrossTotal, Height: e.Height, Time: day(4).UTC()}, inv.Claim)
	require.Equal(t, StatusIssued, inv.Status)
	require.Equal(t, []string{"import_invoice", "import_claim", "import_acknowledgement"}, e.history(c.shop, "INV-1"))
	e.Refuse(c.insurer, ClaimReimbursement{Issuer: c.shop, Number: "INV-1", DocumentHash: inv.DocumentHash}, ErrAlreadyClaimed)
	e.Refuse(c.alice, AcknowledgeInvoice{Issuer: c.shop, Number: "INV-1"}, ErrAlreadyAcknowledged)

	// On the same day the acknowledgement comes first; its history
	// details carry the legacy date.
	require.NoError(t, run("INV-2", Imported{Acknowledged: day(5), Claim: &ImportedClaim{Claimant: c.employer, Time: day(5)}}))
	require.Equal(t, []string{"import_invoice", "import_acknowledgement", "import_claim"}, e.history(c.shop, "INV-2"))
	raw, err := e.KV.Get(HistoryKey(c.shop, "INV-2", 1))
	require.NoError(t, err)
	var h struct {
		Details importAckDetails `json:"details"`
	}
	require.NoError(t, json.Unmarshal(raw, &h), "%s", raw)
	require.Equal(t, importAckDetails{Buyer: c.alice, Time: day(5).UTC()}, h.Details)

	// Without them, an imported invoice is acknowledged and claimed on the
	// chain as any other.
	require.NoError(t, run("INV-3", Imported{}))
	inv = e.doc(c.shop, "INV-3")
	require.Nil(t, inv.Acknowledgement)
	require.Nil(t, inv.Claim)
	e.OK(c.alice, AcknowledgeInvoice{Issuer: c.shop, Number: "INV-3"})
	e.OK(c.employer, ClaimReimbursement{Issuer: c.shop, Number: "INV-3", DocumentHash: inv.DocumentHash})

	for name, life := range map[string]Imported{
		"acknowledged before the issue":   {Acknowledged: day(-1)},
		"claimed before the issue":        {Claim: &ImportedClaim{Claimant: c.employer, Time: day(-1)}},
		"acknowledged after the block":    {Acknowledged: coretest.BlockTime(e.Height + 1000)},
		"claimed after the block":         {Claim: &ImportedClaim{Claimant: c.employer, Time: coretest.BlockTime(e.Height + 1000)}},
		"a claim without claimant":        {Claim: &ImportedClaim{Time: day(1)}},
		"a reference over the byte limit": {Claim: &ImportedClaim{Claimant: c.employer, Reference: string(make([]byte, MaxReferenceLen+1)), Time: day(1)}},
	} {
		before := e.Snapshot()
		err := run("INV-9", life)
		require.ErrorIs(t, err, ErrInvalidMessage, name)
		require.Equal(t, before, e.Snapshot(), name)
	}
}
