package testnet

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/land"
	"github.com/govchain/govchain/client"
)

var engines = []string{"memiavl", "iavl"}

// TestLandSaleEndToEnd builds the binary, starts a single-node chain and
// carries a property sale through the command line: registration, the
// seller's proposal, the buyer's acceptance, the notary's certification
// and the registrar's registration; then it checks the records and their
// proofs, and that refusals exit non-zero with the chain's code and log.
func TestLandSaleEndToEnd(t *testing.T) {
	for _, engine := range engines {
		t.Run(engine, func(t *testing.T) {
			n := newDevNode(t, engine)
			n.StartBlock()

			n.tx("land", "register-parcel", "--from", "registrar", "--parcel-id", "BE-1000-17",
				"--cadastral-ref", "Brussels/1/A/17", "--area-m2", "1250", "--location", "Rue de la Loi 16",
				"--owner", "alice:1", "--document-hash", strings.Repeat("ab", 32))

			// The same parcel again: refused with the registry's code, non-zero exit, one line.
			_, errOut, code := n.cli("tx", "land", "register-parcel", "--from", "registrar", "--parcel-id", "BE-1000-17",
				"--cadastral-ref", "x", "--area-m2", "1", "--location", "x", "--owner", "alice:1", "--document-hash", strings.Repeat("ab", 32))
			require.NotZero(t, code)
			require.Regexp(t, `^error: code \d+ \(govchain\): land: parcel already registered`, errOut)
			require.Equal(t, 1, strings.Count(strings.TrimSpace(errOut), "\n")+1, errOut)

			exp := time.Now().UTC().Add(24 * time.Hour).Truncate(time.Second).Format(time.RFC3339)
			res := n.tx("land", "propose-transfer", "--from", "alice", "--parcel-id", "BE-1000-17",
				"--seller", "alice:1", "--buyer", "bob:1", "--price", "32000000", "--currency", "EUR", "--expires-at", exp)
			id, ok := res.Attr("transfer_id")
			require.True(t, ok)
			// A citizen cannot register the transfer.
			_, errOut, code = n.cli("tx", "land", "register-transfer", "--from", "carol", "--transfer-id", id)
			require.NotZero(t, code)
			require.Contains(t, errOut, "needs role land_registrar")

			n.tx("land", "accept-transfer", "--from", "bob", "--transfer-id", id)
			n.tx("land", "certify-transfer", "--from", "notary", "--transfer-id", id, "--deed-hash", strings.Repeat("cd", 32))
			reg := n.tx("land", "register-transfer", "--from", "registrar", "--transfer-id", id)
			require.Positive(t, reg.Height)

			var p land.Parcel
			n.query(&p, "land", "parcel", "BE-1000-17")
			require.Len(t, p.Owners, 1)
			bob, err := client.NewKeyring(n.home + "/keyring").Get("bob")
			require.NoError(t, err)
			require.Equal(t, bob.Address(), p.Owners[0].Account)
			require.EqualValues(t, 1250, p.AreaM2)

			var history []struct {
				Key   string          `json:"key"`
				Value json.RawMessage `json:"value"`
			}
			n.query(&history, "land", "parcel", "BE-1000-17", "--history")
			require.Len(t, history, int(p.HistoryCount)+1)
			require.GreaterOrEqual(t, p.HistoryCount, uint64(5)) // register, propose, accept, certify, register

			var tr land.Transfer
			n.query(&tr, "land", "transfer", id)
			require.Equal(t, land.TransferRegistered, tr.Status)

			var owned []json.RawMessage
			n.query(&owned, "land", "owner", "bob")
			require.Len(t, owned, 2) // the owner record and one parcel

			// A parcel that does not exist: proven absent, reported as not found.
			out, errOut, code := n.cli("query", "land", "parcel", "NOPE-1", "--prove")
			require.NotZero(t, code, out)
			require.Contains(t, errOut, "is absent: verified 1 key(s)")
			require.Contains(t, errOut, "land: parcel not found")

			// Events can be searched by indexed attribute.
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			found, err := n.Client().RPC().TxSearch(ctx, "land.parcel_id='BE-1000-17'", false, nil, nil, "asc")
			require.NoError(t, err)
			require.GreaterOrEqual(t, found.TotalCount, 5)

			// An unreachable node: one line, non-zero.
			_, errOut, code = n.cli("query", "land", "parcel", "BE-1000-17", "--node", "http://127.0.0.1:1")
			require.NotZero(t, code)
			require.Contains(t, errOut, "cannot reach node")
		})
	}
}

// TestKillDuringLoad kills the node with SIGKILL several times while a
// client submits registrations, restarts it each time, and checks that
// every transaction the node reported committed is still in the state,
// proven against the app hash of the next header, and that the chain keeps
// growing after each restart (CometBFT's handshake refuses an app that is
// ahead of the chain or whose app hash differs from it). With memiavl the
// engine rewrites its snapshot every 3 versions, so the kills also land
// in rewrites and in the switches that move pruned snapshots and log
// segments into the trash; the node must have switched by the end.
func TestKillDuringLoad(t *testing.T) {
	for _, engine := range engines {
		t.Run(engine, func(t *testing.T) {
			n := newDevNode(t, engine)
			if engine == "memiavl" {
				setAppConfig(t, n.home, "state", []appSetting{{"snapshot_interval", 3}})
			}
			n.StartBlock()
			kr := client.NewKeyring(n.home + "/keyring")
			registrar, err := kr.Get("registrar")
			require.NoError(t, err)

			var mu sync.Mutex
			committed := map[string]int64{} // parcel id -> height, as reported before a kill
			seq := uint64(0)
			next := 0
			const kills = 3
			for round := 0; round < kills; round++ {
				cl := n.Client()
				ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
				chainID, err := cl.ChainID(ctx)
				require.NoError(t, err)
				seq, err = cl.NextSequence(ctx, registrar.Address())
				require.NoError(t, err)
				start, err := n.Height()
				require.NoError(t, err)

				// Submit batches of registrations until a few blocks have passed.
				var wg sync.WaitGroup
				stop := make(chan struct{})
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						select {
						case <-stop:
							return
						default:
						}
						var hashes [][]byte
						var ids []string
						for i := 0; i < 20; i++ {
							id := fmt.Sprintf("K-%05d", next)
							msg := &land.RegisterParcel{ParcelID: id, CadastralRef: "K/" + id, AreaM2: 100, Location: "load",
								Denominator: 1, Owners: []land.Share{{Account: registrar.Address(), Shares: 1}}, DocumentHash: [32]byte{1}}
							raw, err := client.Build(chainID, registrar.PrivKey, seq, msg)
							if err != nil {
								return
							}
							h, err := cl.Broadcast(ctx, raw)
							if err != nil {
								return // the node is being killed, or the batch is full
							}
							seq++
							next++
							hashes = append(hashes, h)
							ids = append(ids, id)
						}
						for i, h := range hashes {
							res, err := cl.WaitTx(ctx, h)
							if err != nil {
								return
							}
							mu.Lock()
							committed[ids[i]] = res.Height
							mu.Unlock()
						}
					}
				}()
				require.Eventually(t, func() bool {
					h, err := n.Height()
					return err == nil && h >= start+4
				}, 60*time.Second, 300*time.Millisecond, "the chain stalled under load; log:\n%s", n.Tail())
				n.Kill()
				close(stop)
				cancel()
				wg.Wait()
				n.StartBlock()
			}

			mu.Lock()
			defer mu.Unlock()
			require.Greater(t, len(committed), 40, "the load must have committed transactions")
			cl := n.Client()
			ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
			defer cancel()
			// The chain keeps producing blocks after the last restart.
			h0, err := n.Height()
			require.NoError(t, err)
			require.Eventually(t, func() bool { h, err := n.Height(); return err == nil && h >= h0+2 }, 30*time.Second, 200*time.Millisecond)
			proven := 0
			for id, h := range committed {
				// Proving waits for the next header, so prove a few and read the rest.
				prove := proven < 3
				res, err := cl.Query(ctx, "/land/parcel/"+id, client.QueryOptions{Prove: prove})
				require.NoError(t, err, "parcel %s committed at height %d is lost", id, h)
				if prove {
					require.NotNil(t, res.Proof)
					proven++
				}
			}
			if engine == "memiavl" {
				current, err := os.Readlink(filepath.Join(n.home, "data", "state", "memiavl", "current"))
				require.NoError(t, err)
				require.NotEqual(t, "snapshot-00000000000000000000", current, "the engine never wrote a snapshot")
				_, err = os.Stat(filepath.Join(n.home, "data", "state", "memiavl", "snapshot-00000000000000000000"))
				require.ErrorIs(t, err, os.ErrNotExist, "the engine never switched to a snapshot (which prunes snapshot 0)")
			}
		})
	}
}
