package verify

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	cmtypes "github.com/cometbft/cometbft/types"
	ics23 "github.com/cosmos/ics23/go"
)

// Reasons a certificate is refused. Every error Verify returns wraps
// exactly one of these (or ErrFormat).
var (
	// ErrChainID: the certificate, its headers and the trust root name
	// different chains.
	ErrChainID = errors.New("verify: wrong chain")
	// ErrValidatorSet: the set that signed a header is not the trusted one
	// (nor reached from it by the certificate's validator changes).
	ErrValidatorSet = errors.New("verify: unknown validator set")
	// ErrCommit: a commit does not carry valid signatures of more than 2/3
	// of the voting power for its header.
	ErrCommit = errors.New("verify: insufficient or invalid signatures")
	// ErrHeader: a header is malformed, its commit is for another block id
	// (a forked header), or it is not header H+1 (a stale header).
	ErrHeader = errors.New("verify: wrong header")
	// ErrProof: a proof op is missing, extra, of an unknown type or for
	// another key, or a proof does not verify against header H+1's AppHash.
	ErrProof = errors.New("verify: proof mismatch")
	// ErrKey: the key the certificate rests on is not the key its path
	// names, an entry of a numbered list is not the list's entry at its
	// place, a complete certificate's count or absent key is not its
	// list's, or the kind does not fit the entries.
	ErrKey = errors.New("verify: key mismatch")
)

// PathKeyFunc returns the store key a query path's answer rests on (the
// record, the anchor of a multi-key answer, the key an absence proves);
// ok is false for a path it does not know. govchain's app.PathKey is one.
type PathKeyFunc func(path string) (key []byte, ok bool)

// EntryKeyFunc returns the store key of entry seq (counted from 0) of the
// numbered list a query path answers (a record's history, say); ok is
// false for a path whose answer is not a numbered list. govchain's
// app.EntryKey is one.
type EntryKeyFunc func(path string, seq uint64) (key []byte, ok bool)

// CountFunc returns how many entries the numbered list a query path
// answers has, read from anchor, the exact stored value of the list's
// anchor; ok is false for a path whose answer is not a numbered list, or
// an anchor without a count. govchain's app.EntryCount is one.
type CountFunc func(path string, anchor []byte) (n uint64, ok bool)

// Keys binds a certificate's keys to its path. This package knows no key
// layout; govchain's callers pass
//
//	verify.Keys{Path: app.PathKey, Entry: app.EntryKey, Count: app.EntryCount}
//
// Path is required. Entry binds every entry after the anchor: a history
// or complete certificate is refused without it, and a list certificate
// of a path Entry does not know carries entries bound to nothing but the
// proofs. Count is required by a complete certificate.
type Keys struct {
	Path  PathKeyFunc
	Entry EntryKeyFunc
	Count CountFunc
}

// FixedKey returns a PathKeyFunc that expects key whatever the path: for
// software that computes the expected key itself (Keys{Path:
// FixedKey(key)} verifies records, absences and lists).
func FixedKey(key []byte) PathKeyFunc {
	key = bytes.Clone(key)
	return func(string) ([]byte, bool) { return key, true }
}

// Result is what a verified certificate proves.
type Result struct {
	Kind    Kind
	ChainID string
	Path    string
	// Height is the state version H the answer is of.
	Height int64
	// HeaderHeight is H+1, the block whose header was verified.
	HeaderHeight int64
	// Time is header H+1's block time.
	Time time.Time
	// AppHash is header H+1's AppHash, the root the proofs verify under.
	AppHash []byte
	// Key is the record, anchor or absent key.
	Key []byte
	// Entries are the proven keys with their exact stored values (compact
	// JSON), the anchor first; empty for an absence, and for a complete
	// list without an anchor (Key proven absent).
	Entries []ProvenEntry
	// Count is, for a complete certificate, how many entries the list has
	// (the anchor's count, 0 without an anchor): all of them follow the
	// anchor in Entries, and entry Count, under Absent, is proven absent.
	// Both are zero for other kinds.
	Count  uint64
	Absent []byte
}

// ProvenEntry is a proven key and its exact stored value.
type ProvenEntry struct {
	Key   []byte
	Value []byte
}

// String renders the line the command line prints for a verified
// certificate.
func (r *Result) String() string {
	return fmt.Sprintf("VERIFIED height %d time %s app hash %X", r.HeaderHeight, r.Time.UTC().Format(time.RFC3339Nano), r.AppHash)
}

// VerifyBytes decodes a certificate file (see Decode) and verifies it.
func VerifyBytes(data []byte, trust *Trust, keys Keys) (*Result, error) {
	c, err := Decode(data)
	if err != nil {
		return nil, err
	}
	return Verify(c, trust, keys)
}

// Verify checks c against trust (see the package documentation for the
// checks and their order) and returns what it proves. keys binds the
// certificate's keys to its path; keys.Path must not be nil. Verify does
// not check that c is in canonical form; Decode does.
func Verify(c *Certificate, trust *Trust, keys Keys) (*Result, error) {
	if trust == nil || trust.Validators == nil || trust.Validators.IsNilOrEmpty() {
		return nil, fmt.Errorf("%w: no trusted validator set", ErrValidatorSet)
	}
	if keys.Path == nil {
		return nil, fmt.Errorf("%w: no key binding for the path", ErrKey)
	}
	if c.Format != Format {
		return nil, fmt.Errorf("%w: format %q, want %q", ErrFormat, c.Format, Format)
	}
	if c.ChainID != trust.ChainID {
		return nil, fmt.Errorf("%w: certificate is of chain %q, trust root of %q", ErrChainID, c.ChainID, trust.ChainID)
	}
	if c.Height < 1 {
		return nil, fmt.Errorf("%w: state version %d", ErrHeader, c.Height)
	}

	// The cheap checks come first and the signatures last, so that a
	// damaged certificate is refused quickly; all must pass either way. A
	// failed proof is reported only once the signatures are verified, so
	// that it is reported against an app hash the validators signed.
	var commits []signedBy

	// The validator set that signs header H+1, from the trust root.
	vals := trust.Validators
	last := int64(0)
	for i, ch := range c.ValidatorChanges {
		sh, err := signedHeader(ch.SignedHeader, c.ChainID)
		if err != nil {
			return nil, fmt.Errorf("validator change %d: %w", i, err)
		}
		if sh.Height <= last || sh.Height >= c.Height+1 {
			return nil, fmt.Errorf("%w: validator change %d at height %d is out of order (after %d, before %d)", ErrHeader, i, sh.Height, last, c.Height+1)
		}
		last = sh.Height
		if err := checkValidatorsHash(sh, vals); err != nil {
			return nil, fmt.Errorf("validator change %d: %w", i, err)
		}
		commits = append(commits, signedBy{sh, vals, fmt.Sprintf("validator change %d (height %d): ", i, sh.Height)})
		next, err := validatorSet(ch.NextValidators)
		if err != nil {
			return nil, fmt.Errorf("validator change %d: next validators: %w", i, err)
		}
		if !bytes.Equal(next.Hash(), sh.NextValidatorsHash) {
			return nil, fmt.Errorf("%w: validator change %d: next validators hash to %X, header names %X", ErrValidatorSet, i, next.Hash(), []byte(sh.NextValidatorsHash))
		}
		vals = next
	}

	sh, err := signedHeader(c.Block.SignedHeader, c.ChainID)
	if err != nil {
		return nil, err
	}
	blockVals, err := validatorSet(c.Block.Validators)
	if err != nil {
		return nil, fmt.Errorf("block validators: %w", err)
	}
	if !bytes.Equal(blockVals.Hash(), vals.Hash()) {
		return nil, fmt.Errorf("%w: header %d is signed by validator set %X, the trusted set is %X", ErrValidatorSet, sh.Height, blockVals.Hash(), vals.Hash())
	}
	if err := checkValidatorsHash(sh, blockVals); err != nil {
		return nil, err
	}
	commits = append(commits, signedBy{sh, blockVals, ""})
	if sh.Height != c.Height+1 {
		return nil, fmt.Errorf("%w: proofs are of state %d, whose root is in header %d, not header %d", ErrHeader, c.Height, c.Height+1, sh.Height)
	}
	if c.Block.Height != sh.Height || !c.Block.Time.Equal(sh.Time) || !bytes.Equal(c.Block.AppHash, sh.AppHash) {
		return nil, fmt.Errorf("%w: block height, time or app hash differ from the signed header's", ErrHeader)
	}

	entries, err := checkProofs(c, sh.AppHash, sh.Height)
	if err != nil {
		// A proof is judged against the app hash of a header the trusted
		// validators signed: if they did not, that is the failure to name.
		if cerr := verifyCommits(commits, c.ChainID); cerr != nil {
			return nil, cerr
		}
		return nil, err
	}
	count, err := bindKeys(c, keys, entries)
	if err != nil {
		return nil, err
	}
	if err := verifyCommits(commits, c.ChainID); err != nil {
		return nil, err
	}
	res := &Result{
		Kind:         c.Kind,
		ChainID:      c.ChainID,
		Path:         c.Path,
		Height:       c.Height,
		HeaderHeight: sh.Height,
		Time:         sh.Time,
		AppHash:      bytes.Clone(sh.AppHash),
		Key:          bytes.Clone(c.Key),
		Entries:      entries,
	}
	if c.Kind == KindComplete {
		res.Count, res.Absent = count, bytes.Clone(c.Absent)
	}
	return res, nil
}

// bindKeys checks that c's keys are the keys its path names: the key it
// rests on, every entry after the anchor of a numbered list, and, for a
// complete certificate, the anchor's count and the absent key. entries
// are c's proven entries. It returns a complete certificate's count.
func bindKeys(c *Certificate, keys Keys, entries []ProvenEntry) (uint64, error) {
	want, ok := keys.Path(c.Path)
	if !ok {
		return 0, fmt.Errorf("%w: path %q names no key this verifier knows", ErrKey, c.Path)
	}
	if !bytes.Equal(want, c.Key) {
		return 0, fmt.Errorf("%w: the certificate rests on key %x, but %s is stored under %x", ErrKey, []byte(c.Key), c.Path, want)
	}
	if c.Kind == KindRecord || c.Kind == KindAbsence {
		return 0, nil
	}
	numbered := false
	if keys.Entry != nil {
		_, numbered = keys.Entry(c.Path, 0)
	}
	if !numbered {
		if c.Kind == KindList {
			return 0, nil
		}
		return 0, fmt.Errorf("%w: a %s certificate needs a numbered list, and %s is not one this verifier knows", ErrKey, c.Kind, c.Path)
	}
	if c.Kind == KindComplete && keys.Count == nil {
		return 0, fmt.Errorf("%w: no count binding for a complete certificate", ErrKey)
	}
	if len(entries) == 0 {
		// A complete certificate of a list without an anchor (checkProofs
		// lets no other kind through without entries): it counts 0, and
		// its entry 0 is absent.
		if first, _ := keys.Entry(c.Path, 0); c.Kind != KindComplete || !bytes.Equal(first, c.Absent) {
			return 0, fmt.Errorf("%w: the absent key %x of a list without an anchor is not entry 0 of %s, stored under %x", ErrKey, []byte(c.Absent), c.Path, first)
		}
		return 0, nil
	}
	for i, e := range entries[1:] {
		k, ok := keys.Entry(c.Path, uint64(i))
		if !ok || !bytes.Equal(k, e.Key) {
			return 0, fmt.Errorf("%w: entry %d after the anchor is key %x, but entry %d of %s is stored under %x", ErrKey, i, e.Key, i, c.Path, k)
		}
	}
	if c.Kind != KindComplete {
		return 0, nil
	}
	n, ok := keys.Count(c.Path, entries[0].Value)
	if !ok {
		return 0, fmt.Errorf("%w: the anchor of %s carries no count", ErrKey, c.Path)
	}
	if n != uint64(len(entries)-1) {
		return 0, fmt.Errorf("%w: the anchor of %s counts %d entries, the certificate carries %d", ErrKey, c.Path, n, len(entries)-1)
	}
	next, ok := keys.Entry(c.Path, n)
	if !ok || !bytes.Equal(next, c.Absent) {
		return 0, fmt.Errorf("%w: the absent key %x is not entry %d of %s, stored under %x", ErrKey, []byte(c.Absent), n, c.Path, next)
	}
	return n, nil
}

// signedHeader decodes a protobuf SignedHeader, refusing any encoding but
// the canonical one, and checks it is well formed, of chainID, and that its
// commit is for this header's block id.
func signedHeader(bz []byte, chainID string) (*cmtypes.SignedHeader, error) {
	var p cmtproto.SignedHeader
	if err := p.Unmarshal(bz); err != nil {
		return nil, fmt.Errorf("%w: signed header: %v", ErrHeader, err)
	}
	sh, err := cmtypes.SignedHeaderFromProto(&p)
	if err != nil {
		return nil, fmt.Errorf("%w: signed header: %v", ErrHeader, err)
	}
	if sh.Header == nil || sh.Commit == nil {
		return nil, fmt.Errorf("%w: signed header without header or commit", ErrHeader)
	}
	re, err := sh.ToProto().Marshal()
	if err != nil || !bytes.Equal(re, bz) {
		return nil, fmt.Errorf("%w: signed header is not canonically encoded", ErrFormat)
	}
	if sh.ChainID != chainID {
		return nil, fmt.Errorf("%w: header %d is of chain %q, not %q", ErrChainID, sh.Height, sh.ChainID, chainID)
	}
	if h := sh.Hash(); h != nil && !bytes.Equal(h, sh.Commit.BlockID.Hash) {
		return nil, fmt.Errorf("%w: header %d (app hash %X) is not the header the validators signed: it hashes to %X, its commit signs block %X",
			ErrHeader, sh.Height, []byte(sh.AppHash), h, []byte(sh.Commit.BlockID.Hash))
	}
	if err := sh.ValidateBasic(chainID); err != nil {
		return nil, fmt.Errorf("%w: header %d: %v", ErrHeader, sh.Height, err)
	}
	return sh, nil
}

// signedBy is a header whose commit is still to be verified against vals.
type signedBy struct {
	sh   *cmtypes.SignedHeader
	vals *cmtypes.ValidatorSet
	what string
}

// checkValidatorsHash checks that sh's header names vals as its validator
// set.
func checkValidatorsHash(sh *cmtypes.SignedHeader, vals *cmtypes.ValidatorSet) error {
	if !bytes.Equal(sh.ValidatorsHash, vals.Hash()) {
		return fmt.Errorf("%w: header %d names validator set %X, the trusted set is %X", ErrValidatorSet, sh.Height, []byte(sh.ValidatorsHash), vals.Hash())
	}
	return nil
}

// verifyCommits verifies the commit of every header in commits, in order.
func verifyCommits(commits []signedBy, chainID string) error {
	for _, s := range commits {
		if err := verifyCommit(s.sh, s.vals, chainID); err != nil {
			return fmt.Errorf("%s%w", s.what, err)
		}
	}
	return nil
}

// verifyCommit checks that every signature of sh's commit is valid and
// that more than 2/3 of vals' power signed this header's block id.
func verifyCommit(sh *cmtypes.SignedHeader, vals *cmtypes.ValidatorSet, chainID string) error {
	blockID := cmtypes.BlockID{Hash: sh.Hash(), PartSetHeader: sh.Commit.BlockID.PartSetHeader}
	if err := cmtypes.VerifyCommit(chainID, vals, blockID, sh.Height, sh.Commit); err != nil {
		return fmt.Errorf("%w: commit of header %d: %v", ErrCommit, sh.Height, err)
	}
	return nil
}

// checkProofs checks c's kind, entries and proof ops and verifies every
// proof against root, the app hash of header h. Its errors say that root
// is signed in header h: Verify returns them only once that holds.
func checkProofs(c *Certificate, root []byte, h int64) ([]ProvenEntry, error) {
	signed := fmt.Sprintf("app hash %X signed in header %d", root, h)
	if (c.Kind == KindComplete) != (len(c.Absent) > 0) {
		return nil, fmt.Errorf("%w: a complete certificate, and only one, names an absent key", ErrKey)
	}
	ops := c.ProofOps
	switch c.Kind {
	case KindAbsence:
		if len(c.Entries) != 0 {
			return nil, fmt.Errorf("%w: an absence certificate carries no entries", ErrKey)
		}
		if len(c.ProofOps) != 1 {
			return nil, fmt.Errorf("%w: an absence needs exactly one proof op, got %d", ErrProof, len(c.ProofOps))
		}
		if err := checkAbsence(c.ProofOps[0], c.Key, c.Height, root, signed); err != nil {
			return nil, err
		}
		return []ProvenEntry{}, nil
	case KindRecord:
		if len(c.Entries) != 1 {
			return nil, fmt.Errorf("%w: a record certificate carries one entry, got %d", ErrKey, len(c.Entries))
		}
		if strings.HasSuffix(c.Path, "/history") {
			return nil, fmt.Errorf("%w: a history path needs a history certificate", ErrKey)
		}
	case KindHistory, KindList:
		if len(c.Entries) == 0 {
			return nil, fmt.Errorf("%w: a %s certificate carries the anchor and its entries", ErrKey, c.Kind)
		}
		if isHistory := strings.HasSuffix(c.Path, "/history"); isHistory != (c.Kind == KindHistory) {
			return nil, fmt.Errorf("%w: kind %s does not fit path %s", ErrKey, c.Kind, c.Path)
		}
	case KindComplete:
		if len(c.Entries) == 0 {
			return checkEmpty(c, root, signed)
		}
		if len(c.ProofOps) != len(c.Entries)+1 {
			return nil, fmt.Errorf("%w: %d entries and an absent key but %d proof ops", ErrProof, len(c.Entries), len(c.ProofOps))
		}
		ops = c.ProofOps[:len(c.Entries)]
		if err := checkAbsence(c.ProofOps[len(c.Entries)], c.Absent, c.Height, root, signed); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("%w: unknown kind %q", ErrFormat, c.Kind)
	}
	if len(ops) != len(c.Entries) {
		return nil, fmt.Errorf("%w: %d entries but %d proof ops", ErrProof, len(c.Entries), len(ops))
	}
	if !bytes.Equal(c.Entries[0].Key, c.Key) {
		return nil, fmt.Errorf("%w: first entry %x is not the certificate's key %x", ErrKey, []byte(c.Entries[0].Key), []byte(c.Key))
	}
	seen := make(map[string]bool, len(c.Entries)+1)
	if c.Kind == KindComplete {
		seen[string(c.Absent)] = true
	}
	out := make([]ProvenEntry, 0, len(c.Entries))
	for i, e := range c.Entries {
		if len(e.Key) == 0 || seen[string(e.Key)] {
			return nil, fmt.Errorf("%w: entry %d: empty or repeated key %x", ErrKey, i, []byte(e.Key))
		}
		seen[string(e.Key)] = true
		value, err := storedValue(e.Value)
		if err != nil {
			return nil, fmt.Errorf("%w: entry %d: value: %v", ErrFormat, i, err)
		}
		p, err := proofOf(ops[i], e.Key)
		if err != nil {
			return nil, fmt.Errorf("key %x (entry %d) at state %d: %w", []byte(e.Key), i, c.Height, err)
		}
		ep := p.GetExist()
		if ep == nil {
			return nil, fmt.Errorf("%w: key %x (entry %d) at state %d: not an existence proof", ErrProof, []byte(e.Key), i, c.Height)
		}
		if !bytes.Equal(ep.Key, e.Key) || !bytes.Equal(ep.Value, value) {
			return nil, fmt.Errorf("%w: key %x (entry %d) at state %d: the proof is for another key or value", ErrProof, []byte(e.Key), i, c.Height)
		}
		if err := ep.Verify(ics23.IavlSpec, root, e.Key, value); err != nil {
			return nil, fmt.Errorf("%w: the proof of key %x (entry %d) at state %d does not lead to the %s: %v", ErrProof, []byte(e.Key), i, c.Height, signed, err)
		}
		out = append(out, ProvenEntry{Key: bytes.Clone(e.Key), Value: value})
	}
	return out, nil
}

// checkEmpty checks the proofs of a complete certificate of an empty list
// (no entries): the absence of the anchor, Key, then of entry 0, Absent,
// another key.
func checkEmpty(c *Certificate, root []byte, signed string) ([]ProvenEntry, error) {
	if len(c.ProofOps) != 2 {
		return nil, fmt.Errorf("%w: a complete certificate without entries needs the absence proofs of its anchor and of its entry 0, got %d proof ops", ErrProof, len(c.ProofOps))
	}
	if bytes.Equal(c.Key, c.Absent) {
		return nil, fmt.Errorf("%w: the anchor and the absent entry are the same key %x", ErrKey, []byte(c.Key))
	}
	for i, key := range [][]byte{c.Key, c.Absent} {
		if err := checkAbsence(c.ProofOps[i], key, c.Height, root, signed); err != nil {
			return nil, err
		}
	}
	return []ProvenEntry{}, nil
}

// checkAbsence checks that op is an ics23:iavl non-existence proof of key
// at state version height that verifies against root (signed says where
// root comes from).
func checkAbsence(op ProofOp, key []byte, height int64, root []byte, signed string) error {
	p, err := proofOf(op, key)
	if err != nil {
		return fmt.Errorf("absence of key %x at state %d: %w", key, height, err)
	}
	np := p.GetNonexist()
	if np == nil {
		return fmt.Errorf("%w: not a non-existence proof", ErrProof)
	}
	if !bytes.Equal(np.Key, key) {
		return fmt.Errorf("%w: non-existence proof is for another key", ErrProof)
	}
	for _, side := range []*ics23.ExistenceProof{np.Left, np.Right} {
		if side != nil && bytes.Equal(side.Key, key) {
			return fmt.Errorf("%w: non-existence proof contains the key", ErrProof)
		}
	}
	if err := np.Verify(ics23.IavlSpec, root, key); err != nil {
		return fmt.Errorf("%w: the absence proof of key %x at state %d does not lead to the %s: %v", ErrProof, key, height, signed, err)
	}
	return nil
}

// proofOf decodes an op that must be an ics23:iavl proof of key, refusing
// a non-canonical encoding.
func proofOf(op ProofOp, key []byte) (*ics23.CommitmentProof, error) {
	if op.Type != ProofOpType {
		return nil, fmt.Errorf("%w: proof op type %q, want %q", ErrProof, op.Type, ProofOpType)
	}
	if !bytes.Equal(op.Key, key) {
		return nil, fmt.Errorf("%w: proof op is for key %x, want %x", ErrProof, []byte(op.Key), key)
	}
	var p ics23.CommitmentProof
	if err := p.Unmarshal(op.Data); err != nil {
		return nil, fmt.Errorf("%w: proof op data: %v", ErrProof, err)
	}
	re, err := p.Marshal()
	if err != nil || !bytes.Equal(re, op.Data) {
		return nil, fmt.Errorf("%w: proof op data is not canonically encoded", ErrProof)
	}
	return &p, nil
}
