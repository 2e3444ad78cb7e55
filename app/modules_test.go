package app

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
)

// TestModulesContract checks the module list: names, key prefixes and
// code ranges unique, types sorted and under their module, codes in range
// (core.CheckModules); no module takes a name the app's own query paths
// use; and every message type routes to its module's constructor.
func TestModulesContract(t *testing.T) {
	require.NoError(t, core.CheckModules(Modules, core.CorePrefixes))
	for _, m := range Modules {
		_, builtin := map[string]bool{"store": true, "account": true, "key": true, "chain": true}[m.Name]
		require.False(t, builtin, "module %s takes a name of the app's own query paths", m.Name)
		for _, typ := range m.Types() {
			msg, err := NewMsg(typ)
			require.NoError(t, err)
			require.Equal(t, typ, msg.Type())
		}
	}
	_, err := NewMsg("land/unknown")
	require.ErrorIs(t, err, core.ErrUnknownMsgType)
	require.Len(t, MsgTypes(), len(msgTypes))
}

// TestCheckModulesRefuses gives core.CheckModules each kind of broken list
// and requires a refusal naming the problem.
func TestCheckModulesRefuses(t *testing.T) {
	clone := func() []*core.Module {
		out := make([]*core.Module, len(Modules))
		for i, m := range Modules {
			c := *m
			out[i] = &c
		}
		return out
	}
	for name, tc := range map[string]struct {
		mutate func([]*core.Module) []*core.Module
		want   string
	}{
		"duplicate name":     {func(m []*core.Module) []*core.Module { m[2].Name = m[1].Name; return m }, "listed twice"},
		"shared prefix":      {func(m []*core.Module) []*core.Module { m[2].Prefix = m[1].Prefix; return m }, "key prefix"},
		"core prefix":        {func(m []*core.Module) []*core.Module { m[1].Prefix = core.PrefixAccount; return m }, "of core"},
		"shared code range":  {func(m []*core.Module) []*core.Module { m[2].Codes = m[1].Codes; return m }, "code range"},
		"code range not x00": {func(m []*core.Module) []*core.Module { m[2].Codes = 350; return m }, "multiple of 100"},
		"code out of range": {func(m []*core.Module) []*core.Module {
			m[2].Errors = append(m[2].Errors[:len(m[2].Errors):len(m[2].Errors)], m[1].Errors[0])
			return m
		}, "outside"},
		"unsorted types": {func(m []*core.Module) []*core.Module {
			msgs := append([]core.MsgType(nil), m[1].Msgs...)
			msgs[0], msgs[1] = msgs[1], msgs[0]
			m[1].Msgs = msgs
			return m
		}, "not sorted"},
		"type of another module": {func(m []*core.Module) []*core.Module {
			m[2].Msgs = append([]core.MsgType(nil), m[1].Msgs...)
			return m
		}, "is not under"},
		"bad name": {func(m []*core.Module) []*core.Module { m[1].Name = "Land"; return m }, "lower-case"},
	} {
		err := core.CheckModules(tc.mutate(clone()), core.CorePrefixes)
		require.Error(t, err, name)
		require.Contains(t, err.Error(), tc.want, name)
	}
}

// TestModulesGolden compares the frozen facts of every module (name, key
// prefix, code range, message types) with testdata/modules.txt: a line
// may be added (go test ./app -run ModulesGolden -update), never changed.
func TestModulesGolden(t *testing.T) {
	var b strings.Builder
	b.WriteString("# The chain's modules in order: name, key prefix, code range, message types.\n")
	b.WriteString("# Names, prefixes, code ranges and type strings are frozen once released.\n")
	fmt.Fprintf(&b, "core\tprefixes")
	for _, p := range core.CorePrefixes {
		fmt.Fprintf(&b, " 0x%02x", p)
	}
	b.WriteString("\tcodes 2-29\n")
	for _, m := range Modules {
		fmt.Fprintf(&b, "%s\tprefix 0x%02x\tcodes %d-%d\n", m.Name, m.Prefix, m.Codes, m.Codes+99)
		for _, typ := range m.Types() {
			fmt.Fprintf(&b, "\t%s\n", typ)
		}
	}
	golden := filepath.Join("testdata", "modules.txt")
	if *update {
		require.NoError(t, os.WriteFile(golden, []byte(b.String()), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run go test ./app -run ModulesGolden -update to create it")
	require.Equal(t, string(want), b.String())
}
