package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/abci"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/land"
)

// requireJSONError checks a failed command run with -o json: status 1,
// and stderr one line, one JSON object with want's fields and no other,
// its log beginning with want's.
func requireJSONError(t *testing.T, stderr string, code int, want errorJSON) {
	t.Helper()
	require.Equal(t, 1, code)
	require.Equal(t, 1, strings.Count(stderr, "\n"), "stderr: %q", stderr)
	require.True(t, strings.HasSuffix(stderr, "\n"))
	var got map[string]any
	require.NoError(t, json.Unmarshal([]byte(stderr), &got), stderr)
	var fields errorJSON
	require.NoError(t, json.Unmarshal([]byte(stderr), &fields))
	require.Equal(t, want.Code, fields.Code, stderr)
	require.Equal(t, want.Codespace, fields.Codespace, stderr)
	require.True(t, strings.HasPrefix(fields.Log, want.Log), "log %q, want %q", fields.Log, want.Log)
	require.Equal(t, want.Proof, fields.Proof)
	keys := []string{"code", "codespace", "log"}
	if want.Proof != "" {
		keys = append(keys, "proof")
	}
	require.Len(t, got, len(keys), "stderr: %s", stderr)
	for _, k := range keys {
		require.Contains(t, got, k)
	}
}

// TestUnknownCommandsFail runs a mistyped or missing command at every
// level of the tree: each exits 1 with one line that names the word and,
// where one is close, suggests the command meant.
func TestUnknownCommandsFail(t *testing.T) {
	home := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"nonsense"}, `unknown command "nonsense" for "govchain" (see govchain --help)`},
		{[]string{"verison"}, `unknown command "verison" for "govchain"; did you mean version?`},
		{[]string{"tx", "lnd"}, `unknown command "lnd" for "govchain tx"; did you mean land?`},
		{[]string{"tx", "land", "register-parcl"}, `unknown command "register-parcl" for "govchain tx land"; did you mean register-parcel? (see govchain tx land --help)`},
		// The flags of the command meant are unknown to its group: the
		// mistyped word is still what is reported.
		{[]string{"tx", "land", "register-parcl", "--from", "registrar", "--parcel-id", "P-1", "--home", home},
			`unknown command "register-parcl" for "govchain tx land"; did you mean register-parcel?`},
		{[]string{"tx", "agency", "grant-rol"}, `unknown command "grant-rol" for "govchain tx agency"; did you mean grant-role?`},
		{[]string{"tx", "notary", "anchor"}, `unknown command "anchor" for "govchain tx notary"; did you mean anchor-document?`},
		{[]string{"tx", "vehicle", "x"}, `unknown command "x" for "govchain tx vehicle"`},
		{[]string{"tx", "identity", "x"}, `unknown command "x" for "govchain tx identity"`},
		{[]string{"tx", "invoice", "x"}, `unknown command "x" for "govchain tx invoice"`},
		{[]string{"tx", "gov", "x"}, `unknown command "x" for "govchain tx gov"`},
		{[]string{"tx", "sharing", "request"}, `unknown command "request" for "govchain tx sharing"; did you mean request-access?`},
		{[]string{"query", "acount", "x"}, `unknown command "acount" for "govchain query"; did you mean account?`},
		{[]string{"query", "land", "parcl", "P-1"}, `unknown command "parcl" for "govchain query land"; did you mean parcel?`},
		{[]string{"query", "agency", "x"}, `unknown command "x" for "govchain query agency"`},
		{[]string{"query", "notary", "doc"}, `unknown command "doc" for "govchain query notary"; did you mean document?`},
		{[]string{"query", "vehicle", "x"}, `unknown command "x" for "govchain query vehicle"`},
		{[]string{"query", "identity", "x"}, `unknown command "x" for "govchain query identity"`},
		{[]string{"query", "invoice", "x"}, `unknown command "x" for "govchain query invoice"`},
		{[]string{"query", "gov", "x"}, `unknown command "x" for "govchain query gov"`},
		{[]string{"query", "sharing", "lg"}, `unknown command "lg" for "govchain query sharing"; did you mean log?`},
		{[]string{"keys", "lst"}, `unknown command "lst" for "govchain keys"; did you mean list?`},
		{[]string{"testnet", "int"}, `unknown command "int" for "govchain testnet"; did you mean init?`},
		{[]string{"certificate", "exprt"}, `unknown command "exprt" for "govchain certificate"; did you mean export?`},
		{[]string{"help", "nonsense"}, `unknown command "nonsense" for "govchain"`},
		{[]string{"help", "tx", "lnd"}, `unknown command "lnd" for "govchain tx"; did you mean land?`},
		// A leaf given a word it does not take.
		{[]string{"version", "extra"}, `unknown command "extra" for "govchain version"`},
		// A group given no command: it lists its commands and fails,
		// because nothing was done.
		{[]string{}, "govchain needs a command: backup, certificate, datasvc, import, init, keys, query, restore, signer, start, testnet, tx, version, web (see govchain --help)"},
		{[]string{"tx"}, "govchain tx needs a command: agency, auction, benefits, broadcast, gov, identity, invoice, land, notary, raw, sharing, spending, vehicle (see govchain tx --help)"},
		{[]string{"tx", "land"}, "govchain tx land needs a command: accept-lien, accept-transfer,"},
		{[]string{"query"}, "govchain query needs a command: account, agency, auction, benefits, chain,"},
		{[]string{"keys"}, "govchain keys needs a command: add, add-pkcs11, delete, encrypt, export, import, list, show"},
		{[]string{"testnet"}, "govchain testnet needs a command: init"},
		{[]string{"certificate"}, "govchain certificate needs a command: export, verify"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			out, errOut, code := govchain(t, tc.args...)
			requireOneLineError(t, errOut, code, tc.want)
			require.Empty(t, out, "no help on stdout for a failed command")
		})
	}
}

// TestUnknownFlagsFail: an unknown flag, at a group or a leaf, exits 1
// with one line naming it and the nearest flags of that command.
func TestUnknownFlagsFail(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--bogus"}, "unknown flag: --bogus (see govchain --help)"},
		{[]string{"tx", "--bogus"}, "unknown flag: --bogus (see govchain tx --help)"},
		{[]string{"tx", "land", "--bogus"}, "unknown flag: --bogus (see govchain tx land --help)"},
		{[]string{"tx", "land", "register-parcel", "--parcl-id", "P-1"}, "unknown flag: --parcl-id; did you mean --parcel-id? (see govchain tx land register-parcel --help)"},
		{[]string{"tx", "land", "register-parcel", "--form", "registrar"}, "unknown flag: --form; did you mean --from?"},
		{[]string{"query", "land", "parcel", "P-1", "--prov"}, "unknown flag: --prov; did you mean --prove?"},
		{[]string{"keys", "list", "--hom", "x"}, "unknown flag: --hom; did you mean --home?"},
		{[]string{"testnet", "init", "--validator", "3"}, "unknown flag: --validator; did you mean --validators?"},
		{[]string{"certificate", "verify", "f", "--trst", "g"}, "unknown flag: --trst; did you mean --trust?"},
		{[]string{"start", "--rpc-ladr", "x"}, "unknown flag: --rpc-ladr; did you mean --rpc-laddr?"},
		{[]string{"version", "-x"}, "unknown shorthand flag: 'x' in -x"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			_, errOut, code := govchain(t, tc.args...)
			requireOneLineError(t, errOut, code, tc.want)
		})
	}
}

// TestHelpExitsZero: --help and help COMMAND print help on stdout and
// exit 0, at every level.
func TestHelpExitsZero(t *testing.T) {
	for _, args := range [][]string{
		{"--help"}, {"help"}, {"tx", "--help"}, {"tx", "land", "--help"}, {"help", "tx", "land"},
		{"tx", "land", "register-parcel", "--help"}, {"query", "--help"}, {"testnet", "init", "--help"},
	} {
		out, errOut, code := govchain(t, args...)
		require.Equal(t, 0, code, "%v: %s", args, errOut)
		require.Empty(t, errOut)
		require.Contains(t, out, "Usage:")
	}
}

// TestEveryCommandRefusesStrayArguments walks the command tree: every
// group refuses an unknown word (strict), and every leaf declares the
// arguments it takes, so that none silently ignores one.
func TestEveryCommandRefusesStrayArguments(t *testing.T) {
	root := newCLI(nil, nil).rootCmd()
	var walk func(cmd *cobra.Command)
	leaves := 0
	walk = func(cmd *cobra.Command) {
		require.NotNil(t, cmd.RunE, "%s runs nothing", cmd.CommandPath())
		if cmd.HasSubCommands() {
			require.Error(t, cmd.RunE(cmd, []string{"zzz"}), cmd.CommandPath())
			require.Error(t, cmd.RunE(cmd, nil), cmd.CommandPath())
		} else {
			leaves++
			require.NotNil(t, cmd.Args, "%s accepts any argument", cmd.CommandPath())
		}
		for _, sub := range cmd.Commands() {
			walk(sub)
		}
	}
	walk(root)
	require.Greater(t, leaves, 50)
}

// TestOutputFlag: -o is one flag, on every command, validated.
func TestOutputFlag(t *testing.T) {
	home := t.TempDir()
	// The same flag everywhere: accepted by every command but testnet
	// init, with the same default.
	root := newCLI(nil, nil).rootCmd()
	var walk func(cmd *cobra.Command)
	walk = func(cmd *cobra.Command) {
		f := cmd.LocalFlags().Lookup(flagOutput)
		if f == nil {
			f = cmd.InheritedFlags().Lookup(flagOutput)
		}
		require.NotNil(t, f, cmd.CommandPath())
		if cmd.CommandPath() != "govchain testnet init" {
			require.Equal(t, "o", f.Shorthand, cmd.CommandPath())
			require.Equal(t, outputText, f.DefValue, cmd.CommandPath())
		}
		for _, sub := range cmd.Commands() {
			walk(sub)
		}
	}
	walk(root)

	for _, args := range [][]string{
		{"version", "-o", "yaml"},
		{"version", "--output=xml"},
		{"query", "chain", "-oJSON"},
		{"tx", "land", "register-parcel", "--output", "", "--home", home},
	} {
		_, errOut, code := govchain(t, args...)
		requireOneLineError(t, errOut, code, `for "-o, --output" flag: must be text or json`)
	}
	t.Setenv("GOVCHAIN_OUTPUT", "yaml")
	_, errOut, code := govchain(t, "version")
	requireOneLineError(t, errOut, code, `GOVCHAIN_OUTPUT must be text or json, not "yaml"`)
	// testnet init takes the output flag like every command (its
	// directory is --dir).
	_, errOut, code = govchain(t, "testnet", "init", "--dir", filepath.Join(t.TempDir(), "net"))
	requireOneLineError(t, errOut, code, `GOVCHAIN_OUTPUT must be text or json, not "yaml"`)

	t.Setenv("GOVCHAIN_OUTPUT", "json")
	out, errOut, code := govchain(t, "version")
	require.Equal(t, 0, code, errOut)
	var bi BuildInfo
	require.NoError(t, json.Unmarshal([]byte(out), &bi))
	require.Equal(t, buildInfo(), bi)
	// The flag wins over the environment.
	out, _, code = govchain(t, "version", "-o", "text")
	require.Equal(t, 0, code)
	require.True(t, strings.HasPrefix(out, "govchain "), out)
}

// TestJSONResults: results on stdout are JSON with -o json.
func TestJSONResults(t *testing.T) {
	home := t.TempDir()
	out, errOut, code := govchain(t, "keys", "add", "alice", "--home", home, "--keyring-backend", "test", "-o", "json")
	require.Equal(t, 0, code, errOut)
	var k keyJSON
	require.NoError(t, json.Unmarshal([]byte(out), &k))
	require.Equal(t, "alice", k.Name)
	require.Len(t, k.Address, 40)
	require.Len(t, k.PubKey, 64)

	out, errOut, code = govchain(t, "keys", "list", "--home", home, "--output=json")
	require.Equal(t, 0, code, errOut)
	var list []keyJSON
	require.NoError(t, json.Unmarshal([]byte(out), &list))
	require.Equal(t, []keyJSON{{Name: "alice", Address: k.Address, Kind: "plaintext"}}, list)

	dev := filepath.Join(t.TempDir(), "dev")
	out, errOut, code = govchain(t, "init", "--dev", "--home", dev, "--chain-id", "json-1", "-ojson")
	require.Equal(t, 0, code, errOut)
	var res map[string]string
	require.NoError(t, json.Unmarshal([]byte(out), &res))
	require.Equal(t, "json-1", res["chain_id"])
}

// TestJSONErrors: with -o json every error is one JSON object on stderr:
// the chain's code, codespace and log for a refusal by its rules, code 1
// in codespace "cli" for anything else, however early the command failed.
func TestJSONErrors(t *testing.T) {
	home := filepath.Join(t.TempDir(), "dev")
	_, errOut, code := govchain(t, "init", "--dev", "--home", home, "--chain-id", "json-err-1")
	require.Equal(t, 0, code, errOut)
	cliErr := func(log string) errorJSON { return errorJSON{Code: codeCLI, Codespace: codespaceCLI, Log: log} }
	lienErr := land.ErrInvalidMessage
	for _, tc := range []struct {
		name string
		args []string
		want errorJSON
	}{
		{"unknown command", []string{"tx", "land", "register-parcl", "-o", "json"},
			cliErr(`unknown command "register-parcl" for "govchain tx land"; did you mean register-parcel? (see govchain tx land --help)`)},
		// -o json after the point where parsing stopped still counts.
		{"unknown flag before -o", []string{"version", "--bogus", "-o", "json"}, cliErr("unknown flag: --bogus (see govchain version --help)")},
		{"group without command", []string{"--output=json", "tx"},
			cliErr("govchain tx needs a command: agency, auction, benefits, broadcast, gov, identity, invoice, land, notary, raw, sharing, spending, vehicle (see govchain tx --help)")},
		{"missing key", []string{"tx", "agency", "grant-role", "--home", home, "--from", "nobody", "--account", "alice", "--role", "bank", "-ojson"},
			cliErr(`no key named "nobody" in ` + filepath.Join(home, "keyring") + " (see govchain keys list)")},
		{"missing file", []string{"certificate", "verify", filepath.Join(home, "none.json"), "--trust", filepath.Join(home, "config", "genesis.json"), "-o", "json"},
			cliErr("open " + filepath.Join(home, "none.json") + ": no such file or directory")},
		{"unreachable node", []string{"query", "chain", "--node", "http://127.0.0.1:1", "-o", "json"},
			cliErr("cannot reach node at http://127.0.0.1:1: ")},
		// Refused by the chain's rules before sending: the chain's code.
		{"invalid message", []string{"tx", "land", "create-lien", "--home", home, "--from", "bank", "--parcel-id", "P-1", "--amount", "0",
			"--currency", "EUR", "--reference", "R-1", "--document-hash", strings.Repeat("ab", 32), "--sequence", "0", "--generate-only", "-o", "json"},
			errorJSON{Code: abci.Code(lienErr), Codespace: abci.Codespace, Log: "land: invalid message: amount must be positive"}},
		{"unknown message type", []string{"tx", "raw", "--home", home, "--from", "registrar", "--type", "land/nope", "--sequence", "0", "--generate-only", "-o", "json"},
			errorJSON{Code: abci.Code(core.ErrUnknownMsgType), Codespace: abci.Codespace, Log: `tx: unknown message type: "land/nope"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := govchain(t, tc.args...)
			require.Empty(t, out)
			requireJSONError(t, errOut, code, tc.want)
		})
	}
	require.EqualValues(t, 200, abci.Code(lienErr), "land's first code")
	require.EqualValues(t, 8, abci.Code(core.ErrUnknownMsgType))
}

func TestScanOutput(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
		ok   bool
	}{
		{nil, "", false},
		{[]string{"query", "chain"}, "", false},
		{[]string{"-o", "json"}, "json", true},
		{[]string{"-ojson"}, "json", true},
		{[]string{"-o=json"}, "json", true},
		{[]string{"--output", "json"}, "json", true},
		{[]string{"--output=json"}, "json", true},
		{[]string{"-o", "json", "-o", "text"}, "text", true},
		{[]string{"--", "-o", "json"}, "", false},
		{[]string{"--outputs", "json"}, "", false},
		{[]string{"-o"}, "", false},
	} {
		got, ok := scanOutput(tc.args)
		require.Equal(t, tc.ok, ok, "%q", tc.args)
		require.Equal(t, tc.want, got, "%q", tc.args)
	}
}

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"a", "", 1}, {"", "ab", 2}, {"from", "from", 0}, {"form", "from", 2},
		{"parcl-id", "parcel-id", 1}, {"prov", "prove", 1}, {"kitten", "sitting", 3},
	} {
		require.Equal(t, tc.want, editDistance(tc.a, tc.b), "%q %q", tc.a, tc.b)
		require.Equal(t, tc.want, editDistance(tc.b, tc.a), "%q %q", tc.b, tc.a)
	}
}
