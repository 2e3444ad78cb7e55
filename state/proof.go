package state

import (
	"bytes"
	"errors"
	"fmt"

	ics23 "github.com/cosmos/ics23/go"
)

// VerifyExistence checks that proof shows key = value in the tree whose root
// hash is root, under ics23.IavlSpec. Only a plain existence proof is
// accepted (no batch or compressed proofs), and its key and value must equal
// key and value byte for byte before the root is computed.
func VerifyExistence(root []byte, proof *ics23.CommitmentProof, key, value []byte) error {
	if err := checkArgs(root, key); err != nil {
		return err
	}
	ep := proof.GetExist()
	if ep == nil {
		return errors.New("state: not an existence proof")
	}
	if !bytes.Equal(ep.Key, key) {
		return errors.New("state: existence proof is for another key")
	}
	if value == nil || !bytes.Equal(ep.Value, value) {
		return errors.New("state: existence proof is for another value")
	}
	if err := ep.Verify(ProofSpec(), root, key, value); err != nil {
		return fmt.Errorf("state: invalid existence proof: %w", err)
	}
	return nil
}

// VerifyAbsence checks that proof shows key absent from the tree whose root
// hash is root, under ics23.IavlSpec. Only a plain non-existence proof for
// exactly key is accepted; its neighbours must be valid existence proofs
// that bracket key.
func VerifyAbsence(root []byte, proof *ics23.CommitmentProof, key []byte) error {
	if err := checkArgs(root, key); err != nil {
		return err
	}
	np := proof.GetNonexist()
	if np == nil {
		return errors.New("state: not a non-existence proof")
	}
	if !bytes.Equal(np.Key, key) {
		return errors.New("state: non-existence proof is for another key")
	}
	for _, side := range []*ics23.ExistenceProof{np.Left, np.Right} {
		if side != nil && bytes.Equal(side.Key, key) {
			return errors.New("state: non-existence proof contains the key")
		}
	}
	if err := np.Verify(ProofSpec(), root, key); err != nil {
		return fmt.Errorf("state: invalid non-existence proof: %w", err)
	}
	return nil
}

func checkArgs(root, key []byte) error {
	if len(root) != 32 {
		return fmt.Errorf("state: root hash must be 32 bytes, got %d", len(root))
	}
	if len(key) == 0 {
		return ErrEmptyKey
	}
	return nil
}

// EncodeProof returns the protobuf encoding of proof.
func EncodeProof(proof *ics23.CommitmentProof) ([]byte, error) {
	if proof == nil {
		return nil, errors.New("state: nil proof")
	}
	bz, err := proof.Marshal()
	if err != nil {
		return nil, fmt.Errorf("state: encode proof: %w", err)
	}
	return bz, nil
}

// DecodeProof parses a protobuf-encoded CommitmentProof. It does not verify
// it; use VerifyExistence or VerifyAbsence.
func DecodeProof(bz []byte) (*ics23.CommitmentProof, error) {
	var p ics23.CommitmentProof
	if err := p.Unmarshal(bz); err != nil {
		return nil, fmt.Errorf("state: decode proof: %w", err)
	}
	return &p, nil
}
