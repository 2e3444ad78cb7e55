// Package client is the Go client of a govchain network, for software that
// posts transactions or reads records without going through the govchain
// command line: agency back offices, notaries' and banks' systems,
// auditors' tools.
//
// It does six things:
//
//   - keeps ed25519 account keys in a file keyring (Keyring);
//   - builds and signs transactions with the chain's canonical encoding
//     (Build, a thin wrapper of app.NewTx, so a client never signs what the
//     chain would refuse statelessly);
//   - posts them through a node's CometBFT RPC and waits for their inclusion
//     in a block (Client.Broadcast, Client.WaitTx, Client.Submit), turning a
//     refusal into a *TxError with the chain's stable result code;
//   - reads records (Client.Query) and, with proofs requested, verifies
//     every ICS23 proof the node returns against the AppHash of block
//     header H+1 before returning the answer;
//   - builds the certificate of an answer (Client.Certificate, or
//     Client.Certify for the node's answers it rests on): the stored
//     values, their proofs, the signed header H+1 with its validator set
//     and the validator changes since height 1, in package verify's
//     format, which verify.Verify checks offline with CertificateKeys;
//   - reads the sharing module's records as its own types, over Query
//     (sharing.go: Client.SharingRequest, SharingGrant, SharingRecord,
//     SharingKeys, SharingLog, ...), a proven access log also proven
//     complete.
//
// Trust: Query verifies that the answer is committed under the AppHash of
// the header the node serves. It does not yet verify the header's validator
// signatures (a light client against a trusted validator set); until it
// does, a proof shows consistency with that node's header, not with the
// validators' signed view.
//
// This package must never hold a private key anywhere but in memory and in
// the keyring file (mode 0600), and never talks to anything but the one
// node it was given.
package client
