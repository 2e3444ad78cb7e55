package datasvc

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestMigrateFromVersion1: a database written by the first schema, with a
// confirmed delivery, opens migrated to the current version and keeps the
// delivery, whose class and subject it cannot know (empty); erasing a
// record leaves that delivery alone.
func TestMigrateFromVersion1(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "svc", "datasvc.db")
	st, err := Open(path)
	require.NoError(t, err)
	require.NoError(t, st.Close())

	// Rebuild the file as the first schema left it.
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	_, err = db.Exec(`DROP TABLE meta; DROP TABLE hpke_keys; DROP TABLE field_values; DROP TABLE record_versions;
		DROP TABLE deliveries; DROP TABLE received; DROP TABLE erasures; UPDATE schema_version SET version = 0`)
	require.NoError(t, err)
	_, err = db.Exec(migrations[0])
	require.NoError(t, err)
	_, err = db.Exec(`UPDATE schema_version SET version = 1;
		INSERT INTO deliveries (request_id, key_id, sealed, payload_hash, stored_at, receipt_height, receipt_tx)
		VALUES (7, 'k1', x'0102', zeroblob(32), '2026-01-01T00:00:00Z', 12, 'AB')`)
	require.NoError(t, err)
	require.NoError(t, db.Close())

	st, err = Open(path)
	require.NoError(t, err)
	defer st.Close()
	v, err := st.Version(ctx)
	require.NoError(t, err)
	require.Equal(t, SchemaVersion(), v)
	d, err := st.Delivery(ctx, 7)
	require.NoError(t, err)
	require.NotNil(t, d)
	require.Equal(t, []byte{1, 2}, d.Sealed)
	require.Empty(t, d.Class)
	require.Equal(t, int64(12), d.ReceiptHeight)

	e, err := st.Erase(ctx, "tax", "P-7", 20)
	require.NoError(t, err)
	require.Zero(t, e.Payloads)
	d, err = st.Delivery(ctx, 7)
	require.NoError(t, err)
	require.Equal(t, []byte{1, 2}, d.Sealed, "a delivery of unknown record is not erased")
}
