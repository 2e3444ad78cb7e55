package coretest

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
)

// CheckModule checks a module's contract as its own tests see it: the
// module passes core.CheckModules alone; valid holds valid messages of
// every type (one or more each), sorted by type, and each decodes strictly from
// its JSON through the module's constructor and re-encodes to the same
// bytes (the canonical encoding); an unknown type has no constructor; and
// every sentinel starts with "<name>: ", belongs to exactly one kind and
// has a message of its own.
func CheckModule(t *testing.T, m *core.Module, valid []core.Msg) {
	t.Helper()
	require.NoError(t, core.CheckModules([]*core.Module{m}, core.CorePrefixes))
	types := m.Types()
	seenType := map[string]bool{}
	for i, msg := range valid {
		seenType[msg.Type()] = true
		if i > 0 {
			require.LessOrEqual(t, valid[i-1].Type(), msg.Type(), "valid messages must be sorted by type")
		}
		require.NoError(t, msg.Validate(), msg.Type())
		raw, err := json.Marshal(msg)
		require.NoError(t, err)
		zero, ok := m.NewMsg(msg.Type())
		require.True(t, ok, msg.Type())
		require.Equal(t, msg.Type(), zero.Type())
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		require.NoError(t, dec.Decode(zero), msg.Type())
		again, err := json.Marshal(zero)
		require.NoError(t, err)
		require.Equal(t, string(raw), string(again), msg.Type())
		require.NoError(t, zero.Validate(), msg.Type())
	}
	for _, typ := range types {
		require.True(t, seenType[typ], "no valid message of type %s", typ)
	}
	require.Len(t, seenType, len(types), "a valid message of a type the module does not list")
	for _, typ := range []string{"", m.Name + "/unknown", "other/" + strings.TrimPrefix(types[0], m.Name+"/")} {
		_, ok := m.NewMsg(typ)
		require.False(t, ok, "type %q must be unknown", typ)
	}
	seen := map[string]bool{}
	for _, s := range m.Errors {
		require.Regexp(t, `^`+m.Name+`: [a-z]`, s.Error())
		require.False(t, seen[s.Error()], "duplicate %q", s.Error())
		seen[s.Error()] = true
		n := 0
		for _, k := range []error{core.ErrInvalid, core.ErrNotFound, core.ErrUnauthorized, core.ErrConflict} {
			if errors.Is(s, k) {
				n++
			}
		}
		require.Equal(t, 1, n, "%v must belong to exactly one kind", s)
	}
}
