package upgrade

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
	"github.com/govchain/govchain/app/gov"
	"github.com/govchain/govchain/app/notary"
	"github.com/govchain/govchain/state"
)

func noop(state.KV, int64) error { return nil }

func TestRegistryValidate(t *testing.T) {
	require.NoError(t, Registry{}.Validate())
	require.NoError(t, Registry{Demo(), {Name: "v3", Migrate: noop}}.Validate())
	require.NoError(t, Carried().Validate(), "the registry this build carries")
	for name, r := range map[string]Registry{
		"bad name":     {{Name: "V3", Migrate: noop}},
		"no migration": {{Name: "v3"}},
		"twice":        {{Name: "v3", Migrate: noop}, {Name: "v3", Migrate: noop}},
	} {
		require.Error(t, r.Validate(), name)
	}
	_, ok := Registry{Demo()}.Lookup(DemoName)
	require.True(t, ok)
	_, ok = Registry{Demo()}.Lookup("v3")
	require.False(t, ok)
}

// TestDemoMigration rewrites every notary document, and only those, to
// layout 2, refuses a document already in layout 2, and is deterministic.
func TestDemoMigration(t *testing.T) {
	kv := coretest.NewMemKV()
	at := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	var hashes []core.Hash
	for _, s := range []string{"b", "a", "c"} {
		h := coretest.HashOf(s)
		hashes = append(hashes, h)
		require.NoError(t, core.SetJSON(kv, notary.DocumentKey(h), notary.Document{DocumentHash: h, DocType: "deed", Height: 4, Time: at, TxHash: core.HexBytes{1}}))
	}
	other := notary.HistoryKey(hashes[0], 0)
	require.NoError(t, kv.Set(other, []byte(`{"untouched":true}`)))

	require.NoError(t, Demo().Migrate(kv, 9))
	for _, h := range hashes {
		b, err := kv.Get(notary.DocumentKey(h))
		require.NoError(t, err)
		var v2 DocumentV2
		require.NoError(t, json.Unmarshal(b, &v2))
		require.Equal(t, DocumentV2{Document: notary.Document{DocumentHash: h, DocType: "deed", Height: 4, Time: at, TxHash: core.HexBytes{1}},
			Layout: DemoLayout, AnchoredUnix: at.Unix()}, v2)
	}
	b, err := kv.Get(other)
	require.NoError(t, err)
	require.Equal(t, `{"untouched":true}`, string(b))
	require.ErrorContains(t, Demo().Migrate(kv, 10), "already in layout 2")
}

// TestBeginRefusesMissedPlan: a plan whose height has passed (no correct
// chain gets there) stops the node rather than being skipped.
func TestBeginRefusesMissedPlan(t *testing.T) {
	kv := coretest.NewMemKV()
	plan := gov.UpgradePlan{ScheduleUpgrade: gov.ScheduleUpgrade{Name: "v2", Height: 5, BinarySHA256: make(core.HexBytes, 32)}}
	require.NoError(t, core.SetJSON(kv, gov.UpgradePlanKey(), plan))
	done, err := Begin(kv, 4, Registry{})
	require.NoError(t, err, "before the height nothing happens, carried or not")
	require.Nil(t, done)
	_, err = Begin(kv, 6, Registry{{Name: "v2", Migrate: noop}})
	require.ErrorIs(t, err, ErrMissedUpgrade)
	require.False(t, errors.Is(err, ErrUpgradeNeeded))
	done, err = Begin(kv, 5, Registry{{Name: "v2", Migrate: noop}})
	require.NoError(t, err)
	require.Equal(t, &gov.UpgradeDone{Name: "v2", Height: 5, BinarySHA256: plan.BinarySHA256}, done)
	ok, err := Done(kv, "v2")
	require.NoError(t, err)
	require.True(t, ok)
	_, found, err := gov.GetUpgradePlan(kv)
	require.NoError(t, err)
	require.False(t, found)
}
