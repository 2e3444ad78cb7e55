package app

import (
	"errors"
	"testing"
	"time"

	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
	"github.com/govchain/govchain/state/store"
)

// recorderMsg is a test double of a core.Recorder: Exec writes a key and
// refuses; RecordRefusal writes another key naming the code, or refuses
// to record (reject), or panics.
type recorderMsg struct {
	reject, panics bool
}

var (
	errTestRefusal = core.NewCodedError(299, core.ErrConflict, "test: refused")
	execKey        = state.Key(0xfe, 1)
	recordKey      = state.Key(0xfe, 2)
)

func (recorderMsg) Type() string    { return "test/record" }
func (recorderMsg) Validate() error { return nil }
func (recorderMsg) Exec(ctx *core.Context) error {
	if err := ctx.KV.Set(execKey, []byte("exec")); err != nil {
		return err
	}
	return core.Wrapf(errTestRefusal, "always")
}
func (m recorderMsg) RecordRefusal(ctx *core.Context, refusal error, code uint32) error {
	switch {
	case m.panics:
		panic("boom")
	case m.reject:
		return errors.New("not recordable")
	}
	ctx.Emit("test", "recorded", refusal.Error())
	return ctx.KV.Set(recordKey, []byte{byte(code), byte(code >> 8)})
}

// TestRecorderRefusalIsRecorded drives deliver, the block path, with a
// Recorder: its refusal keeps its code and discards Exec's writes, while
// RecordRefusal's writes and events are kept, and the sequence is used;
// a refusal RecordRefusal declines, or a panic in it, records nothing.
func TestRecorderRefusalIsRecorded(t *testing.T) {
	for _, c := range []struct {
		name     string
		msg      recorderMsg
		recorded bool
	}{{"recorded", recorderMsg{}, true}, {"declined", recorderMsg{reject: true}, false}, {"panics", recorderMsg{panics: true}, false}} {
		t.Run(c.name, func(t *testing.T) {
			st, err := store.Open(t.TempDir(), state.DefaultConfig())
			require.NoError(t, err)
			a, err := New(st)
			require.NoError(t, err)
			t.Cleanup(func() { _ = a.Close() })
			key := testKey("alice")
			d := &DecodedTx{Tx: &Tx{Signer: core.HexBytes(key.PubKey().Bytes()), Sequence: 0}, Msg: c.msg,
				Signer: core.AddressOf(key.PubKey().(ed25519.PubKey)), Hash: make([]byte, 32)}
			kv := &faultKV{KV: st}
			res := a.deliver(kv, 1, time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), decoded{tx: d}, &validatorSet{})
			require.NoError(t, kv.err)
			require.ErrorIs(t, res.Err, errTestRefusal)
			require.Equal(t, uint32(299), core.ResultCode(res.Err))
			v, err := st.Get(execKey)
			require.NoError(t, err)
			require.Nil(t, v, "the refused Exec's writes are discarded")
			v, err = st.Get(recordKey)
			require.NoError(t, err)
			acc, found, err := core.GetAccount(st, d.Signer)
			require.NoError(t, err)
			require.True(t, found)
			require.Equal(t, uint64(1), acc.Sequence, "the sequence is used either way")
			if !c.recorded {
				require.Nil(t, v)
				require.Empty(t, res.Events)
				return
			}
			require.Equal(t, []byte{43, 1}, v, "the record carries the refusal's code (299)")
			require.Len(t, res.Events, 2)
			require.Equal(t, "test", res.Events[0].Type)
			require.Equal(t, "message", res.Events[1].Type)
			require.Contains(t, res.Events[1].Attrs, core.Attr{Key: "refused", Value: "299", Index: true})
		})
	}
}
