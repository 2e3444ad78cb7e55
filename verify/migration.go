package verify

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/cometbft/cometbft/crypto/merkle"
)

// MigrationFormat is the format of every migration certificate.
const MigrationFormat = "govchain-migration/1"

// ErrMigration marks a migration certificate that does not prove its row
// became its record.
var ErrMigration = errors.New("verify: migration not proven")

// Migration proves that a record the chain holds came from row N of a
// legacy dump: the row with its Merkle path to the dump's root, a
// certificate of /chain/info (the chain information, which names the
// dumps the initial state was built from by registry, hash, root and row
// count) and a certificate of the record. Both certificates are of the
// same chain and should be of the imported state (height 1), where every
// imported record is exactly its row's mapping.
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
// the canonical row of registry maps to when registered by signer (an
// account in hex). This package knows no registry; govchain's legacy.Match
// is one.
type RowMatch func(registry string, row []byte, signer string, record []byte) error

// MigrationResult is what a verified migration certificate proves.
type MigrationResult struct {
	Registry string
	// File, SHA256 and Root name the dump as the chain's genesis did.
	File   string
	SHA256 string
	Root   string
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
// keys), the origin being /chain/info and the record a record of the same
// chain; that the chain information names a dump of m's registry with
// m.Row.Total rows whose root the row's Merkle path reaches; and, with
// match, that the certified record is the row's mapping, registered by
// the dump's signer. It fails closed, with ErrMigration for a certificate
// that verifies but does not prove the migration.
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
	if origin.Path != "/chain/info" || origin.Kind != KindRecord || len(origin.Entries) != 1 {
		return nil, fmt.Errorf("%w: the origin certificate must be a record of /chain/info, is a %s of %s", ErrMigration, origin.Kind, origin.Path)
	}
	record, err := Verify(m.Record, trust, keys)
	if err != nil {
		return nil, fmt.Errorf("record: %w", err)
	}
	if record.Kind != KindRecord || len(record.Entries) != 1 {
		return nil, fmt.Errorf("%w: the record certificate must be of kind record, is %s", ErrMigration, record.Kind)
	}
	var info struct {
		Import []importRef `json:"import"`
	}
	if err := json.Unmarshal(origin.Entries[0].Value, &info); err != nil {
		return nil, fmt.Errorf("%w: chain information does not decode: %v", ErrMigration, err)
	}
	row := []byte(m.Row.Row)
	leaf := sha256.Sum256(append([]byte{0}, row...))
	proof := merkle.Proof{Total: m.Row.Total, Index: m.Row.Index, LeafHash: leaf[:]}
	for _, a := range m.Row.Aunts {
		proof.Aunts = append(proof.Aunts, a)
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
		if err := match(m.Registry, row, ref.Signer, record.Entries[0].Value); err != nil {
			return nil, fmt.Errorf("%w: the record at %s is not row %d's mapping: %v", ErrMigration, record.Path, m.Row.Index, err)
		}
		return &MigrationResult{Registry: m.Registry, File: ref.File, SHA256: ref.SHA256, Root: ref.RootHex,
			Index: m.Row.Index, Total: m.Row.Total, Row: m.Row.Row, Origin: origin, Record: record}, nil
	}
	return nil, fmt.Errorf("%w: no %s dump of %d rows named by the chain has row %d as given", ErrMigration, m.Registry, m.Row.Total, m.Row.Index)
}
