//go:build !cgo

package client

import (
	"fmt"

	"github.com/cometbft/cometbft/crypto/ed25519"
)

// openToken refuses: PKCS#11 modules are C libraries, loaded through cgo.
func openToken(k PKCS11Key, _ []byte, _ bool) (tokenSession, ed25519.PubKey, error) {
	return nil, nil, fmt.Errorf("%w (token %q)", ErrNoCgo, k.Token)
}
