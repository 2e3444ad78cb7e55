package datasvc_test

import (
	"database/sql"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/sharing"
	"github.com/govchain/govchain/datasvc"
	"github.com/govchain/govchain/seal"
)

// TestDataServiceMismatch: a value changed in interior's database after
// its commitment went on chain is caught by the service's own check
// before sealing (nothing stored or posted); a payload that reaches the
// requester with such a value anyway (here from a test double of a
// service without that check, which seals it and posts its receipt) is
// caught by fetch, which files a complaint on chain and fails naming the
// field.
func TestDataServiceMismatch(t *testing.T) {
	s := newScenario(t, "mismatch", 1)
	c := s.c
	subject := s.subjects[0]
	id := s.allowed(t, subject)

	db, err := sql.Open("sqlite", s.ownerDB)
	require.NoError(t, err)
	defer db.Close()
	res, err := db.Exec(`UPDATE field_values SET value = '99999' WHERE class = ? AND subject = ? AND name = 'income'`, s.class, subject)
	require.NoError(t, err)
	n, err := res.RowsAffected()
	require.NoError(t, err)
	require.EqualValues(t, 1, n)

	status, e, raw := s.post(t, id, s.signed(t, id))
	require.Equal(t, http.StatusInternalServerError, status, string(raw))
	require.Contains(t, e.Error, "do not match the commitments on chain; nothing was sent")
	require.NotContains(t, string(raw), "99999", "no value in the answer")
	s.requireNothingServed(t, id)

	// The double: seals the tampered version to finance's key and posts
	// the receipt, as a service without the check would.
	ctx := ctxOf(t)
	q := c.request(t, id)
	v, err := s.owner.VersionOnChain(ctx, s.class, subject, q.RecordVersion)
	require.NoError(t, err)
	p := seal.Payload{RequestID: id, ChainID: c.chainID}
	for _, f := range v.Fields {
		if slices.Contains(q.Fields, f.Name) {
			p.Fields = append(p.Fields, f)
		}
	}
	var key sharing.AgencyKey
	require.True(t, c.query(t, "/sharing/key/finance/"+financeKey, &key))
	sealed, err := seal.SealPayload(key.Suite, key.PublicKey, financeKey, p)
	require.NoError(t, err)
	hash := core.Hash(seal.PayloadHash(sealed))
	receipt := c.submit(t, "datasvc-interior", &sharing.RecordDelivery{RequestID: id, PayloadHash: hash, KeyID: financeKey})
	double := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(datasvc.PayloadResponse{RequestID: id, KeyID: financeKey, PayloadHash: hash,
			ReceiptHeight: receipt.Height, Sealed: sealed})
	}))
	defer double.Close()

	_, err = s.fetcher(t, c.finance).Fetch(ctx, double.URL, id)
	var mm *datasvc.MismatchError
	require.ErrorAs(t, err, &mm)
	require.Equal(t, []string{"income"}, mm.Fields, "address matches; income does not")
	require.True(t, strings.HasPrefix(mm.Complaints[0], "filed in tx "), mm.Complaints[0])
	require.NotContains(t, err.Error(), "99999", "the error names fields, not values")

	q = c.request(t, id)
	require.Len(t, q.Complaints, 1)
	var entry sharing.LogEntry
	require.True(t, c.query(t, "/sharing/log/"+subject+"/"+core.Dec(q.Complaints[0]), &entry))
	require.Equal(t, sharing.KindComplaint, entry.Kind)
	require.Equal(t, "income", entry.Complaint.Field)
	require.Equal(t, hash, entry.Complaint.PayloadHash)
	income := p.Fields[slices.IndexFunc(p.Fields, func(f seal.Field) bool { return f.Name == "income" })]
	require.Equal(t, core.Hash(income.Commitment()), entry.Complaint.ReceivedCommitment)
	require.Equal(t, []string{sharing.KindRequest, sharing.KindDelivery, sharing.KindComplaint}, c.logKinds(t, subject))

	// Finance keeps the payload, with the verdict, as its evidence.
	fin, err := c.finance.ReceivedPayloads(ctx)
	require.NoError(t, err)
	i := slices.IndexFunc(fin, func(r datasvc.Received) bool { return r.RequestID == id })
	require.GreaterOrEqual(t, i, 0)
	require.Equal(t, hash, fin[i].PayloadHash)
	require.Contains(t, fin[i].Verdict, `field "income": value and salt do not match`)
}

// TestDataServiceWithoutKey: a requester whose database does not hold
// the private key the payload was sealed to cannot open it; the payload
// was delivered (its receipt is on chain) all the same.
func TestDataServiceWithoutKey(t *testing.T) {
	s := newScenario(t, "nokey", 1)
	id := s.allowed(t, s.subjects[0])
	empty, err := datasvc.Open(filepath.Join(t.TempDir(), "finance-elsewhere.db"))
	require.NoError(t, err)
	defer empty.Close()
	_, err = s.fetcher(t, empty).Fetch(ctxOf(t), s.url, id)
	require.ErrorIs(t, err, datasvc.ErrNoKey)
	require.ErrorContains(t, err, `"fin-1"`)
	require.NotNil(t, s.c.request(t, id).Delivery)
	kept, err := empty.ReceivedPayloads(ctxOf(t))
	require.NoError(t, err)
	require.Empty(t, kept, "nothing was opened")
}
