// Package client is the Go client of a govchain network, for software that
// posts transactions or reads records without going through the govchain
// command line: agency back offices, notaries' and banks' systems,
// auditors' tools.
//
// It does six things:
//
//   - keeps ed25519 account keys in a keyring (Keyring) whose recorded
//     backend is BackendFile (each private key sealed with the keyring's
//     passphrase: argon2id, then XChaCha20-Poly1305 with the key's address
//     as associated data; keyring_seal.go) or BackendTest (plaintext, for
//     tests and the development chain only), or records a key held on a
//     PKCS#11 token (AddPKCS11; pkcs11.go, the cgo part in pkcs11_cgo.go);
//   - builds and signs transactions with the chain's canonical encoding
//     through a Signer, a key in memory (*Key) or on a token
//     (*TokenSigner): BuildWith, or Build for an ed25519.PrivKey, thin
//     wrappers of app.NewSignedTx and app.NewTx, so a client never signs
//     what the chain would refuse statelessly, and the bytes do not depend
//     on where the key is held;
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
// the keyring file (mode 0600), never write one unsealed but to a test
// keyring, never use or add beside a plaintext key in a file keyring,
// never read a passphrase or PIN but through KeyringOptions or from a
// file only its owner can read, and never talks to anything but the one
// node it was given (and the PKCS#11 module it was told to load).
package client
