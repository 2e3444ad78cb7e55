package api_test

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/internal/devnode"
	"github.com/govchain/govchain/verify"
)

// The tests and the benchmark share one development node
// (internal/devnode). The first test that needs it starts it; TestMain
// stops it.

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.node != nil {
		shared.node.Stop()
	}
	os.Exit(code)
}

// devNode is the shared node, seen from the tests.
type devNode struct {
	bin, home, url, chainID string
	cl                      *client.Client
	kr                      *client.Keyring
	trust                   *verify.Trust
}

// shared is the shared node.
var shared struct {
	once sync.Once
	n    *devNode
	node *devnode.Node
	err  error
}

// node returns the shared node, starting it on first use.
func node(tb testing.TB) *devNode {
	tb.Helper()
	shared.once.Do(func() { shared.n, shared.err = startNode() })
	require.NoError(tb, shared.err)
	return shared.n
}

func startNode() (*devNode, error) {
	dn, err := devnode.Start(devnode.Options{ChainID: "api-test", Prefix: "govchain-api-"})
	if err != nil {
		return nil, err
	}
	shared.node = dn
	n := &devNode{bin: dn.Bin, home: dn.Home, url: dn.URL, chainID: dn.ChainID, cl: dn.Client, kr: dn.Keyring}
	n.cl.PollInterval = 50 * time.Millisecond
	genesis, err := os.ReadFile(filepath.Join(n.home, "config", "genesis.json"))
	if err != nil {
		return nil, err
	}
	if n.trust, err = verify.ParseTrust(genesis); err != nil {
		return nil, err
	}
	return n, nil
}
