package testnet

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"

	cmtypes "github.com/cometbft/cometbft/types"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/land"
	"github.com/govchain/govchain/client"
)

// A Jepsen-style workload on the land registry. Each client goroutine
// owns a ministry's registrar and notary and two citizens (no two clients
// share a signer, so each keeps its signers' sequences itself) and, in a
// loop against a random running node, either registers a new parcel (a
// set of unique ids) or sells one of its parcels: it reads the owner of
// record from the chain, has that owner propose the sale to the other
// citizen (a compare-and-set: refused if the read was stale), and
// completes it with the buyer's acceptance, the notary's certification
// and the registrar's registration. Every transaction is logged with its
// outcome; the checker compares the log with the chain at the end.

// outcome of one logged operation.
type outcome string

const (
	outcomeOK      outcome = "ok"      // committed with code 0
	outcomeFailed  outcome = "failed"  // refused by CheckTx, or code != 0 in its block
	outcomeUnknown outcome = "unknown" // no answer in time: it may or may not commit
)

// opRecord is one client operation and what the client learnt of it.
type opRecord struct {
	Client  int
	Kind    string // the message type
	Parcel  string
	Seller  core.Address // transfers: the owner of record read before proposing
	Buyer   core.Address
	Hash    string // hex, upper case
	Outcome outcome
	Code    uint32
	Height  int64 // > 0 if seen in a block
	Err     string
}

// workload runs the clients until stopped.
type workload struct {
	nw     *network
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu  sync.Mutex
	ops []opRecord
}

// startWorkload starts one client per validator.
func startWorkload(nw *network, seed uint64) *workload {
	nw.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	w := &workload{nw: nw, cancel: cancel}
	for c := range nw.validators() {
		wc := &workClient{w: w, id: c, rng: rand.New(rand.NewPCG(seed, uint64(c)))}
		agency := nw.validators()[c].agency
		for _, name := range []string{"registrar-" + agency, "notary-" + agency, fmt.Sprintf("citizen-%d", 2*c), fmt.Sprintf("citizen-%d", 2*c+1)} {
			k, err := nw.keys.Get(name)
			if err != nil {
				cancel()
				nw.t.Fatalf("workload key: %v", err)
			}
			wc.keys = append(wc.keys, &signer{key: k, resync: true})
		}
		w.wg.Add(1)
		go func() { defer w.wg.Done(); wc.run(ctx) }()
	}
	nw.t.Cleanup(func() { w.stop() })
	return w
}

// stop ends the clients and waits for them; it returns the log.
func (w *workload) stop() []opRecord {
	w.cancel()
	w.wg.Wait()
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]opRecord(nil), w.ops...)
}

func (w *workload) record(op opRecord) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.ops = append(w.ops, op)
}

// signer is a key and the sequence its next transaction carries.
type signer struct {
	key *client.Key
	seq uint64
	// resync: the sequence must be read from the chain first (at start,
	// and after an operation whose outcome is unknown).
	resync bool
}

type workClient struct {
	w    *workload
	id   int
	rng  *rand.Rand
	keys []*signer // registrar, notary, citizen A, citizen B
	// parcels are the ids this client registered with outcome ok.
	parcels []string
	next    int
}

func (c *workClient) registrar() *signer { return c.keys[0] }
func (c *workClient) notary() *signer    { return c.keys[1] }

// node picks a running node at random.
func (c *workClient) node() *client.Client {
	run := c.w.nw.running()
	if len(run) == 0 {
		return nil
	}
	cl, err := client.New(run[c.rng.IntN(len(run))].rpc)
	if err != nil {
		return nil
	}
	return cl
}

func (c *workClient) run(ctx context.Context) {
	for ctx.Err() == nil {
		cl := c.node()
		if cl == nil {
			time.Sleep(200 * time.Millisecond)
			continue
		}
		if len(c.parcels) == 0 || c.rng.IntN(3) == 0 {
			c.register(ctx, cl)
		} else {
			c.sell(ctx, cl, c.parcels[c.rng.IntN(len(c.parcels))])
		}
	}
}

// submit signs msg with s, broadcasts it and waits for its block, logging
// the outcome. It returns the result when the outcome is ok.
func (c *workClient) submit(ctx context.Context, cl *client.Client, s *signer, op opRecord, msg core.Msg) *client.TxResult {
	if s.resync {
		// An earlier transaction of s may still commit: give it time, then
		// read the sequence the chain expects.
		qctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		seq, err := cl.NextSequence(qctx, s.key.Address())
		cancel()
		if err != nil {
			time.Sleep(300 * time.Millisecond)
			return nil
		}
		s.seq, s.resync = seq, false
	}
	op.Client, op.Kind = c.id, msg.Type()
	raw, err := client.Build(c.w.nw.chainID, s.key.PrivKey, s.seq, msg)
	if err != nil {
		panic(fmt.Sprintf("workload builds an invalid %s: %v", msg.Type(), err))
	}
	sum := cmtHash(raw)
	op.Hash = sum
	bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	_, err = cl.Broadcast(bctx, raw)
	cancel()
	var txErr *client.TxError
	switch {
	case errors.As(err, &txErr):
		op.Outcome, op.Code, op.Err = outcomeFailed, txErr.Code, txErr.Log
		c.w.record(op)
		if txErr.Code != 0 {
			s.resync = true // a sequence refusal, say: read it again
		}
		return nil
	case err != nil:
		op.Outcome, op.Err = outcomeUnknown, err.Error()
		c.w.record(op)
		s.resync = true
		return nil
	}
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	res, err := cl.WaitTx(wctx, mustHex(sum))
	cancel()
	switch {
	case errors.As(err, &txErr):
		op.Outcome, op.Code, op.Height, op.Err = outcomeFailed, txErr.Code, txErr.Height, txErr.Log
		s.seq++ // a failed transaction consumes its sequence
	case err != nil:
		op.Outcome, op.Err = outcomeUnknown, err.Error()
		s.resync = true
	default:
		op.Outcome, op.Height = outcomeOK, res.Height
		s.seq++
	}
	c.w.record(op)
	if op.Outcome == outcomeOK {
		return res
	}
	return nil
}

func (c *workClient) register(ctx context.Context, cl *client.Client) {
	id := fmt.Sprintf("C%d-%05d", c.id, c.next)
	c.next++
	owner := c.keys[2+c.rng.IntN(2)].key.Address()
	msg := &land.RegisterParcel{ParcelID: id, CadastralRef: "E2E/" + id, AreaM2: 100, Location: "e2e",
		Denominator: 1, Owners: []land.Share{{Account: owner, Shares: 1}}, DocumentHash: core.Hash{1}}
	if c.submit(ctx, cl, c.registrar(), opRecord{Parcel: id, Buyer: owner}, msg) != nil {
		c.parcels = append(c.parcels, id)
	}
}

// sell moves parcel id from its owner of record to the client's other
// citizen, in four transactions; it gives up at the first that is not ok.
func (c *workClient) sell(ctx context.Context, cl *client.Client, id string) {
	qctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	res, err := cl.Query(qctx, "/land/parcel/"+id, client.QueryOptions{})
	cancel()
	if err != nil {
		return
	}
	var p land.Parcel
	if json.Unmarshal(res.Value, &p) != nil || len(p.Owners) != 1 {
		return
	}
	var seller, buyer *signer
	for i, s := range c.keys[2:] {
		if s.key.Address() == p.Owners[0].Account {
			seller, buyer = s, c.keys[2+1-i]
		}
	}
	if seller == nil {
		return
	}
	op := opRecord{Parcel: id, Seller: seller.key.Address(), Buyer: buyer.key.Address()}
	exp := time.Now().UTC().Add(time.Hour).Truncate(time.Second)
	proposed := c.submit(ctx, cl, seller, op, &land.ProposeTransfer{ParcelID: id, Denominator: 1,
		Sellers: []land.Share{{Account: op.Seller, Shares: 1}}, Buyers: []land.Share{{Account: op.Buyer, Shares: 1}},
		Price: 1000, Currency: "EUR", ExpiresAt: exp})
	if proposed == nil {
		return
	}
	s, _ := proposed.Attr("transfer_id")
	tid, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return
	}
	if c.submit(ctx, cl, buyer, op, &land.AcceptTransfer{TransferID: tid}) == nil {
		return
	}
	if c.submit(ctx, cl, c.notary(), op, &land.CertifyTransfer{TransferID: tid, DeedHash: core.Hash{2}}) == nil {
		return
	}
	c.submit(ctx, cl, c.registrar(), op, &land.RegisterTransfer{TransferID: tid})
}

// cmtHash is CometBFT's transaction hash (SHA-256), in upper-case hex.
func cmtHash(tx []byte) string {
	return fmt.Sprintf("%X", cmtypes.Tx(tx).Hash())
}

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}
