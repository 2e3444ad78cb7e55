package benefits

import (
	"time"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

// Prefix is the first byte of every store key of this module (see
// core.Module); frozen, never reused.
const Prefix byte = 0xa0

// Tables under Prefix. Each table byte is used by exactly one table and is
// never reused, even if the table is retired.
const (
	// tableProgramme: programme id -> Programme.
	tableProgramme byte = 0x01
	// tableRule: rule, programme id -> RuleEntry, while the programme has
	// not ended (the programmes a birth or death looks at).
	tableRule byte = 0x02
	// tableEntitlement: programme id, beneficiary, subject -> Entitlement.
	tableEntitlement byte = 0x03
	// tableEntitlementHistory: Ref.id (the entitlement key's three parts,
	// each length-prefixed, as one part), seq -> core.HistoryEntry.
	tableEntitlementHistory byte = 0x04
	// tablePerson: person id -> PersonIndex (how many entitlements name
	// the person).
	tablePerson byte = 0x05
	// tablePersonEntitlement: person id, programme id, beneficiary,
	// subject -> Ref, one per entitlement naming the person.
	tablePersonEntitlement byte = 0x06
	// tableDue: due time (Unix nanoseconds, 8 bytes big-endian), programme
	// id, beneficiary, subject -> Ref: the next payment order of each
	// running entitlement, in due order.
	tableDue byte = 0x07
	// tableOrder: programme id, beneficiary, subject, period (8 bytes
	// big-endian) -> Order.
	tableOrder byte = 0x08
	// tableClaim: programme id, person id -> Claim.
	tableClaim byte = 0x09
	// tableClaimHistory: claimID (programme id and person id, each
	// length-prefixed, as one part), seq -> core.HistoryEntry.
	tableClaimHistory byte = 0x0a
)

// ProgrammeKey is the store key of a programme.
func ProgrammeKey(id string) []byte { return state.Key(Prefix, tableProgramme, []byte(id)) }

// RuleKey is the store key of a programme's entry in its rule's index.
func RuleKey(rule, programme string) []byte {
	return state.Key(Prefix, tableRule, []byte(rule), []byte(programme))
}

// RulePrefix is the prefix of every index entry of a rule.
func RulePrefix(rule string) []byte { return state.Key(Prefix, tableRule, []byte(rule)) }

// EntitlementKey is the store key of the entitlement of beneficiary under
// programme for subject (the child of a birth, the deceased spouse of a
// survivor's entitlement, the beneficiary itself for a claim).
func EntitlementKey(r Ref) []byte {
	return state.Key(Prefix, tableEntitlement, []byte(r.ProgrammeID), []byte(r.Beneficiary), []byte(r.Subject))
}

// EntitlementHistoryKey is the store key of entry seq of an
// entitlement's history.
func EntitlementHistoryKey(r Ref, seq uint64) []byte {
	return core.HistoryKey(Prefix, tableEntitlementHistory, r.id(), seq)
}

// PersonKey is the store key of a person's entitlement index anchor.
func PersonKey(person string) []byte { return state.Key(Prefix, tablePerson, []byte(person)) }

// PersonEntitlementKey is the store key of the index entry saying that an
// entitlement names person (as beneficiary or subject).
func PersonEntitlementKey(person string, r Ref) []byte {
	return state.Key(Prefix, tablePersonEntitlement, []byte(person), []byte(r.ProgrammeID), []byte(r.Beneficiary), []byte(r.Subject))
}

// PersonEntitlementsPrefix is the prefix of every index entry of a person.
func PersonEntitlementsPrefix(person string) []byte {
	return state.Key(Prefix, tablePersonEntitlement, []byte(person))
}

// DueKey is the store key of the due index entry of an entitlement whose
// next payment order is due at t.
func DueKey(t time.Time, r Ref) []byte {
	return state.Key(Prefix, tableDue, dueTime(t), []byte(r.ProgrammeID), []byte(r.Beneficiary), []byte(r.Subject))
}

// dueTime is t as the due index orders it: Unix nanoseconds, big-endian.
// Every due time is a period start within a programme, which ends before
// MaxProgrammeEnd, so it is positive and fits.
func dueTime(t time.Time) []byte { return state.Uint64(uint64(t.UnixNano())) }

// OrderKey is the store key of the payment order of an entitlement's
// period (from 0): one key per entitlement and period, so an order can
// never be created twice.
func OrderKey(r Ref, period uint64) []byte {
	return state.Key(Prefix, tableOrder, []byte(r.ProgrammeID), []byte(r.Beneficiary), []byte(r.Subject), state.Uint64(period))
}

// ClaimKey is the store key of a person's claim under a programme.
func ClaimKey(programme, person string) []byte {
	return state.Key(Prefix, tableClaim, []byte(programme), []byte(person))
}

// ClaimHistoryKey is the store key of entry seq of a claim's history.
func ClaimHistoryKey(programme, person string, seq uint64) []byte {
	return core.HistoryKey(Prefix, tableClaimHistory, claimID(programme, person), seq)
}

// joinParts is parts each prefixed by its length, as one key part: an
// injective name for a record keyed by several ids, for its history.
func joinParts(parts ...string) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, byte(len(p)))
		out = append(out, p...)
	}
	return out
}

// claimID names a claim in its history table.
func claimID(programme, person string) []byte { return joinParts(programme, person) }
