package notary

import (
	"encoding/json"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
)

func TestAnchorLifecycle(t *testing.T) {
	e := newEnv(t)
	notary := e.account("notary", core.RoleNotary)
	registrar := e.account("registrar", core.RoleLandRegistrar)
	deed := coretest.HashOf("signed sale deed")

	// Unknown: the not-found answer carries the key whose absence proves it.
	coretest.RequireNotFound(t, boundQuery, e.KV, []string{"document", deed.String()}, DocumentKey(deed), ErrDocumentNotFound)

	// The notary anchors it.
	ctx := e.okCtx(notary, AnchorDocument{DocumentHash: deed, DocType: "deed", Reference: "land/parcel/P-1"})
	first := ctx
	a := attrs(t, ctx)
	require.Equal(t, map[string]string{
		"action": "anchor_document", "document_hash": deed.String(), "signer": notary.String(),
		"status": StatusNew, "anchored_by": notary.String(), "anchored_height": "1",
		"anchored_at": "2026-01-01T00:00:01Z", "anchored_tx": core.HexBytes(ctx.TxHash).String(),
		"doc_type": "deed", "reference": "land/parcel/P-1",
	}, a)

	res, err := boundQuery(t, e.KV, []string{"document", deed.String()})
	require.NoError(t, err)
	require.Equal(t, DocumentKey(deed), res.Key)
	stored, _ := e.KV.Get(DocumentKey(deed))
	require.Equal(t, stored, res.Value)
	var d Document
	require.NoError(t, json.Unmarshal(res.Value, &d))
	require.Equal(t, Document{
		DocumentHash: deed, DocType: "deed", Reference: "land/parcel/P-1", AnchoredBy: notary,
		Height: 1, Time: time.Date(2026, 1, 1, 0, 0, 1, 0, time.UTC), TxHash: first.TxHash, HistoryCount: 1,
	}, d)

	// Anchoring it again, by anyone, with any type: success, nothing
	// changes, and the event reports the first anchoring.
	before := e.Snapshot()
	e.Height += 100
	ctx = e.okCtx(registrar, AnchorDocument{DocumentHash: deed, DocType: "copy", Reference: "land/parcel/P-2"})
	require.Equal(t, before, e.Snapshot(), "a second anchoring changes nothing")
	a = attrs(t, ctx)
	require.Equal(t, StatusExisting, a["status"])
	require.Equal(t, registrar.String(), a["signer"])
	require.Equal(t, notary.String(), a["anchored_by"])
	require.Equal(t, "1", a["anchored_height"])
	require.Equal(t, "2026-01-01T00:00:01Z", a["anchored_at"])
	require.Equal(t, core.HexBytes(first.TxHash).String(), a["anchored_tx"])
	require.Equal(t, "deed", a["doc_type"])
	require.Equal(t, "land/parcel/P-1", a["reference"])
	require.NotEqual(t, core.HexBytes(first.TxHash).String(), core.HexBytes(ctx.TxHash).String())

	// History: anchor then its one entry.
	res, err = boundQuery(t, e.KV, []string{"document", deed.String(), "history"})
	require.NoError(t, err)
	require.Len(t, res.Entries, 2)
	require.Equal(t, DocumentKey(deed), res.Entries[0].Key)
	require.Equal(t, HistoryKey(deed, 0), res.Entries[1].Key)
	var h core.HistoryEntry
	require.NoError(t, json.Unmarshal(res.Entries[1].Value, &h))
	require.Equal(t, "anchor_document", h.Action)
	require.Equal(t, notary, h.Actor)
	require.Equal(t, int64(1), h.Height)
	require.JSONEq(t, `{"doc_type":"deed","reference":"land/parcel/P-1"}`, string(h.Details))

	// A document without a reference has no reference attribute.
	ctx = e.okCtx(registrar, AnchorDocument{DocumentHash: coretest.HashOf("survey"), DocType: "survey"})
	_, has := attrs(t, ctx)["reference"]
	require.False(t, has)
	require.Equal(t, strconv.FormatInt(e.Height, 10), attrs(t, ctx)["anchored_height"])
}

// TestRefusals triggers every sentinel and the role refusal, and checks
// that each refusal leaves the state unchanged.
func TestRefusals(t *testing.T) {
	e := newEnv(t)
	citizen := e.account("citizen")
	bank := e.account("bank", core.RoleBank)

	e.Refuse(bank, AnchorDocument{DocumentHash: core.Hash{}, DocType: "deed"}, ErrInvalidMessage)
	e.Refuse(citizen, AnchorDocument{DocumentHash: coretest.HashOf("x"), DocType: "deed"}, core.ErrMissingRole)
	e.okCtx(bank, AnchorDocument{DocumentHash: coretest.HashOf("x"), DocType: "loan"})
	// An account whose last role was revoked can no longer anchor, not even
	// a hash that is already anchored.
	e.revokeAll(bank)
	e.Refuse(bank, AnchorDocument{DocumentHash: coretest.HashOf("y"), DocType: "loan"}, core.ErrMissingRole)
	e.Refuse(bank, AnchorDocument{DocumentHash: coretest.HashOf("x"), DocType: "loan"}, core.ErrMissingRole)

	for _, q := range []struct {
		path []string
		err  error
	}{
		{[]string{"document", "xyz"}, ErrUnknownQuery},
		{[]string{"document", coretest.HashOf("never").String()}, ErrDocumentNotFound},
	} {
		e.RefuseQuery(boundQuery, q.path, q.err)
	}
	e.RequireSeen(Errors)
}

// TestAuthorisationMatrix: every role (and no role) times the one message
// type. Any role authorises anchoring; no role is core.ErrMissingRole.
func TestAuthorisationMatrix(t *testing.T) {
	coretest.AuthMatrix(t, Module, map[string]coretest.AuthCase[*env, struct{}]{
		TypeAnchorDocument: {Roles: core.Roles, Setup: func(*env, struct{}, core.Address, bool) core.Msg {
			return AnchorDocument{DocumentHash: coretest.HashOf("doc"), DocType: "contract"}
		}},
	}, core.ErrMissingRole, func(t *testing.T, role core.Role, _ bool) (*env, struct{}, *coretest.Env, core.Address) {
		e := newEnv(t)
		var s core.Address
		if role == "" {
			s = e.account("signer")
		} else {
			s = e.account("signer", role)
		}
		return e, struct{}{}, e.Env, s
	})
}

func TestQueries(t *testing.T) {
	e := newEnv(t)
	n := e.account("notary", core.RoleNotary)
	h := coretest.HashOf("doc")
	e.okCtx(n, AnchorDocument{DocumentHash: h, DocType: "contract"})

	coretest.RequireStored(t, boundQuery, e.KV, []string{"document", h.String()}, DocumentKey(h))
	res, err := boundQuery(t, e.KV, []string{"document", h.String(), "history"})
	require.NoError(t, err)
	require.Equal(t, res.Key, res.Entries[0].Key)
	require.Equal(t, res.Value, res.Entries[0].Value)

	// The all-zero hash is a lookup like any other: never anchored (no
	// transaction may carry it), so provably not found.
	for _, other := range []core.Hash{coretest.HashOf("other"), {}} {
		for _, path := range [][]string{{"document", other.String()}, {"document", other.String(), "history"}} {
			_, err := boundQuery(t, e.KV, path)
			var nf *core.NotFound
			require.True(t, errors.As(err, &nf), "%v", path)
			require.Equal(t, DocumentKey(other), nf.Key)
			require.ErrorIs(t, err, ErrDocumentNotFound)
			require.NotErrorIs(t, err, ErrUnknownQuery)
			has, _ := e.KV.Has(nf.Key)
			require.False(t, has)
		}
	}

	upper := []byte(h.String())
	upper[0] = 'A'
	if h.String()[0] >= '0' && h.String()[0] <= '9' {
		upper[0] = 'F'
	}
	coretest.RequireMalformed(t, boundQuery, e.KV, ErrUnknownQuery, [][]string{
		nil, {}, {"document"}, {"document", ""}, {"document", h.String()[:63]}, {"document", h.String() + "00"},
		{"document", "zz" + h.String()[2:]}, {"document", string(upper)},
		{"document", h.String(), "owners"}, {"document", h.String(), "history", "0"}, {"hash", h.String()},
	})
}

// TestDeterministicReplay runs the same transactions on two fresh stores
// and requires byte-identical states and events.
func TestDeterministicReplay(t *testing.T) {
	play := func() (map[string]string, [][]core.Event) {
		e := newEnv(t)
		n := e.account("notary", core.RoleNotary)
		var evs [][]core.Event
		for i := range 10 {
			evs = append(evs, e.okCtx(n, AnchorDocument{DocumentHash: coretest.HashOf(strconv.Itoa(i % 7)), DocType: "deed"}).Events())
		}
		return e.Snapshot(), evs
	}
	s1, ev1 := play()
	s2, ev2 := play()
	require.Equal(t, s1, s2)
	require.Equal(t, ev1, ev2)
}
