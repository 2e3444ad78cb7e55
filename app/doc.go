// Package app is the govchain state machine: the transaction envelope and
// its canonical encoding, signature and sequence checks, the ordered list
// of modules and the routing derived from it, genesis, block execution and
// queries with proofs. It knows nothing of CometBFT's node, networking or
// RPC; the abci package adapts it to ABCI.
//
// # Files
//
// One file per ABCI hook, as celestia-app divides the work: app.go (the
// App value, New, which refuses a state upgraded beyond this binary, Info,
// InitChain), check.go (ValidateTx, CheckTx and
// recheck against the committed state), proposal.go (PrepareProposal and
// ProcessProposal), decode.go (a block's transactions decoded and their
// signatures verified in batches), block.go (FinalizeBlock: first the
// scheduled upgrade of package upgrade, which may halt the node before
// anything is written, then each transaction's execution followed by the
// hooks other modules declare on its type, then the modules' per-block
// steps, and the wrapper that turns a storage failure into a halt),
// blockwriter.go (a block executes on the committed view with its own
// writes over it, while a second goroutine applies those writes to the
// store in the order they were made: the store sees the same writes as if
// they were made on it directly), commit.go (Commit, the committed view, Close), sigcache.go
// (the checked-transaction cache), tx.go (the envelope), modules.go (the
// module list and the routing derived from it), genesis.go, query.go and
// pathkey.go, and pool.go (the node's own mempool, when CometBFT runs
// with mempool type "app": InsertTx, ReapTxs, PoolTxs).
//
// # Modules, and how to add one
//
// Every registry or service is a package under app/ exposing one
// core.Module value; Modules (modules.go) lists them in order, and
// everything else is derived from that list: NewMsg and MsgTypes (the
// router), the query dispatch of route and PathKey, the genesis sections
// (Genesis), and abci's result-code table. There is no init()
// registration and no reflection. To add a module named "permits":
//
//  1. Create app/permits with doc.go (what it is for, its usage protocol,
//     what it must never do); keys.go with `const Prefix byte = 0x70`, a
//     byte no module has used (app/testdata/modules.txt lists them all),
//     and its tables built with state.Key(Prefix, table, parts...);
//     errors.go with its sentinels, each with its own code in a fresh
//     range of 100 (core.NewCodedError(800, core.ErrInvalid, "permits:
//     invalid message")) and listed in Errors; its messages (VerbNoun
//     types implementing core.Msg, type strings "permits/verb_noun");
//     query.go with one resolver from a path to its key and answer
//     (core.Resolver; core.Module derives Query and PathKey from it; a
//     numbered list such as a history answers with core.HistoryOf or a
//     core.NumberedList, so that its entries are bound to their positions
//     and it can be certified complete); and
//     module.go with
//     `var Module = &core.Module{Name: "permits", Prefix: Prefix, Codes: 800,
//     Msgs: []core.MsgType{core.MsgOf[IssuePermit](), ...}, Resolve: resolve,
//     Errors: Errors}` (and Genesis:
//     core.GenesisOf(DefaultParams, Params.Validate, InitGenesis) if it has
//     genesis parameters). A module that reacts to another module's
//     message in its transaction declares a core.Hook on that message's
//     type (Hooks), and one with work due by block time a core.Step
//     (Step); both must write nothing while the module is unused, so that
//     adding the module moves no existing app hash (app/benefits does
//     both).
//  2. Append `permits.Module,` to Modules. Never reorder or remove an
//     entry: genesis initialises the modules in this order.
//  3. Run `go test ./app -run ModulesGolden -update` and `go test ./abci
//     -run CodesGolden -update`, and check that the diffs of
//     app/testdata/modules.txt and abci/testdata/codes.txt only add lines.
//  4. Test it at land's bar: a table test for every Validate, a lifecycle
//     test on coretest.Env that hits every sentinel with the state
//     unchanged, the authorisation matrix, coretest.CheckModule, and its
//     messages in the determinism replay (land_flow_test.go).
//
// # Encoding: canonical JSON
//
// A transaction is the compact JSON that encoding/json produces for Tx:
//
//	{"chain_id":"govchain-dev","signer":"<32-byte ed25519 key, hex>","sequence":4,
//	 "msg":{"type":"land/register_parcel","body":{...}},"signature":"<64 bytes, hex>"}
//
// We chose JSON over protobuf because the people who must read a
// transaction (registrars, auditors, courts) can read it as it is on chain,
// clients in any language can build it with a standard library, and the
// message bodies are plain Go structs without generated code. JSON has many
// encodings of one value, so Decode accepts exactly one: it decodes with
// unknown fields refused, re-encodes with encoding/json, and refuses the
// transaction unless the bytes are identical (field order, spacing, escapes,
// lower-case hex all fixed). The signature covers "govchain/tx/v1\n"
// followed by the canonical JSON of chain id, signer, sequence and message,
// so a signature is bound to one chain and one sequence number.
//
// # Validity
//
// ValidateTx (size, canonical encoding, known type, the message's stateless
// Validate, chain id, signature) is the one check shared by CheckTx and
// ProcessProposal. CheckTx also checks the sequence and runs the message on
// a throw-away branch of the last committed state. A transaction a peer
// gossips into the node's own mempool (InsertTx) gets ValidateTx's checks,
// its signature verified in a batch, and the sequence check, not the
// message run: that ran on the node its client sent it to, and nothing a
// mempool admits reaches the state without FinalizeBlock's checks.
// ProcessProposal also
// rejects a block that repeats a used sequence (a replay), which an honest
// PrepareProposal never builds. FinalizeBlock re-checks
// everything, because a byzantine proposer may include transactions that
// never passed CheckTx; signature checks run in parallel (they are pure) and
// their results are applied in block order.
//
// # Determinism
//
// Nothing here reads the wall clock (the block header's time is the only
// clock), the environment or random numbers, iterates a map unsorted, or
// uses floating point. A transaction runs on its own branch of the state,
// merged only on success; a transaction that passed the signature and
// sequence checks always consumes its sequence number, so it can never be
// replayed.
package app
