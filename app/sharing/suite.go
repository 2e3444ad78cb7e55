package sharing

import "fmt"

// publicKeySize is the encoded public key size of each HPKE suite: an
// X25519 key, and ML-KEM-768's encapsulation key followed by an X25519
// key.
var publicKeySize = map[string]int{
	SuiteX25519:         32,
	SuiteMLKEM768X25519: 1184 + 32,
}

// validatePublicKey accepts a public key of a known suite with the
// suite's encoded size.
func validatePublicKey(suite string, key []byte) error {
	n, ok := publicKeySize[suite]
	if !ok {
		return fmt.Errorf("unknown suite %q (want %q or %q)", suite, SuiteX25519, SuiteMLKEM768X25519)
	}
	if len(key) != n {
		return fmt.Errorf("a %s public key is %d bytes, got %d", suite, n, len(key))
	}
	return nil
}
