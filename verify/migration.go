package verify

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/cometbft/cometbft/crypto/merkle"
)

// MigrationFormat is the format of every migration certificate.
const MigrationFormat = "govchain-migration/1"

// ErrMigration marks a migration certificate that does not prove its row
// became its record.
var ErrMigration = errors.New("verify: migration not proven")

// Migration proves that a record the chain holds came from row N of a
// legacy dump: the row with its Merkle path to the dump's root, a
// certificate of its origin and a certificate of the record, both of the
// same chain and the same height.
//
// A record of a new chain's initial state (path A) has as origin
// /chain/info at height 1, the imported state: the chain information
// names the dumps the state was built from by registry, hash, root, row
// count and signer, and every imported record is exactly its row's
// mapping there.
//
// A record imported into a running chain (path B) has as origin the
// dump's checkpoint, /migration/checkpoint/ROOT, at the height H of the
// block that imported its row's batch: the checkpoint names the dump by
// registry, root and row count, says that a batch of it was imported at
// H and that the rows up to at least N were imported by then, and the
// record at H is exactly the row's mapping registered at H.
type Migration struct {
	Format   string       `json:"format"`
	Registry string       `json:"registry"`
	Row      RowProof     `json:"row"`
	Origin   *Certificate `json:"origin"`
	Record   *Certificate `json:"record"`
}

// RowProof is a canonical row, its index among Total rows, and the sibling
// hashes from its leaf up to the root, lowest first: CometBFT's simple
// Merkle tree (crypto/merkle, RFC 6962 hashing).
type RowProof struct {
	Index int64      `json:"index"`
	Total int64      `json:"total"`
	Row   string     `json:"row"`
	Aunts []HexBytes `json:"aunts"`
}

// RowMatch checks that record, the exact stored bytes, is the record that
// the canonical row of registry maps to when registered at height by
// signer (an account in hex; empty: the account the record itself names
// as registering it). This package knows no registry; govchain's
// legacy.MatchAt is one.
type RowMatch func(registry string, row []byte, signer string, height int64, record []byte) error

// CheckpointPath is the query path of the checkpoint of the dump with
// root rootHex (64 lower-case hex digits): the origin of a migration
// certificate of a record imported into a running chain.
func CheckpointPath(rootHex string) string { return checkpointPrefix + rootHex }

const checkpointPrefix = "/migration/checkpoint/"

// importHeight is the state version of a chain's imported initial state.
const importHeight = 1

// MigrationResult is what a verified migration certificate proves.
type MigrationResult struct {
	Registry string
	// File, SHA256 and Root name the dump as the chain's genesis did; a
	// dump imported into a running chain is named by its Root alone.
	File   string
	SHA256 string
	Root   string
	// Height is the height the record was imported at: 1 for a new
	// chain's initial state, else the block of its batch.
	Height int64
	Index  int64
	Total  int64
	Row    string
	Origin *Result
	Record *Result
}

// importRef is an entry of the chain information's "import" list.
type importRef struct {
	Registry string   `json:"registry"`
	File     string   `json:"file"`
	SHA256   string   `json:"sha256"`
	Root     HexBytes `json:"-"`
	RootHex  string   `json:"root"`
	Rows     int64    `json:"rows"`
	Signer   string   `json:"signer"`
}

// VerifyMigration checks m against trust: both certificates (Verify, with
// keys), records of the same chain at the same height. If the origin is
// /chain/info (at height 1): that the chain information names a dump of
// m's registry with m.Row.Total rows whose root the row's Merkle path
// reaches, and, with match, that the certified record is the row's
// mapping, registered by the dump's signer at height 1. If the origin is
// a dump's checkpoint (at height H): that it is of m's registry with
// m.Row.Total rows, that the row's Merkle path reaches its root, that a
// batch of it was imported at H and the rows up to m.Row.Index by then,
// and, with match, that the record is the row's mapping registered at H
// (by the account the record names). It fails closed, with ErrMigration
// for a certificate that verifies but does not prove the migration.
func VerifyMigration(m *Migration, trust *Trust, keys Keys, match RowMatch) (*MigrationResult, error) {
	if m == nil || m.Format != MigrationFormat {
		return nil, fmt.Errorf("%w: format must be %q", ErrMigration, MigrationFormat)
	}
	if m.Origin == nil || m.Record == nil || match == nil {
		return nil, fmt.Errorf("%w: origin and record certificates and a row match are required", ErrMigration)
	}
	origin, err := Verify(m.Origin, trust, keys)
	if err != nil {
		return nil, fmt.Errorf("origin: %w", err)
	}
	if origin.Kind != KindRecord || len(origin.Entries) != 1 {
		return nil, fmt.Errorf("%w: the origin certificate must be of kind record, is a %s of %s", ErrMigration, origin.Kind, origin.Path)
	}
	record, err := Verify(m.Record, trust, keys)
	if err != nil {
		return nil, fmt.Errorf("record: %w", err)
	}
	if record.Kind != KindRecord || len(record.Entries) != 1 {
		return nil, fmt.Errorf("%w: the record certificate must be of kind record, is %s", ErrMigration, record.Kind)
	}
	if origin.Height != record.Height {
		return nil, fmt.Errorf("%w: the origin certificate is of height %d, the record's of height %d", ErrMigration, origin.Height, record.Height)
	}
	row := []byte(m.Row.Row)
	leaf := sha256.Sum256(append([]byte{0}, row...))
	proof := merkle.Proof{Total: m.Row.Total, Index: m.Row.Index, LeafHash: leaf[:]}
	for _, a := range m.Row.Aunts {
		proof.Aunts = append(proof.Aunts, a)
	}
	if strings.HasPrefix(origin.Path, checkpointPrefix) {
		return verifyCheckpointed(m, origin, record, &proof, match)
	}
	if origin.Path != "/chain/info" || origin.Height != importHeight {
		return nil, fmt.Errorf("%w: the origin certificate must be of /chain/info at height %d or of a dump's checkpoint, is of %s at height %d", ErrMigration, importHeight, origin.Path, origin.Height)
	}
	var info struct {
		Import []importRef `json:"import"`
	}
	if err := json.Unmarshal(origin.Entries[0].Value, &info); err != nil {
		return nil, fmt.Errorf("%w: chain information does not decode: %v", ErrMigration, err)
	}
	for _, ref := range info.Import {
		if ref.Registry != m.Registry || ref.Rows != m.Row.Total {
			continue
		}
		if err := ref.Root.UnmarshalJSON([]byte(`"` + ref.RootHex + `"`)); err != nil {
			continue
		}
		if proof.Verify(ref.Root, row) != nil {
			continue
		}
		if err := match(m.Registry, row, ref.Signer, importHeight, record.Entries[0].Value); err != nil {
			return nil, fmt.Errorf("%w: the record at %s is not row %d's mapping: %v", ErrMigration, record.Path, m.Row.Index, err)
		}
		return &MigrationResult{Registry: m.Registry, File: ref.File, SHA256: ref.SHA256, Root: ref.RootHex, Height: importHeight,
			Index: m.Row.Index, Total: m.Row.Total, Row: m.Row.Row, Origin: origin, Record: record}, nil
	}
	return nil, fmt.Errorf("%w: no %s dump of %d rows named by the chain has row %d as given", ErrMigration, m.Registry, m.Row.Total, m.Row.Index)
}

// checkpoint is the part of a dump's checkpoint (govchain's
// migration.Checkpoint) that a migration certificate rests on.
type checkpoint struct {
	Registry        string   `json:"registry"`
	Root            HexBytes `json:"root"`
	Total           int64    `json:"total"`
	Next            int64    `json:"next"`
	LastBatchHeight int64    `json:"last_batch_height"`
}

// verifyCheckpointed is VerifyMigration of a record imported into a
// running chain: origin is the certified checkpoint of the dump, at the
// record's height.
func verifyCheckpointed(m *Migration, origin, record *Result, proof *merkle.Proof, match RowMatch) (*MigrationResult, error) {
	var cp checkpoint
	if err := json.Unmarshal(origin.Entries[0].Value, &cp); err != nil {
		return nil, fmt.Errorf("%w: checkpoint does not decode: %v", ErrMigration, err)
	}
	rootHex := hex.EncodeToString(cp.Root)
	switch {
	case origin.Path != CheckpointPath(rootHex):
		return nil, fmt.Errorf("%w: the checkpoint at %s is of root %s", ErrMigration, origin.Path, rootHex)
	case cp.Registry != m.Registry || cp.Total != m.Row.Total:
		return nil, fmt.Errorf("%w: the checkpoint is of a %s dump of %d rows, the row of a %s dump of %d", ErrMigration, cp.Registry, cp.Total, m.Registry, m.Row.Total)
	case proof.Verify(cp.Root, []byte(m.Row.Row)) != nil:
		return nil, fmt.Errorf("%w: row %d as given is not in the dump of root %s", ErrMigration, m.Row.Index, rootHex)
	case cp.LastBatchHeight != origin.Height:
		return nil, fmt.Errorf("%w: the checkpoint at height %d shows no batch imported at that height (the last at %d)", ErrMigration, origin.Height, cp.LastBatchHeight)
	case cp.Next <= m.Row.Index:
		return nil, fmt.Errorf("%w: at height %d the dump was imported up to row %d, not to row %d", ErrMigration, origin.Height, cp.Next, m.Row.Index)
	}
	if err := match(m.Registry, []byte(m.Row.Row), "", origin.Height, record.Entries[0].Value); err != nil {
		return nil, fmt.Errorf("%w: the record at %s is not row %d's mapping at height %d: %v", ErrMigration, record.Path, m.Row.Index, origin.Height, err)
	}
	return &MigrationResult{Registry: m.Registry, Root: rootHex, Height: origin.Height,
		Index: m.Row.Index, Total: m.Row.Total, Row: m.Row.Row, Origin: origin, Record: record}, nil
}
