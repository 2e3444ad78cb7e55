package sharing

import (
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

// Prefix is the first byte of every store key of this module (see
// core.Module); frozen, never reused.
const Prefix byte = 0x70

// Tables under Prefix. Each table byte is used by exactly one table and is
// never reused, even if the table is retired. Every record is keyed
// directly by its external ids, so one key proves one answer.
const (
	// tablePurpose: purpose code -> Purpose.
	tablePurpose byte = 0x01
	// tablePurposeIndex: (no parts) -> PurposeIndex.
	tablePurposeIndex byte = 0x02
	// tableClass: owner agency, class id -> DataClass.
	tableClass byte = 0x03
	// tableKeyIndex: agency -> KeyIndex (the count and the active key ids).
	tableKeyIndex byte = 0x04
	// tableKey: agency, key id -> AgencyKey.
	tableKey byte = 0x05
	// tableRecord: owner agency, class id, subject -> Record.
	tableRecord byte = 0x06
	// tableRecordHistory: record id (recordID), seq -> core.HistoryEntry.
	tableRecordHistory byte = 0x07
	// tableGrant: grant id (8 bytes big-endian) -> Grant.
	tableGrant byte = 0x08
	// tablePair: owner, grantee -> GrantPair.
	tablePair byte = 0x09
	// tablePairGrant: owner, grantee, grant id -> GrantRef, for each
	// active grant of the pair (deleted when the grant is revoked).
	tablePairGrant byte = 0x0a
	// tableGrantee: grantee -> GranteeGrants (how many grants it received).
	tableGrantee byte = 0x0b
	// tableGranteeGrant: grantee, grant id -> GrantRef, for every grant
	// the agency ever received.
	tableGranteeGrant byte = 0x0c
	// tableConsent: subject, grantee agency, purpose -> Consent.
	tableConsent byte = 0x0d
	// tableConsentHistory: consent id (consentID), seq -> core.HistoryEntry.
	tableConsentHistory byte = 0x0e
	// tableRequest: request id (8 bytes big-endian) -> Request.
	tableRequest byte = 0x0f
	// tableLogHead: subject -> LogHead.
	tableLogHead byte = 0x10
	// tableLogEntry: subject, seq (8 bytes big-endian) -> LogEntry.
	tableLogEntry byte = 0x11
	// tableCounter: counter name -> last id assigned (8 bytes big-endian).
	tableCounter byte = 0x12
	// tableSealedIndex: (no parts) -> SealedIndex (how many covert
	// requests are allowed and not disclosed).
	tableSealedIndex byte = 0x13
	// tableSealed: request id (8 bytes big-endian) -> SealedRef, for each
	// allowed covert request not disclosed (deleted when it is).
	tableSealed byte = 0x14
)

// Counter names under tableCounter.
const (
	counterGrant   = "grant"
	counterRequest = "request"
)

// PurposeKey is the store key of a purpose.
func PurposeKey(code string) []byte { return state.Key(Prefix, tablePurpose, []byte(code)) }

// PurposeIndexKey is the store key of the purpose index, the anchor of the
// purpose list.
func PurposeIndexKey() []byte { return state.Key(Prefix, tablePurposeIndex) }

// ClassKey is the store key of an agency's data class.
func ClassKey(agency, class string) []byte {
	return state.Key(Prefix, tableClass, []byte(agency), []byte(class))
}

// KeyIndexKey is the store key of an agency's key index, the anchor of its
// key list.
func KeyIndexKey(agency string) []byte { return state.Key(Prefix, tableKeyIndex, []byte(agency)) }

// AgencyKeyKey is the store key of one of an agency's encryption keys.
func AgencyKeyKey(agency, keyID string) []byte {
	return state.Key(Prefix, tableKey, []byte(agency), []byte(keyID))
}

// AgencyKeysPrefix is the prefix of every encryption key of an agency.
func AgencyKeysPrefix(agency string) []byte { return state.Key(Prefix, tableKey, []byte(agency)) }

// RecordKey is the store key of the record an owner agency holds on a
// subject in one class.
func RecordKey(agency, class, subject string) []byte {
	return state.Key(Prefix, tableRecord, []byte(agency), []byte(class), []byte(subject))
}

// RecordHistoryKey is the store key of entry seq (from 0) of a record's
// history.
func RecordHistoryKey(agency, class, subject string, seq uint64) []byte {
	return core.HistoryKey(Prefix, tableRecordHistory, recordID(agency, class, subject), seq)
}

// GrantKey is the store key of a grant.
func GrantKey(id uint64) []byte { return state.Key(Prefix, tableGrant, state.Uint64(id)) }

// PairKey is the store key of the grants from owner to grantee: the anchor
// of their list.
func PairKey(owner, grantee string) []byte {
	return state.Key(Prefix, tablePair, []byte(owner), []byte(grantee))
}

// PairGrantKey is the store key of the index entry of an active grant
// from owner to grantee.
func PairGrantKey(owner, grantee string, id uint64) []byte {
	return state.Key(Prefix, tablePairGrant, []byte(owner), []byte(grantee), state.Uint64(id))
}

// PairGrantsPrefix is the prefix of the index entries of every active
// grant from owner to grantee.
func PairGrantsPrefix(owner, grantee string) []byte {
	return state.Key(Prefix, tablePairGrant, []byte(owner), []byte(grantee))
}

// GranteeKey is the store key of the count of grants an agency received:
// the anchor of their list.
func GranteeKey(grantee string) []byte { return state.Key(Prefix, tableGrantee, []byte(grantee)) }

// GranteeGrantKey is the store key of the index entry of a grant an
// agency received.
func GranteeGrantKey(grantee string, id uint64) []byte {
	return state.Key(Prefix, tableGranteeGrant, []byte(grantee), state.Uint64(id))
}

// GranteeGrantsPrefix is the prefix of the index entries of every grant an
// agency received.
func GranteeGrantsPrefix(grantee string) []byte {
	return state.Key(Prefix, tableGranteeGrant, []byte(grantee))
}

// ConsentKey is the store key of a subject's consent to an agency's use
// of its data for a purpose.
func ConsentKey(subject, agency, purpose string) []byte {
	return state.Key(Prefix, tableConsent, []byte(subject), []byte(agency), []byte(purpose))
}

// ConsentHistoryKey is the store key of entry seq (from 0) of a consent's
// history.
func ConsentHistoryKey(subject, agency, purpose string, seq uint64) []byte {
	return core.HistoryKey(Prefix, tableConsentHistory, recordID(subject, agency, purpose), seq)
}

// RequestKey is the store key of an access request.
func RequestKey(id uint64) []byte { return state.Key(Prefix, tableRequest, state.Uint64(id)) }

// LogHeadKey is the store key of a subject's access log head: the anchor
// of the log, holding its count.
func LogHeadKey(subject string) []byte { return state.Key(Prefix, tableLogHead, []byte(subject)) }

// LogEntryKey is the store key of entry seq (from 0) of a subject's access
// log. The absence of the entry numbered by the head's count proves the
// log complete.
func LogEntryKey(subject string, seq uint64) []byte {
	return state.Key(Prefix, tableLogEntry, []byte(subject), state.Uint64(seq))
}

// SealedIndexKey is the store key of the count of allowed, undisclosed
// covert requests: the anchor of their list.
func SealedIndexKey() []byte { return state.Key(Prefix, tableSealedIndex) }

// SealedKey is the store key of an allowed, undisclosed covert request's
// entry in the sealed list.
func SealedKey(id uint64) []byte { return state.Key(Prefix, tableSealed, state.Uint64(id)) }

// SealedPrefix is the prefix of every entry of the sealed list.
func SealedPrefix() []byte { return state.Key(Prefix, tableSealed) }

// counterKey is the store key of a sequential id counter.
func counterKey(name string) []byte { return state.Key(Prefix, tableCounter, []byte(name)) }

// recordID is the one key part naming a record (or a consent) of three
// identifiers in a history table: each identifier (at most 64 bytes) with
// a one-byte length before it, so that the encoding is injective.
func recordID(a, b, c string) []byte {
	id := make([]byte, 0, 3+len(a)+len(b)+len(c))
	for _, p := range []string{a, b, c} {
		id = append(id, byte(len(p)))
		id = append(id, p...)
	}
	return id
}
