package datasvc_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/sharing"
	"github.com/govchain/govchain/datasvc"
)

// TestErasure: a record its agency erased on chain leaves the data
// service's database, with the sealed payloads delivered from it, found by
// the service's sweep of the chain's erase_record transactions; a record
// not erased on chain is never deleted; a delivered request whose record
// was erased since is refused as erased (410), its receipt kept; and a
// sweep done twice erases nothing more.
func TestErasure(t *testing.T) {
	s := newScenario(t, "erase", 3)
	c := s.c
	ctx := ctxOf(t)
	delivered := s.allowed(t, s.subjects[0])
	_, err := s.fetcher(t, c.finance).Fetch(ctx, s.url, delivered)
	require.NoError(t, err)

	srv, err := datasvc.NewServer(ctx, datasvc.Config{Store: s.owner, Reader: c.reader(), Signer: c.signer(t, "datasvc-interior"),
		Events: c.cl.RPC()})
	require.NoError(t, err)

	// Not erased on chain: refused, nothing deleted.
	_, err = srv.Erase(ctx, s.class, s.subjects[1])
	require.ErrorIs(t, err, datasvc.ErrNotErased)
	require.ErrorContains(t, err, "is active at version 1")
	for _, subject := range s.subjects {
		v, err := s.owner.LatestVersion(ctx, s.class, subject)
		require.NoError(t, err)
		require.NotNil(t, v, "%s is still held", subject)
	}
	_, err = srv.Erase(ctx, s.class, "erase-nobody")
	require.ErrorIs(t, err, datasvc.ErrNotErased)

	for _, subject := range s.subjects[:2] {
		c.submit(t, "admin-interior", &sharing.EraseRecord{ClassID: s.class, Subject: subject, LegalBasis: "court order 12",
			LegalBasisHash: docHash("order 12")})
	}
	done, err := srv.SweepErasures(ctx)
	require.NoError(t, err)
	mine := map[string]datasvc.Erasure{}
	for _, e := range done {
		if e.Class == s.class {
			mine[e.Subject] = e
		}
	}
	require.Len(t, mine, 2, "both erased records found: %+v", done)
	require.Equal(t, int64(1), mine[s.subjects[0]].Versions)
	require.Equal(t, int64(1), mine[s.subjects[0]].Payloads, "the payload delivered from it is deleted")
	require.Equal(t, int64(1), mine[s.subjects[1]].Versions)
	require.Zero(t, mine[s.subjects[1]].Payloads)
	for _, subject := range s.subjects[:2] {
		v, err := s.owner.LatestVersion(ctx, s.class, subject)
		require.NoError(t, err)
		require.Nil(t, v, "%s's values are deleted", subject)
	}
	v, err := s.owner.LatestVersion(ctx, s.class, s.subjects[2])
	require.NoError(t, err)
	require.NotNil(t, v, "a record not erased stays")
	d, err := s.owner.Delivery(ctx, delivered)
	require.NoError(t, err)
	require.NotNil(t, d, "the delivery's receipt stays")
	require.Empty(t, d.Sealed, "its sealed bytes are gone")
	require.True(t, d.Confirmed())

	again, err := srv.SweepErasures(ctx)
	require.NoError(t, err)
	require.Empty(t, again, "a second sweep finds nothing new")
	e, err := srv.Erase(ctx, s.class, s.subjects[0])
	require.NoError(t, err, "erasing again changes nothing")
	require.Equal(t, mine[s.subjects[0]], *e)

	// The delivered request asked for again: refused as erased, by the
	// running service too, which holds the same database.
	status, resp, raw := s.post(t, delivered, s.signed(t, delivered))
	require.Equal(t, http.StatusGone, status, string(raw))
	require.Equal(t, sharing.ErrRecordErased.Code(), resp.Code)
	require.Contains(t, resp.Error, "was erased")

	st, err := s.owner.Status(ctx)
	require.NoError(t, err)
	n := 0
	for _, e := range st.Erasures {
		if e.Class == s.class {
			n++
		}
	}
	require.Equal(t, 2, n, "status lists the erasures")
}
