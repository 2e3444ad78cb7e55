package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/app/auction"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/client"
)

// TestAuctionSaltFile signs a sealed bid and its reveal offline: commit-bid
// creates the salt file (mode 0600) and sends only the commitment, which
// the amount, the account and that salt open; reveal-bid reads the same
// salt; a bid is never committed with a salt file that is not a salt, and
// a reveal needs its file.
func TestAuctionSaltFile(t *testing.T) {
	home := filepath.Join(t.TempDir(), "dev")
	_, errOut, code := govchain(t, "init", "--dev", "--home", home, "--chain-id", "govchain-dev")
	require.Equal(t, 0, code, errOut)
	saltPath := filepath.Join(t.TempDir(), "alice.salt")
	offline := []string{"--home", home, "--from", "alice", "--sequence", "0", "--generate-only", "--auction-id", "3", "--salt-file", saltPath}

	out, errOut, code := govchain(t, append([]string{"tx", "auction", "commit-bid", "--amount", "750000", "--bank", "bank"}, offline...)...)
	require.Equal(t, 0, code, errOut)
	st, err := os.Stat(saltPath)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	b, err := os.ReadFile(saltPath)
	require.NoError(t, err)
	salt, err := core.ParseHash(strings.TrimSpace(string(b)))
	require.NoError(t, err)
	require.NotContains(t, out, "750000", "the amount is not sent")
	d, err := app.Decode([]byte(strings.TrimSpace(out)), app.DefaultMaxTxBytes)
	require.NoError(t, err)
	bid, ok := d.Msg.(*auction.CommitBid)
	require.True(t, ok, "%T", d.Msg)
	key, err := client.NewKeyring(filepath.Join(home, "keyring")).Get("alice")
	require.NoError(t, err)
	require.Equal(t, auction.Commitment(3, key.Address(), 750000, salt), bid.Commitment)

	// A second commit-bid reuses the salt file, never overwriting it.
	_, errOut, code = govchain(t, append([]string{"tx", "auction", "commit-bid", "--amount", "750000", "--bank", "bank"}, offline...)...)
	require.Equal(t, 0, code, errOut)
	again, err := os.ReadFile(saltPath)
	require.NoError(t, err)
	require.Equal(t, b, again)

	out, errOut, code = govchain(t, append([]string{"tx", "auction", "reveal-bid", "--amount", "750000"}, offline...)...)
	require.Equal(t, 0, code, errOut)
	d, err = app.Decode([]byte(strings.TrimSpace(out)), app.DefaultMaxTxBytes)
	require.NoError(t, err)
	require.Equal(t, &auction.RevealBid{AuctionID: 3, Amount: 750000, Salt: salt}, d.Msg)

	require.NoError(t, os.WriteFile(saltPath, []byte("not a salt\n"), 0o600))
	_, errOut, code = govchain(t, append([]string{"tx", "auction", "commit-bid", "--amount", "1", "--bank", "bank"}, offline...)...)
	requireOneLineError(t, errOut, code, "not a salt (64 hex digits)")
	missing := append([]string{"tx", "auction", "reveal-bid", "--amount", "1"}, offline...)
	missing[len(missing)-1] = filepath.Join(t.TempDir(), "lost.salt")
	_, errOut, code = govchain(t, missing...)
	requireOneLineError(t, errOut, code, "no such file")
	_, errOut, code = govchain(t, "query", "auction", "wait", "1", "--for", "bidding", "--home", home)
	requireOneLineError(t, errOut, code, "--for must be reveal or close")
}
