package core

import (
	"bytes"

	"github.com/cometbft/cometbft/crypto/ed25519"

	"github.com/govchain/govchain/state"
)

// Tables under PrefixAccount besides tableAccount.
const (
	tableKeyIndex     byte = 0x02 // address of a rotated-in key -> account address
	tableAccountState byte = 0x03 // account address -> AccountStatus
)

// Sentinels of signer resolution and key rotation.
var (
	ErrKeyRotated   = NewCodedError(15, ErrUnauthorized, "auth: this key was rotated out of its account")
	ErrKeyInUse     = NewCodedError(16, ErrConflict, "auth: the new key already belongs to an account")
	ErrSameKey      = NewCodedError(17, ErrConflict, "auth: the new key is the account's current key")
	ErrNoSuchSigner = NewCodedError(18, ErrNotFound, "auth: account not found")
)

// Account statuses. An account with a status can no longer sign.
const (
	StatusDisabled = "disabled"
	StatusDeceased = "deceased"
)

// AccountStatus marks an account that can no longer sign, and why. It is
// kept apart from the Account record so that a registry can prove it.
type AccountStatus struct {
	Account Address `json:"account"`
	Status  string  `json:"status"`
	Reason  string  `json:"reason"`
	Height  int64   `json:"height"`
}

// KeyBinding records that a rotated-in key (named by the key's own
// address) signs for an account. Bindings are never deleted: a key rotated
// out again stays bound, and refused.
type KeyBinding struct {
	Key     Address `json:"key"`
	Account Address `json:"account"`
}

// KeyIndexKey is the store key of the KeyBinding of a key address.
func KeyIndexKey(keyAddr Address) []byte {
	return state.Key(PrefixAccount, tableKeyIndex, keyAddr[:])
}

// AccountStatusKey is the key of an account's status record.
func AccountStatusKey(a Address) []byte {
	return state.Key(PrefixAccount, tableAccountState, a[:])
}

// GetAccountStatus reads an account's status; found is false for an
// account in good standing.
func GetAccountStatus(r state.Reader, a Address) (AccountStatus, bool, error) {
	var s AccountStatus
	found, err := GetJSON(r, AccountStatusKey(a), &s)
	return s, found, err
}

// IsDeceased reports whether account a is marked StatusDeceased.
func IsDeceased(r state.Reader, a Address) (bool, error) {
	s, found, err := GetAccountStatus(r, a)
	if err != nil {
		return false, err
	}
	return found && s.Status == StatusDeceased, nil
}

// SetAccountStatus records that an account can no longer sign (status
// StatusDisabled or StatusDeceased), effective from the next transaction.
func SetAccountStatus(w state.Writer, s AccountStatus) error {
	return SetJSON(w, AccountStatusKey(s.Account), s)
}

// ClearAccountStatus lets an account sign again (a disabled account
// restored by its registrar).
func ClearAccountStatus(w state.Writer, a Address) error {
	return w.Delete(AccountStatusKey(a))
}

// ResolveSigner returns the account a public key signs for. A key signs for
// its own address unless it was rotated into another account, in which case
// it signs for that account. It refuses a key that was rotated out of its
// account (ErrKeyRotated) and an account that can no longer sign
// (ErrAccountDisabled). An account that never signed is returned with
// sequence 0 and no public key (the caller records the key).
func ResolveSigner(r state.Reader, pub ed25519.PubKey) (Account, error) {
	addr := AddressOf(pub)
	var b KeyBinding
	bound, err := GetJSON(r, KeyIndexKey(addr), &b)
	if err != nil {
		return Account{}, err
	}
	if bound {
		addr = b.Account
	}
	acc, _, err := GetAccount(r, addr)
	if err != nil {
		return Account{}, err
	}
	if len(acc.PubKey) > 0 && !bytes.Equal(acc.PubKey, pub) {
		return Account{}, Wrapf(ErrKeyRotated, "account %s has another key now", addr)
	}
	st, disabled, err := GetAccountStatus(r, addr)
	if err != nil {
		return Account{}, err
	}
	if disabled {
		return Account{}, Wrapf(ErrAccountDisabled, "account %s is %s: %s", addr, st.Status, st.Reason)
	}
	return acc, nil
}

// RotateKey makes newPub the only key that signs for account a, keeping the
// account's address, sequence, roles and records. The old key can no longer
// sign, for this account or any other. It refuses a key that signs, or
// once signed, for an account (its own or another).
func RotateKey(kv state.KV, a Address, newPub ed25519.PubKey) error {
	acc, found, err := GetAccount(kv, a)
	if err != nil {
		return err
	}
	if !found {
		return Wrapf(ErrNoSuchSigner, "account %s has never signed", a)
	}
	if bytes.Equal(acc.PubKey, newPub) {
		return Wrapf(ErrSameKey, "account %s", a)
	}
	newAddr := AddressOf(newPub)
	if newAddr == a {
		return Wrapf(ErrKeyInUse, "the original key of account %s was rotated out and cannot come back", a)
	}
	if used, err := kv.Has(KeyIndexKey(newAddr)); err != nil {
		return err
	} else if used {
		return Wrapf(ErrKeyInUse, "key %s", newAddr)
	}
	if _, own, err := GetAccount(kv, newAddr); err != nil {
		return err
	} else if own {
		return Wrapf(ErrKeyInUse, "key %s has signed as its own account", newAddr)
	}
	// An old key's index entry stays: it keeps resolving to this account,
	// where it no longer matches, so it stays refused and is never reused.
	if err := SetJSON(kv, KeyIndexKey(newAddr), KeyBinding{Key: newAddr, Account: a}); err != nil {
		return err
	}
	acc.PubKey = HexBytes(newPub)
	return SetAccount(kv, acc)
}
