package sharing

import (
	"crypto/sha256"

	"github.com/govchain/govchain/app/core"
)

// SaltSize is the size of a field commitment's salt: a fresh random salt
// per field per version, drawn by the owner's data service (never on
// chain).
const SaltSize = 32

// Commit returns the commitment of one field's value:
// SHA-256(salt || 0x00 || field || 0x00 || value). Field names are
// identifiers, so they contain no 0x00 and the encoding is unambiguous.
// The owner computes it before sharing/commit_record; a recipient
// recomputes it from the salt and value it receives.
func Commit(salt []byte, field string, value []byte) core.Hash {
	h := sha256.New()
	h.Write(salt)
	h.Write([]byte{0})
	h.Write([]byte(field))
	h.Write([]byte{0})
	h.Write(value)
	var out core.Hash
	h.Sum(out[:0])
	return out
}
