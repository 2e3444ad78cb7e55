package datasvc_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/sharing"
	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/datasvc"
	"github.com/govchain/govchain/seal"
)

// TestDataServiceCovert: a covert request (law_enforcement) shows no
// official and no fields on chain; interior's service opens its sealed
// copy of the details with its own private key and serves exactly the
// fields asked for, to a data officer of the requesting agency and to no
// one else. A covert request whose sealed details name a field outside
// the grant, which the chain cannot see, is refused by the service:
// nothing is stored or posted.
func TestDataServiceCovert(t *testing.T) {
	s := newScenario(t, "covert", 2)
	c := s.c
	ctx := ctxOf(t)
	now, err := c.blockTime(ctx)
	require.NoError(t, err)
	// Interior's own key, in its service's database: the owner's copy of
	// a covert request's details is sealed to it.
	own, err := s.owner.GenerateKey(ctx, seal.SuiteX25519, "int-covert")
	require.NoError(t, err)
	c.submit(t, "admin-interior", &sharing.RegisterKey{KeyID: own.KeyID, Suite: own.Suite, PublicKey: own.PublicKey, ValidUntil: now.AddDate(1, 0, 0)})
	// The overseer's (justice's) key.
	over, err := seal.GenerateKey(seal.SuiteX25519)
	require.NoError(t, err)
	c.submit(t, "admin-justice", &sharing.RegisterKey{KeyID: "jus-covert", Suite: seal.SuiteX25519, PublicKey: over.PublicKeyBytes(),
		ValidUntil: now.AddDate(1, 0, 0)})
	res := c.submit(t, "admin-interior", &sharing.CreateGrant{Grantee: "finance", ClassID: s.class, Fields: []string{"address", "income"},
		Purpose: "law_enforcement", LegalBasis: "Criminal Procedure Act s. 9", LegalBasisHash: docHash("cpa"),
		ExpiresAt: now.Add(time.Hour).Truncate(time.Second), MaxRequests: 10, PeriodSeconds: 3600})
	attr, _ := res.Attr("grant_id")
	grant, err := strconv.ParseUint(attr, 10, 64)
	require.NoError(t, err)

	covert := func(m *sharing.RequestAccess) uint64 {
		t.Helper()
		res := c.submit(t, "officer-finance", m)
		attr, ok := res.Attr("request_id")
		require.True(t, ok)
		id, err := strconv.ParseUint(attr, 10, 64)
		require.NoError(t, err)
		return id
	}
	m, _, err := c.cl.CovertRequest(ctx, "", grant, s.subjects[0], []string{"income"}, docHash("case covert"), now.Add(24*time.Hour),
		client.QueryOptions{Prove: true})
	require.NoError(t, err)
	id := covert(m)
	q := c.request(t, id)
	require.True(t, q.Covert)
	require.True(t, q.Official.IsZero(), "the official is sealed")
	require.Empty(t, q.Fields, "the fields are sealed")

	// officer-interior acts for interior, not for finance, which made
	// the request (it signs once first, so that its key is on chain).
	_, err = c.try(ctx, "officer-interior", &sharing.RequestAccess{GrantID: 999_999, Subject: s.subjects[1], Fields: []string{"address"},
		Purpose: "benefit_eligibility", CaseRef: docHash("other")})
	require.Error(t, err)
	other, err := c.kr.Get("officer-interior")
	require.NoError(t, err)
	pr, err := datasvc.SignPayloadRequest(other, c.chainID, id, other.Address(), time.Now())
	require.NoError(t, err)
	status, e, raw := s.post(t, id, pr)
	require.Equal(t, http.StatusForbidden, status, string(raw))
	require.Contains(t, e.Error, "is no data officer of finance, which made covert request")
	s.requireNothingServed(t, id)

	got, err := s.fetcher(t, c.finance).Fetch(ctx, s.url, id)
	require.NoError(t, err)
	require.Len(t, got.Fields, 1, "exactly the field asked for, not the grant's two")
	require.Equal(t, "income", got.Fields[0].Name)
	require.Equal(t, record(s.subjects[0], 1)["income"], got.Fields[0].Value)
	require.Equal(t, []string{sharing.KindRequest, sharing.KindDelivery}, c.logKinds(t, s.subjects[0]))

	// Details naming a field outside the grant, sealed as a requester
	// could: the chain allows the request (it cannot see the fields).
	d := sharing.CovertDetails{Fields: []string{"name"}, CaseRef: docHash("case outside"), Salt: core.Hash(seal.NewSalt())}
	var g sharing.Grant
	require.True(t, c.query(t, "/sharing/grant/"+core.Dec(grant), &g))
	m2 := &sharing.RequestAccess{GrantID: grant, Subject: s.subjects[1], Purpose: "law_enforcement", DetailsCommitment: d.Commitment(),
		DiscloseAt: now.Add(24 * time.Hour).UTC()}
	for _, to := range []struct {
		path   string
		id     *string
		sealed *core.HexBytes
	}{{"/sharing/key/justice/jus-covert", &m2.OverseerKeyID, &m2.OverseerSealed}, {"/sharing/key/interior/int-covert", &m2.OwnerKeyID, &m2.OwnerSealed}} {
		var k sharing.AgencyKey
		require.True(t, c.query(t, to.path, &k))
		b, err := client.SealCovertDetails(c.chainID, d, g.Fields, k)
		require.NoError(t, err)
		*to.id, *to.sealed = k.KeyID, b
	}
	id2 := covert(m2)
	status, e, raw = s.post(t, id2, s.signed(t, id2))
	require.Equal(t, http.StatusForbidden, status, string(raw))
	require.Contains(t, e.Error, "asks for fields outside grant")
	require.NotContains(t, string(raw), "name", "the sealed fields are not revealed")
	s.requireNothingServed(t, id2)
}
