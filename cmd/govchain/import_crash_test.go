package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	rpchttp "github.com/cometbft/cometbft/rpc/client/http"
	cmtypes "github.com/cometbft/cometbft/types"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/legacy"
	"github.com/govchain/govchain/state/store"
)

// TestImportNodeStartsAfterCrashBeforeCometSavedTheHash reproduces the
// crash window of path A: the node's store holds the imported state
// (InitChain ran and committed it) while CometBFT's state and block store
// are empty, as when a validator stops before CometBFT saves the hash
// InitChain returned. The node starts, and the first block's header
// carries the very hash the import committed.
func TestImportNodeStartsAfterCrashBeforeCometSavedTheHash(t *testing.T) {
	dir := t.TempDir()
	dump := filepath.Join(dir, "parcels.csv")
	_, _, code := govchain(t, "import", "generate", "parcels", "--rows", "400", "--bad-every", "50", "--out", dump)
	require.Equal(t, 0, code)
	var imported []byte
	n := startDevNodeWith(t, "import-crash-1", func(home string) {
		out, _, code := govchain(t, "keys", "show", "registrar", "--address", "--home", home)
		require.Equal(t, 0, code)
		_, stderr, code := govchain(t, "import", "genesis", "parcels", dump, "--home", home, "--signer", strings.Fields(out)[0])
		require.Equal(t, 0, code, stderr)

		// The import commits; CometBFT never runs.
		doc, err := cmtypes.GenesisDocFromFile(filepath.Join(home, "config", "genesis.json"))
		require.NoError(t, err)
		cfg, err := LoadConfig(home)
		require.NoError(t, err)
		st, err := store.Open(filepath.Join(home, "data", "state"), cfg.State)
		require.NoError(t, err)
		a, err := app.New(st)
		require.NoError(t, err)
		a.SetGenesisLoader(legacy.NodeLoader(context.Background(), importDir(home), "", nil))
		imported, _, err = a.InitChain(doc.ChainID, doc.GenesisTime, doc.InitialHeight, doc.AppState)
		require.NoError(t, err)
		require.Equal(t, int64(app.ImportHeight), st.Version())
		require.NoError(t, a.Close())
	})
	rpc, err := rpchttp.New(n.url, "/websocket")
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	h := int64(app.ImportHeight + 1)
	require.Eventually(t, func() bool {
		b, err := rpc.Block(ctx, &h)
		return err == nil && b.Block != nil
	}, 30*time.Second, 100*time.Millisecond, "the node made no first block")
	b, err := rpc.Block(ctx, &h)
	require.NoError(t, err)
	require.Equal(t, imported, []byte(b.Block.AppHash), "the first block's header carries the imported state's hash")
	out, stderr, code := n.cli("query", "land", "parcel", "BY-02-00000001")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, out, `"area_m2"`)
}
