package core

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// pingMsg is a message of module "alpha" for the hook checks.
type pingMsg struct{}

func (*pingMsg) Type() string                         { return "alpha/ping" }
func (*pingMsg) Validate() error                      { return nil }
func (*pingMsg) Exec(*Context) error                  { return nil }
func noopHook(*Context, Msg) error                    { return nil }
func resolveNothing([]string) ([]byte, Answer, error) { return nil, nil, nil }

// TestCheckModulesHooks: a hook needs a Run and must follow a message type
// "module/verb"; one of a listed module must be among its types; one of a
// module not in the list is taken on trust (a module checked alone).
func TestCheckModulesHooks(t *testing.T) {
	alpha := func() *Module {
		return &Module{Name: "alpha", Prefix: 0x70, Codes: 100, Resolve: resolveNothing, Msgs: []MsgType{MsgOf[pingMsg]()}}
	}
	beta := func(hooks ...Hook) *Module {
		return &Module{Name: "beta", Prefix: 0x71, Codes: 200, Resolve: resolveNothing, Hooks: hooks}
	}
	require.NoError(t, CheckModules([]*Module{alpha(), beta(Hook{After: "alpha/ping", Run: noopHook})}, CorePrefixes))
	require.NoError(t, CheckModules([]*Module{beta(Hook{After: "gamma/pong", Run: noopHook})}, CorePrefixes))
	for name, tc := range map[string]struct {
		hook Hook
		want string
	}{
		"no run":          {Hook{After: "alpha/ping"}, "has no Run"},
		"no module":       {Hook{After: "ping", Run: noopHook}, "names no message type"},
		"bad module name": {Hook{After: "Alpha/ping", Run: noopHook}, "names no message type"},
		"unknown type":    {Hook{After: "alpha/pong", Run: noopHook}, "has no such message type"},
	} {
		err := CheckModules([]*Module{alpha(), beta(tc.hook)}, CorePrefixes)
		require.Error(t, err, name)
		require.Contains(t, err.Error(), tc.want, name)
	}
}
