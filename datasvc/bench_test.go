package datasvc_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/sharing"
)

// BenchmarkDataServiceDelivery measures deliveries per second end to end
// against the development node (blocks every 200 ms): each is a payload
// request over HTTP to interior's service, which authenticates the
// requester and reads the request, grant, record and keys with proofs,
// builds and checks the payload, seals it, stores it in SQLite, posts the
// receipt and waits for its block. GOVCHAIN_BENCH_INFLIGHT requests (16
// by default) are in flight at once, as officials of several agencies
// would send them. The allowed access requests are made before the timer
// starts.
//
//	go test ./datasvc -run '^$' -bench DataServiceDelivery -benchtime 200x
func BenchmarkDataServiceDelivery(b *testing.B) {
	s := newScenario(b, "bench"+strconv.Itoa(b.N), 1)
	subject := s.subjects[0]
	officer := s.c.signer(b, "officer-finance")
	ctx := ctxOf(b)
	ids := make([]uint64, 0, b.N)
	for start := 0; start < b.N; start += 200 {
		var hashes [][]byte
		for i := start; i < min(start+200, b.N); i++ {
			h, err := officer.Broadcast(ctx, &sharing.RequestAccess{GrantID: s.grant, Subject: subject, Fields: []string{"address", "income"},
				Purpose: "benefit_eligibility", CaseRef: docHash("bench " + strconv.Itoa(i))})
			require.NoError(b, err)
			hashes = append(hashes, h)
		}
		for _, h := range hashes {
			res, err := officer.WaitTx(ctx, h)
			require.NoError(b, err)
			id, ok := res.Attr("request_id")
			require.True(b, ok)
			n, err := strconv.ParseUint(id, 10, 64)
			require.NoError(b, err)
			ids = append(ids, n)
		}
	}
	bodies := make([][]byte, len(ids))
	for i, id := range ids {
		body, err := json.Marshal(s.signed(b, id))
		require.NoError(b, err)
		bodies[i] = body
	}
	post := func(i int) bool {
		resp, err := http.Post(fmt.Sprintf("%s/v1/requests/%d/payload", s.url, ids[i]), "application/json", bytes.NewReader(bodies[i]))
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		_, err = io.Copy(io.Discard, resp.Body)
		return err == nil && resp.StatusCode == http.StatusOK
	}

	var next atomic.Int64
	var failed atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for range benchInFlight(b) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(ids) {
					return
				}
				if !post(i) {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	require.Zero(b, failed.Load(), "every delivery succeeds")
	b.ReportMetric(float64(len(ids))/elapsed.Seconds(), "deliveries/s")
	b.ReportMetric(0, "ns/op")
	var q sharing.Request
	require.True(b, s.c.query(b, "/sharing/request/"+core.Dec(ids[len(ids)-1]), &q))
	require.NotNil(b, q.Delivery)
}

// benchInFlight is how many payload requests the delivery benchmark keeps
// in flight: GOVCHAIN_BENCH_INFLIGHT, 16 by default.
func benchInFlight(b *testing.B) int {
	n := 16
	if v := os.Getenv("GOVCHAIN_BENCH_INFLIGHT"); v != "" {
		var err error
		n, err = strconv.Atoi(v)
		require.NoError(b, err, "GOVCHAIN_BENCH_INFLIGHT")
		require.Positive(b, n, "GOVCHAIN_BENCH_INFLIGHT")
	}
	b.ReportMetric(float64(n), "in-flight")
	return n
}
