package identity

import (
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

// Prefix is the first byte of every store key of this module (see
// core.Module); frozen, never reused.
const Prefix byte = 0x30

// Tables under Prefix. Each table byte is used by exactly one
// table and is never reused, even if the table is retired. Every record is
// keyed directly by its external id, so one key proves one answer.
const (
	// tablePerson: person id -> Person.
	tablePerson byte = 0x01
	// tablePersonHistory: person id, seq -> core.HistoryEntry.
	tablePersonHistory byte = 0x02
	// tableAccountLink: account (20 bytes) -> AccountLink.
	tableAccountLink byte = 0x03
	// tableOrg: organisation id -> Organisation.
	tableOrg byte = 0x04
	// tableOrgHistory: organisation id, seq -> core.HistoryEntry.
	tableOrgHistory byte = 0x05
	// tableCredential: credential id -> Credential.
	tableCredential byte = 0x06
	// tableCredentialHistory: credential id, seq -> core.HistoryEntry.
	tableCredentialHistory byte = 0x07
	// tablePersonCredentials: person id -> PersonCredentials (the count).
	tablePersonCredentials byte = 0x08
	// tablePersonCredential: person id, credential id -> PersonCredential.
	tablePersonCredential byte = 0x09
	// tableRecovery: recovery id (8 bytes big-endian) -> Recovery.
	tableRecovery byte = 0x0a
	// tableRecoveryHistory: recovery id (8 bytes), seq -> core.HistoryEntry.
	tableRecoveryHistory byte = 0x0b
	// tableCounter: counter name -> last id assigned (8 bytes big-endian).
	tableCounter byte = 0x0c
)

// counterRecovery names the recovery id counter.
const counterRecovery = "recovery"

// PersonKey is the store key of a person record.
func PersonKey(id string) []byte { return state.Key(Prefix, tablePerson, []byte(id)) }

// PersonHistoryKey is the store key of entry seq (from 0) of a person's
// history.
func PersonHistoryKey(id string, seq uint64) []byte {
	return core.HistoryKey(Prefix, tablePersonHistory, []byte(id), seq)
}

// AccountLinkKey is the store key naming the person or organisation an
// account belongs to.
func AccountLinkKey(a core.Address) []byte {
	return state.Key(Prefix, tableAccountLink, a[:])
}

// OrgKey is the store key of an organisation record.
func OrgKey(id string) []byte { return state.Key(Prefix, tableOrg, []byte(id)) }

// OrgHistoryKey is the store key of entry seq of an organisation's history.
func OrgHistoryKey(id string, seq uint64) []byte {
	return core.HistoryKey(Prefix, tableOrgHistory, []byte(id), seq)
}

// CredentialKey is the store key of a credential record.
func CredentialKey(id string) []byte {
	return state.Key(Prefix, tableCredential, []byte(id))
}

// CredentialHistoryKey is the store key of entry seq of a credential's
// history.
func CredentialHistoryKey(id string, seq uint64) []byte {
	return core.HistoryKey(Prefix, tableCredentialHistory, []byte(id), seq)
}

// PersonCredentialsKey is the store key of the anchor of a person's
// credential index (how many credentials name the person as subject). It is
// written when the person is registered.
func PersonCredentialsKey(personID string) []byte {
	return state.Key(Prefix, tablePersonCredentials, []byte(personID))
}

// PersonCredentialKey is the store key of the index entry saying that a
// credential names the person as its subject.
func PersonCredentialKey(personID, credentialID string) []byte {
	return state.Key(Prefix, tablePersonCredential, []byte(personID), []byte(credentialID))
}

// PersonCredentialsPrefix is the prefix of every credential index entry of
// a person.
func PersonCredentialsPrefix(personID string) []byte {
	return state.Key(Prefix, tablePersonCredential, []byte(personID))
}

// RecoveryKey is the store key of a recovery record.
func RecoveryKey(id uint64) []byte {
	return state.Key(Prefix, tableRecovery, state.Uint64(id))
}

// RecoveryHistoryKey is the store key of entry seq of a recovery's history.
func RecoveryHistoryKey(id, seq uint64) []byte {
	return core.HistoryKey(Prefix, tableRecoveryHistory, state.Uint64(id), seq)
}

// counterKey is the store key of a sequential id counter.
func counterKey(name string) []byte {
	return state.Key(Prefix, tableCounter, []byte(name))
}
