package core_test

import (
	"testing"

	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
)

func pub(seed string) ed25519.PubKey {
	return ed25519.GenPrivKeyFromSecret([]byte(seed)).PubKey().(ed25519.PubKey)
}

func TestResolveSignerAndRotateKey(t *testing.T) {
	kv := coretest.NewMemKV()
	k1, k2, k3 := pub("k1"), pub("k2"), pub("k3")
	a := core.AddressOf(k1)

	// A new key signs for its own address, sequence 0.
	acc, err := core.ResolveSigner(kv, k1)
	require.NoError(t, err)
	require.Equal(t, a, acc.Address)
	require.Zero(t, acc.Sequence)

	// Rotation needs an account that has signed.
	require.ErrorIs(t, core.RotateKey(kv, a, k2), core.ErrNoSuchSigner)
	require.NoError(t, core.SetAccount(kv, core.Account{Address: a, PubKey: core.HexBytes(k1), Sequence: 5}))
	require.ErrorIs(t, core.RotateKey(kv, a, k1), core.ErrSameKey)

	require.NoError(t, core.RotateKey(kv, a, k2))
	_, err = core.ResolveSigner(kv, k1)
	require.ErrorIs(t, err, core.ErrKeyRotated)
	acc, err = core.ResolveSigner(kv, k2)
	require.NoError(t, err)
	require.Equal(t, a, acc.Address, "the new key signs for the same account")
	require.Equal(t, uint64(5), acc.Sequence, "the sequence carries over")

	// A key that signed on its own cannot be taken over.
	require.NoError(t, core.SetAccount(kv, core.Account{Address: core.AddressOf(k3), PubKey: core.HexBytes(k3)}))
	require.ErrorIs(t, core.RotateKey(kv, a, k3), core.ErrKeyInUse)
	// Nor can a key already rotated into an account.
	b := core.AddressOf(pub("b"))
	require.NoError(t, core.SetAccount(kv, core.Account{Address: b, PubKey: core.HexBytes(pub("b"))}))
	require.ErrorIs(t, core.RotateKey(kv, b, k2), core.ErrKeyInUse)

	// Rotating again: every earlier key stays refused and cannot come back.
	k4 := pub("k4")
	require.NoError(t, core.RotateKey(kv, a, k4))
	for _, old := range []ed25519.PubKey{k1, k2} {
		_, err = core.ResolveSigner(kv, old)
		require.ErrorIs(t, err, core.ErrKeyRotated)
	}
	require.ErrorIs(t, core.RotateKey(kv, a, k2), core.ErrKeyInUse)
	require.ErrorIs(t, core.RotateKey(kv, a, k1), core.ErrKeyInUse)

	// A disabled account cannot sign with any key until restored.
	require.NoError(t, core.SetAccountStatus(kv, core.AccountStatus{Account: a, Status: core.StatusDeceased, Reason: "death record D-1", Height: 9}))
	_, err = core.ResolveSigner(kv, k4)
	require.ErrorIs(t, err, core.ErrAccountDisabled)
	require.ErrorContains(t, err, "deceased")
	st, found, err := core.GetAccountStatus(kv, a)
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, core.StatusDeceased, st.Status)
	require.NoError(t, core.ClearAccountStatus(kv, a))
	_, err = core.ResolveSigner(kv, k4)
	require.NoError(t, err)
}
