package migration

import (
	"github.com/govchain/govchain/state"
)

// Prefix is the first byte of every store key of this module (see
// core.Module); frozen, never reused.
const Prefix byte = 0xB0

// Tables under Prefix; each byte is used by one table and never reused.
const (
	// tableCheckpoint: a dump's root (32 bytes) -> Checkpoint.
	tableCheckpoint byte = 0x01
)

// CheckpointKey is the store key of the checkpoint of the dump with root.
func CheckpointKey(root []byte) []byte { return state.Key(Prefix, tableCheckpoint, root) }
