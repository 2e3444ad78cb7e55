package main

import (
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
)

// nodeMempool sets config.toml's [mempool] as govchain init and testnet
// init write it: the application keeps the mempool (type "app",
// app.App.EnablePool), so that transactions peers gossip are checked in
// signature batches without running their messages, and travel between
// peers in batches (docs/measurements.md, "The application's mempool").
//
//   - reap_interval: CometBFT asks the application for transactions to
//     gossip this often; 20 ms keeps it well inside a block interval.
//   - seen_cache_size: CometBFT refuses bytes it has seen, before the
//     application, as "tx already seen", for as long as they stay in this
//     cache, including bytes the application later dropped (a transaction
//     that waited too long behind a sequence gap) or refused as busy. The
//     application answers duplicates itself (code 14, from its pool and
//     its accounts' sequences), so the cache holds one entry: its
//     smallest size.
//   - check_tx_retry_delay: how long a refused transaction stays in that
//     cache; 1 ms, for the same reason.
func nodeMempool(conf *cmtcfg.Config) {
	conf.Mempool.Type = cmtcfg.MempoolTypeApp
	conf.Mempool.ReapInterval = 20 * time.Millisecond
	conf.Mempool.SeenCacheSize = 1
	conf.Mempool.CheckTxRetryDelay = time.Millisecond
}
