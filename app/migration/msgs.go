package migration

import (
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/legacy"
)

// Name is the module's name: the prefix of its message types and of its
// query paths.
const Name = "migration"

// TypeImportBatch is the frozen type string of ImportBatch.
const TypeImportBatch = "migration/import_batch"

// ImportBatch (migration/import_batch, RoleImporter and the registry's
// role) imports rows [First, First+len(Rows)) of the dump of Registry
// with Merkle root Root over Total canonical rows. Size is the batch size
// (a power of two up to legacy.MaxBatchSize, First a multiple of it):
// Rows holds min(Size, Total-First) canonical rows, and Aunts the hashes
// that prove them against Root (legacy.VerifyBatch), lowest first.
type ImportBatch struct {
	Registry string          `json:"registry"`
	Root     core.HexBytes   `json:"root"`
	Total    uint64          `json:"total"`
	First    uint64          `json:"first"`
	Size     uint64          `json:"size"`
	Rows     []string        `json:"rows"`
	Aunts    []core.HexBytes `json:"aunts"`
}

// Type implements core.Msg.
func (ImportBatch) Type() string { return TypeImportBatch }

// Validate implements core.Msg: a known registry, a 32-byte root, a
// well-placed batch, and rows the aunts prove against the root.
func (m ImportBatch) Validate() error {
	if _, err := legacy.RegistryByName(m.Registry); err != nil {
		return fields.Invalidf("%v", err)
	}
	if len(m.Root) != 32 {
		return fields.Invalidf("root must be 32 bytes, got %d", len(m.Root))
	}
	if _, err := legacy.BatchLen(m.Total, m.First, m.Size); err != nil {
		return fields.Invalidf("%v", err)
	}
	rows := make([][]byte, len(m.Rows))
	for i, r := range m.Rows {
		rows[i] = []byte(r)
	}
	aunts := make([][]byte, len(m.Aunts))
	for i, a := range m.Aunts {
		aunts[i] = a
	}
	if err := legacy.VerifyBatch(m.Root, m.Total, m.First, m.Size, rows, aunts); err != nil {
		return core.Wrapf(ErrNotInDump, "%v", err)
	}
	return nil
}
