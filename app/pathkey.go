package app

import (
	"encoding/hex"
	"strings"

	"github.com/govchain/govchain/app/core"
)

// PathKey returns the store key the answer to a query path rests on: the
// record, or the anchor (first entry) of a multi-key answer, which is also
// the key whose absence a not-found answer proves. ok is false for a path
// Query refuses as malformed or unknown. It reads no state: it dispatches
// like route, through the same resolver, so the key a node answers with
// and the key a client binds a proof to cannot differ.
func PathKey(path string) (key []byte, ok bool) {
	resolve, parts, err := resolverOf(path)
	if err != nil {
		return nil, false
	}
	key, _, err = resolve(parts)
	return key, err == nil
}

// storeKeyOf is the key /store/{hex key} names.
func storeKeyOf(path []string) ([]byte, error) {
	if len(path) != 1 {
		return nil, core.Wrapf(ErrUnknownQueryPath, "use /store/<hex key>")
	}
	key, err := hex.DecodeString(path[0])
	if err != nil || len(key) == 0 {
		return nil, core.Wrapf(ErrUnknownQueryPath, "/store/%s: key must be non-empty hex", path[0])
	}
	return key, nil
}

// accountKeyOf is the key of the account /account/{address} names.
func accountKeyOf(path []string) ([]byte, error) {
	if len(path) != 1 {
		return nil, core.Wrapf(ErrUnknownQueryPath, "use /account/<address>")
	}
	addr, err := core.ParseAddress(path[0])
	if err != nil {
		return nil, err
	}
	return core.AccountKey(addr), nil
}

// keyIndexKeyOf is the key naming the account that the key /key/{key
// address} was rotated into.
func keyIndexKeyOf(path []string) ([]byte, error) {
	if len(path) != 1 {
		return nil, core.Wrapf(ErrUnknownQueryPath, "use /key/<key address>")
	}
	addr, err := core.ParseAddress(path[0])
	if err != nil {
		return nil, err
	}
	return core.KeyIndexKey(addr), nil
}

// chainKeyOf is the key of /chain/info, the ChainInfo record.
func chainKeyOf(path []string) ([]byte, error) {
	if len(path) != 1 || path[0] != "info" {
		return nil, core.Wrapf(ErrUnknownQueryPath, "%q", "/"+strings.Join(append([]string{"chain"}, path...), "/"))
	}
	return ChainInfoKey(), nil
}
