package testnet

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"time"

	cmtypes "github.com/cometbft/cometbft/types"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/land"
	"github.com/govchain/govchain/client"
)

// A Jepsen-style workload on the land registry, in which clients compete
// for the same records. There is one client goroutine per validator; each
// owns its ministry's registrar and notary, while the citizens (the
// parcels' owners and buyers) are shared by every client. In a loop
// against a random running node a client either
//
//   - registers a new parcel id (a set of unique ids);
//   - registers an id another client is registering at that moment, or has
//     just registered: a contested insert, of which at most one may
//     succeed (the others are refused, in CheckTx or in their block);
//   - or sells a parcel, most often one of the few most recently
//     registered, so that several clients sell the same parcel at once: it
//     reads the owner of record from the chain, has that owner propose the
//     sale to another citizen, and completes it with the buyer's
//     acceptance, the notary's certification and the registrar's
//     registration. The registration is a compare-and-set on the owner: of
//     the transfers proposed from the same owner state, at most one can
//     register; the others are superseded when it does, and refused.
//
// A signer's sequence is kept by the signer itself under its own mutex,
// held for the whole of a submission (build, broadcast, wait), so a shared
// citizen signs one transaction at a time whichever client uses it; after
// an outcome it cannot know, the next submission reads the sequence from
// the chain again. No transaction is ever built twice (every proposal has
// a fresh price), so a log entry names exactly one transaction.
//
// To keep the compare-and-set free of ABA (an owner state coming back
// while a transfer proposed from it may still register), a parcel is never
// sold to an account that is the seller of a transfer on that parcel which
// may still register. Every transaction is logged with its outcome; the
// checker (checkOps) compares the log with the chain at the end.

// outcome of one logged operation.
type outcome string

const (
	outcomeOK      outcome = "ok"      // committed with code 0
	outcomeFailed  outcome = "failed"  // refused by CheckTx, or code != 0 in its block
	outcomeUnknown outcome = "unknown" // no answer in time: it may or may not commit
)

// opRecord is one client operation and what the client learnt of it.
type opRecord struct {
	Client int
	Kind   string // the message type
	Signer core.Address
	Parcel string
	Seller core.Address // transfers: the owner of record read before proposing
	Buyer  core.Address // registrations: the owner; transfers: the buyer
	// Transfer is the transfer id of the steps after the proposal.
	Transfer uint64
	Hash     string // hex, upper case
	Outcome  outcome
	Code     uint32
	Height   int64 // > 0 if seen in a block
	Err      string
}

// workload runs the clients until stopped.
type workload struct {
	nw     *network
	cancel context.CancelFunc
	wg     sync.WaitGroup
	// citizens are shared by every client; each signer serialises its own
	// use.
	citizens []*signer

	mu  sync.Mutex
	ops []opRecord
	// parcels are the ids registered with outcome ok, in that order.
	parcels []string
	// registering holds the ids whose registration is in flight, with the
	// client registering each.
	registering map[string]int
	// selling holds, by parcel, the sellers of transfers that may still
	// register (with a count): the parcel is not sold to them.
	selling map[string]map[core.Address]int
	// price makes every proposal's bytes unique.
	price int64
}

// startWorkload starts one client per validator.
func startWorkload(nw *network, seed uint64) *workload {
	nw.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	w := &workload{nw: nw, cancel: cancel, registering: map[string]int{}, selling: map[string]map[core.Address]int{}}
	key := func(name string) *signer {
		k, err := nw.keys.Get(name)
		if err != nil {
			cancel()
			nw.t.Fatalf("workload key: %v", err)
		}
		return &signer{key: k, resync: true}
	}
	vals := nw.validators()
	for i := range 2 * len(vals) {
		w.citizens = append(w.citizens, key(fmt.Sprintf("citizen-%d", i)))
	}
	for c, v := range vals {
		wc := &workClient{w: w, id: c, rng: rand.New(rand.NewPCG(seed, uint64(c))),
			registrar: key("registrar-" + v.agency), notary: key("notary-" + v.agency), tried: map[string]bool{}}
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

// record appends op to the log.
func (w *workload) record(op opRecord) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.ops = append(w.ops, op)
}

// citizen returns the shared signer of address a, or nil.
func (w *workload) citizen(a core.Address) *signer {
	for _, s := range w.citizens {
		if s.key.Address() == a {
			return s
		}
	}
	return nil
}

// markSelling notes that a transfer of parcel id from seller may register
// (delta 1), or no longer may (delta -1).
func (w *workload) markSelling(id string, seller core.Address, delta int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	m := w.selling[id]
	if m == nil {
		m = map[core.Address]int{}
		w.selling[id] = m
	}
	m[seller] += delta
	if m[seller] <= 0 {
		delete(m, seller)
	}
}

// signer is a key and the sequence its next transaction carries.
type signer struct {
	// mu is held for a whole submission: a signer has at most one
	// transaction in flight, so its sequence is never guessed.
	mu  sync.Mutex
	key *client.Key
	seq uint64
	// resync: the sequence must be read from the chain first (at start,
	// and after an operation whose outcome is unknown or refused).
	resync bool
}

// workClient is one client goroutine of the workload.
type workClient struct {
	w         *workload
	id        int
	rng       *rand.Rand
	registrar *signer
	notary    *signer
	// next numbers the client's own parcel ids; tried holds the ids it
	// attempted to register, so that it never contests one twice.
	next  int
	tried map[string]bool
}

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

// run is the client's loop: once there are parcels, a third of its
// operations are registrations (a third of those contested) and the rest
// sales; before, registrations only.
func (c *workClient) run(ctx context.Context) {
	for ctx.Err() == nil {
		cl := c.node()
		if cl == nil {
			time.Sleep(200 * time.Millisecond)
			continue
		}
		id, ok := c.pickParcel()
		switch {
		case ok && c.rng.IntN(3) != 0:
			c.sell(ctx, cl, id)
		case c.rng.IntN(3) == 0:
			c.register(ctx, cl, c.contestedID())
		default:
			c.register(ctx, cl, "")
		}
	}
}

// pickParcel chooses a registered parcel to sell: three times in four one
// of the three most recent (where the clients collide), else any.
func (c *workClient) pickParcel() (string, bool) {
	c.w.mu.Lock()
	defer c.w.mu.Unlock()
	n := len(c.w.parcels)
	if n == 0 {
		return "", false
	}
	if c.rng.IntN(4) != 0 {
		return c.w.parcels[n-1-c.rng.IntN(min(n, 3))], true
	}
	return c.w.parcels[c.rng.IntN(n)], true
}

// contestedID returns an id another client is registering now, else one
// another client registered recently, that this client never tried; ""
// if there is none.
func (c *workClient) contestedID() string {
	c.w.mu.Lock()
	defer c.w.mu.Unlock()
	var live []string
	for id, owner := range c.w.registering {
		if owner != c.id && !c.tried[id] {
			live = append(live, id)
		}
	}
	if len(live) > 0 {
		slices.Sort(live) // map order is random; the seed decides
		return live[c.rng.IntN(len(live))]
	}
	for i := len(c.w.parcels) - 1; i >= max(0, len(c.w.parcels)-5); i-- {
		if id := c.w.parcels[i]; !c.tried[id] {
			return id
		}
	}
	return ""
}

// submit signs msg with s, broadcasts it and waits for its block, logging
// the outcome. It returns the result when the outcome is ok, and the
// outcome (empty if nothing was sent).
func (c *workClient) submit(ctx context.Context, cl *client.Client, s *signer, op opRecord, msg core.Msg) (*client.TxResult, outcome) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ctx.Err() != nil {
		return nil, ""
	}
	if s.resync {
		// An earlier transaction of s may still commit: give it time, then
		// read the sequence the chain expects.
		qctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		seq, err := cl.NextSequence(qctx, s.key.Address())
		cancel()
		if err != nil {
			time.Sleep(300 * time.Millisecond)
			return nil, ""
		}
		s.seq, s.resync = seq, false
	}
	op.Client, op.Kind, op.Signer = c.id, msg.Type(), s.key.Address()
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
		s.resync = true // a sequence refusal, say: read it again
		return nil, op.Outcome
	case err != nil:
		op.Outcome, op.Err = outcomeUnknown, err.Error()
		c.w.record(op)
		s.resync = true
		return nil, op.Outcome
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
		return res, op.Outcome
	}
	return nil, op.Outcome
}

// register registers parcel id (a fresh id of the client's if "") to a
// random citizen.
func (c *workClient) register(ctx context.Context, cl *client.Client, id string) {
	if id == "" {
		id = fmt.Sprintf("C%d-%05d", c.id, c.next)
		c.next++
	}
	c.tried[id] = true
	owner := c.w.citizens[c.rng.IntN(len(c.w.citizens))].key.Address()
	msg := &land.RegisterParcel{ParcelID: id, CadastralRef: fmt.Sprintf("E2E/%s/%d", id, c.id), AreaM2: 100, Location: "e2e",
		Denominator: 1, Owners: []land.Share{{Account: owner, Shares: 1}}, DocumentHash: core.Hash{1}}
	c.w.mu.Lock()
	_, contested := c.w.registering[id]
	if !contested {
		c.w.registering[id] = c.id
	}
	c.w.mu.Unlock()
	res, _ := c.submit(ctx, cl, c.registrar, opRecord{Parcel: id, Buyer: owner}, msg)
	c.w.mu.Lock()
	defer c.w.mu.Unlock()
	if !contested {
		delete(c.w.registering, id)
	}
	if res != nil && !slices.Contains(c.w.parcels, id) {
		c.w.parcels = append(c.w.parcels, id)
	}
}

// sell moves parcel id from its owner of record to another citizen, in
// four transactions; it gives up at the first that is not ok.
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
	seller := c.w.citizen(p.Owners[0].Account)
	if seller == nil {
		return
	}
	// The buyer: a citizen that is neither the owner nor the seller of a
	// transfer of this parcel that may still register (no ABA). A transfer
	// proposed from an earlier owner state was marked before it was sent,
	// hence before that state ended, hence before the owner read above.
	c.w.mu.Lock()
	var buyers []*signer
	for _, s := range c.w.citizens {
		if s != seller && c.w.selling[id][s.key.Address()] == 0 {
			buyers = append(buyers, s)
		}
	}
	if len(buyers) == 0 {
		c.w.mu.Unlock()
		return
	}
	buyer := buyers[c.rng.IntN(len(buyers))]
	c.w.price++
	price := 1000 + c.w.price
	c.w.mu.Unlock()
	op := opRecord{Parcel: id, Seller: seller.key.Address(), Buyer: buyer.key.Address()}
	c.w.markSelling(id, op.Seller, 1)
	mayRegister := false
	defer func() {
		if !mayRegister {
			c.w.markSelling(id, op.Seller, -1)
		}
	}()
	exp := time.Now().UTC().Add(time.Hour).Truncate(time.Second)
	proposed, _ := c.submit(ctx, cl, seller, op, &land.ProposeTransfer{ParcelID: id, Denominator: 1,
		Sellers: []land.Share{{Account: op.Seller, Shares: 1}}, Buyers: []land.Share{{Account: op.Buyer, Shares: 1}},
		Price: price, Currency: "EUR", ExpiresAt: exp})
	if proposed == nil {
		return
	}
	s, _ := proposed.Attr("transfer_id")
	tid, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return
	}
	op.Transfer = tid
	if r, _ := c.submit(ctx, cl, buyer, op, &land.AcceptTransfer{TransferID: tid}); r == nil {
		return
	}
	if r, _ := c.submit(ctx, cl, c.notary, op, &land.CertifyTransfer{TransferID: tid, DeedHash: core.Hash{2}}); r == nil {
		return
	}
	// A registration whose outcome is unknown may still commit: its seller
	// stays marked for good.
	_, out := c.submit(ctx, cl, c.registrar, op, &land.RegisterTransfer{TransferID: tid})
	mayRegister = out == outcomeUnknown
}

// cmtHash is CometBFT's transaction hash (SHA-256), in upper-case hex.
func cmtHash(tx []byte) string {
	return fmt.Sprintf("%X", cmtypes.Tx(tx).Hash())
}

// mustHex decodes a hex string the workload itself produced.
func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}
