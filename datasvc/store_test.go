package datasvc_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/datasvc"
	"github.com/govchain/govchain/seal"
)

func openStore(t *testing.T) *datasvc.Store {
	t.Helper()
	st, err := datasvc.Open(filepath.Join(t.TempDir(), "svc", "datasvc.db"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// TestDatasvcStoreOpen: a new database is created private (0600 in a 0700
// directory) at the current schema version; reopening migrates nothing
// and loses nothing; a file others may read, a database of a newer
// program and a path SQLite would read as options are refused.
func TestDatasvcStoreOpen(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "svc")
	path := filepath.Join(dir, "datasvc.db")
	st, err := datasvc.Open(path)
	require.NoError(t, err)
	v, err := st.Version(ctx)
	require.NoError(t, err)
	require.Equal(t, datasvc.SchemaVersion(), v)
	require.Equal(t, 2, v, "version 2 added the erasures")
	_, err = st.GenerateKey(ctx, seal.SuiteX25519, "k1")
	require.NoError(t, err)
	for _, f := range []string{dir, path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(f)
		require.NoError(t, err)
		require.Zero(t, fi.Mode().Perm()&0o077, "%s is private (mode %04o)", f, fi.Mode().Perm())
	}
	require.NoError(t, st.Close())

	st, err = datasvc.Open(path)
	require.NoError(t, err)
	keys, err := st.Keys(ctx)
	require.NoError(t, err)
	require.Len(t, keys, 1, "reopening keeps what was stored")
	require.NoError(t, st.Close())

	require.NoError(t, os.Chmod(path, 0o644))
	_, err = datasvc.Open(path)
	require.ErrorIs(t, err, datasvc.ErrStore)
	require.ErrorContains(t, err, "accessible by other users (mode 0644)")
	require.NoError(t, os.Chmod(path, 0o600))

	// A database a newer program migrated further.
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	_, err = db.Exec(`UPDATE schema_version SET version = 99`)
	require.NoError(t, err)
	require.NoError(t, db.Close())
	_, err = datasvc.Open(path)
	require.ErrorContains(t, err, "has schema version 99; this program knows versions up to 2")

	_, err = datasvc.Open(filepath.Join(t.TempDir(), "x.db?mode=ro"))
	require.ErrorIs(t, err, datasvc.ErrStore)
}

// TestDatasvcStoreKeys: a generated key is stored with its suite and
// parses back to the same key pair; a key id is never reused; an unknown
// suite or a malformed key id stores nothing.
func TestDatasvcStoreKeys(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	for _, suite := range seal.Suites() {
		id := "k-" + suite
		info, err := st.GenerateKey(ctx, suite, id)
		require.NoError(t, err)
		require.NoError(t, seal.ParsePublicKey(suite, info.PublicKey))
		priv, err := st.PrivateKey(ctx, id)
		require.NoError(t, err)
		require.Equal(t, suite, priv.Suite())
		require.Equal(t, []byte(info.PublicKey), priv.PublicKeyBytes())
	}
	_, err := st.GenerateKey(ctx, seal.SuiteX25519, "k-x25519")
	require.ErrorIs(t, err, datasvc.ErrKeyExists)
	_, err = st.GenerateKey(ctx, "rsa", "k2")
	require.ErrorIs(t, err, seal.ErrUnknownSuite)
	_, err = st.GenerateKey(ctx, seal.SuiteX25519, "bad id")
	require.ErrorContains(t, err, "only letters, digits")
	_, err = st.PrivateKey(ctx, "k2")
	require.ErrorIs(t, err, datasvc.ErrNoKey)
	keys, err := st.Keys(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"k-mlkem768-x25519", "k-x25519"}, []string{keys[0].KeyID, keys[1].KeyID})
}

func fields(kv ...string) []seal.Field {
	var out []seal.Field
	for i := 0; i < len(kv); i += 2 {
		out = append(out, seal.Field{Name: kv[i], Value: kv[i+1], Salt: seal.NewSalt()})
	}
	return out
}

// TestDatasvcStoreVersions: versions count from 1 per record; a version
// is found by its chain version once confirmed; only a pending version
// can be removed; the chain version is unique per record.
func TestDatasvcStoreVersions(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	v1, err := st.AddVersion(ctx, "tax", "P-1", fields("a", "1", "b", "2"))
	require.NoError(t, err)
	require.EqualValues(t, 1, v1.Version)
	v2, err := st.AddVersion(ctx, "tax", "P-1", fields("a", "1", "b", "3"))
	require.NoError(t, err)
	require.EqualValues(t, 2, v2.Version)
	other, err := st.AddVersion(ctx, "tax", "P-2", fields("a", "9", "b", "9"))
	require.NoError(t, err)
	require.EqualValues(t, 1, other.Version)

	latest, err := st.LatestVersion(ctx, "tax", "P-1")
	require.NoError(t, err)
	require.Equal(t, v2.Fields, latest.Fields, "values and salts read back")
	require.Zero(t, latest.ChainVersion)
	missing, err := st.LatestVersion(ctx, "tax", "P-3")
	require.NoError(t, err)
	require.Nil(t, missing)

	require.NoError(t, st.ConfirmVersion(ctx, "tax", "P-1", 1, 7))
	got, err := st.VersionOnChain(ctx, "tax", "P-1", 7)
	require.NoError(t, err)
	require.Equal(t, v1.Fields, got.Fields)
	require.EqualValues(t, 7, got.ChainVersion)
	require.ErrorIs(t, st.ConfirmVersion(ctx, "tax", "P-1", 2, 7), datasvc.ErrStore, "one local version per chain version")

	require.NoError(t, st.DeletePendingVersion(ctx, "tax", "P-1", 1))
	require.NoError(t, st.DeletePendingVersion(ctx, "tax", "P-1", 2))
	got, err = st.VersionOnChain(ctx, "tax", "P-1", 7)
	require.NoError(t, err)
	require.NotNil(t, got, "a confirmed version is never removed")
	latest, err = st.LatestVersion(ctx, "tax", "P-1")
	require.NoError(t, err)
	require.EqualValues(t, 1, latest.Version, "the pending version 2 is gone")

	classes, err := st.Classes(ctx)
	require.NoError(t, err)
	require.Equal(t, []datasvc.ClassCount{{Class: "tax", Records: 2, Versions: 2, Pending: 1}}, classes)
}

// TestDatasvcStoreDeliveries: one delivery per request; it is confirmed
// once; only an unconfirmed one can be removed; the agency a database
// belongs to is bound once.
func TestDatasvcStoreDeliveries(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	d := &datasvc.Delivery{RequestID: 5, KeyID: "k1", Sealed: []byte("sealed"), PayloadHash: seal.PayloadHash([]byte("sealed"))}
	require.NoError(t, st.StoreDelivery(ctx, d))
	require.ErrorIs(t, st.StoreDelivery(ctx, &datasvc.Delivery{RequestID: 5, KeyID: "k2", Sealed: []byte("other")}), datasvc.ErrStore)
	got, err := st.Delivery(ctx, 5)
	require.NoError(t, err)
	require.Equal(t, []byte("sealed"), got.Sealed)
	require.False(t, got.Confirmed())
	pending, err := st.Deliveries(ctx, true)
	require.NoError(t, err)
	require.Len(t, pending, 1)

	require.NoError(t, st.ConfirmDelivery(ctx, 5, 42, "ABCD"))
	require.NoError(t, st.DeletePendingDelivery(ctx, 5))
	got, err = st.Delivery(ctx, 5)
	require.NoError(t, err)
	require.EqualValues(t, 42, got.ReceiptHeight, "a confirmed delivery stays")
	pending, err = st.Deliveries(ctx, true)
	require.NoError(t, err)
	require.Empty(t, pending)

	require.NoError(t, st.StoreDelivery(ctx, &datasvc.Delivery{RequestID: 6, KeyID: "k1", Sealed: []byte("x")}))
	require.NoError(t, st.DeletePendingDelivery(ctx, 6))
	got, err = st.Delivery(ctx, 6)
	require.NoError(t, err)
	require.Nil(t, got)

	agency, err := st.Agency(ctx)
	require.NoError(t, err)
	require.Empty(t, agency)
	require.NoError(t, st.BindAgency(ctx, "interior"))
	require.NoError(t, st.BindAgency(ctx, "interior"))
	require.ErrorContains(t, st.BindAgency(ctx, "finance"), "belongs to agency interior; the signer acts for finance")

	status, err := st.Status(ctx)
	require.NoError(t, err)
	require.Equal(t, "interior", status.Agency)
	require.Len(t, status.Deliveries, 1)
	require.Nil(t, status.Deliveries[0].Sealed, "status carries no payload")
}

// TestDatasvcParseLines: a load file is accepted only whole: the first
// bad line is named, with why.
func TestDatasvcParseLines(t *testing.T) {
	class := []string{"address", "income"}
	good := `{"subject":"P-1","fields":{"address":"1 Main St","income":"52000"}}`
	lines, numbers, err := datasvc.ParseLines(strings.NewReader(good+"\n\n  \n"+strings.Replace(good, "P-1", "P-2", 1)+"\n"), class)
	require.NoError(t, err)
	require.Equal(t, []int{1, 4}, numbers, "blank lines are skipped, numbers are the file's")
	require.Equal(t, "P-2", lines[1].Subject)
	require.Equal(t, "52000", lines[0].Fields["income"])

	for _, tc := range []struct {
		name, line, want string
	}{
		{"not json", `{"subject":`, "not a JSON object"},
		{"unknown key", `{"subject":"P-3","fields":{"address":"a","income":"1"},"extra":1}`, `unknown field "extra"`},
		{"missing field", `{"subject":"P-3","fields":{"address":"a"}}`, "field income of the class is missing"},
		{"extra field", `{"subject":"P-3","fields":{"address":"a","income":"1","age":"3"}}`, "field age is not one of the class's"},
		{"bad subject", `{"subject":"P 3","fields":{"address":"a","income":"1"}}`, "subject"},
		{"two objects", good + good, "data after the JSON object"},
		{"duplicate subject", good, "subject P-1 is already on line 1"},
		{"not utf-8", "{\"subject\":\"P-3\",\"fields\":{\"address\":\"\xff\",\"income\":\"1\"}}", "not valid UTF-8"},
		{"lone surrogate", `{"subject":"P-3","fields":{"address":"\ud800","income":"1"}}`, "holds an escape that is not a character"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := datasvc.ParseLines(strings.NewReader(good+"\n"+tc.line+"\n"), class)
			var le *datasvc.LineError
			require.ErrorAs(t, err, &le)
			require.Equal(t, 2, le.Line)
			require.ErrorContains(t, err, tc.want)
		})
	}
	_, _, err = datasvc.ParseLines(strings.NewReader(strings.Repeat("x", datasvc.MaxLineBytes+1)), class)
	require.ErrorContains(t, err, "line 1: longer than")
}
