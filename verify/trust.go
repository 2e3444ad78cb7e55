package verify

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/cometbft/cometbft/crypto/ed25519"
	cmtypes "github.com/cometbft/cometbft/types"
)

// Trust is what a verifier trusts before reading a certificate: the chain
// id and a validator set of that chain (the genesis validators, or a set
// the ministries published). Build it with ParseTrust or NewTrust.
type Trust struct {
	ChainID    string
	Validators *cmtypes.ValidatorSet
}

// TrustFile is the validator-set trust file format: the chain id and the
// validators (ed25519 keys, base64, and voting power).
type TrustFile struct {
	ChainID    string      `json:"chain_id"`
	Validators []Validator `json:"validators"`
}

// NewTrust returns the trust root of chainID whose validator set is vals.
func NewTrust(chainID string, vals []Validator) (*Trust, error) {
	if chainID == "" {
		return nil, fmt.Errorf("%w: empty chain id", ErrFormat)
	}
	set, err := validatorSet(vals)
	if err != nil {
		return nil, err
	}
	return &Trust{ChainID: chainID, Validators: set}, nil
}

// ParseTrust reads a trust root: a CometBFT genesis.json (its chain_id and
// validators), or a TrustFile.
func ParseTrust(data []byte) (*Trust, error) {
	var tf TrustFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&tf); err == nil {
		if _, err := dec.Token(); !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%w: data after the trust file", ErrFormat)
		}
		return NewTrust(tf.ChainID, tf.Validators)
	}
	doc, err := cmtypes.GenesisDocFromJSON(data)
	if err != nil {
		return nil, fmt.Errorf("%w: neither a validator-set file nor a genesis file: %v", ErrFormat, err)
	}
	vals := make([]Validator, 0, len(doc.Validators))
	for _, v := range doc.Validators {
		pk, ok := v.PubKey.(ed25519.PubKey)
		if !ok {
			return nil, fmt.Errorf("%w: genesis validator %X: only ed25519 keys are supported", ErrFormat, v.Address)
		}
		vals = append(vals, Validator{PubKey: pk, Power: v.Power})
	}
	if len(vals) == 0 {
		return nil, fmt.Errorf("%w: genesis lists no validators", ErrFormat)
	}
	// A genesis may list its validators in any order (testnet init writes
	// them in node order); the trust root takes them in the set's order,
	// by power, then address.
	slices.SortStableFunc(vals, func(a, b Validator) int {
		if a.Power != b.Power {
			return cmp.Compare(b.Power, a.Power)
		}
		return bytes.Compare(ed25519.PubKey(a.PubKey).Address(), ed25519.PubKey(b.PubKey).Address())
	})
	return NewTrust(doc.ChainID, vals)
}

// TrustFileOf returns the trust file of t, for Encode-like writing with
// encoding/json.
func TrustFileOf(t *Trust) TrustFile {
	return TrustFile{ChainID: t.ChainID, Validators: Validators(t.Validators)}
}

// Validators lists a validator set in the certificate's form, in the
// set's order. It panics on a key that is not ed25519.
func Validators(set *cmtypes.ValidatorSet) []Validator {
	out := make([]Validator, 0, set.Size())
	for _, v := range set.Validators {
		out = append(out, Validator{PubKey: v.PubKey.Bytes(), Power: v.VotingPower})
	}
	return out
}

// validatorSet builds the set vals lists, refusing a list that is empty,
// has a key that is not ed25519, a non-positive power, a duplicate, or is
// not in the set's own order (so that a set has one encoding).
func validatorSet(vals []Validator) (*cmtypes.ValidatorSet, error) {
	if len(vals) == 0 {
		return nil, fmt.Errorf("%w: empty validator set", ErrFormat)
	}
	list := make([]*cmtypes.Validator, 0, len(vals))
	seen := make(map[string]bool, len(vals))
	for i, v := range vals {
		if seen[string(v.PubKey)] {
			return nil, fmt.Errorf("%w: validator %d is listed twice", ErrFormat, i)
		}
		seen[string(v.PubKey)] = true
		if len(v.PubKey) != ed25519.PubKeySize {
			return nil, fmt.Errorf("%w: validator %d: an ed25519 key is %d bytes, got %d", ErrFormat, i, ed25519.PubKeySize, len(v.PubKey))
		}
		if v.Power <= 0 || v.Power > cmtypes.MaxTotalVotingPower {
			return nil, fmt.Errorf("%w: validator %d: power %d out of range", ErrFormat, i, v.Power)
		}
		list = append(list, cmtypes.NewValidator(ed25519.PubKey(bytes.Clone(v.PubKey)), v.Power))
	}
	set, err := cmtypes.ValidatorSetFromExistingValidators(list)
	if err != nil {
		return nil, fmt.Errorf("%w: validator set: %v", ErrFormat, err)
	}
	for i, v := range set.Validators {
		if !bytes.Equal(v.PubKey.Bytes(), vals[i].PubKey) {
			return nil, fmt.Errorf("%w: validators are not in the set's order (by power, then address)", ErrFormat)
		}
	}
	return set, nil
}
