package state

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestConfigValidate(t *testing.T) {
	require.NoError(t, DefaultConfig().Validate())
	require.Equal(t, EngineMemIAVL, DefaultConfig().Engine)
	require.Zero(t, DefaultConfig().CacheSize, "the engine chooses its cache")
	cases := map[string]func(*Config){
		"unknown engine":  func(c *Config) { c.Engine = "rocks" },
		"empty engine":    func(c *Config) { c.Engine = "" },
		"negative cache":  func(c *Config) { c.CacheSize = -1 },
		"memiavl no snap": func(c *Config) { c.SnapshotInterval = 0 },
	}
	for name, mutate := range cases {
		c := DefaultConfig()
		mutate(&c)
		err := c.Validate()
		require.Error(t, err, name)
		require.Contains(t, err.Error(), "state: ", name)
		require.NotContains(t, err.Error(), "\n", name)
	}
	c := DefaultConfig()
	c.Engine, c.SnapshotInterval = EngineIAVL, 0
	require.NoError(t, c.Validate())
}
