package state

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// enginePaths are the module paths of the storage engines and their
// databases: only the node (through state/store) may link them.
var enginePaths = []string{
	"github.com/crypto-org-chain/cronos/memiavl",
	"github.com/cosmos/iavl",
	"github.com/cosmos/cosmos-db",
	"github.com/cockroachdb/pebble",
}

// linkedEngines returns, for each package, the engine packages among its
// non-test dependencies, as the go command lists them.
func linkedEngines(t *testing.T, pkgs ...string) map[string][]string {
	t.Helper()
	args := append([]string{"list", "-f", "{{.ImportPath}}{{range .Deps}} {{.}}{{end}}"}, pkgs...)
	out, err := exec.Command("go", args...).Output()
	if ee, ok := err.(*exec.ExitError); ok {
		t.Fatalf("go list: %v: %s", err, ee.Stderr)
	}
	require.NoError(t, err)
	linked := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		require.NotEmpty(t, fields)
		linked[fields[0]] = nil
		for _, dep := range fields[1:] {
			for _, e := range enginePaths {
				if dep == e || strings.HasPrefix(dep, e+"/") {
					linked[fields[0]] = append(linked[fields[0]], dep)
				}
			}
		}
	}
	require.Len(t, linked, len(pkgs))
	return linked
}

// TestNoEngineOutsideTheNode checks that what other programs embed (state
// itself, the app, the client and the proof verifier) links no storage
// engine, and that the check sees the engines where they are linked.
func TestNoEngineOutsideTheNode(t *testing.T) {
	const mod = "github.com/govchain/govchain/"
	free := []string{mod + "state", mod + "app", mod + "client", mod + "verify"}
	node := mod + "state/store"
	linked := linkedEngines(t, append(free, node)...)
	for _, p := range free {
		require.Empty(t, linked[p], "%s links a storage engine", p)
	}
	for _, e := range enginePaths {
		require.Contains(t, linked[node], e, "%s should link %s", node, e)
	}
}
