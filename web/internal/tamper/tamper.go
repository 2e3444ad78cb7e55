// Package tamper changes a certificate file by one byte, as web's tests
// do to see the verifier refuse it: one byte of a stored value, of a
// proof, or of a validator's signature. Each returns an error, never a
// file it did not change.
//
// It is for tests only and must never be imported by the page's handler
// or verifier.
package tamper

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"

	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
)

// Value returns cert with the first occurrence of old (a piece of a
// stored value, such as `"area_m2": 1250`: in a history or list, the
// anchor's comes first) replaced by new, which should differ from it in
// one byte.
func Value(cert []byte, old, new string) ([]byte, error) {
	if !bytes.Contains(cert, []byte(old)) {
		return nil, fmt.Errorf("tamper: %q is not in the certificate", old)
	}
	return bytes.Replace(cert, []byte(old), []byte(new), 1), nil
}

var proofData = regexp.MustCompile(`"data": "([A-Za-z0-9+/=]+)"`)

// Proof returns cert with one base64 digit in the middle of its first
// proof op's data changed (one or two bytes of the proof).
func Proof(cert []byte) ([]byte, error) {
	m := proofData.FindSubmatchIndex(cert)
	if m == nil {
		return nil, errors.New("tamper: the certificate has no proof op")
	}
	out := bytes.Clone(cert)
	i := (m[2] + m[3]) / 2
	if out[i] == 'A' {
		out[i] = 'B'
	} else {
		out[i] = 'A'
	}
	return out, nil
}

// Signature returns cert with one byte of the first signature in the
// commit of its header H+1 changed, the signed header re-encoded.
func Signature(cert []byte) ([]byte, error) {
	var c struct {
		Block struct {
			SignedHeader []byte `json:"signed_header"`
		} `json:"block"`
	}
	if err := json.Unmarshal(cert, &c); err != nil {
		return nil, fmt.Errorf("tamper: %w", err)
	}
	var sh cmtproto.SignedHeader
	if err := sh.Unmarshal(c.Block.SignedHeader); err != nil {
		return nil, fmt.Errorf("tamper: signed header: %w", err)
	}
	if sh.Commit == nil || len(sh.Commit.Signatures) == 0 || len(sh.Commit.Signatures[0].Signature) < 8 {
		return nil, errors.New("tamper: the header's commit has no signature to change")
	}
	sh.Commit.Signatures[0].Signature[7] ^= 0x40
	bz, err := sh.Marshal()
	if err != nil {
		return nil, fmt.Errorf("tamper: %w", err)
	}
	old := base64.StdEncoding.EncodeToString(c.Block.SignedHeader)
	if n := bytes.Count(cert, []byte(old)); n != 1 {
		return nil, fmt.Errorf("tamper: the signed header occurs %d times in the certificate, not once", n)
	}
	return bytes.Replace(cert, []byte(old), []byte(base64.StdEncoding.EncodeToString(bz)), 1), nil
}
