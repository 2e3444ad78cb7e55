package benefits

import (
	"time"

	"github.com/govchain/govchain/app/core"
)

// The rules a programme's entitlements arise from.
const (
	// RuleBirth: a birth recorded by the civil registry
	// (identity/record_birth) opens an entitlement for each parent, the
	// child its subject, with no application.
	RuleBirth = "birth"
	// RuleDeathSurvivor: the death of a married person
	// (identity/record_death) opens an entitlement for the surviving
	// spouse, the deceased its subject.
	RuleDeathSurvivor = "death_survivor"
	// RuleClaim: a person claims (benefits/claim_benefit) and the
	// programme's agency decides (benefits/decide_claim); an approval
	// opens the entitlement, the claimant its own subject.
	RuleClaim = "claim"
	// RuleAge: a birth recorded by the civil registry
	// (identity/record_birth) opens the child's own entitlement, the child
	// both beneficiary and subject, starting when the child is the
	// programme's age (AgeReached: its birth time plus AgeMonths calendar
	// months), with no application. A person registered without a birth
	// record (identity/register_person) has a commitment to a birth date,
	// not a date, so no rule can tell its age: for such a person age is
	// decided on a claim (RuleClaim).
	RuleAge = "age"
)

// Period units.
const (
	// UnitDay: a period is period_count days (24 hours each).
	UnitDay = "day"
	// UnitMonth: a period is period_count calendar months, counted from
	// the entitlement's start in UTC; a start on a day the target month
	// does not have falls on that month's last day (a start on 31 January
	// gives 28 or 29 February, then 31 March).
	UnitMonth = "month"
)

// Entitlement statuses.
const (
	// StatusActive: payment orders are still created for it.
	StatusActive = "active"
	// StatusEnded: no more orders; EndReason says why.
	StatusEnded = "ended"
)

// End reasons of an entitlement.
const (
	// EndTerm: the last period that starts before ends_at has its order.
	EndTerm = "term"
	// EndBeneficiaryDied: the beneficiary's death was recorded.
	EndBeneficiaryDied = "beneficiary_died"
	// EndSubjectDied: the child of a birth entitlement died.
	EndSubjectDied = "subject_died"
)

// Claim statuses.
const (
	ClaimPending  = "pending"
	ClaimApproved = "approved"
	ClaimRefused  = "refused"
)

// Order statuses.
const (
	OrderDue  = "due"
	OrderPaid = "paid"
)

// Programme is a benefit programme, stored under ProgrammeKey and never
// changed: who may be entitled (Rule), how much is paid per period
// (Amount minor units of Currency, every Period), while facts are
// recorded in [StartsAt, EndsAt), and for how long an entitlement runs
// (EntitlementMonths after its start; 0 for as long as the programme).
// For rule "age", AgeMonths is the age at which an entitlement starts
// and the window holds that moment, not the birth: a child is entitled
// if it reaches the age in [StartsAt, EndsAt) and was born while the
// programme had not ended; AgeMonths is 0 for the other rules.
type Programme struct {
	ID                string        `json:"id"`
	Agency            string        `json:"agency"`
	Rule              string        `json:"rule"`
	Description       string        `json:"description"`
	Amount            int64         `json:"amount"`
	Currency          string        `json:"currency"`
	PeriodUnit        string        `json:"period_unit"`
	PeriodCount       uint64        `json:"period_count"`
	StartsAt          time.Time     `json:"starts_at"`
	EndsAt            time.Time     `json:"ends_at"`
	EntitlementMonths uint64        `json:"entitlement_months"`
	AgeMonths         uint64        `json:"age_months"`
	DefinedBy         core.Address  `json:"defined_by"`
	DefinedHeight     int64         `json:"defined_height"`
	DefinedAt         time.Time     `json:"defined_at"`
	DefinedTxHash     core.HexBytes `json:"defined_tx_hash"`
}

// open reports whether t falls in the programme's window: a fact recorded
// at t, or for rule "age" the moment t a child reaches the age.
func (p *Programme) open(t time.Time) bool { return !t.Before(p.StartsAt) && t.Before(p.EndsAt) }

// Ref names an entitlement: the programme, the beneficiary (the person
// paid) and the subject (the person the entitlement is for). It is the
// value of the person and due index entries.
type Ref struct {
	ProgrammeID string `json:"programme_id"`
	Beneficiary string `json:"beneficiary"`
	Subject     string `json:"subject"`
}

// id names the entitlement in its history table.
func (r Ref) id() []byte { return joinParts(r.ProgrammeID, r.Beneficiary, r.Subject) }

// Path is the entitlement's query path under the module.
func (r Ref) Path() string {
	return "entitlement/" + r.ProgrammeID + "/" + r.Beneficiary + "/" + r.Subject
}

// Fact is one registry record an entitlement rests on: entry Seq of the
// history at query path Path (an identity person's history, or a claim's),
// with the height, tx hash and block time of the transaction that wrote
// it. Anyone proves it by querying Path with a proof and reading entry Seq.
type Fact struct {
	Kind   string        `json:"kind"`
	Path   string        `json:"path"`
	Seq    uint64        `json:"seq"`
	Action string        `json:"action"`
	Height int64         `json:"height"`
	TxHash core.HexBytes `json:"tx_hash"`
	Time   time.Time     `json:"time"`
}

// The kinds of fact.
const (
	// FactBirth: the child's birth record (its person history, entry 0);
	// for rule "age" its Time is the birth the age counts from.
	FactBirth = "birth"
	// FactParent: the parent's history entry recording the birth.
	FactParent = "parent"
	// FactDeath: the deceased's death record.
	FactDeath = "death"
	// FactWidowed: the surviving spouse's history entry recording the
	// death of its spouse (married at death).
	FactWidowed = "widowed"
	// FactMarriage: the surviving spouse's marriage record with the
	// deceased, when it is among the last MaxMarriageScan entries of its
	// history.
	FactMarriage = "marriage"
	// FactClaim: the claim's history entry of the claim.
	FactClaim = "claim"
	// FactDecision: the claim's history entry of its approval.
	FactDecision = "decision"
)

// Entitlement is a person's right to be paid under a programme, stored
// under EntitlementKey(Ref). Period k (from 0) starts at
// PeriodStart(k) and its order is created once that time is reached and
// while it is before EndsAt, unless the entitlement ended first. NextPeriod
// is the period of the next order; NextDueAt its start (nil once no order
// is left). StartsAt is the block time of the fact that opened it, except
// under rule "age": there AgeMonths is the programme's age and StartsAt
// is AgeReached(birth, AgeMonths), the birth being its FactBirth's Time,
// so an entitlement opened at a birth is active with its first order due
// years later; AgeMonths is 0 for the other rules.
type Entitlement struct {
	Ref
	Rule         string        `json:"rule"`
	Amount       int64         `json:"amount"`
	Currency     string        `json:"currency"`
	PeriodUnit   string        `json:"period_unit"`
	PeriodCount  uint64        `json:"period_count"`
	AgeMonths    uint64        `json:"age_months"`
	Facts        []Fact        `json:"facts"`
	StartsAt     time.Time     `json:"starts_at"`
	EndsAt       time.Time     `json:"ends_at"`
	Status       string        `json:"status"`
	NextPeriod   uint64        `json:"next_period"`
	NextDueAt    *time.Time    `json:"next_due_at"`
	OpenedHeight int64         `json:"opened_height"`
	OpenedTxHash core.HexBytes `json:"opened_tx_hash"`
	EndReason    string        `json:"end_reason"`
	EndFact      *Fact         `json:"end_fact"`
	EndedHeight  int64         `json:"ended_height"`
	EndedAt      *time.Time    `json:"ended_at"`
	HistoryCount uint64        `json:"history_count"`
}

// PeriodStart is the start of period k of the entitlement.
func (e *Entitlement) PeriodStart(k uint64) time.Time {
	return periodStart(e.StartsAt, e.PeriodUnit, e.PeriodCount, k)
}

// PersonIndex is the anchor of a person's entitlement index, stored under
// PersonKey: how many entitlements name the person, as beneficiary or
// subject (one Ref each under PersonEntitlementsPrefix).
type PersonIndex struct {
	PersonID         string `json:"person_id"`
	EntitlementCount uint64 `json:"entitlement_count"`
}

// RuleEntry is a programme's entry in its rule's index.
type RuleEntry struct {
	ProgrammeID string    `json:"programme_id"`
	EndsAt      time.Time `json:"ends_at"`
}

// Claim is a person's claim under a programme of rule "claim", stored
// under ClaimKey. A refused claim may be claimed again; its history keeps
// every claim and decision.
type Claim struct {
	ProgrammeID   string        `json:"programme_id"`
	PersonID      string        `json:"person_id"`
	Status        string        `json:"status"`
	DocumentHash  core.Hash     `json:"document_hash"`
	ClaimedBy     core.Address  `json:"claimed_by"`
	ClaimedHeight int64         `json:"claimed_height"`
	ClaimedAt     time.Time     `json:"claimed_at"`
	DecidedBy     *core.Address `json:"decided_by"`
	DecidedHeight int64         `json:"decided_height"`
	DecidedAt     *time.Time    `json:"decided_at"`
	Reason        string        `json:"reason"`
	HistoryCount  uint64        `json:"history_count"`
}

// Order is the payment order of one period of an entitlement, stored
// under OrderKey: created once, by the block step, when the period starts;
// marked paid once, by the treasury, with the bank's reference.
type Order struct {
	Ref
	Period        uint64        `json:"period"`
	PeriodStart   time.Time     `json:"period_start"`
	PeriodEnd     time.Time     `json:"period_end"`
	Amount        int64         `json:"amount"`
	Currency      string        `json:"currency"`
	Status        string        `json:"status"`
	CreatedHeight int64         `json:"created_height"`
	CreatedAt     time.Time     `json:"created_at"`
	PaidBy        *core.Address `json:"paid_by"`
	PaidHeight    int64         `json:"paid_height"`
	PaidAt        *time.Time    `json:"paid_at"`
	PaidTxHash    core.HexBytes `json:"paid_tx_hash"`
	Reference     string        `json:"reference"`
}
