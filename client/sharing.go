package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/sharing"
	"github.com/govchain/govchain/seal"
)

// Typed reads of the sharing module's records (app/sharing, query paths
// /sharing/...), for a data service, an official's tool or a citizen's
// page. Each is Query on one path with opts, the answer decoded into the
// module's own type: with opts.Prove every key the answer rests on is
// proven against the AppHash of header Height+1 (and bound to the path)
// before anything is decoded, as Query does; the *QueryResult returned
// with the record says at which height, and with which proof. A missing
// record is Query's *QueryError (with its verified absence proof when
// proofs were asked for); its Code is the module's not-found code (for
// example sharing.ErrRequestNotFound.Code()). A list whose anchor is not
// written yet (an agency without keys, a subject nobody read: see
// SharingEmptyList) is an answer, not an error: the anchor the module
// reads in its place (a count of 0) and no entries, with a *QueryResult
// whose Value is nil, whose Key is the anchor's and whose Proof, with
// proofs asked for, is the verified proof that the anchor is absent. An
// identifier that is not one (core.ValidateID) is refused before anything
// is asked, so that no argument can name another path.

// SharingPurposes returns every purpose code's record, retired ones
// included, in code order.
func (c *Client) SharingPurposes(ctx context.Context, opts QueryOptions) ([]sharing.Purpose, *QueryResult, error) {
	_, ps, res, err := sharingList[sharing.PurposeIndex, sharing.Purpose](ctx, c, "/sharing/purposes", opts)
	return ps, res, err
}

// SharingClass returns the data class agency declared under class.
func (c *Client) SharingClass(ctx context.Context, agency, class string, opts QueryOptions) (*sharing.DataClass, *QueryResult, error) {
	p, err := sharingPath("class", "agency", agency, "class", class)
	if err != nil {
		return nil, nil, err
	}
	return sharingRecord[sharing.DataClass](ctx, c, p, opts)
}

// SharingKey returns one of agency's HPKE public keys. A data service
// seals to a key only if its Status is sharing.KeyActive and the block
// time is before its ValidUntil (the chain refuses the delivery receipt
// otherwise).
func (c *Client) SharingKey(ctx context.Context, agency, keyID string, opts QueryOptions) (*sharing.AgencyKey, *QueryResult, error) {
	p, err := sharingPath("key", "agency", agency, "key id", keyID)
	if err != nil {
		return nil, nil, err
	}
	return sharingRecord[sharing.AgencyKey](ctx, c, p, opts)
}

// SharingKeys returns agency's key index (how many keys it registered,
// and the ids of the active ones) and every key it registered, revoked
// ones included, in key order.
func (c *Client) SharingKeys(ctx context.Context, agency string, opts QueryOptions) (*sharing.KeyIndex, []sharing.AgencyKey, *QueryResult, error) {
	p, err := sharingPath("keys", "agency", agency)
	if err != nil {
		return nil, nil, nil, err
	}
	return sharingList[sharing.KeyIndex, sharing.AgencyKey](ctx, c, p, opts)
}

// SharingRecord returns the record agency holds on subject in class: its
// version and the commitment of each field.
func (c *Client) SharingRecord(ctx context.Context, agency, class, subject string, opts QueryOptions) (*sharing.Record, *QueryResult, error) {
	p, err := sharingPath("record", "agency", agency, "class", class, "subject", subject)
	if err != nil {
		return nil, nil, err
	}
	return sharingRecord[sharing.Record](ctx, c, p, opts)
}

// SharingGrant returns grant id.
func (c *Client) SharingGrant(ctx context.Context, id uint64, opts QueryOptions) (*sharing.Grant, *QueryResult, error) {
	return sharingRecord[sharing.Grant](ctx, c, "/sharing/grant/"+strconv.FormatUint(id, 10), opts)
}

// SharingRequest returns access request id, allowed or refused: for an
// allowed one, the record version it was allowed on and the commitments
// of the requested fields, which a data service serves and a requester
// checks the delivery against.
func (c *Client) SharingRequest(ctx context.Context, id uint64, opts QueryOptions) (*sharing.Request, *QueryResult, error) {
	return sharingRecord[sharing.Request](ctx, c, "/sharing/request/"+strconv.FormatUint(id, 10), opts)
}

// SharingPurpose returns the purpose with code: for a covert one, its
// overseer agency and max secrecy.
func (c *Client) SharingPurpose(ctx context.Context, code string, opts QueryOptions) (*sharing.Purpose, *QueryResult, error) {
	p, err := sharingPath("purpose", "purpose code", code)
	if err != nil {
		return nil, nil, err
	}
	return sharingRecord[sharing.Purpose](ctx, c, p, opts)
}

// SharingSealed returns the sealed list: how many allowed covert requests
// are not disclosed, and the entry of each, in request id order. An
// ombudsman compares each DiscloseAt with a proven block time
// (Result.Proof.HeaderTime) to find the overdue ones: the chain keeps them
// sealed until a transaction discloses them. Before the first covert
// request the list is empty (a count of 0).
func (c *Client) SharingSealed(ctx context.Context, opts QueryOptions) (*sharing.SealedIndex, []sharing.SealedRef, *QueryResult, error) {
	idx, refs, res, err := sharingList[sharing.SealedIndex, sharing.SealedRef](ctx, c, "/sharing/sealed", opts)
	if err != nil {
		return nil, nil, nil, err
	}
	if idx.Count != uint64(len(refs)) {
		return nil, nil, nil, fmt.Errorf("client: /sharing/sealed: the anchor counts %d, the answer lists %d", idx.Count, len(refs))
	}
	return idx, refs, res, nil
}

// SealCovertDetails seals the details of a covert request under a grant
// of grantFields to key (an active key of the purpose's overseer, or of
// the grant's owner): the plaintext is sharing.SealedPlaintext (padded to
// the grant's fields), the info seal.DetailsInfo(chainID,
// d.Commitment(), key.KeyID).
func SealCovertDetails(chainID string, d sharing.CovertDetails, grantFields []string, key sharing.AgencyKey) ([]byte, error) {
	pt, err := sharing.SealedPlaintext(d, grantFields)
	if err != nil {
		return nil, err
	}
	return seal.Seal(key.Suite, key.PublicKey, seal.DetailsInfo(chainID, d.Commitment(), key.KeyID), pt)
}

// OpenCovertDetails opens a sealed copy of a covert request's details
// (Request.Sealed's overseer or owner copy) with priv, the private key
// registered under keyID, and returns the details after checking that
// they hash to commitment, the request's details commitment. The owner's
// data service must also check that the fields are the grant's before it
// delivers anything (the chain cannot).
func OpenCovertDetails(priv *seal.PrivateKey, chainID, keyID string, commitment core.Hash, sealed []byte) (sharing.CovertDetails, error) {
	pt, err := seal.Open(priv, seal.DetailsInfo(chainID, commitment, keyID), sealed)
	if err != nil {
		return sharing.CovertDetails{}, err
	}
	d, err := sharing.DecodeSealedPlaintext(pt)
	if err != nil {
		return sharing.CovertDetails{}, err
	}
	if d.Commitment() != commitment {
		return sharing.CovertDetails{}, fmt.Errorf("client: the sealed details hash to %s, not to the commitment %s", d.Commitment(), commitment)
	}
	return d, nil
}

// CovertRequest builds the covert form of a data officer's request under
// grant grantID for fields (any order) of subject, with the SHA-256 of
// the case reference, to be disclosed at discloseAt. It reads the grant,
// its purpose and the keys of the purpose's overseer and of the grant's
// owner with opts (ask for proofs: the details are sealed to what the
// answers say), draws a fresh salt, and seals the details to the active,
// unexpired key of each agency valid the longest. It returns the message
// and the details, which the requester must keep (with the salt) to
// disclose the request. It refuses, before anything is sealed, a grant
// whose purpose is not covert, fields the grant does not cover, and an
// agency without a usable key; the chain checks the rest. chainID empty
// means the node's.
func (c *Client) CovertRequest(ctx context.Context, chainID string, grantID uint64, subject string, fields []string,
	caseRef core.Hash, discloseAt time.Time, opts QueryOptions) (*sharing.RequestAccess, sharing.CovertDetails, error) {
	var none sharing.CovertDetails
	if chainID == "" {
		id, err := c.ChainID(ctx)
		if err != nil {
			return nil, none, err
		}
		chainID = id
	}
	g, res, err := c.SharingGrant(ctx, grantID, opts)
	if err != nil {
		return nil, none, err
	}
	p, _, err := c.SharingPurpose(ctx, g.Purpose, opts)
	if err != nil {
		return nil, none, err
	}
	if !p.Covert {
		return nil, none, fmt.Errorf("client: grant %d is for purpose %s, which is not covert: request it in the plain form", g.ID, p.Code)
	}
	if p.Overseer == "" {
		return nil, none, fmt.Errorf("client: covert purpose %s has no overseer: no covert request is allowed", p.Code)
	}
	d := sharing.CovertDetails{Fields: slices.Sorted(slices.Values(fields)), CaseRef: caseRef, Salt: core.Hash(seal.NewSalt())}
	if err := d.Validate(); err != nil {
		return nil, none, err
	}
	for _, f := range d.Fields {
		if _, ok := slices.BinarySearch(g.Fields, f); !ok {
			return nil, none, fmt.Errorf("client: field %s is not one of grant %d's (%v)", f, g.ID, g.Fields)
		}
	}
	now := time.Now()
	if res.Proof != nil && !res.Proof.HeaderTime.IsZero() {
		now = res.Proof.HeaderTime
	}
	m := &sharing.RequestAccess{GrantID: g.ID, Subject: subject, Purpose: g.Purpose, DetailsCommitment: d.Commitment(),
		DiscloseAt: discloseAt.UTC()}
	for _, to := range []struct {
		agency string
		id     *string
		sealed *core.HexBytes
	}{{p.Overseer, &m.OverseerKeyID, &m.OverseerSealed}, {g.Owner, &m.OwnerKeyID, &m.OwnerSealed}} {
		k, err := c.usableKey(ctx, to.agency, now, opts)
		if err != nil {
			return nil, none, err
		}
		b, err := SealCovertDetails(chainID, d, g.Fields, *k)
		if err != nil {
			return nil, none, err
		}
		*to.id, *to.sealed = k.KeyID, b
	}
	return m, d, nil
}

// usableKey returns agency's active key, unexpired at now, that is valid
// the longest (the greatest key id among equals).
func (c *Client) usableKey(ctx context.Context, agency string, now time.Time, opts QueryOptions) (*sharing.AgencyKey, error) {
	_, keys, _, err := c.SharingKeys(ctx, agency, opts)
	if err != nil {
		return nil, fmt.Errorf("client: keys of %s: %w", agency, err)
	}
	var best *sharing.AgencyKey
	for i, k := range keys {
		if k.Status != sharing.KeyActive || !k.ValidUntil.After(now) {
			continue
		}
		if best == nil || k.ValidUntil.After(best.ValidUntil) || k.ValidUntil.Equal(best.ValidUntil) && k.KeyID > best.KeyID {
			best = &keys[i]
		}
	}
	if best == nil {
		return nil, fmt.Errorf("client: %s has no active, unexpired key to seal to", agency)
	}
	return best, nil
}

// SharingConsent returns subject's consent to agency for purpose.
func (c *Client) SharingConsent(ctx context.Context, subject, agency, purpose string, opts QueryOptions) (*sharing.Consent, *QueryResult, error) {
	p, err := sharingPath("consent", "subject", subject, "agency", agency, "purpose", purpose)
	if err != nil {
		return nil, nil, err
	}
	return sharingRecord[sharing.Consent](ctx, c, p, opts)
}

// SharingLogEntry returns entry seq (from 0) of subject's access log.
func (c *Client) SharingLogEntry(ctx context.Context, subject string, seq uint64, opts QueryOptions) (*sharing.LogEntry, *QueryResult, error) {
	p, err := sharingPath("log", "subject", subject)
	if err != nil {
		return nil, nil, err
	}
	return sharingRecord[sharing.LogEntry](ctx, c, p+"/"+strconv.FormatUint(seq, 10), opts)
}

// SharingAccessLog is a subject's access log read at one height.
type SharingAccessLog struct {
	// Head is the log's head: how many entries it has.
	Head sharing.LogHead
	// Entries are entries 0 to Head.Count-1, in order.
	Entries []sharing.LogEntry
	// Result is the answer the log was decoded from (its height, and with
	// proofs its Proof of the head and of every entry). For a subject
	// nobody read, which has no head yet, its Value is nil and its Proof,
	// with proofs, is the verified absence proof of the head's key.
	Result *QueryResult
	// Absence is set when proofs were asked for: the verified absence
	// proof of entry Head.Count at the same height. With the proven head
	// (or its proven absence, for a count of 0) and entries it shows the
	// log complete.
	Absence *Proof
}

// SharingLog returns subject's whole access log. Its entries are checked
// to be entries 0 to count-1 of the subject's log, in order, as the head
// counts them. With opts.Prove every one is proven, and SharingLog also
// asks for entry count at the same height and requires its absence to be
// proven (Absence): an answer that leaves out the log's last entries
// fails with ErrProof. A subject nobody read has no head: its log is
// complete and empty (Head.Count 0, no entries), and with opts.Prove both
// the head and entry 0 are proven absent.
func (c *Client) SharingLog(ctx context.Context, subject string, opts QueryOptions) (*SharingAccessLog, error) {
	p, err := sharingPath("log", "subject", subject)
	if err != nil {
		return nil, err
	}
	head, entries, res, err := sharingList[sharing.LogHead, sharing.LogEntry](ctx, c, p, opts)
	if err != nil {
		return nil, err
	}
	if head.Subject != subject || head.Count != uint64(len(entries)) {
		return nil, fmt.Errorf("client: %s: the head (subject %q, count %d) does not match the %d entries answered", p, head.Subject, head.Count, len(entries))
	}
	for i, e := range entries {
		if e.Seq != uint64(i) {
			return nil, fmt.Errorf("client: %s: entry %d has sequence number %d", p, i, e.Seq)
		}
	}
	if res.Value != nil {
		raw, err := listEntries(res)
		if err != nil {
			return nil, err
		}
		for i, e := range raw[1:] {
			if want := sharing.LogEntryKey(subject, uint64(i)); !bytes.Equal(e.Key, want) {
				return nil, fmt.Errorf("client: %s: entry %d is key %x, not the log's entry %x", p, i, []byte(e.Key), want)
			}
		}
	}
	out := &SharingAccessLog{Head: *head, Entries: entries, Result: res}
	if !opts.Prove {
		return out, nil
	}
	next := opts
	next.Height = res.Height
	_, err = c.Query(ctx, p+"/"+strconv.FormatUint(head.Count, 10), next)
	var qe *QueryError
	switch {
	case err == nil:
		return nil, fmt.Errorf("%w: %s: entry %d exists beyond the head's count", ErrProof, p, head.Count)
	case !errors.As(err, &qe):
		return nil, err
	case qe.Code != sharing.ErrLogNotFound.Code() || qe.Codespace != codespace || qe.Proof == nil:
		return nil, fmt.Errorf("%w: %s: entry %d is not proven absent: %v", ErrProof, p, head.Count, err)
	}
	out.Absence = qe.Proof
	return out, nil
}

// sharingPath returns /sharing/{word}/{id}/... for (name, id) pairs,
// refusing an id that is not an identifier.
func sharingPath(word string, nameIDs ...string) (string, error) {
	p := "/" + sharing.Name + "/" + word
	for i := 0; i+1 < len(nameIDs); i += 2 {
		if err := core.ValidateID(nameIDs[i], nameIDs[i+1]); err != nil {
			return "", fmt.Errorf("client: %w", err)
		}
		p += "/" + nameIDs[i+1]
	}
	return p, nil
}

// SharingEmptyList reports whether err, what Query answered for path, is
// the answer of a sharing list that is empty because its anchor was never
// written: the node's not-found *QueryError, with the list's own
// not-found code, for the very key the path names as the list's anchor.
// The lists are /sharing/purposes, /sharing/keys/{agency},
// /sharing/grants/{owner}/{grantee}, /sharing/grantee/{agency},
// /sharing/sealed and /sharing/log/{subject}: the module writes a list's
// anchor with its first entry, and reads a missing anchor as its zero
// record. anchor is that record as the module encodes it (compact JSON:
// the ids the path names, counts of 0). qe is the not-found error; its
// Proof, when proofs were asked for, is the verified proof that the
// anchor is absent, which a caller that asked for proofs must require. A
// missing record (a record's or a consent's history, an entry of a log)
// is not an empty list: ok is false for any other path or error.
func SharingEmptyList(path string, err error) (anchor []byte, qe *QueryError, ok bool) {
	if !errors.As(err, &qe) || qe.Codespace != codespace {
		return nil, nil, false
	}
	code, zero, known := sharingEmptyAnchor(path)
	if !known || qe.Code != code {
		return nil, nil, false
	}
	if key, bound := PathKey(path); !bound || !bytes.Equal(key, qe.Key) {
		return nil, nil, false
	}
	b, err := json.Marshal(zero)
	if err != nil {
		return nil, nil, false
	}
	return b, qe, true
}

// sharingEmptyAnchor returns, for a list path of the sharing module, the
// code its missing anchor is answered with and the record the module
// reads in the anchor's place (its get functions' zero values).
func sharingEmptyAnchor(path string) (notFound uint32, anchor any, ok bool) {
	rest, found := strings.CutPrefix(path, "/"+sharing.Name+"/")
	if !found {
		return 0, nil, false
	}
	p := strings.Split(rest, "/")
	switch {
	case len(p) == 1 && p[0] == "purposes":
		return sharing.ErrPurposeNotFound.Code(), sharing.PurposeIndex{Codes: []string{}}, true
	case len(p) == 2 && p[0] == "keys":
		return sharing.ErrKeyNotFound.Code(), sharing.KeyIndex{Agency: p[1], Active: []string{}}, true
	case len(p) == 3 && p[0] == "grants":
		return sharing.ErrGrantNotFound.Code(), sharing.GrantPair{Owner: p[1], Grantee: p[2]}, true
	case len(p) == 2 && p[0] == "grantee":
		return sharing.ErrGrantNotFound.Code(), sharing.GranteeGrants{Agency: p[1]}, true
	case len(p) == 1 && p[0] == "sealed":
		return sharing.ErrRequestNotFound.Code(), sharing.SealedIndex{}, true
	case len(p) == 2 && p[0] == "log":
		return sharing.ErrLogNotFound.Code(), sharing.LogHead{Subject: p[1]}, true
	}
	return 0, nil, false
}

// sharingRecord queries path, a single-record answer, and decodes it as a
// T.
func sharingRecord[T any](ctx context.Context, c *Client, path string, opts QueryOptions) (*T, *QueryResult, error) {
	res, err := c.Query(ctx, path, opts)
	if err != nil {
		return nil, nil, err
	}
	v := new(T)
	if err := json.Unmarshal(res.Value, v); err != nil {
		return nil, nil, fmt.Errorf("client: %s: the answer does not decode: %w", path, err)
	}
	return v, res, nil
}

// sharingList queries path, a list answer, and decodes its anchor as an A
// and every other entry as an E, in order. A list without an anchor
// (SharingEmptyList; with opts.Prove, proven absent) is the anchor the
// module reads in its place and no entries, with a result whose Value is
// nil.
func sharingList[A, E any](ctx context.Context, c *Client, path string, opts QueryOptions) (*A, []E, *QueryResult, error) {
	res, err := c.Query(ctx, path, opts)
	if empty, qe, ok := SharingEmptyList(path, err); ok && (qe.Proof != nil || !opts.Prove) {
		anchor := new(A)
		if err := json.Unmarshal(empty, anchor); err != nil {
			return nil, nil, nil, fmt.Errorf("client: %s: the empty anchor does not decode: %w", path, err)
		}
		return anchor, []E{}, &QueryResult{Path: qe.Path, Height: qe.Height, Key: qe.Key, Proof: qe.Proof}, nil
	}
	if err != nil {
		return nil, nil, nil, err
	}
	entries, err := listEntries(res)
	if err != nil {
		return nil, nil, nil, err
	}
	anchor := new(A)
	if err := json.Unmarshal(entries[0].Value, anchor); err != nil {
		return nil, nil, nil, fmt.Errorf("client: %s: the anchor does not decode: %w", path, err)
	}
	out := make([]E, len(entries)-1)
	for i, e := range entries[1:] {
		if err := json.Unmarshal(e.Value, &out[i]); err != nil {
			return nil, nil, nil, fmt.Errorf("client: %s: entry %d does not decode: %w", path, i, err)
		}
	}
	return anchor, out, res, nil
}

// listEntries returns the entries of res, a list answer: the proven ones,
// or those its value lists; the first is the anchor, res.Key.
func listEntries(res *QueryResult) ([]Entry, error) {
	entries := res.Entries
	if entries == nil {
		if err := json.Unmarshal(res.Value, &entries); err != nil {
			return nil, fmt.Errorf("client: %s: the answer is not a list: %w", res.Path, err)
		}
	}
	if len(entries) == 0 || !bytes.Equal(entries[0].Key, res.Key) {
		return nil, fmt.Errorf("client: %s: the list does not start with its anchor %x", res.Path, res.Key)
	}
	return entries, nil
}
