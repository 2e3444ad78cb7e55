//go:build cgo

package client_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/app/agency"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/land"
	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/internal/devnode"
)

// SoftHSM2, as the Debian package softhsm2 installs it.
const (
	softHSMModule = "/usr/lib/softhsm/libsofthsm2.so"
	softHSMUtil   = "softhsm2-util"
	tokenLabel    = "govchain-test"
	userPIN       = "4321"
)

// softHSM makes a SoftHSM2 configuration and token directory of the
// test's own, points SOFTHSM2_CONF at it and initialises a token
// labelled tokenLabel with userPIN. It returns a PIN file holding
// userPIN. It fails (never skips) where SoftHSM2 is not installed.
func softHSM(t *testing.T) (pinFile string) {
	t.Helper()
	util, err := exec.LookPath(softHSMUtil)
	_, statErr := os.Stat(softHSMModule)
	if err != nil || statErr != nil {
		t.Fatalf("SoftHSM2 is not installed (%s, %s missing): run make test-deps as root, or apt-get install softhsm2", softHSMUtil, softHSMModule)
	}
	dir := t.TempDir()
	tokens := filepath.Join(dir, "tokens")
	require.NoError(t, os.Mkdir(tokens, 0o700))
	conf := filepath.Join(dir, "softhsm2.conf")
	require.NoError(t, os.WriteFile(conf, []byte("directories.tokendir = "+tokens+"\nobjectstore.backend = file\nlog.level = ERROR\n"), 0o600))
	t.Setenv("SOFTHSM2_CONF", conf)
	out, err := exec.Command(util, "--init-token", "--free", "--label", tokenLabel, "--pin", userPIN, "--so-pin", "87654321").CombinedOutput()
	require.NoError(t, err, "%s", out)
	pinFile = filepath.Join(dir, "pin")
	require.NoError(t, os.WriteFile(pinFile, []byte(userPIN+"\n"), 0o600))
	return pinFile
}

func parcel(id string, owner core.Address) *land.RegisterParcel {
	return &land.RegisterParcel{ParcelID: id, CadastralRef: "HSM/" + id, AreaM2: 100, Location: "Rue du Jeton 1", Denominator: 1,
		Owners: []land.Share{{Account: owner, Shares: 1}}, DocumentHash: sha256.Sum256([]byte(id))}
}

func TestPKCS11SoftHSM(t *testing.T) {
	pinFile := softHSM(t)
	kr := client.OpenKeyring(filepath.Join(t.TempDir(), "keyring"), client.KeyringOptions{Backend: client.BackendFile})
	ref := client.PKCS11Key{Module: softHSMModule, Token: tokenLabel, KeyLabel: "official", PINFile: pinFile}

	// Generated on the token: the keyring records the public key and
	// where the key is, and needs no passphrase for it.
	info, err := kr.AddPKCS11("official", ref, true)
	require.NoError(t, err)
	require.Equal(t, client.KindPKCS11, info.Kind)
	require.Len(t, info.PubKey, 32)
	listed, err := kr.List()
	require.NoError(t, err)
	require.Equal(t, []client.KeyInfo{info}, listed)
	_, err = kr.Get("official")
	require.ErrorIs(t, err, client.ErrTokenKey)
	_, err = kr.Export("official")
	require.ErrorIs(t, err, client.ErrTokenKey)

	// It signs a transaction the chain's stateless checks accept.
	s, err := kr.Signer("official")
	require.NoError(t, err)
	require.Equal(t, info.PubKey, s.PubKey())
	raw, err := client.BuildWith("hsm-chain", s, 7, parcel("HSM-1", info.Address()))
	require.NoError(t, err)
	d, err := app.Decode(raw, app.DefaultMaxTxBytes)
	require.NoError(t, err)
	require.Equal(t, info.Address(), d.Signer)
	require.Equal(t, "hsm-chain", d.Tx.ChainID)
	require.NoError(t, client.CloseSigner(s))
	_, err = s.Sign([]byte("after close"))
	require.ErrorContains(t, err, "closed")

	// The same label is not generated twice; the existing key is added
	// under one name only.
	_, err = kr.AddPKCS11("official-2", ref, true)
	require.ErrorContains(t, err, `already has a key labelled "official"`)
	_, err = kr.AddPKCS11("official-2", ref, false)
	require.ErrorIs(t, err, client.ErrKeyExists)
	other := client.OpenKeyring(filepath.Join(t.TempDir(), "other"), client.KeyringOptions{Backend: client.BackendTest})
	again, err := other.AddPKCS11("official", ref, false)
	require.NoError(t, err)
	require.Equal(t, info.PubKey, again.PubKey)

	// A wrong PIN is a clear error and records nothing.
	wrong := filepath.Join(t.TempDir(), "wrong-pin")
	require.NoError(t, os.WriteFile(wrong, []byte("0000\n"), 0o600))
	bad := ref
	bad.PINFile = wrong
	_, err = client.OpenPKCS11(bad, []byte("0000"), false)
	require.ErrorIs(t, err, client.ErrWrongPIN)
	require.Contains(t, err.Error(), `token "`+tokenLabel+`"`)
	_, err = other.AddPKCS11("official-3", bad, false)
	require.ErrorIs(t, err, client.ErrWrongPIN)
	_, err = other.Info("official-3")
	require.ErrorIs(t, err, client.ErrKeyNotFound)

	// A PIN file others may read is refused before the token is asked.
	require.NoError(t, os.Chmod(pinFile, 0o644))
	_, err = kr.Signer("official")
	require.ErrorContains(t, err, "accessible by other users")
	require.NoError(t, os.Chmod(pinFile, 0o600))

	// Unknown token and unknown key are named.
	missing := ref
	missing.Token = "no-such-token"
	_, err = client.OpenPKCS11(missing, []byte(userPIN), false)
	require.ErrorContains(t, err, `no token labelled "no-such-token"`)
	missing = ref
	missing.KeyLabel = "nobody"
	_, err = client.OpenPKCS11(missing, []byte(userPIN), false)
	require.ErrorContains(t, err, `0 private keys labelled "nobody"`)
	require.False(t, errors.Is(err, client.ErrWrongPIN))
}

// TestPKCS11OnDevChain signs real transactions with a key generated on a
// SoftHSM2 token, through the command line and through the package, and
// a development node accepts them; a wrong PIN is one clear line.
func TestPKCS11OnDevChain(t *testing.T) {
	pinFile := softHSM(t)
	n, err := devnode.Start(devnode.Options{ChainID: "hsm-dev", Prefix: "govchain-hsm-"})
	require.NoError(t, err)
	t.Cleanup(n.Stop)
	govchain := func(args ...string) (string, string, error) {
		var out, errOut bytes.Buffer
		cmd := exec.Command(n.Bin, append(args, "--home", n.Home)...)
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		return out.String(), errOut.String(), err
	}

	out, errOut, err := govchain("keys", "add-pkcs11", "official", "--module", softHSMModule, "--token", tokenLabel,
		"--pin-file", pinFile, "--output", "json")
	require.NoError(t, err, errOut)
	var added struct{ Address core.Address }
	require.NoError(t, json.Unmarshal([]byte(out), &added))
	info, err := n.Keyring.Info("official")
	require.NoError(t, err)
	require.Equal(t, info.Address(), added.Address)
	require.Equal(t, client.KindPKCS11, info.Kind)

	// The justice ministry's admin makes the token's key a land registrar.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	admin, err := n.Keyring.Get("admin-justice")
	require.NoError(t, err)
	_, err = n.Client.Submit(ctx, admin, &agency.GrantRole{Account: info.Address(), Role: core.RoleLandRegistrar}, client.SubmitOptions{})
	require.NoError(t, err)
	alice, err := n.Keyring.Info("alice")
	require.NoError(t, err)

	// govchain tx --from official: the token signs, the chain accepts.
	doc := sha256.Sum256([]byte("HSM-CLI-1"))
	register := []string{"tx", "land", "register-parcel", "--from", "official", "--node", n.URL, "--parcel-id", "HSM-CLI-1",
		"--cadastral-ref", "HSM/CLI/1", "--area-m2", "100", "--location", "Rue du Jeton 1", "--owner", "alice:1",
		"--document-hash", hex.EncodeToString(doc[:])}
	out, errOut, err = govchain(register...)
	require.NoError(t, err, errOut)
	require.Contains(t, out, "code:   0")
	require.Contains(t, out, "signer="+info.Address().String())

	// The package: Keyring.Signer and Client.Submit.
	s, err := n.Keyring.Signer("official")
	require.NoError(t, err)
	res, err := n.Client.Submit(ctx, s, parcel("HSM-LIB-1", alice.Address()), client.SubmitOptions{})
	require.NoError(t, err)
	require.Zero(t, res.Code)
	require.NoError(t, client.CloseSigner(s))
	q, err := n.Client.Query(ctx, "/land/parcel/HSM-LIB-1", client.QueryOptions{Prove: true})
	require.NoError(t, err)
	require.Contains(t, string(q.Value), info.Address().String())

	// A wrong PIN: one line, exit status 1, nothing sent.
	require.NoError(t, os.WriteFile(pinFile, []byte("0000\n"), 0o600))
	register[8] = "HSM-CLI-2"
	out, errOut, err = govchain(register...)
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit)
	require.Equal(t, 1, exit.ExitCode())
	require.Empty(t, out)
	require.Equal(t, `error: client: the token refused the PIN: token "`+tokenLabel+`" (`+softHSMModule+")\n", errOut)
	_, err = n.Client.Query(ctx, "/land/parcel/HSM-CLI-2", client.QueryOptions{})
	require.Error(t, err)
}
