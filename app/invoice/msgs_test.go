package invoice

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
)

var (
	va = coretest.Address("a")
	vb = coretest.Address("b")
)

// validateCase is a mutation Validate must refuse (coretest.ValidateCase).
type validateCase coretest.ValidateCase

// checkValidate requires base to be valid and every mutation of it to be
// refused with ErrInvalidMessage (coretest.CheckValidate).
var checkValidate = coretest.Validator[validateCase](Module, ErrInvalidMessage)

// checkMismatch requires every mutation of base to be refused with
// ErrAmountMismatch.
var checkMismatch = coretest.Validator[validateCase](Module, ErrAmountMismatch)

// validLines: 1.5 kg at 3.33 (499.5 -> 500 net, 20% -> 100 tax) and 2 items
// at 10.01 with 7% (2002 net, 140.14 -> 140 tax).
func validLines() []Line {
	return []Line{line("coffee beans, kg", 1500, 333, 2000), line("mug", 2000, 1001, 700)}
}

func validIssue() IssueInvoice { return issue("INV-1", vb, validLines()...) }

// documentCases are the refusals shared by invoices and credit notes,
// given a setter of the document fields: invalid ones (ErrInvalidMessage)
// and arithmetic ones (ErrAmountMismatch).
func documentCases(set func(m core.Msg, f func(cur *string, lines *[]Line, net, tax, gross *int64, doc *core.Hash)) core.Msg) (invalid, mismatch []validateCase) {
	c := func(name string, f func(cur *string, lines *[]Line, net, tax, gross *int64, doc *core.Hash)) validateCase {
		return validateCase{name, func(m core.Msg) core.Msg { return set(m, f) }}
	}
	type P = *int64
	invalid = []validateCase{
		c("lower-case currency", func(cur *string, _ *[]Line, _, _, _ P, _ *core.Hash) { *cur = "eur" }),
		c("empty currency", func(cur *string, _ *[]Line, _, _, _ P, _ *core.Hash) { *cur = "" }),
		c("long currency", func(cur *string, _ *[]Line, _, _, _ P, _ *core.Hash) { *cur = "EURO" }),
		c("no lines", func(_ *string, l *[]Line, _, _, _ P, _ *core.Hash) { *l = nil }),
		c("too many lines", func(_ *string, l *[]Line, _, _, _ P, _ *core.Hash) {
			*l = slices.Repeat([]Line{line("x", 1000, 1, 0)}, MaxLines+1)
		}),
		c("empty description", func(_ *string, l *[]Line, _, _, _ P, _ *core.Hash) { (*l)[0].Description = "" }),
		c("long description", func(_ *string, l *[]Line, _, _, _ P, _ *core.Hash) {
			(*l)[0].Description = strings.Repeat("x", MaxDescriptionLen+1)
		}),
		c("control char in description", func(_ *string, l *[]Line, _, _, _ P, _ *core.Hash) { (*l)[0].Description = "a\tb" }),
		c("zero quantity", func(_ *string, l *[]Line, _, _, _ P, _ *core.Hash) { (*l)[0].Quantity = 0 }),
		c("negative quantity", func(_ *string, l *[]Line, _, _, _ P, _ *core.Hash) { (*l)[0].Quantity = -1000 }),
		c("huge quantity", func(_ *string, l *[]Line, _, _, _ P, _ *core.Hash) { (*l)[0].Quantity = MaxQuantity + 1 }),
		c("negative unit price", func(_ *string, l *[]Line, _, _, _ P, _ *core.Hash) { (*l)[0].UnitPrice = -1 }),
		c("huge unit price", func(_ *string, l *[]Line, _, _, _ P, _ *core.Hash) { (*l)[0].UnitPrice = MaxAmount + 1 }),
		c("negative net amount", func(_ *string, l *[]Line, _, _, _ P, _ *core.Hash) { (*l)[0].NetAmount = -1 }),
		c("huge net amount", func(_ *string, l *[]Line, _, _, _ P, _ *core.Hash) { (*l)[0].NetAmount = MaxAmount + 1 }),
		c("negative tax rate", func(_ *string, l *[]Line, _, _, _ P, _ *core.Hash) { (*l)[0].TaxRateBP = -1 }),
		c("tax rate above 100%", func(_ *string, l *[]Line, _, _, _ P, _ *core.Hash) { (*l)[0].TaxRateBP = MaxTaxRateBP + 1 }),
		c("negative tax amount", func(_ *string, l *[]Line, _, _, _ P, _ *core.Hash) { (*l)[0].TaxAmount = -1 }),
		c("huge tax amount", func(_ *string, l *[]Line, _, _, _ P, _ *core.Hash) { (*l)[0].TaxAmount = MaxAmount + 1 }),
		c("line net exceeds bound", func(_ *string, l *[]Line, _, _, _ P, _ *core.Hash) {
			(*l)[0] = Line{Description: "x", Quantity: MaxQuantity, UnitPrice: MaxAmount}
		}),
		c("negative net total", func(_ *string, _ *[]Line, net, _, _ P, _ *core.Hash) { *net = -1 }),
		c("negative tax total", func(_ *string, _ *[]Line, _, tax, _ P, _ *core.Hash) { *tax = -1 }),
		c("zero gross", func(_ *string, l *[]Line, net, tax, gross P, _ *core.Hash) {
			*l = []Line{line("free sample", 1000, 0, 2000)}
			*net, *tax, *gross = 0, 0, 0
		}),
		c("zero document hash", func(_ *string, _ *[]Line, _, _, _ P, d *core.Hash) { *d = core.Hash{} }),
	}
	// Arithmetic: off by one minor unit anywhere.
	mismatch = []validateCase{
		c("net rounded down", func(_ *string, l *[]Line, _, _, _ P, _ *core.Hash) { (*l)[0].NetAmount = 499 }),
		c("tax rounded up", func(_ *string, l *[]Line, _, _, _ P, _ *core.Hash) { (*l)[1].TaxAmount = 141 }),
		c("net total off", func(_ *string, _ *[]Line, net, _, gross P, _ *core.Hash) { *net++; *gross++ }),
		c("tax total off", func(_ *string, _ *[]Line, _, tax, gross P, _ *core.Hash) { *tax--; *gross-- }),
		c("gross total off", func(_ *string, _ *[]Line, _, _, gross P, _ *core.Hash) { *gross++ }),
	}
	return invalid, mismatch
}

func TestValidateIssueInvoice(t *testing.T) {
	f := func(fn func(m *IssueInvoice)) func(core.Msg) core.Msg {
		return func(m core.Msg) core.Msg {
			c := m.(IssueInvoice)
			c.Lines = slices.Clone(c.Lines)
			fn(&c)
			return c
		}
	}
	cases := []validateCase{
		{"empty number", f(func(m *IssueInvoice) { m.Number = "" })},
		{"number with slash", f(func(m *IssueInvoice) { m.Number = "2026/1" })},
		{"long number", f(func(m *IssueInvoice) { m.Number = strings.Repeat("1", 65) })},
		{"zero buyer", f(func(m *IssueInvoice) { m.Buyer = core.Address{} })},
	}
	invalid, mismatch := documentCases(func(m core.Msg, fn func(*string, *[]Line, *int64, *int64, *int64, *core.Hash)) core.Msg {
		return f(func(c *IssueInvoice) {
			fn(&c.Currency, &c.Lines, &c.NetTotal, &c.TaxTotal, &c.GrossTotal, &c.DocumentHash)
		})(m)
	})
	checkValidate(t, validIssue(), append(cases, invalid...))
	checkMismatch(t, validIssue(), mismatch)

	// The worked example of the base: 1.5 × 3.33 = 4.995 -> 5.00 net, 1.00
	// tax; 2 × 10.01 = 20.02 net, 7% = 1.4014 -> 1.40 tax.
	m := validIssue()
	require.Equal(t, []int64{500, 2002}, []int64{m.Lines[0].NetAmount, m.Lines[1].NetAmount})
	require.Equal(t, []int64{100, 140}, []int64{m.Lines[0].TaxAmount, m.Lines[1].TaxAmount})
	require.Equal(t, int64(2742), m.GrossTotal)
	// A free line and a zero rate are fine beside a priced line.
	m.Lines = append(m.Lines, line("gift wrap", 1000, 0, 0))
	require.NoError(t, m.Validate())
	// The largest allowed amounts do not overflow.
	big := issue("BIG", vb, slices.Repeat([]Line{line("x", 1000, MaxAmount, MaxTaxRateBP)}, MaxLines)...)
	require.NoError(t, big.Validate())
	require.Equal(t, int64(MaxLines*2*MaxAmount), big.GrossTotal)
}

func validCredit() IssueCreditNote {
	return credit("CN-1", "INV-1", line("coffee beans returned, kg", 500, 333, 2000))
}

func TestValidateIssueCreditNote(t *testing.T) {
	f := func(fn func(m *IssueCreditNote)) func(core.Msg) core.Msg {
		return func(m core.Msg) core.Msg {
			c := m.(IssueCreditNote)
			c.Lines = slices.Clone(c.Lines)
			fn(&c)
			return c
		}
	}
	cases := []validateCase{
		{"empty number", f(func(m *IssueCreditNote) { m.Number = "" })},
		{"bad original", f(func(m *IssueCreditNote) { m.OriginalNumber = "a b" })},
		{"empty original", f(func(m *IssueCreditNote) { m.OriginalNumber = "" })},
		{"self reference", f(func(m *IssueCreditNote) { m.OriginalNumber = m.Number })},
		{"empty reason", f(func(m *IssueCreditNote) { m.Reason = "" })},
		{"long reason", f(func(m *IssueCreditNote) { m.Reason = strings.Repeat("x", MaxReasonLen+1) })},
	}
	invalid, mismatch := documentCases(func(m core.Msg, fn func(*string, *[]Line, *int64, *int64, *int64, *core.Hash)) core.Msg {
		return f(func(c *IssueCreditNote) {
			// Give the base two lines so that the shared cases apply.
			c.Lines = validLines()
			c.NetTotal, c.TaxTotal = sums(c.Lines)
			c.GrossTotal = c.NetTotal + c.TaxTotal
			fn(&c.Currency, &c.Lines, &c.NetTotal, &c.TaxTotal, &c.GrossTotal, &c.DocumentHash)
		})(m)
	})
	checkValidate(t, validCredit(), append(cases, invalid...))
	checkMismatch(t, validCredit(), mismatch)
}

func TestValidateAcknowledgeAndClaim(t *testing.T) {
	checkValidate(t, AcknowledgeInvoice{Issuer: va, Number: "INV-1"}, []validateCase{
		{"zero issuer", func(core.Msg) core.Msg { return AcknowledgeInvoice{Number: "INV-1"} }},
		{"empty number", func(core.Msg) core.Msg { return AcknowledgeInvoice{Issuer: va} }},
		{"bad number", func(core.Msg) core.Msg { return AcknowledgeInvoice{Issuer: va, Number: "a/b"} }},
	})
	base := ClaimReimbursement{Issuer: va, Number: "INV-1", DocumentHash: coretest.HashOf("d"), Reference: "EXP-2026-7"}
	require.NoError(t, coretest.Mutate(func(m *ClaimReimbursement) { m.Reference = "" })(base).Validate(), "reference is optional")
	checkValidate(t, base, []validateCase{
		{"zero issuer", coretest.Mutate(func(m *ClaimReimbursement) { m.Issuer = core.Address{} })},
		{"bad number", coretest.Mutate(func(m *ClaimReimbursement) { m.Number = "" })},
		{"zero hash", coretest.Mutate(func(m *ClaimReimbursement) { m.DocumentHash = core.Hash{} })},
		{"long reference", coretest.Mutate(func(m *ClaimReimbursement) { m.Reference = strings.Repeat("x", MaxReferenceLen+1) })},
		{"control char in reference", coretest.Mutate(func(m *ClaimReimbursement) { m.Reference = "a\x00" })},
	})
}

func TestRoundDiv(t *testing.T) {
	for _, tc := range []struct{ a, b, den, want int64 }{
		{1500, 333, 1000, 500},  // 499.5 -> 500 (half up)
		{1499, 333, 1000, 499},  // 499.167
		{2002, 700, 10000, 140}, // 140.14
		{50, 1, 100, 1},         // 0.5 -> 1
		{49, 1, 100, 0},         // 0.49 -> 0
		{0, 12345, 1000, 0},
		{MaxQuantity, MaxAmount, 1_000_000_000_000_000_000, 1_000_000_000_000},
	} {
		got, ok := roundDiv(tc.a, tc.b, tc.den)
		require.True(t, ok)
		require.Equal(t, tc.want, got, "%d×%d/%d", tc.a, tc.b, tc.den)
	}
	_, ok := roundDiv(MaxQuantity, MaxAmount, 1000)
	require.False(t, ok, "10^30/1000 does not fit")
	_, ok = roundDiv(1<<62, 4, 1)
	require.False(t, ok, "2^64 does not fit in int64")
}

func validMsgs() []core.Msg {
	return []core.Msg{
		AcknowledgeInvoice{Issuer: va, Number: "INV-1"},
		ClaimReimbursement{Issuer: va, Number: "INV-1", DocumentHash: coretest.HashOf("d"), Reference: "r"},
		validCredit(),
		validIssue(),
	}
}

// TestModule checks the module's contract (coretest.CheckModule): one
// valid message per type, each canonical, and its sentinels.
func TestModule(t *testing.T) {
	coretest.CheckModule(t, Module, validMsgs())
}

func TestNewLineAndSumLines(t *testing.T) {
	l, err := NewLine("coffee beans, kg", 1500, 333, 2000)
	require.NoError(t, err)
	require.Equal(t, line("coffee beans, kg", 1500, 333, 2000), l)
	net, tax, gross := SumLines(validLines())
	m := validIssue()
	require.Equal(t, []int64{m.NetTotal, m.TaxTotal, m.GrossTotal}, []int64{net, tax, gross})
	for _, bad := range []Line{{"", 1, 1, 0, 0, 0}, {"x", 0, 1, 0, 0, 0}, {"x", 1, -1, 0, 0, 0}, {"x", 1, 1, 0, MaxTaxRateBP + 1, 0}, {"x", MaxQuantity, MaxAmount, 0, 0, 0}} {
		_, err := NewLine(bad.Description, bad.Quantity, bad.UnitPrice, bad.TaxRateBP)
		require.ErrorIs(t, err, ErrInvalidMessage, "%+v", bad)
	}
}
