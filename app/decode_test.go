package app

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/land"
	"github.com/govchain/govchain/state"
)

// TestDecodeStreamMatchesOneByOne: over a block of several chunks with a
// bad signature, a malformed transaction and a foreign chain's
// transaction in different chunks, decodeStream (what FinalizeBlock
// reads) and decodeAll give every transaction the result ValidateTx
// gives it alone, at its own index.
func TestDecodeStreamMatchesOneByOne(t *testing.T) {
	c := newTestChain(t, state.EngineMemIAVL, t.TempDir())
	n := 2*decodeChunkSize + 37
	txs := make([][]byte, n)
	for i := range txs {
		txs[i] = c.sign("registrar", &land.RegisterParcel{ParcelID: fmt.Sprintf("DS-%d", i), CadastralRef: "CAD", AreaM2: 100,
			Location: "here", Denominator: 1, Owners: []land.Share{{Account: c.addr("alice"), Shares: 1}}, DocumentHash: docHash(fmt.Sprint(i))})
	}
	bad := append([]byte(nil), txs[decodeChunkSize+3]...)
	bad[len(bad)-4] ^= 1 // a hex digit of the signature: still canonical, no longer valid
	if bad[len(bad)-4] > 'f' || (bad[len(bad)-4] > '9' && bad[len(bad)-4] < 'a') {
		bad[len(bad)-4] = '0'
	}
	txs[decodeChunkSize+3] = bad
	txs[5] = []byte(`{"chain_id":`)
	other, err := NewTx("another-chain", c.keys["registrar"], 0, &land.RegisterParcel{ParcelID: "DS-X", CadastralRef: "CAD", AreaM2: 100,
		Location: "here", Denominator: 1, Owners: []land.Share{{Account: c.addr("alice"), Shares: 1}}, DocumentHash: docHash("x")})
	require.NoError(t, err)
	txs[n-1] = other

	fresh := func() *App { return newTestChain(t, state.EngineMemIAVL, t.TempDir()).app }
	s := fresh().decodeStream(txs)
	all := fresh().decodeAll(txs)
	one := fresh()
	for i := n - 1; i >= 0; i-- { // backwards: at waits for the chunk
		want, wantErr := one.ValidateTx(txs[i])
		for _, got := range []decoded{s.at(i), all[i]} {
			if wantErr != nil {
				require.Error(t, got.err, "tx %d", i)
				require.Equal(t, core.ResultCode(wantErr), core.ResultCode(got.err), "tx %d: %v", i, got.err)
				continue
			}
			require.NoError(t, got.err, "tx %d", i)
			require.Equal(t, want.Hash, got.tx.Hash, "tx %d", i)
			require.Equal(t, want.Tx, got.tx.Tx, "tx %d", i)
		}
	}
	require.ErrorIs(t, s.at(decodeChunkSize+3).err, core.ErrBadSignature)
	require.ErrorIs(t, s.at(5).err, core.ErrMalformedTx)
	require.ErrorIs(t, s.at(n-1).err, core.ErrWrongChainID)
}
