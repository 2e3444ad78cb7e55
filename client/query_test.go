package client

import (
	"fmt"
	"testing"

	abcitypes "github.com/cometbft/cometbft/abci/types"
	cmtcrypto "github.com/cometbft/cometbft/proto/tendermint/crypto"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/land"
	"github.com/govchain/govchain/state"
	"github.com/govchain/govchain/state/store"
	"github.com/govchain/govchain/verify"
)

// provenStore commits a few records and returns the committed view.
func provenStore(t *testing.T) state.View {
	t.Helper()
	st, err := store.Open(t.TempDir(), state.DefaultConfig())
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	require.NoError(t, st.Set(land.ParcelKey("P-1"), []byte(`{"id":"P-1","history_count":2}`)))
	require.NoError(t, st.Set(land.ParcelKey("P-4"), []byte(`{"id":"P-4","history_count":3}`)))
	require.NoError(t, st.Set(land.HistoryKey("P-4", 0), []byte(`{"seq":0}`)))
	require.NoError(t, st.Set(land.HistoryKey("P-1", 0), []byte(`{"seq":0}`)))
	require.NoError(t, st.Set(land.HistoryKey("P-1", 1), []byte(`{"seq":1}`)))
	require.NoError(t, st.Set(land.ParcelKey("P-3"), []byte(`{"id":"P-3"}`)))
	_, _, err = st.Commit()
	require.NoError(t, err)
	v, err := st.ViewAt(0)
	require.NoError(t, err)
	t.Cleanup(func() { _ = v.Close() })
	return v
}

func existOp(t *testing.T, v state.View, key []byte) cmtcrypto.ProofOp {
	t.Helper()
	p, err := v.ProveExistence(key)
	require.NoError(t, err)
	data, err := state.EncodeProof(p)
	require.NoError(t, err)
	return cmtcrypto.ProofOp{Type: state.ProofOpType, Key: key, Data: data}
}

func TestVerifySingle(t *testing.T) {
	v := provenStore(t)
	key := land.ParcelKey("P-1")
	val := []byte(`{"id":"P-1","history_count":2}`)
	resp := abcitypes.ResponseQuery{Key: key, Value: val, Height: v.Version(),
		ProofOps: &cmtcrypto.ProofOps{Ops: []cmtcrypto.ProofOp{existOp(t, v, key)}}}

	p, entries, err := Verify("/land/parcel/P-1", resp, v.Hash())
	require.NoError(t, err)
	require.Nil(t, entries)
	require.Equal(t, 1, p.Keys)
	require.True(t, p.BoundToPath)
	require.Equal(t, v.Version()+1, p.HeaderHeight)
	require.Equal(t, []verify.ProofOp{{Type: state.ProofOpType, Key: key, Data: resp.ProofOps.Ops[0].Data}}, p.Ops, "the ops checked")

	// Each of these must fail.
	bad := resp
	bad.Value = []byte(`{"id":"P-2"}`)
	_, _, err = Verify("/land/parcel/P-1", bad, v.Hash())
	require.ErrorIs(t, err, ErrProof, "tampered value")

	other := make([]byte, 32)
	_, _, err = Verify("/land/parcel/P-1", resp, other)
	require.ErrorIs(t, err, ErrProof, "wrong root")
	require.ErrorContains(t, err, fmt.Sprintf("proof verification failed: the proof of key %x at state %d does not lead to app hash %X of header %d: ",
		key, v.Version(), other, v.Version()+1))

	// A true record answering another path.
	_, _, err = Verify("/land/parcel/P-3", resp, v.Hash())
	require.ErrorIs(t, err, ErrProof, "answer for another path")

	wrongType := resp
	op := existOp(t, v, key)
	op.Type = "simple:v"
	wrongType.ProofOps = &cmtcrypto.ProofOps{Ops: []cmtcrypto.ProofOp{op}}
	_, _, err = Verify("/land/parcel/P-1", wrongType, v.Hash())
	require.ErrorIs(t, err, ErrProof, "wrong op type")

	noProof := resp
	noProof.ProofOps = nil
	_, _, err = Verify("/land/parcel/P-1", noProof, v.Hash())
	require.ErrorIs(t, err, ErrProof, "no proof")
}

func TestVerifyEntries(t *testing.T) {
	v := provenStore(t)
	kvs := []core.KVPair{
		{Key: land.ParcelKey("P-1"), Value: []byte(`{"id":"P-1","history_count":2}`)},
		{Key: land.HistoryKey("P-1", 0), Value: []byte(`{"seq":0}`)},
		{Key: land.HistoryKey("P-1", 1), Value: []byte(`{"seq":1}`)},
	}
	ops := make([]cmtcrypto.ProofOp, len(kvs))
	for i, kv := range kvs {
		ops[i] = existOp(t, v, kv.Key)
	}
	resp := abcitypes.ResponseQuery{Key: kvs[0].Key, Value: app.EntriesJSON(kvs), Height: v.Version(),
		ProofOps: &cmtcrypto.ProofOps{Ops: ops}}
	p, entries, err := Verify("/land/parcel/P-1/history", resp, v.Hash())
	require.NoError(t, err)
	require.Equal(t, 3, p.Keys)
	require.Len(t, entries, 3)
	require.Equal(t, `{"seq":1}`, string(entries[2].Value))

	// An entry's value changed.
	kvs2 := append([]core.KVPair(nil), kvs...)
	kvs2[2] = core.KVPair{Key: kvs[2].Key, Value: []byte(`{"seq":9}`)}
	bad := resp
	bad.Value = app.EntriesJSON(kvs2)
	_, _, err = Verify("/land/parcel/P-1/history", bad, v.Hash())
	require.ErrorIs(t, err, ErrProof)

	// Proofs out of order.
	swapped := resp
	swapped.ProofOps = &cmtcrypto.ProofOps{Ops: []cmtcrypto.ProofOp{ops[0], ops[2], ops[1]}}
	_, _, err = Verify("/land/parcel/P-1/history", swapped, v.Hash())
	require.ErrorIs(t, err, ErrProof)

	// One entry left without a proof.
	short := resp
	short.ProofOps = &cmtcrypto.ProofOps{Ops: ops[:2]}
	_, _, err = Verify("/land/parcel/P-1/history", short, v.Hash())
	require.ErrorIs(t, err, ErrProof)

	// Each proven, but not the list the path names: entries and their
	// proofs swapped together, an entry left out with its proof, or
	// another parcel's entry in its place.
	respOf := func(kvs ...core.KVPair) abcitypes.ResponseQuery {
		ops := make([]cmtcrypto.ProofOp, len(kvs))
		for i, kv := range kvs {
			ops[i] = existOp(t, v, kv.Key)
		}
		return abcitypes.ResponseQuery{Key: kvs[0].Key, Value: app.EntriesJSON(kvs), Height: v.Version(), ProofOps: &cmtcrypto.ProofOps{Ops: ops}}
	}
	other := core.KVPair{Key: land.HistoryKey("P-4", 0), Value: []byte(`{"seq":0}`)}
	for name, r := range map[string]abcitypes.ResponseQuery{
		"swapped":      respOf(kvs[0], kvs[2], kvs[1]),
		"left out":     respOf(kvs[0], kvs[1]),
		"another list": respOf(kvs[0], kvs[1], other),
	} {
		_, _, err = Verify("/land/parcel/P-1/history", r, v.Hash())
		require.ErrorIs(t, err, ErrProof, name)
	}
}

func TestVerifyAbsent(t *testing.T) {
	v := provenStore(t)
	missing := land.ParcelKey("P-2")
	p, err := v.ProveAbsence(missing)
	require.NoError(t, err)
	data, err := state.EncodeProof(p)
	require.NoError(t, err)
	resp := abcitypes.ResponseQuery{Code: 203, Key: missing, Height: v.Version(),
		ProofOps: &cmtcrypto.ProofOps{Ops: []cmtcrypto.ProofOp{{Type: state.ProofOpType, Key: missing, Data: data}}}}
	proof, err := VerifyAbsent("/land/parcel/P-2", resp, v.Hash())
	require.NoError(t, err)
	require.Equal(t, 1, proof.Keys)
	require.Equal(t, []verify.ProofOp{{Type: state.ProofOpType, Key: missing, Data: data}}, proof.Ops)

	// The same absence proof cannot answer for a parcel that exists.
	present := resp
	present.Key = land.ParcelKey("P-1")
	_, err = VerifyAbsent("/land/parcel/P-1", present, v.Hash())
	require.ErrorIs(t, err, ErrProof)
	_, err = VerifyAbsent("/land/parcel/P-3", resp, v.Hash())
	require.ErrorIs(t, err, ErrProof)
}

func TestPathKey(t *testing.T) {
	addr := "998639acf267a442fcf6ec63e9efad6849d99d37"
	a, err := core.ParseAddress(addr)
	require.NoError(t, err)
	cases := map[string][]byte{
		"/account/" + addr:                   core.AccountKey(a),
		"/chain/info":                        core.ChainInfoKey(),
		"/agency/list":                       core.AgencySetKey(),
		"/agency/id/justice":                 core.AgencyKey("justice"),
		"/agency/account/" + addr + "/roles": core.RoleAccountKey(a),
		"/land/parcel/P-1/transfers":         land.ParcelKey("P-1"),
		"/land/owner/" + addr + "/parcels":   land.OwnerKey(a),
		"/land/transfer/7":                   land.TransferKey(7),
		"/store/0101":                        {0x01, 0x01},
	}
	for path, want := range cases {
		got, ok := PathKey(path)
		require.True(t, ok, path)
		require.Equal(t, want, got, path)
	}
	_, ok := PathKey("/nothing/here")
	require.False(t, ok)
}

// FuzzVerify feeds arbitrary answers and proof bytes to Verify and
// VerifyAbsent: they must never panic, and must never accept an answer
// that differs from the committed record.
func FuzzVerify(f *testing.F) {
	st, err := store.Open(f.TempDir(), state.DefaultConfig())
	require.NoError(f, err)
	defer st.Close()
	key, val := land.ParcelKey("P-1"), []byte(`{"id":"P-1"}`)
	require.NoError(f, st.Set(key, val))
	_, _, err = st.Commit()
	require.NoError(f, err)
	v, err := st.ViewAt(0)
	require.NoError(f, err)
	defer v.Close()
	p, err := v.ProveExistence(key)
	require.NoError(f, err)
	good, err := state.EncodeProof(p)
	require.NoError(f, err)
	root := v.Hash()

	f.Add(key, val, key, good)
	f.Add(key, []byte(`[{"key":"1001","value":{}}]`), key, good)
	f.Add([]byte{1}, []byte{}, []byte{1}, []byte{0x0a, 0x00})
	f.Fuzz(func(t *testing.T, respKey, value, opKey, data []byte) {
		resp := abcitypes.ResponseQuery{Key: respKey, Value: value, Height: 1,
			ProofOps: &cmtcrypto.ProofOps{Ops: []cmtcrypto.ProofOp{{Type: state.ProofOpType, Key: opKey, Data: data}}}}
		if _, _, err := Verify("/store/00", resp, root); err == nil {
			t.Fatalf("accepted an answer for the wrong path")
		}
		_, _, err := Verify("/land/parcel/P-1", resp, root)
		if err == nil && string(value) != string(val) {
			t.Fatalf("accepted value %q, committed %q", value, val)
		}
		_, _ = VerifyAbsent("/land/parcel/P-1", resp, root)
	})
}
