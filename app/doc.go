// Package app is the govchain state machine: the transaction envelope and
// its canonical encoding, signature and sequence checks, the router from
// message type to registry, genesis, block execution and queries with
// proofs. It knows nothing of CometBFT's node, networking or RPC; the abci
// package adapts it to ABCI.
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
// a throw-away branch of the last committed state. ProcessProposal also
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
