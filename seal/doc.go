// Package seal encrypts the restricted records one agency shares with
// another (DESIGN.md, "Sharing restricted data"): the owner's data service
// seals the requested fields of a record to the requesting agency's
// registered public key with HPKE (RFC 9180), and the requester opens them
// and checks each field against its salted commitment on chain.
//
// # Usage protocol
//
//   - An agency makes a key pair with GenerateKey, keeps
//     PrivateKey.MarshalBinary secret (with its suite), and registers
//     PublicKeyBytes on chain under a key id (sharing/register_key). The
//     app validates the key with ParsePublicKey.
//   - When committing a record the owner draws a fresh salt per field per
//     version (NewSalt) and puts Commitment(salt, name, value) on chain;
//     values and salts stay with the owner.
//   - For an allowed access request the owner's data service builds a
//     Payload of the requested fields and seals it, SealPayload(suite,
//     public key, key id, payload), to an active key of the requester; it
//     records PayloadHash(sealed) on chain (sharing/record_delivery).
//   - The requester opens it with OpenPayload(private key, chain id,
//     request id, key id, sealed), checks that PayloadHash(sealed) is the
//     receipt's, then CheckPayload against the commitments of the fields it
//     asked for; a *FieldError names the field to complain about.
//
// # Suites
//
// Two suites, named by frozen strings stored in every AgencyKey; both use
// HPKE's base mode with HKDF-SHA256 and ChaCha20-Poly1305:
//
//	"x25519"           DHKEM(X25519, HKDF-SHA256)   public key 32 bytes     enc 32 bytes
//	"mlkem768-x25519"  MLKEM768-X25519 (X-Wing)     public key 1216 bytes   enc 1120 bytes
//
// An mlkem768-x25519 public key is the ML-KEM-768 encapsulation key (1184
// bytes) followed by the X25519 public key (32); its enc is the ML-KEM-768
// ciphertext (1088) followed by the ephemeral X25519 public key (32). The
// hybrid stays confidential as long as either ML-KEM-768 or X25519 holds,
// so a payload recorded today stays closed to a later quantum computer
// that breaks X25519, as long as ML-KEM-768 holds.
//
// # Formats
//
// Public key: RFC 9180's SerializePublicKey (crypto/hpke's Bytes), as the
// chain stores it. ParsePublicKey accepts exactly the keys crypto/hpke
// accepts, less X25519 parts (the whole x25519 key, or the hybrid's last
// 32 bytes) that are not canonical (top bit set, or at least 2^255-19) or
// are of small order (every seal to them would fail), so one key has one
// encoding and every registered key can be sealed to.
//
// Private key: 32 bytes, RFC 9180's SerializePrivateKey: the clamped
// X25519 scalar, or the hybrid's 32-byte seed (from which ML-KEM-768 and
// X25519 keys are expanded with SHAKE256). The bytes do not name their
// suite: they are stored with it. An unclamped X25519 scalar is read as
// its clamped form, which MarshalBinary then returns.
//
// Info (the HPKE info), from Info(chainID, requestID, keyID):
//
//	"govchain/seal/v1" || uvarint(len(chain id)) || chain id ||
//	uint64 big-endian request id || uvarint(len(key id)) || key id
//
// Details info, from DetailsInfo(chainID, commitment, keyID), for the
// details of a covert access request (package app/sharing, which defines
// their plaintext), sealed before the request has an id:
//
//	"govchain/seal/details/v1" || uvarint(len(chain id)) || chain id ||
//	32-byte details commitment || uvarint(len(key id)) || key id
//
// The two labels differ within their first 15 bytes, so no details info
// is a payload info.
//
// Ciphertext: enc || ChaCha20-Poly1305 ciphertext with its 16-byte tag,
// exactly as crypto/hpke's single-shot Seal returns it; there is no header:
// the suite is the recipient key's, known from the key id on chain. Its
// length is EncSize(suite) + len(plaintext) + TagSize.
//
// Payload (the plaintext): compact JSON in encoding/json's form, with keys
// in this order and fields sorted by name, each once:
//
//	{"fields":[{"name":"…","value":"…","salt":"<64 lower-case hex>"},…],"request_id":N,"chain_id":"…"}
//
// DecodePayload refuses unknown fields and any input that is not the
// re-encoding of what it decoded. Field names are identifiers (1-64 bytes
// of letters, digits and - _ . :), values valid UTF-8 (binary values are
// the data service's to encode as text), 1 to 64 fields, no all-zero salt.
//
// Commitment of a field: SHA-256(salt || 0x00 || name || 0x00 || value),
// salt 32 bytes.
//
// Payload hash: SHA-256 of the whole ciphertext.
//
// # Trust model
//
//   - The holder of an agency's private key reads every payload sealed to
//     its public key, and nothing else. Revoking a key on chain stops new
//     payloads being sealed to it; it does not close what was sealed
//     before. Rotation is a new key pair under a new key id.
//   - A holder of a public key (everyone: it is on chain) can seal to it:
//     base mode does not authenticate the sender. What authenticates a
//     payload is the chain: the commitments the owner committed (a value
//     matches only with the owner's salt) and the payload hash in the
//     receipt its data service signed.
//   - The info binds a ciphertext to one chain, one request and one key
//     id: it does not open under any other, so a payload cannot be
//     replayed as the answer to another request, even to the same agency.
//   - The owner (its data service) knows the values and salts; the
//     commitments show anyone else nothing of a value, and a requester
//     learns only the fields it receives, not the others of the record.
//   - ChaCha20-Poly1305 does not commit to its key: to prove to a third
//     party what a ciphertext holds, a recipient shows its private key
//     (then rotates it), not a derived symmetric key.
//
// # Figures
//
// Measured 2026-12-03 on a shared 2-core VM (Intel Xeon @ 2.80GHz), once,
// with go test -run '^$' -bench 'BenchmarkSeal|BenchmarkOpen' -benchtime
// 2s ./seal, on a typical record: 6 fields whose values are 401 bytes, a
// payload of 1091 bytes of JSON (the salts alone are 384), sealed to 1139
// bytes (x25519) or 2227 (mlkem768-x25519). "From bytes" is Seal, which
// checks the key's bytes each time; "parsed" is PublicKey.Seal.
//
//	suite              seal from bytes   seal parsed   open
//	x25519             4,748/s (211 µs)  6,596/s       11,140/s (90 µs)
//	mlkem768-x25519    2,794/s (358 µs)  3,958/s        4,471/s (224 µs)
//
// # What it must never do
//
// Key parsing (ParsePublicKey, NewPublicKey, ParsePrivateKey), Info,
// DetailsInfo, EncSize, Commitment, the payload codec and CheckPayload
// are deterministic and read no clock, environment, file or randomness, so the app may call
// them; only GenerateKey, NewSalt and sealing draw from crypto/rand. It
// imports the standard library only. It never returns a partial
// plaintext, never opens a ciphertext under other info, and never logs or
// prints a key, a value or a salt. Nodes must agree on what crypto/hpke
// accepts: a node run with GODEBUG=fips140=only refuses every X25519 key.
package seal
