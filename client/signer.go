package client

import (
	"fmt"
	"io"

	"github.com/cometbft/cometbft/crypto/ed25519"

	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/app/core"
)

// Signer is an ed25519 key that signs transactions: a software key (*Key)
// or a key on a hardware token (*TokenSigner). A Signer that also
// implements io.Closer must be closed when no longer needed (CloseSigner).
type Signer interface {
	// PubKey returns the ed25519 public key; the signer's address is
	// core.AddressOf(PubKey()).
	PubKey() ed25519.PubKey
	// Sign returns the ed25519 signature of msg. It is safe for
	// concurrent use.
	Sign(msg []byte) ([]byte, error)
}

// SignerAddress returns the address of s's key.
func SignerAddress(s Signer) core.Address { return core.AddressOf(s.PubKey()) }

// CloseSigner closes s if it holds resources (a token session), and does
// nothing otherwise.
func CloseSigner(s Signer) error {
	if c, ok := s.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// Build signs msg for chainID with key at sequence and returns the
// transaction bytes. The message's stateless check runs first. It is
// BuildWith for a software key.
func Build(chainID string, key ed25519.PrivKey, sequence uint64, msg core.Msg) ([]byte, error) {
	return app.NewTx(chainID, key, sequence, msg)
}

// BuildWith signs msg for chainID with s at sequence and returns the
// transaction bytes: the same bytes Build returns for the same key,
// wherever the key is held. The message's stateless check runs first.
func BuildWith(chainID string, s Signer, sequence uint64, msg core.Msg) ([]byte, error) {
	if s == nil {
		return nil, fmt.Errorf("client: no signer")
	}
	return app.NewSignedTx(chainID, s.PubKey(), s.Sign, sequence, msg)
}
