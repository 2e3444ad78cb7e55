package api_test

import (
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/api"
)

// BenchmarkProvenParcelQuery measures the API's requests per second
// (req/s) for a proven parcel query, GET
// /api/v1/query/land/parcel/ID?prove=true, against the shared development
// node, from concurrent clients over keep-alive connections. The query is
// pinned to the height the parcel was registered at, whose header H+1
// exists, so that each request costs the API's work, the node's query
// with its proof and the header read, not a wait for the next block (a
// proven query of the latest state waits for it, up to a block time). It
// is a measurement, not a test:
//
//	go test ./api -run '^$' -bench ProvenParcelQuery -benchtime 2000x
func BenchmarkProvenParcelQuery(b *testing.B) {
	base := serve(b, api.Config{})
	// The benchmark function runs once per b.N tried, on one chain: a
	// parcel of its own each time.
	id := fmt.Sprintf("BENCH-%d", b.N)
	reg := register(b, base, id)
	url := fmt.Sprintf("%s/api/v1/query/land/parcel/%s?prove=true&height=%d", base, id, reg.Height)
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	// The first request waits for header H+1.
	require.Equal(b, http.StatusOK, get(b, url).status)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := hc.Get(url)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}
