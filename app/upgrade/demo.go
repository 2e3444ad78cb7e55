package upgrade

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/notary"
	"github.com/govchain/govchain/state"
)

// DemoName is the name of the demonstration upgrade.
const DemoName = "demo-notary-v2"

// DemoLayout is the layout number the demonstration writes.
const DemoLayout = 2

// DocumentV2 is a notary document in the demonstration's layout 2: the
// fields of layout 1 (notary.Document) unchanged, so that the notary
// module reads the record as before, plus Layout (DemoLayout) and
// AnchoredUnix, the anchoring block time in Unix seconds.
type DocumentV2 struct {
	notary.Document
	Layout       int   `json:"layout"`
	AnchoredUnix int64 `json:"anchored_unix"`
}

// Demo is the demonstration upgrade: its migration rewrites every
// anchored notary document from layout 1 to layout 2 (DocumentV2), in key
// order. Only a binary built with -tags upgradedemo carries it (Carried);
// the tests of this package and the end-to-end upgrade test use it.
func Demo() Upgrade {
	return Upgrade{Name: DemoName, Migrate: migrateDemo}
}

// documentsPrefix is the prefix of every notary document key: the
// document table's prefix and table bytes.
func documentsPrefix() []byte { return notary.DocumentKey(core.Hash{})[:2] }

func migrateDemo(kv state.KV, _ int64) error {
	type record struct{ key, value []byte }
	var docs []record
	prefix := documentsPrefix()
	it, err := kv.Iterator(prefix, state.PrefixEnd(prefix), true)
	if err != nil {
		return err
	}
	for ; it.Valid(); it.Next() {
		docs = append(docs, record{slices.Clone(it.Key()), slices.Clone(it.Value())})
	}
	err = it.Error()
	if cerr := it.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	for _, d := range docs {
		var v2 DocumentV2
		if err := json.Unmarshal(d.value, &v2); err != nil {
			return fmt.Errorf("upgrade: notary document under %x does not decode: %w", d.key, err)
		}
		if v2.Layout != 0 {
			return fmt.Errorf("upgrade: notary document under %x is already in layout %d", d.key, v2.Layout)
		}
		v2.Layout, v2.AnchoredUnix = DemoLayout, v2.Time.Unix()
		if err := core.SetJSON(kv, d.key, v2); err != nil {
			return err
		}
	}
	return nil
}
