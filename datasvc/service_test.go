package datasvc_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/sharing"
	"github.com/govchain/govchain/datasvc"
	"github.com/govchain/govchain/seal"
)

// TestDataServiceHappyPath: interior's service loads a record, finance's
// officer requests two of its fields, the service delivers, fetch checks
// the receipt, opens the payload and checks every field; the subject's
// access log shows the request, then the delivery. Asking again returns
// the same bytes and posts no second receipt.
func TestDataServiceHappyPath(t *testing.T) {
	s := newScenario(t, "happy", 1)
	subject := s.subjects[0]
	id := s.allowed(t, subject)
	ctx := ctxOf(t)

	got, err := s.fetcher(t, s.c.finance).Fetch(ctx, s.url, id)
	require.NoError(t, err)
	want := record(subject, 1)
	require.Len(t, got.Fields, 2, "exactly the requested fields")
	require.Equal(t, "address", got.Fields[0].Name)
	require.Equal(t, want["address"], got.Fields[0].Value)
	require.Equal(t, "income", got.Fields[1].Name)
	require.Equal(t, want["income"], got.Fields[1].Value)
	require.Equal(t, financeKey, got.KeyID)

	q := s.c.request(t, id)
	require.NotNil(t, q.Delivery)
	require.Equal(t, got.PayloadHash, q.Delivery.PayloadHash)
	require.Equal(t, financeKey, q.Delivery.KeyID)
	require.Equal(t, got.ReceiptHeight, q.Delivery.Height)
	require.Equal(t, []string{sharing.KindRequest, sharing.KindDelivery}, s.c.logKinds(t, subject))

	stored, err := s.owner.Delivery(ctx, id)
	require.NoError(t, err)
	require.True(t, stored.Confirmed())
	require.Equal(t, q.Delivery.Height, stored.ReceiptHeight)
	require.Equal(t, got.PayloadHash, stored.PayloadHash)

	// Again: the same stored bytes, no second receipt.
	status, _, body := s.post(t, id, s.signed(t, id))
	require.Equal(t, http.StatusOK, status, string(body))
	var again datasvc.PayloadResponse
	requireJSON(t, body, &again)
	require.Equal(t, stored.Sealed, again.Sealed)
	require.Equal(t, q.Delivery.Height, again.ReceiptHeight)
	got2, err := s.fetcher(t, s.c.finance).Fetch(ctx, s.url, id)
	require.NoError(t, err)
	require.Equal(t, got.PayloadHash, got2.PayloadHash)
	require.Equal(t, []string{sharing.KindRequest, sharing.KindDelivery}, s.c.logKinds(t, subject), "one delivery in the log")
	require.Equal(t, q.Delivery, s.c.request(t, id).Delivery)

	// What each database holds.
	st, err := s.owner.Status(ctx)
	require.NoError(t, err)
	require.Equal(t, "interior", st.Agency)
	require.Equal(t, []datasvc.ClassCount{{Class: "happy", Records: 1, Versions: 1}}, st.Classes)
	require.Len(t, st.Deliveries, 1)
	fin, err := s.c.finance.Status(ctx)
	require.NoError(t, err)
	require.Equal(t, "finance", fin.Agency)
	var kept *datasvc.Received
	for i := range fin.Received {
		if fin.Received[i].RequestID == id {
			kept = &fin.Received[i]
		}
	}
	require.NotNil(t, kept, "finance keeps the payload as evidence")
	require.Equal(t, "ok", kept.Verdict)

	// Another agency's key does not open it.
	other, err := seal.GenerateKey(seal.SuiteX25519)
	require.NoError(t, err)
	_, err = seal.OpenPayload(other, s.c.chainID, id, financeKey, stored.Sealed)
	require.ErrorIs(t, err, seal.ErrOpen)
}
