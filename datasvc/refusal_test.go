package datasvc_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/sharing"
	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/datasvc"
)

// TestDataServiceRefusals: the service serves nothing, stores nothing
// and posts nothing for a request the chain did not commit, or refused,
// or whose grant expired or was revoked, or whose record was erased or
// changed, after the request; nor for a forged signature, a stale time,
// or the signature of an account that is not the request's official.
// Each is refused with its HTTP status and a reason.
func TestDataServiceRefusals(t *testing.T) {
	s := newScenario(t, "refuse", 6)
	c := s.c
	officer, err := c.kr.Get("officer-finance")
	require.NoError(t, err)
	other, err := c.kr.Get("officer-interior")
	require.NoError(t, err)

	type refusal struct {
		status int
		code   uint32
		reason string
	}
	check := func(t *testing.T, id uint64, body any, want refusal) {
		t.Helper()
		status, e, raw := s.post(t, id, body)
		require.Equal(t, want.status, status, string(raw))
		require.Contains(t, e.Error, want.reason)
		require.Equal(t, want.code, e.Code)
		s.requireNothingServed(t, id)
	}

	t.Run("refused request", func(t *testing.T) {
		id, err := s.request(t, s.grant, s.subjects[0], "name") // not granted
		var te *client.TxError
		require.ErrorAs(t, err, &te)
		require.Equal(t, sharing.ErrFieldNotCovered.Code(), te.Code)
		check(t, id, s.signed(t, id), refusal{http.StatusForbidden, 0, "was refused on chain (code 818"})
	})

	t.Run("uncommitted request", func(t *testing.T) {
		id := uint64(1_000_000)
		check(t, id, s.signed(t, id), refusal{http.StatusNotFound, 0, "request 1000000 is not committed on chain"})
	})

	t.Run("expired grant", func(t *testing.T) {
		grant := s.newGrant(t, 5*time.Second)
		id, err := s.request(t, grant, s.subjects[1], "address")
		require.NoError(t, err, "allowed before the grant expires")
		q := c.request(t, id)
		g := new(sharing.Grant)
		require.True(t, c.query(t, "/sharing/grant/"+core.Dec(grant), g))
		require.Eventually(t, func() bool {
			now, err := c.blockTime(ctxOf(t))
			return err == nil && now.After(g.ExpiresAt.Add(time.Second))
		}, 30*time.Second, 200*time.Millisecond)
		require.Equal(t, sharing.OutcomeAllowed, q.Outcome)
		check(t, id, s.signed(t, id), refusal{http.StatusForbidden, sharing.ErrGrantExpired.Code(), "expired at"})
	})

	t.Run("grant revoked after the request", func(t *testing.T) {
		grant := s.newGrant(t, time.Hour)
		id, err := s.request(t, grant, s.subjects[2], "address")
		require.NoError(t, err)
		c.submit(t, "admin-interior", &sharing.RevokeGrant{GrantID: grant, Reason: "case closed"})
		check(t, id, s.signed(t, id), refusal{http.StatusForbidden, sharing.ErrGrantRevoked.Code(), "is revoked"})
	})

	t.Run("record erased after the request", func(t *testing.T) {
		id := s.allowed(t, s.subjects[3])
		c.submit(t, "admin-interior", &sharing.EraseRecord{ClassID: s.class, Subject: s.subjects[3], LegalBasis: "court order 7",
			LegalBasisHash: docHash("order 7")})
		check(t, id, s.signed(t, id), refusal{http.StatusGone, sharing.ErrRecordErased.Code(), "is erased"})
		v, err := s.owner.LatestVersion(ctxOf(t), s.class, s.subjects[3])
		require.NoError(t, err)
		require.Nil(t, v, "the refusal deleted the erased record's values")
		e, err := s.owner.Erased(ctxOf(t), s.class, s.subjects[3])
		require.NoError(t, err)
		require.NotNil(t, e)
		require.Equal(t, int64(1), e.Versions)
	})

	t.Run("record changed after the request", func(t *testing.T) {
		subject := s.subjects[4]
		id := s.allowed(t, subject)
		in := loadFile(t, map[string]map[string]string{subject: record(subject, 2)}, subject)
		res := loadPath(t, s, in)
		require.Equal(t, 1, res.Changed)
		check(t, id, s.signed(t, id), refusal{http.StatusConflict, sharing.ErrRecordChanged.Code(), "the record changed since request"})
		// A new request, on the new version, is served.
		id2 := s.allowed(t, subject)
		got, err := s.fetcher(t, c.finance).Fetch(ctxOf(t), s.url, id2)
		require.NoError(t, err)
		require.Equal(t, record(subject, 2)["address"], got.Fields[0].Value)
	})

	// The requests below are allowed and deliverable: only the payload
	// request is wrong.
	id := s.allowed(t, s.subjects[5])

	t.Run("forged signature", func(t *testing.T) {
		forger := ed25519.GenPrivKey()
		pr := s.signed(t, id)
		pr.Signature, err = forger.Sign(datasvc.AuthBytes(c.chainID, id, officer.Address(), pr.Time))
		require.NoError(t, err)
		check(t, id, pr, refusal{http.StatusUnauthorized, 0, "the signature is not account " + officer.Address().String() + "'s"})
		// A valid signature over another request id.
		pr = s.signed(t, id+1)
		pr.RequestID = id
		check(t, id, pr, refusal{http.StatusUnauthorized, 0, "the signature is not"})
	})

	t.Run("stale time", func(t *testing.T) {
		for _, at := range []time.Time{time.Now().Add(-10 * time.Minute), time.Now().Add(10 * time.Minute)} {
			pr, err := datasvc.SignPayloadRequest(officer, c.chainID, id, officer.Address(), at)
			require.NoError(t, err)
			check(t, id, pr, refusal{http.StatusUnauthorized, 0, "away from the service's clock (at most 5m0s allowed)"})
		}
	})

	t.Run("another account's signature", func(t *testing.T) {
		// officer-interior's key is on chain once it has signed: a
		// request under a grant that does not exist, refused and
		// recorded.
		_, err := c.try(ctxOf(t), "officer-interior", &sharing.RequestAccess{GrantID: 999_999, Subject: s.subjects[0],
			Fields: []string{"address"}, Purpose: "benefit_eligibility", CaseRef: docHash("other")})
		var te *client.TxError
		require.ErrorAs(t, err, &te)
		require.Equal(t, sharing.ErrGrantNotFound.Code(), te.Code)
		// Another official, signing for itself: not the request's.
		pr, err := datasvc.SignPayloadRequest(other, c.chainID, id, other.Address(), time.Now())
		require.NoError(t, err)
		check(t, id, pr, refusal{http.StatusForbidden, 0, "is not the official of request"})
		// Another official's key, claiming the request's official.
		pr, err = datasvc.SignPayloadRequest(other, c.chainID, id, officer.Address(), time.Now())
		require.NoError(t, err)
		check(t, id, pr, refusal{http.StatusUnauthorized, 0, "the signature is not"})
	})

	t.Run("malformed bodies", func(t *testing.T) {
		pr := s.signed(t, id)
		check(t, id+7, pr, refusal{http.StatusBadRequest, 0, "the body names request"})
		check(t, id, map[string]any{"request_id": id, "account": officer.Address(), "time": pr.Time, "signature": pr.Signature, "x": 1},
			refusal{http.StatusBadRequest, 0, `unknown field "x"`})
		check(t, id, map[string]any{"request_id": id, "account": officer.Address(), "time": "yesterday", "signature": pr.Signature},
			refusal{http.StatusBadRequest, 0, `time "yesterday" is not RFC 3339`})
	})

	// After all of that, the right payload request is served, once.
	got, err := s.fetcher(t, c.finance).Fetch(ctxOf(t), s.url, id)
	require.NoError(t, err)
	require.Len(t, got.Fields, 2)
	require.Equal(t, []string{sharing.KindRequest, sharing.KindDelivery}, c.logKinds(t, s.subjects[5]))
}

func loadPath(t testing.TB, s *scenario, path string) *datasvc.LoadResult {
	t.Helper()
	in := openFile(t, path)
	res, err := datasvc.Load(ctxOf(t), s.owner, s.c.reader(), s.c.signer(t, "datasvc-interior"), s.class, in)
	require.NoError(t, err)
	return res
}
