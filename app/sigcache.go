package app

import (
	"crypto/sha256"
	"sync"
	"sync/atomic"
)

// DefaultTxCacheSize bounds the transactions an App remembers as having
// passed the stateless checks: about three times CometBFT's default
// mempool (5,000 transactions), so that every transaction waiting in the
// mempool stays cached from its CheckTx to its block.
const DefaultTxCacheSize = 16384

// txCache remembers transactions that passed the stateless checks of
// ValidateTx (size, decoding, canonical encoding, message Validate, chain
// id, signature), keyed by the SHA-256 of their bytes, so that a
// transaction is decoded and its signature verified once per node: in
// CheckTx when it arrives, not again at each recheck, in PrepareProposal,
// ProcessProposal and FinalizeBlock.
//
// Why skipping the checks on a hit cannot change any result: those checks
// are a pure function of the transaction's bytes and of two inputs that
// the cache also compares, the chain id (stored in the entry) and the size
// limit (checked by the caller before the lookup). They read no state, no
// clock and no randomness. A hit means the same bytes (SHA-256 is
// collision resistant) passed the same checks before, so checking them
// again would succeed again with an equal DecodedTx; the entry is that
// DecodedTx. Signatures verified one by one (CheckTx) and in a batch
// (decodeAll) follow the same rules (CometBFT's ed25519 verifies both with
// ZIP-215), so it does not matter which of them filled the entry. Only
// successes are stored: a failing transaction is checked again each time
// and reported with its own error. Each node's cache holds different
// entries (it depends on what its mempool saw and when), but because a hit
// returns exactly what a miss computes, every node reaches the same
// results and app hash, cached or not.
//
// Entries are shared between calls: a DecodedTx, its Tx and its Msg must
// be treated as read-only by everyone, message handlers' Exec included
// (TestTxCacheLeavesMessagesUnchanged replays the determinism blocks and
// checks every cached message still encodes to its signed body).
//
// The cache is bounded by two generations of maps: lookups see both, a hit
// in the older one moves the entry to the current one (a transaction
// rechecked after every block stays), and when the current one is full the
// older one is dropped. It is safe for concurrent use; a nil *txCache
// remembers nothing.
//
// hits and misses count the lookups for monitoring (TxCacheStats); no
// result depends on them.
type txCache struct {
	mu           sync.Mutex
	perGen       int
	cur, old     map[[sha256.Size]byte]txCacheEntry
	hits, misses atomic.Uint64
}

// TxCacheStats counts the lookups in the cache of checked transactions
// since the App was created, and the entries it holds now. They are
// for monitoring only: nothing the App computes depends on them.
type TxCacheStats struct {
	// Hits are lookups that found the transaction already checked.
	Hits uint64
	// Misses are lookups that had to decode and verify it.
	Misses uint64
	// Entries is the number of transactions cached now.
	Entries int
}

// TxCacheStats reports the cache of checked transactions' counters.
func (a *App) TxCacheStats() TxCacheStats {
	if a.txs == nil {
		return TxCacheStats{}
	}
	return TxCacheStats{Hits: a.txs.hits.Load(), Misses: a.txs.misses.Load(), Entries: a.txs.len()}
}

// txCacheEntry is a cached transaction, the chain id it was checked for
// and the committed height when it was first cached (for RecheckTx's
// bound on how long a transaction may wait behind a sequence gap).
type txCacheEntry struct {
	chainID string
	tx      *DecodedTx
	since   int64
}

// newTxCache returns a cache of at most size entries (nil if size < 2).
func newTxCache(size int) *txCache {
	if size < 2 {
		return nil
	}
	return &txCache{perGen: size / 2, cur: map[[sha256.Size]byte]txCacheEntry{}}
}

// get returns the cached transaction with this key checked for chainID,
// or nil.
func (c *txCache) get(key [sha256.Size]byte, chainID string) *DecodedTx {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.cur[key]
	if !ok {
		if e, ok = c.old[key]; !ok {
			c.misses.Add(1)
			return nil
		}
		delete(c.old, key)
		c.put(key, e)
	}
	if e.chainID != chainID {
		c.misses.Add(1)
		return nil
	}
	c.hits.Add(1)
	return e.tx
}

// add remembers d, which passed the stateless checks for chainID, at
// committed height; an entry already there keeps its height.
func (c *txCache) add(key [sha256.Size]byte, chainID string, d *DecodedTx, height int64) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.cur[key]; ok && e.chainID == chainID {
		return
	}
	if e, ok := c.old[key]; ok && e.chainID == chainID {
		delete(c.old, key)
		c.put(key, e)
		return
	}
	c.put(key, txCacheEntry{chainID: chainID, tx: d, since: height})
}

// since returns the committed height at which the transaction with this
// key was first cached.
func (c *txCache) since(key [sha256.Size]byte) (int64, bool) {
	if c == nil {
		return 0, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.cur[key]
	if !ok {
		e, ok = c.old[key]
	}
	return e.since, ok
}

// put stores an entry in the current generation, starting a new one when
// it is full. The caller holds mu.
func (c *txCache) put(key [sha256.Size]byte, e txCacheEntry) {
	if _, ok := c.cur[key]; !ok && len(c.cur) >= c.perGen {
		c.old, c.cur = c.cur, make(map[[sha256.Size]byte]txCacheEntry, c.perGen)
	}
	c.cur[key] = e
}

// remove forgets a transaction (one that was just executed in a block).
func (c *txCache) remove(key [sha256.Size]byte) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.cur, key)
	delete(c.old, key)
}

// len is the number of cached transactions.
func (c *txCache) len() int {
	if c == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.cur) + len(c.old)
}
