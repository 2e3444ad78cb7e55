package core

import (
	"time"

	"github.com/govchain/govchain/state"
)

// ImportHeight is the state version of a genesis that names legacy dumps:
// its state is committed in InitChain, so the chain's first block is
// ImportHeight+1 (genesis.json's initial_height).
const ImportHeight = 1

// ImportRef names a legacy dump by its hash and root, not by its rows: each
// validator reads its own copy (package legacy) and builds the same state.
type ImportRef struct {
	// Registry is the dump's registry, as package legacy names it
	// ("parcels", "vehicles").
	Registry string `json:"registry"`
	// File is the dump's file name in the node's import directory.
	File string `json:"file"`
	// SHA256 is the SHA-256 of the dump's bytes, in hex.
	SHA256 string `json:"sha256"`
	// Root is the Merkle root over the dump's canonical rows, in hex.
	Root string `json:"root"`
	// Rows is the number of canonical rows.
	Rows uint64 `json:"rows"`
	// Signer is the account the records are registered by; genesis must
	// grant it the registry's role.
	Signer Address `json:"signer"`
}

// ImportOrigin is the block context imported records are created in.
type ImportOrigin struct {
	ChainID string
	Height  int64
	Time    time.Time
}

// GenesisLoader builds the initial state of a genesis that names dumps:
// genesis holds the genesis state; the loader checks the node's copy of
// each dump against its ref (hash, root, rows) and executes its rows as
// the registry's messages signed by ref.Signer, over the genesis state.
// The state it returns is the genesis state with every record the rows
// made, exactly as executing them one after another on one store would
// leave it. It must be deterministic in the dumps' bytes; any error stops
// InitChain, and the node does not start.
type GenesisLoader func(refs []ImportRef, genesis state.Reader, origin ImportOrigin) (ImportedState, error)

// ImportedState is a whole initial state built by a GenesisLoader, held
// outside the store until it is written there in one pass.
type ImportedState interface {
	// Len is the number of keys.
	Len() int
	// Iterator yields every key and its value in ascending key order; it
	// may be called more than once. Keys and values stay valid after the
	// iterator moves on.
	Iterator() (state.Iterator, error)
	// Close releases what the state holds (its files); call it once the
	// state is written.
	Close() error
}
