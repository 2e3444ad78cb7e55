package client

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

// replaceField sets one top-level string field of a JSON object.
func replaceField(t *testing.T, data []byte, field, value string) string {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(data, &m))
	m[field] = value
	b, err := json.Marshal(m)
	require.NoError(t, err)
	return string(b)
}
