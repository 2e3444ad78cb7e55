package sharing

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/seal"
	"github.com/govchain/govchain/state"
)

// CovertDetails are what a covert request keeps sealed until it is
// disclosed: the fields requested (sorted), the SHA-256 of the case
// reference, and a secret 32-byte salt that keeps the commitment from
// being guessed from the few field lists a grant allows. Their one
// encoding (Encode) is the compact JSON encoding/json gives:
//
//	{"fields":["…",…],"case_ref":"<64 hex>","salt":"<64 hex>"}
type CovertDetails struct {
	Fields  []string  `json:"fields"`
	CaseRef core.Hash `json:"case_ref"`
	Salt    core.Hash `json:"salt"`
}

// Validate checks the details: 1 to MaxFields identifiers, sorted and
// unique, and a case reference and a salt that are not zero
// (ErrInvalidMessage).
func (d CovertDetails) Validate() error {
	if err := sortedIDs("fields", d.Fields, 1, MaxFields); err != nil {
		return err
	}
	if err := fields.Hash("case_ref", d.CaseRef); err != nil {
		return err
	}
	return fields.Hash("salt", d.Salt)
}

// Encode returns the details' one encoding.
func (d CovertDetails) Encode() []byte {
	// Marshal cannot fail: strings and hex-encoded hashes only.
	b, _ := json.Marshal(d)
	return b
}

// Commitment returns the details commitment a covert request carries:
// the SHA-256 of Encode.
func (d CovertDetails) Commitment() core.Hash { return sha256.Sum256(d.Encode()) }

// DecodeCovertDetails reads details from their one encoding: unknown
// fields, any other encoding of the same details and invalid details
// (Validate) are refused.
func DecodeCovertDetails(b []byte) (CovertDetails, error) {
	var d CovertDetails
	if err := core.StrictUnmarshal(b, &d); err != nil {
		return CovertDetails{}, fmt.Errorf("sharing: covert details do not decode: %w", err)
	}
	if err := d.Validate(); err != nil {
		return CovertDetails{}, err
	}
	if !bytes.Equal(d.Encode(), b) {
		return CovertDetails{}, fmt.Errorf("sharing: covert details are not in their one encoding")
	}
	return d, nil
}

// SealedPlaintextLen is the length of the plaintext every covert request
// under a grant of grantFields seals: the encoding of details naming
// every field of the grant. Any subset encodes no longer, and is padded
// to it (SealedPlaintext), so the size of a sealed copy tells nothing of
// which fields were requested.
func SealedPlaintextLen(grantFields []string) int {
	return len(CovertDetails{Fields: grantFields}.Encode())
}

// SealedLen is the exact size of a sealed copy of the details of a
// covert request under a grant of grantFields, to a key of suite:
// seal.EncSize + SealedPlaintextLen + seal.TagSize.
func SealedLen(suite string, grantFields []string) (int, error) {
	enc, err := seal.EncSize(suite)
	if err != nil {
		return 0, err
	}
	return enc + SealedPlaintextLen(grantFields) + seal.TagSize, nil
}

// SealedPlaintext returns what is sealed for details d of a request
// under a grant of grantFields: d's encoding followed by spaces up to
// SealedPlaintextLen(grantFields). Details that do not fit (fields
// outside the grant, longer than its own) are refused.
func SealedPlaintext(d CovertDetails, grantFields []string) ([]byte, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	b, n := d.Encode(), SealedPlaintextLen(grantFields)
	if len(b) > n {
		return nil, fmt.Errorf("sharing: covert details of %d bytes do not fit the %d a request under the grant seals (fields outside the grant?)", len(b), n)
	}
	return append(b, bytes.Repeat([]byte{' '}, n-len(b))...), nil
}

// DecodeSealedPlaintext reads the details from an opened sealed copy:
// their one encoding followed by spaces only.
func DecodeSealedPlaintext(b []byte) (CovertDetails, error) {
	return DecodeCovertDetails(bytes.TrimRight(b, " "))
}

// covertPurpose returns the purpose of a covert-form request's grant,
// refusing one that is not covert (ErrPurposeNotCovert).
func covertPurpose(r state.Reader, g *Grant) (*Purpose, error) {
	p, err := getPurpose(r, g.Purpose)
	if err != nil {
		return nil, err
	}
	if !p.Covert {
		return nil, core.Wrapf(ErrPurposeNotCovert, "purpose %s of grant %d", p.Code, g.ID)
	}
	return p, nil
}

// requirePlainAllowed refuses (ErrCovertFormRequired) a plain-form
// request for a covert purpose.
func requirePlainAllowed(r state.Reader, purpose string) error {
	p, err := getPurpose(r, purpose)
	switch {
	case errors.Is(err, ErrPurposeNotFound):
		return nil
	case err != nil:
		return err
	case p.Covert:
		return core.Wrapf(ErrCovertFormRequired, "purpose %s", purpose)
	}
	return nil
}

// checkSealed checks what the chain can of a covert-form request under
// grant g for covert purpose p: an overseer is appointed; disclose_at is
// after the block time and at most p's max secrecy after it; each key is
// an active, unexpired key of its agency (the overseer's, the owner's);
// and each sealed copy has exactly the size the key's suite and the
// grant's fields give. That the fields are the grant's it cannot check:
// the owner's data service checks them when it opens its copy, and the
// disclosure records it.
func (m RequestAccess) checkSealed(ctx *core.Context, g *Grant, p *Purpose) error {
	if p.Overseer == "" {
		return core.Wrapf(ErrNoOverseer, "purpose %s", p.Code)
	}
	now := ctx.BlockTime.UTC()
	latest := now.Add(time.Duration(p.MaxSecrecySeconds) * time.Second)
	if !m.DiscloseAt.After(now) || m.DiscloseAt.After(latest) {
		return core.Wrapf(ErrDiscloseAtOutOfRange, "disclose_at %s, block time %s, purpose %s keeps requests sealed at most %d s",
			m.DiscloseAt.Format(time.RFC3339), now.Format(time.RFC3339), p.Code, p.MaxSecrecySeconds)
	}
	for _, c := range []struct {
		role, agency, keyID string
		sealed              []byte
	}{{"overseer", p.Overseer, m.OverseerKeyID, m.OverseerSealed}, {"owner", g.Owner, m.OwnerKeyID, m.OwnerSealed}} {
		k, err := getKey(ctx.KV, c.agency, c.keyID)
		if err != nil {
			return err
		}
		if err := requireUsableKey(ctx, k); err != nil {
			return err
		}
		want, err := SealedLen(k.Suite, g.Fields)
		if err != nil {
			return err
		}
		if len(c.sealed) != want {
			return core.Wrapf(ErrSealedDetailsSize, "%s_sealed is %d bytes; to %s key %s (%s) under grant %d it is %d",
				c.role, len(c.sealed), c.agency, k.KeyID, k.Suite, g.ID, want)
		}
	}
	return nil
}

// covertFields copies the covert form of m into request q.
func (m RequestAccess) covertFields(q *Request) {
	q.Covert, q.DiscloseAt, q.DetailsCommitment = true, m.DiscloseAt, m.DetailsCommitment
	q.Sealed = &SealedDetails{OverseerKeyID: m.OverseerKeyID, OverseerSealed: slices.Clone(m.OverseerSealed),
		OwnerKeyID: m.OwnerKeyID, OwnerSealed: slices.Clone(m.OwnerSealed)}
}

// addSealed lists allowed covert request q in the sealed list.
func addSealed(kv state.KV, q *Request) error {
	return updateSealed(kv, q.ID, &SealedRef{RequestID: q.ID, Subject: q.Subject, Requester: q.Requester,
		Overseer: q.Overseer, DiscloseAt: q.DiscloseAt})
}

// updateSealed writes ref as request id's entry of the sealed list, or
// deletes the entry if ref is nil, and counts it in the anchor.
func updateSealed(kv state.KV, id uint64, ref *SealedRef) error {
	var idx SealedIndex
	if _, err := core.GetJSON(kv, SealedIndexKey(), &idx); err != nil {
		return err
	}
	if ref == nil {
		if idx.Count == 0 {
			return fmt.Errorf("sharing: sealed request count would go negative")
		}
		idx.Count--
		if err := kv.Delete(SealedKey(id)); err != nil {
			return err
		}
	} else {
		idx.Count++
		if err := core.SetJSON(kv, SealedKey(id), ref); err != nil {
			return err
		}
	}
	return core.SetJSON(kv, SealedIndexKey(), idx)
}

// Exec implements core.Msg. The signer must hold the role court,
// ombudsman or data_officer (else core.ErrMissingRole), and either act as
// a court or ombudsman for the request's overseer, or as a data officer
// for its requester (else ErrNotDiscloser). The request must be covert,
// allowed and not yet disclosed; a requester's officer must wait for its
// disclose_at (ErrStillSealed); and the details must hash to its details
// commitment (ErrDetailsMismatch). Fields outside the grant's are
// accepted and recorded as exceeding the grant (a violation, with its own
// event, "grant_exceeded"), so that the truth is on record. The request
// gets its Disclosure, leaves the sealed list, and the subject's access
// log gets a disclosure entry with the details.
func (m DiscloseRequest) Exec(ctx *core.Context) error {
	roles := map[core.Role]string{}
	for _, r := range []core.Role{core.RoleCourt, core.RoleOmbudsman, core.RoleDataOfficer} {
		agency, err := ctx.RoleAgency(r)
		switch {
		case err == nil:
			roles[r] = agency
		case !errors.Is(err, core.ErrMissingRole):
			return err
		}
	}
	if len(roles) == 0 {
		return core.Wrapf(core.ErrMissingRole, "account %s needs role court, ombudsman or data_officer", ctx.Signer)
	}
	q, err := getRequest(ctx.KV, m.RequestID)
	if err != nil {
		return err
	}
	overseer := q.Overseer != "" && (roles[core.RoleCourt] == q.Overseer || roles[core.RoleOmbudsman] == q.Overseer)
	if !overseer && roles[core.RoleDataOfficer] != q.Requester {
		return core.Wrapf(ErrNotDiscloser, "request %d is %s's, overseen by %q", q.ID, q.Requester, q.Overseer)
	}
	now := ctx.BlockTime.UTC()
	switch {
	case !q.Covert:
		return core.Wrapf(ErrRequestNotCovert, "request %d", q.ID)
	case q.Outcome != OutcomeAllowed:
		return core.Wrapf(ErrRequestRefused, "request %d", q.ID)
	case q.Disclosure != nil:
		return core.Wrapf(ErrAlreadyDisclosed, "request %d at height %d", q.ID, q.Disclosure.Height)
	case !overseer && now.Before(q.DiscloseAt):
		return core.Wrapf(ErrStillSealed, "request %d until %s", q.ID, q.DiscloseAt.Format(time.RFC3339))
	case m.Details().Commitment() != q.DetailsCommitment:
		return core.Wrapf(ErrDetailsMismatch, "request %d", q.ID)
	}
	g, err := getGrant(ctx.KV, q.GrantID)
	if err != nil {
		return err
	}
	outside := slices.DeleteFunc(slices.Clone(m.Fields), func(f string) bool { _, ok := slices.BinarySearch(g.Fields, f); return ok })
	d := LogDisclosure{Fields: slices.Clone(m.Fields), CaseRef: m.CaseRef, Salt: m.Salt, ExceedsGrant: len(outside) > 0,
		Early: now.Before(q.DiscloseAt)}
	seq, err := appendLog(ctx, q.Subject, LogEntry{Kind: KindDisclosure, RequestID: q.ID, GrantID: q.GrantID,
		Owner: q.Owner, Class: q.Class, Requester: q.Requester, Purpose: q.Purpose, Covert: true, Disclosure: &d})
	if err != nil {
		return err
	}
	q.Disclosure = &Disclosure{LogDisclosure: d, By: ctx.Signer, Height: ctx.Height, Time: now, LogSeq: seq}
	if err := putRequest(ctx.KV, q); err != nil {
		return err
	}
	if err := updateSealed(ctx.KV, q.ID, nil); err != nil {
		return err
	}
	emit(ctx, "disclose_request", "request_id", core.Dec(q.ID), "requester", q.Requester, "subject", q.Subject,
		"early", strconv.FormatBool(d.Early), "exceeds_grant", strconv.FormatBool(d.ExceedsGrant), "log_seq", core.Dec(seq))
	if d.ExceedsGrant {
		emit(ctx, "grant_exceeded", append([]string{"request_id", core.Dec(q.ID), "grant_id", core.Dec(g.ID),
			"owner", q.Owner, "requester", q.Requester}, repeat("field", outside)...)...)
	}
	return nil
}
