package benefits

import (
	"time"

	"github.com/govchain/govchain/app/core"
)

// Name is the module's name: the prefix of its message types and of its
// query paths.
const Name = "benefits"

// The frozen message type strings.
const (
	TypeDefineProgramme = "benefits/define_programme"
	TypeClaimBenefit    = "benefits/claim_benefit"
	TypeDecideClaim     = "benefits/decide_claim"
	TypeMarkPaid        = "benefits/mark_paid"
)

// Bounds enforced by Validate and Exec.
const (
	// MaxAmount bounds a programme's amount per period (minor units).
	MaxAmount = 1_000_000_000_000
	// MaxDays and MaxMonths bound a period.
	MaxDays   = 366
	MaxMonths = 12
	// MaxEntitlementMonths bounds how long an entitlement runs (100
	// years); 0 means as long as the programme.
	MaxEntitlementMonths = 1200
	// MaxAgeMonths bounds the age of a programme of rule "age" (100
	// years).
	MaxAgeMonths = 1200
	// MaxProgrammesPerRule is the most programmes of one rule that have
	// not ended, which bounds the work a birth or death does.
	MaxProgrammesPerRule = 32
	// MaxEntitlementsPerPerson is the most entitlements that may name one
	// person (as beneficiary or subject), which bounds the work a death
	// does. A birth or death that would exceed it is refused.
	MaxEntitlementsPerPerson = 256
	// MaxOrdersPerBlock is the most payment orders one block creates; the
	// rest are created in the next blocks, earliest due first.
	MaxOrdersPerBlock = 1000
	// MaxMarriageScan is how many of the surviving spouse's latest history
	// entries a death looks through for the marriage record it cites.
	MaxMarriageScan = 64
	// Text field limits in bytes.
	MaxDescriptionLen = 512
	MaxReasonLen      = 512
	MaxReferenceLen   = 128
)

// MaxProgrammeEnd is the latest a programme may end: every due time of the
// payment order index is before it, so it fits in Unix nanoseconds.
var MaxProgrammeEnd = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)

// DefineProgramme (benefits/define_programme, an admin of Agency) defines
// a benefit programme under a new id: its rule, Amount minor units of
// Currency per period of PeriodCount PeriodUnits, the window
// [StartsAt, EndsAt) in which facts open entitlements, and how long an
// entitlement runs after its start (EntitlementMonths; 0 for as long as
// the programme). No entitlement runs past EndsAt. Rule "age" needs
// AgeMonths (1-MaxAgeMonths), the age at which a child born on the chain
// is entitled, and its window holds the moment the child reaches it;
// every other rule needs AgeMonths 0.
type DefineProgramme struct {
	ProgrammeID       string    `json:"programme_id"`
	Agency            string    `json:"agency"`
	Rule              string    `json:"rule"`
	Description       string    `json:"description"`
	Amount            int64     `json:"amount"`
	Currency          string    `json:"currency"`
	PeriodUnit        string    `json:"period_unit"`
	PeriodCount       uint64    `json:"period_count"`
	StartsAt          time.Time `json:"starts_at"`
	EndsAt            time.Time `json:"ends_at"`
	EntitlementMonths uint64    `json:"entitlement_months"`
	AgeMonths         uint64    `json:"age_months"`
}

// Type implements core.Msg.
func (DefineProgramme) Type() string { return TypeDefineProgramme }

// Validate implements core.Msg.
func (m DefineProgramme) Validate() error {
	if err := fields.ID("programme_id", m.ProgrammeID); err != nil {
		return err
	}
	if err := fields.ID("agency", m.Agency); err != nil {
		return err
	}
	switch m.Rule {
	case RuleBirth, RuleDeathSurvivor, RuleClaim, RuleAge:
	default:
		return fields.Invalidf("rule must be %q, %q, %q or %q, got %q", RuleBirth, RuleDeathSurvivor, RuleClaim, RuleAge, m.Rule)
	}
	switch {
	case m.Rule == RuleAge && (m.AgeMonths < 1 || m.AgeMonths > MaxAgeMonths):
		return fields.Invalidf("age_months must be 1-%d for rule %q, got %d", MaxAgeMonths, RuleAge, m.AgeMonths)
	case m.Rule != RuleAge && m.AgeMonths != 0:
		return fields.Invalidf("age_months is only for rule %q, got %d for rule %q", RuleAge, m.AgeMonths, m.Rule)
	}
	if err := fields.Text("description", m.Description, true, MaxDescriptionLen); err != nil {
		return err
	}
	if m.Amount <= 0 || m.Amount > MaxAmount {
		return fields.Invalidf("amount must be 1-%d, got %d", int64(MaxAmount), m.Amount)
	}
	if err := fields.Currency(m.Currency); err != nil {
		return err
	}
	switch {
	case m.PeriodUnit == UnitDay && m.PeriodCount >= 1 && m.PeriodCount <= MaxDays:
	case m.PeriodUnit == UnitMonth && m.PeriodCount >= 1 && m.PeriodCount <= MaxMonths:
	default:
		return fields.Invalidf("period must be 1-%d %ss or 1-%d %ss, got %d %q", MaxDays, UnitDay, MaxMonths, UnitMonth, m.PeriodCount, m.PeriodUnit)
	}
	if err := fields.UTC("starts_at", m.StartsAt); err != nil {
		return err
	}
	if err := fields.UTC("ends_at", m.EndsAt); err != nil {
		return err
	}
	if !m.EndsAt.After(m.StartsAt) || m.EndsAt.After(MaxProgrammeEnd) {
		return fields.Invalidf("ends_at must be after starts_at and at most %s", MaxProgrammeEnd.Format(time.RFC3339))
	}
	if m.StartsAt.Unix() < 0 {
		return fields.Invalidf("starts_at must not be before 1970")
	}
	if m.EntitlementMonths > MaxEntitlementMonths {
		return fields.Invalidf("entitlement_months must be 0-%d, got %d", MaxEntitlementMonths, m.EntitlementMonths)
	}
	return nil
}

// ClaimBenefit (benefits/claim_benefit, an account linked to the person)
// claims an entitlement for PersonID under a programme of rule "claim",
// citing the SHA-256 of the supporting file (which stays with the
// claimant and the agency).
type ClaimBenefit struct {
	ProgrammeID  string    `json:"programme_id"`
	PersonID     string    `json:"person_id"`
	DocumentHash core.Hash `json:"document_hash"`
}

// Type implements core.Msg.
func (ClaimBenefit) Type() string { return TypeClaimBenefit }

// Validate implements core.Msg.
func (m ClaimBenefit) Validate() error {
	if err := fields.ID("programme_id", m.ProgrammeID); err != nil {
		return err
	}
	if err := fields.ID("person_id", m.PersonID); err != nil {
		return err
	}
	return fields.Hash("document_hash", m.DocumentHash)
}

// DecideClaim (benefits/decide_claim, an admin of the programme's agency)
// approves or refuses a pending claim, with the reason. An approval opens
// the claimant's entitlement in the same transaction.
type DecideClaim struct {
	ProgrammeID string `json:"programme_id"`
	PersonID    string `json:"person_id"`
	Approve     bool   `json:"approve"`
	Reason      string `json:"reason"`
}

// Type implements core.Msg.
func (DecideClaim) Type() string { return TypeDecideClaim }

// Validate implements core.Msg.
func (m DecideClaim) Validate() error {
	if err := fields.ID("programme_id", m.ProgrammeID); err != nil {
		return err
	}
	if err := fields.ID("person_id", m.PersonID); err != nil {
		return err
	}
	return fields.Text("reason", m.Reason, true, MaxReasonLen)
}

// MarkPaid (benefits/mark_paid, a treasury) records that the payment
// order of an entitlement's period was paid, with the bank's Reference.
// An order is paid once.
type MarkPaid struct {
	ProgrammeID string `json:"programme_id"`
	Beneficiary string `json:"beneficiary"`
	Subject     string `json:"subject"`
	Period      uint64 `json:"period"`
	Reference   string `json:"reference"`
}

// Type implements core.Msg.
func (MarkPaid) Type() string { return TypeMarkPaid }

// Validate implements core.Msg.
func (m MarkPaid) Validate() error {
	for _, f := range [][2]string{{"programme_id", m.ProgrammeID}, {"beneficiary", m.Beneficiary}, {"subject", m.Subject}} {
		if err := fields.ID(f[0], f[1]); err != nil {
			return err
		}
	}
	return fields.Text("reference", m.Reference, true, MaxReferenceLen)
}

// ref is the entitlement the order belongs to.
func (m MarkPaid) ref() Ref {
	return Ref{ProgrammeID: m.ProgrammeID, Beneficiary: m.Beneficiary, Subject: m.Subject}
}
