package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	cmtypes "github.com/cometbft/cometbft/types"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/sharing"
	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/state"
)

// govchain runs the command line in-process and returns its output and
// exit status.
func govchain(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return govchainCtx(context.Background(), t, args...)
}

func govchainCtx(ctx context.Context, t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(ctx, args, &out, &errOut)
	return out.String(), errOut.String(), code
}

// requireOneLineError checks a failed command: status 1, one "error:"
// line on stderr that contains want.
func requireOneLineError(t *testing.T, stderr string, code int, want string) {
	t.Helper()
	require.Equal(t, 1, code)
	lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
	require.Len(t, lines, 1, "stderr: %q", stderr)
	require.True(t, strings.HasPrefix(lines[0], "error: "), lines[0])
	require.Contains(t, lines[0], want)
}

func TestConfigValidate(t *testing.T) {
	require.NoError(t, DefaultConfig().Validate())
	c := DefaultConfig()
	c.State.Engine = "leveldb"
	require.ErrorContains(t, c.Validate(), "app.toml")
	c = DefaultConfig()
	c.State.Engine = state.EngineIAVL
	require.NoError(t, c.Validate())
}

func TestConfigRoundTrip(t *testing.T) {
	home := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(home, "config"), 0o700))
	want := DefaultConfig()
	want.State.Engine = state.EngineIAVL
	want.State.CacheSize = 1234
	require.NoError(t, WriteConfig(filepath.Join(home, "config", AppConfigFile), want))
	got, err := LoadConfig(home)
	require.NoError(t, err)
	require.Equal(t, want, got)

	// Unknown keys are refused rather than ignored.
	f := filepath.Join(home, "config", AppConfigFile)
	b, err := os.ReadFile(f)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(f, append(b, []byte("\n[state2]\nx = 1\n")...), 0o644))
	_, err = LoadConfig(home)
	require.Error(t, err)
}

func readGenesisFile(t *testing.T, home string) (*cmtypes.GenesisDoc, *app.Genesis) {
	t.Helper()
	doc, err := cmtypes.GenesisDocFromFile(filepath.Join(home, "config", "genesis.json"))
	require.NoError(t, err)
	g, err := app.ParseGenesis(doc.AppState)
	require.NoError(t, err)
	return doc, g
}

// passFile writes a keyring passphrase file (mode 0600) and returns its
// path.
func passFile(t *testing.T, pass string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "pass")
	require.NoError(t, os.WriteFile(f, []byte(pass+"\n"), 0o600))
	return f
}

func TestInitSolo(t *testing.T) {
	home := filepath.Join(t.TempDir(), "home")
	// Without a passphrase (no terminal here) a production home is not
	// made at all.
	_, errOut, code := govchain(t, "init", "--home", home, "--chain-id", "test-1", "--moniker", "n1")
	requireOneLineError(t, errOut, code, "no terminal to ask for its passphrase on; give --keyring-passphrase-file FILE")
	require.NoDirExists(t, home)
	pass := passFile(t, "init passphrase")
	out, errOut, code := govchain(t, "init", "--home", home, "--chain-id", "test-1", "--moniker", "n1", "--keyring-passphrase-file", pass)
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "chain id:  test-1")
	require.Contains(t, out, "(backend file)")

	for _, f := range []string{"config/config.toml", "config/app.toml", "config/node_key.json",
		"config/priv_validator_key.json", "data/priv_validator_state.json", "keyring/keys.json"} {
		require.FileExists(t, filepath.Join(home, f))
	}
	doc, g := readGenesisFile(t, home)
	require.Equal(t, "test-1", doc.ChainID)
	require.Len(t, doc.Validators, 1)
	require.Len(t, g.Agencies, 1)
	require.Len(t, g.RolePolicy, len(core.Roles))
	// The admin key is sealed with the passphrase: a production home
	// holds no plaintext key.
	_, err := client.NewKeyring(filepath.Join(home, "keyring")).Get("admin")
	require.ErrorIs(t, err, client.ErrNoPassphrase)
	raw, err := os.ReadFile(filepath.Join(home, "keyring", client.KeyringFile))
	require.NoError(t, err)
	require.NotContains(t, string(raw), "priv_key")
	require.Contains(t, string(raw), `"backend": "file"`)
	admin, err := client.OpenKeyring(filepath.Join(home, "keyring"), client.KeyringOptions{
		Passphrase: func(string, bool) ([]byte, error) { return []byte("init passphrase"), nil }}).Get("admin")
	require.NoError(t, err)
	require.Equal(t, []core.Address{admin.Address()}, g.Agencies[0].Admins)
	cfg, err := LoadConfig(home)
	require.NoError(t, err)
	require.Equal(t, state.EngineMemIAVL, cfg.State.Engine)
	conf, err := newCLI(os.Stdout, os.Stderr).loadNodeConfig(home)
	require.NoError(t, err)
	require.False(t, conf.Instrumentation.Prometheus, "a production node serves no metrics until its operator says where")

	// A second init never touches the existing home.
	before, err := os.ReadFile(filepath.Join(home, "config", "genesis.json"))
	require.NoError(t, err)
	_, errOut, code = govchain(t, "init", "--home", home, "--chain-id", "test-2")
	requireOneLineError(t, errOut, code, "already exists")
	after, err := os.ReadFile(filepath.Join(home, "config", "genesis.json"))
	require.NoError(t, err)
	require.Equal(t, before, after)

	// A bad --engine is named as the flag, and nothing is written.
	other := filepath.Join(t.TempDir(), "other")
	_, errOut, code = govchain(t, "init", "--home", other, "--chain-id", "test-3", "--engine", "leveldb")
	requireOneLineError(t, errOut, code, `--engine: state: unknown engine "leveldb"`)
	_, err = os.Stat(other)
	require.ErrorIs(t, err, os.ErrNotExist)

	// Backends: test is allowed when asked for, --dev refuses file, and
	// an unknown one is named; none of these writes anything.
	plain := filepath.Join(t.TempDir(), "plain")
	out, errOut, code = govchain(t, "init", "--home", plain, "--chain-id", "test-4", "--keyring-backend", "test")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "(backend test)")
	_, err = client.NewKeyring(filepath.Join(plain, "keyring")).Get("admin")
	require.NoError(t, err)
	_, errOut, code = govchain(t, "init", "--home", other, "--chain-id", "test-5", "--dev", "--keyring-backend", "file")
	requireOneLineError(t, errOut, code, "--dev keeps its demo keys in the test keyring backend")
	_, errOut, code = govchain(t, "init", "--home", other, "--chain-id", "test-5", "--keyring-backend", "plain")
	requireOneLineError(t, errOut, code, `--keyring-backend: client: keyring backend "plain"`)
	require.NoDirExists(t, other)
}

func TestInitDev(t *testing.T) {
	home := filepath.Join(t.TempDir(), "dev")
	_, errOut, code := govchain(t, "init", "--dev", "--home", home, "--chain-id", "govchain-dev", "--engine", "iavl")
	require.Equal(t, 0, code, errOut)
	doc, g := readGenesisFile(t, home)
	require.Len(t, doc.Validators, 1, "only justice runs a validator")
	require.Len(t, g.Agencies, len(devAgencies()))
	withValidator := 0
	for _, ag := range g.Agencies {
		if ag.HasValidator() {
			withValidator++
			require.Equal(t, "justice", ag.ID)
		}
	}
	require.Equal(t, 1, withValidator)

	kr := client.NewKeyring(filepath.Join(home, "keyring"))
	keys, err := kr.List()
	require.NoError(t, err)
	require.Len(t, keys, len(devAgencies())+len(devHolders())+len(devCitizens()))
	for _, h := range devHolders() {
		k, err := kr.Get(h.key)
		require.NoError(t, err)
		found := false
		for _, r := range g.Roles {
			if r.Account == k.Address() && r.Role == h.role {
				found = true
			}
		}
		require.True(t, found, "%s holds %s at genesis", h.key, h.role)
	}
	// The data sharing purposes are the module's defaults.
	want, err := json.Marshal(sharing.DefaultGenesis())
	require.NoError(t, err)
	require.JSONEq(t, string(want), string(g.Sections["sharing"]))
	cfg, err := LoadConfig(home)
	require.NoError(t, err)
	require.Equal(t, state.EngineIAVL, cfg.State.Engine)
	conf, err := newCLI(nil, nil).loadNodeConfig(home)
	require.NoError(t, err)
	require.Equal(t, "tcp://127.0.0.1:26657", conf.RPC.ListenAddress)
	require.Equal(t, "tcp://127.0.0.1:26656", conf.P2P.ListenAddress)
	require.True(t, conf.Instrumentation.Prometheus)
	require.Equal(t, DevMetricsAddr, conf.Instrumentation.PrometheusListenAddr)
}

func TestInitFromGenesisFile(t *testing.T) {
	src := filepath.Join(t.TempDir(), "a")
	_, errOut, code := govchain(t, "init", "--dev", "--home", src, "--chain-id", "net-1")
	require.Equal(t, 0, code, errOut)
	genesis := filepath.Join(src, "config", "genesis.json")

	home := filepath.Join(t.TempDir(), "b")
	_, errOut, code = govchain(t, "init", "--home", home, "--genesis", genesis)
	require.Equal(t, 0, code, errOut)
	want, err := os.ReadFile(genesis)
	require.NoError(t, err)
	got, err := os.ReadFile(filepath.Join(home, "config", "genesis.json"))
	require.NoError(t, err)
	require.Equal(t, want, got, "the network's genesis is copied byte for byte")

	_, errOut, code = govchain(t, "init", "--home", filepath.Join(t.TempDir(), "c"), "--genesis", genesis, "--chain-id", "other")
	requireOneLineError(t, errOut, code, `not --chain-id "other"`)

	bad := filepath.Join(t.TempDir(), "bad.json")
	var doc map[string]any
	require.NoError(t, json.Unmarshal(want, &doc))
	doc["app_state"] = map[string]any{"agencies": []any{}}
	b, err := json.Marshal(doc)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(bad, b, 0o644))
	failed := filepath.Join(t.TempDir(), "d")
	_, errOut, code = govchain(t, "init", "--home", failed, "--genesis", bad)
	requireOneLineError(t, errOut, code, "genesis")
	require.NoDirExists(t, failed, "a failed init leaves nothing behind")
}

func TestKeysCommands(t *testing.T) {
	home := t.TempDir()
	pass := passFile(t, "keys passphrase")
	pf := []string{"--home", home, "--keyring-passphrase-file", pass}
	out, errOut, code := govchain(t, append([]string{"keys", "add", "alice"}, pf...)...)
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "name:    alice")
	require.Contains(t, out, "address: ")

	out, _, code = govchain(t, "keys", "show", "alice", "--address", "--home", home)
	require.Equal(t, 0, code, "the public part needs no passphrase")
	addr := strings.TrimSpace(out)
	require.Len(t, addr, 40)

	out, _, code = govchain(t, "keys", "list", "--home", home)
	require.Equal(t, 0, code)
	require.Contains(t, out, addr+" encrypted")

	exported := filepath.Join(t.TempDir(), "alice.json")
	_, errOut, code = govchain(t, "keys", "export", "alice", "--out", exported, "--home", home)
	requireOneLineError(t, errOut, code, "give --keyring-passphrase-file FILE")
	_, errOut, code = govchain(t, append([]string{"keys", "export", "alice", "--out", exported}, pf...)...)
	require.Equal(t, 0, code, errOut)
	st, err := os.Stat(exported)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	_, errOut, code = govchain(t, append([]string{"keys", "export", "alice", "--out", exported}, pf...)...)
	requireOneLineError(t, errOut, code, "already exists")

	// A wrong passphrase is one line and changes nothing.
	before, err := os.ReadFile(filepath.Join(home, "keyring", client.KeyringFile))
	require.NoError(t, err)
	_, errOut, code = govchain(t, "keys", "add", "bob", "--home", home, "--keyring-passphrase-file", passFile(t, "wrong"))
	requireOneLineError(t, errOut, code, "client: wrong keyring passphrase")
	after, err := os.ReadFile(filepath.Join(home, "keyring", client.KeyringFile))
	require.NoError(t, err)
	require.Equal(t, before, after)
	// So is a passphrase file others can read.
	loose := passFile(t, "keys passphrase")
	require.NoError(t, os.Chmod(loose, 0o644))
	_, errOut, code = govchain(t, "keys", "add", "bob", "--home", home, "--keyring-passphrase-file", loose)
	requireOneLineError(t, errOut, code, "accessible by other users")

	other := t.TempDir()
	out, errOut, code = govchain(t, "keys", "import", exported, "--name", "alice-copy", "--home", other, "--keyring-backend", "test")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, addr)
	out, _, code = govchain(t, "keys", "list", "--home", other)
	require.Equal(t, 0, code)
	require.Contains(t, out, addr+" plaintext")
	_, errOut, code = govchain(t, "keys", "add", "x", "--home", other, "--keyring-backend", "file")
	requireOneLineError(t, errOut, code, "uses the test backend, not file")

	// keys encrypt turns the test keyring into a file keyring.
	out, errOut, code = govchain(t, "keys", "encrypt", "--home", other, "--keyring-passphrase-file", pass)
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "sealed 1 plaintext key(s)")
	raw, err := os.ReadFile(filepath.Join(other, "keyring", client.KeyringFile))
	require.NoError(t, err)
	require.NotContains(t, string(raw), "priv_key")
	out, _, code = govchain(t, "keys", "list", "--home", other)
	require.Equal(t, 0, code)
	require.Contains(t, out, addr+" encrypted")

	_, errOut, code = govchain(t, "keys", "show", "x", "--home", home)
	requireOneLineError(t, errOut, code, `no key named "x" in `+filepath.Join(home, "keyring")+" (see govchain keys list)")
	_, errOut, code = govchain(t, "keys", "add-pkcs11", "tok", "--home", home, "--token", "t")
	requireOneLineError(t, errOut, code, "--module PATH and --token LABEL are required")
}

func TestFlagErrorsAreOneLine(t *testing.T) {
	home := t.TempDir()
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"init", "--home", filepath.Join(home, "n")}, "--chain-id is required"},
		{[]string{"init", "--bogus"}, "unknown flag: --bogus"},
		{[]string{"keys", "add"}, "accepts 1 arg"},
		{[]string{"nonsense"}, "unknown command"},
		{[]string{"tx", "agency", "grant-role", "--home", home, "--account", "x", "--role", "notary"}, "--from KEYNAME is required"},
		{[]string{"tx", "agency", "grant-role", "--home", home, "--from", "nobody", "--role", "notary"}, `no key named "nobody"`},
		{[]string{"tx", "land", "accept-transfer", "--home", home, "--transfer-id", "x"}, "invalid argument"},
		{[]string{"query", "account", "998639acf267a442fcf6ec63e9efad6849d99d37", "--node", "http://127.0.0.1:1"}, "cannot reach node at http://127.0.0.1:1"},
		{[]string{"start", "--home", filepath.Join(home, "none")}, "run govchain init"},
	}
	for _, tc := range cases {
		_, errOut, code := govchain(t, tc.args...)
		requireOneLineError(t, errOut, code, tc.want)
	}
}

func TestGenerateOnly(t *testing.T) {
	home := filepath.Join(t.TempDir(), "dev")
	_, errOut, code := govchain(t, "init", "--dev", "--home", home, "--chain-id", "govchain-dev")
	require.Equal(t, 0, code, errOut)
	out, errOut, code := govchain(t, "tx", "agency", "grant-role", "--home", home, "--from", "admin-finance",
		"--account", "alice", "--role", "bank", "--sequence", "0", "--generate-only")
	require.Equal(t, 0, code, errOut)
	d, err := app.Decode([]byte(strings.TrimSpace(out)), app.DefaultMaxTxBytes)
	require.NoError(t, err)
	require.NoError(t, app.VerifySignature(d, "govchain-dev"))
	require.Equal(t, "agency/grant_role", d.Msg.Type())

	// A message the chain would refuse statelessly is never signed.
	_, errOut, code = govchain(t, "tx", "agency", "grant-role", "--home", home, "--from", "admin-finance",
		"--account", "alice", "--role", "pilot", "--sequence", "0", "--generate-only")
	requireOneLineError(t, errOut, code, "unknown role")

	_, errOut, code = govchain(t, "tx", "raw", "--home", home, "--from", "registrar", "--type", "land/nope", "--sequence", "0", "--generate-only")
	requireOneLineError(t, errOut, code, `code 8 (govchain): tx: unknown message type: "land/nope"`)
}

func TestVersion(t *testing.T) {
	out, _, code := govchain(t, "version")
	require.Equal(t, 0, code)
	require.Contains(t, out, "cometbft v0.40")
}
