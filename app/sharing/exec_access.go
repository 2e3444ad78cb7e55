package sharing

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/govchain/govchain/app/core"
)

// Exec implements core.Msg: the signer must be a data officer (its agency
// is the requester). A plain-form request for a covert purpose, or under a
// grant for one, is refused first (ErrCovertFormRequired), and that
// refusal is not recorded. The request is allowed only if the grant
// exists, is active and not expired; the requester is its grantee; the
// subject is one of its subjects (or it names none); every field is one
// of its fields (plain form); the purpose is its purpose, and is covert
// exactly for the covert form (ErrPurposeNotCovert); the owner holds a
// record on the subject in the grant's class and it is not erased; the
// subject gave the requester consent for the purpose if the grant
// requires it; a covert request's sealed details pass checkSealed; and
// the grant's current window has had fewer than max_requests allowed
// requests. Each refusal is its own sentinel, in that order, and
// RecordRefusal records it. An allowed request creates the Request,
// counts in the window, and appends an entry to the subject's access log
// (a covert one also enters the sealed list); its id is emitted as
// request_id.
func (m RequestAccess) Exec(ctx *core.Context) error {
	requester, err := ctx.RoleAgency(core.RoleDataOfficer)
	if err != nil {
		return err
	}
	g, rec, p, err := m.allow(ctx, requester)
	if err != nil {
		return err
	}
	start := g.window(ctx.BlockTime)
	if !g.WindowStart.Equal(start) {
		g.WindowStart, g.WindowCount = start, 0
	}
	g.WindowCount++
	if err := putGrant(ctx.KV, g); err != nil {
		return err
	}
	q := m.request(ctx, requester)
	q.Owner, q.Class, q.Outcome, q.RecordVersion = g.Owner, g.Class, OutcomeAllowed, rec.Version
	// A covert request's commitments are those of every field of the
	// grant: which ones it asked for is sealed.
	wanted := m.Fields
	if m.Covert() {
		wanted, q.Overseer = g.Fields, p.Overseer
	}
	for _, f := range rec.Fields {
		if _, ok := slices.BinarySearch(wanted, f.Name); ok {
			q.Commitments = append(q.Commitments, f)
		}
	}
	return m.record(ctx, q)
}

// allow checks the request (see Exec) for an official of requester and
// returns the grant and the record it reads, and for the covert form the
// covert purpose.
func (m RequestAccess) allow(ctx *core.Context, requester string) (*Grant, *Record, *Purpose, error) {
	if !m.Covert() {
		if err := requirePlainAllowed(ctx.KV, m.Purpose); err != nil {
			return nil, nil, nil, err
		}
	}
	g, err := getGrant(ctx.KV, m.GrantID)
	if err != nil {
		return nil, nil, nil, err
	}
	if !m.Covert() {
		if err := requirePlainAllowed(ctx.KV, g.Purpose); err != nil {
			return nil, nil, nil, err
		}
	}
	if err := g.requireUsable(ctx); err != nil {
		return nil, nil, nil, err
	}
	switch {
	case g.Grantee != requester:
		return nil, nil, nil, core.Wrapf(ErrNotGrantee, "grant %d is to %s, the official acts for %s", g.ID, g.Grantee, requester)
	case len(g.Subjects) > 0 && !slices.Contains(g.Subjects, m.Subject):
		return nil, nil, nil, core.Wrapf(ErrSubjectNotCovered, "subject %s, grant %d", m.Subject, g.ID)
	}
	if f, ok := subset(m.Fields, g.Fields); !ok {
		return nil, nil, nil, core.Wrapf(ErrFieldNotCovered, "field %s, grant %d", f, g.ID)
	}
	if m.Purpose != g.Purpose {
		return nil, nil, nil, core.Wrapf(ErrPurposeMismatch, "purpose %s, grant %d is for %s", m.Purpose, g.ID, g.Purpose)
	}
	var p *Purpose
	if m.Covert() {
		if p, err = covertPurpose(ctx.KV, g); err != nil {
			return nil, nil, nil, err
		}
	}
	rec, err := getRecord(ctx.KV, g.Owner, g.Class, m.Subject)
	if err != nil {
		return nil, nil, nil, err
	}
	if rec.Status == RecordErased {
		return nil, nil, nil, core.Wrapf(ErrRecordErased, "record of %s in class %s of %s", m.Subject, g.Class, g.Owner)
	}
	if g.ConsentRequired {
		c, err := getConsent(ctx.KV, m.Subject, requester, g.Purpose)
		if err != nil && !errors.Is(err, ErrConsentNotFound) {
			return nil, nil, nil, err
		}
		if c == nil || c.Status != ConsentGiven {
			return nil, nil, nil, core.Wrapf(ErrConsentMissing, "subject %s, agency %s, purpose %s", m.Subject, requester, g.Purpose)
		}
	}
	if m.Covert() {
		if err := m.checkSealed(ctx, g, p); err != nil {
			return nil, nil, nil, err
		}
	}
	if start := g.window(ctx.BlockTime); g.WindowStart.Equal(start) && g.WindowCount >= g.MaxRequests {
		return nil, nil, nil, core.Wrapf(ErrRateLimited, "grant %d: %d requests in the window from %s", g.ID, g.WindowCount, start.Format(time.RFC3339))
	}
	return g, rec, p, nil
}

// RecordRefusal implements core.Recorder: a refusal of a data officer's
// request is recorded as a Request with outcome refused, the result code
// and the refusal's text (Owner and Class are the grant's, if it exists,
// and for the covert form under a covert grant Overseer its purpose's),
// and, if the subject is a person of the identity registry, as an entry
// of the subject's access log. It records nothing, and returns an error,
// for a signer who is no data officer, an error that is not a refusal,
// or a plain-form request for a covert purpose (ErrCovertFormRequired:
// its details must not be recorded, and CheckTx then keeps it out of the
// blocks).
func (m RequestAccess) RecordRefusal(ctx *core.Context, refusal error, code uint32) error {
	requester, err := ctx.RoleAgency(core.RoleDataOfficer)
	if err != nil {
		return err
	}
	if !core.IsRefusal(refusal) {
		return fmt.Errorf("sharing: not recording %v, which is no refusal", refusal)
	}
	if errors.Is(refusal, ErrCovertFormRequired) {
		return fmt.Errorf("sharing: not recording a request that names its details under a covert purpose: %w", refusal)
	}
	q := m.request(ctx, requester)
	q.Outcome, q.Refusal = OutcomeRefused, &Refusal{Code: code, Reason: refusal.Error()}
	g, err := getGrant(ctx.KV, m.GrantID)
	switch {
	case err == nil:
		q.Owner, q.Class = g.Owner, g.Class
	case !errors.Is(err, ErrGrantNotFound):
		return err
	}
	if m.Covert() && g != nil {
		p, err := getPurpose(ctx.KV, g.Purpose)
		if err != nil {
			return err
		}
		if p.Covert {
			q.Overseer = p.Overseer
		}
	}
	return m.record(ctx, q)
}

// request returns the Request of m by an official of requester, without
// its outcome. A covert one names no official, fields or case reference.
func (m RequestAccess) request(ctx *core.Context, requester string) *Request {
	q := &Request{GrantID: m.GrantID, Requester: requester, Subject: m.Subject, Purpose: m.Purpose,
		Height: ctx.Height, Time: ctx.BlockTime.UTC()}
	if m.Covert() {
		m.covertFields(q)
	} else {
		q.Official, q.Fields, q.CaseRef = ctx.Signer, slices.Clone(m.Fields), m.CaseRef
	}
	return q
}

// record numbers and stores request q, lists it as sealed if it is an
// allowed covert one, appends its entry to the subject's access log if
// the subject is a person, and emits its event. The entry of a covert
// request names no actor (its official), fields or case reference.
func (m RequestAccess) record(ctx *core.Context, q *Request) error {
	id, err := core.NextID(ctx.KV, counterKey(counterRequest))
	if err != nil {
		return err
	}
	q.ID = id
	if err := putRequest(ctx.KV, q); err != nil {
		return err
	}
	if q.Covert && q.Outcome == OutcomeAllowed {
		if err := addSealed(ctx.KV, q); err != nil {
			return err
		}
	}
	kv := []string{"request_id", core.Dec(id), "grant_id", core.Dec(q.GrantID), "requester", q.Requester,
		"subject", q.Subject, "outcome", q.Outcome}
	if q.Refusal != nil {
		kv = append(kv, "code", core.Dec(uint64(q.Refusal.Code)))
	}
	person, err := isPerson(ctx.KV, q.Subject)
	if err != nil {
		return err
	}
	if person {
		e := LogEntry{Kind: KindRequest, RequestID: id, GrantID: q.GrantID, Owner: q.Owner, Class: q.Class,
			Requester: q.Requester, Fields: q.Fields, Purpose: q.Purpose, Covert: q.Covert, Outcome: q.Outcome, Refusal: q.Refusal}
		if q.Covert {
			at, c := q.DiscloseAt, q.DetailsCommitment
			e.DiscloseAt, e.DetailsCommitment = &at, &c
		} else {
			caseRef := q.CaseRef
			e.CaseRef = &caseRef
		}
		seq, err := appendLogAs(ctx, q.Subject, e, !q.Covert)
		if err != nil {
			return err
		}
		kv = append(kv, "log_seq", core.Dec(seq))
	}
	if q.Covert {
		kv = append(kv, "covert", "true", "disclose_at", q.DiscloseAt.Format(time.RFC3339))
	}
	emit(ctx, "request_access", kv...)
	return nil
}

// requireUsable refuses a grant that is revoked (ErrGrantRevoked) or
// expired at the block time (ErrGrantExpired).
func (g *Grant) requireUsable(ctx *core.Context) error {
	if g.Status == GrantRevoked {
		return core.Wrapf(ErrGrantRevoked, "grant %d", g.ID)
	}
	if expired(ctx, g.ExpiresAt) {
		return core.Wrapf(ErrGrantExpired, "grant %d expired at %s", g.ID, g.ExpiresAt.Format(time.RFC3339))
	}
	return nil
}

// requireUsableKey refuses a key that is revoked (ErrKeyRevoked) or
// expired at the block time (ErrKeyExpired).
func requireUsableKey(ctx *core.Context, k *AgencyKey) error {
	switch {
	case k.Status == KeyRevoked:
		return core.Wrapf(ErrKeyRevoked, "key %s of %s", k.KeyID, k.Agency)
	case expired(ctx, k.ValidUntil):
		return core.Wrapf(ErrKeyExpired, "key %s of %s was valid until %s", k.KeyID, k.Agency, k.ValidUntil.Format(time.RFC3339))
	}
	return nil
}

// window returns the start of the rate window t is in: window k starts at
// CreatedAt + k*PeriodSeconds.
func (g *Grant) window(t time.Time) time.Time {
	period := time.Duration(g.PeriodSeconds) * time.Second
	elapsed := t.Sub(g.CreatedAt)
	if elapsed < 0 {
		elapsed = 0
	}
	return g.CreatedAt.Add(elapsed / period * period).UTC()
}

// Exec implements core.Msg: the signer must be a data service of the
// request's owner; the request must be allowed and not delivered yet; its
// grant still active and unexpired; the record not erased and still at
// the version the request was allowed on; and the key an active,
// unexpired key of the requester. The subject's access log gets a
// delivery entry.
func (m RecordDelivery) Exec(ctx *core.Context) error {
	agency, err := ctx.RoleAgency(core.RoleDataService)
	if err != nil {
		return err
	}
	q, err := getRequest(ctx.KV, m.RequestID)
	if err != nil {
		return err
	}
	if q.Owner != agency {
		return core.Wrapf(ErrNotOwnerAgency, "request %d is to %s, the service acts for %s", q.ID, q.Owner, agency)
	}
	switch {
	case q.Outcome != OutcomeAllowed:
		return core.Wrapf(ErrRequestRefused, "request %d", q.ID)
	case q.Delivery != nil:
		return core.Wrapf(ErrAlreadyDelivered, "request %d at height %d", q.ID, q.Delivery.Height)
	}
	g, err := getGrant(ctx.KV, q.GrantID)
	if err != nil {
		return err
	}
	if err := g.requireUsable(ctx); err != nil {
		return err
	}
	rec, err := getRecord(ctx.KV, q.Owner, q.Class, q.Subject)
	if err != nil {
		return err
	}
	switch {
	case rec.Status == RecordErased:
		return core.Wrapf(ErrRecordErased, "record of %s in class %s of %s", q.Subject, q.Class, q.Owner)
	case rec.Version != q.RecordVersion:
		return core.Wrapf(ErrRecordChanged, "request %d was allowed on version %d, the record is at %d", q.ID, q.RecordVersion, rec.Version)
	}
	k, err := getKey(ctx.KV, q.Requester, m.KeyID)
	if err != nil {
		return err
	}
	if err := requireUsableKey(ctx, k); err != nil {
		return err
	}
	q.Delivery = &Delivery{PayloadHash: m.PayloadHash, KeyID: m.KeyID, By: ctx.Signer, Height: ctx.Height, Time: ctx.BlockTime.UTC()}
	if err := putRequest(ctx.KV, q); err != nil {
		return err
	}
	seq, err := appendLog(ctx, q.Subject, LogEntry{Kind: KindDelivery, RequestID: q.ID, GrantID: q.GrantID,
		Owner: q.Owner, Class: q.Class, Requester: q.Requester, Delivery: &LogDelivery{PayloadHash: m.PayloadHash, KeyID: m.KeyID}})
	if err != nil {
		return err
	}
	emit(ctx, "record_delivery", "request_id", core.Dec(q.ID), "owner", q.Owner, "requester", q.Requester,
		"subject", q.Subject, "key_id", m.KeyID, "log_seq", core.Dec(seq))
	return nil
}

// Exec implements core.Msg: the signer must be a data officer of the
// requester; the request must have been allowed and delivered with this
// payload hash; a covert request must be disclosed first
// (ErrStillSealed: the complaint names a field); the field must be one it
// requested, not complained of already, and the received commitment must
// differ from the request's. The subject's access log gets a complaint
// entry, whose sequence number the request lists.
func (m FileComplaint) Exec(ctx *core.Context) error {
	agency, err := ctx.RoleAgency(core.RoleDataOfficer)
	if err != nil {
		return err
	}
	q, err := getRequest(ctx.KV, m.RequestID)
	if err != nil {
		return err
	}
	if q.Requester != agency {
		return core.Wrapf(ErrNotRequester, "request %d is %s's, the official acts for %s", q.ID, q.Requester, agency)
	}
	switch {
	case q.Outcome != OutcomeAllowed:
		return core.Wrapf(ErrRequestRefused, "request %d", q.ID)
	case q.Delivery == nil:
		return core.Wrapf(ErrNotDelivered, "request %d", q.ID)
	case q.Delivery.PayloadHash != m.PayloadHash:
		return core.Wrapf(ErrPayloadMismatch, "request %d delivered %s", q.ID, q.Delivery.PayloadHash)
	case q.Covert && q.Disclosure == nil:
		return core.Wrapf(ErrStillSealed, "request %d: a complaint would name a field before %s", q.ID, q.DiscloseAt.Format(time.RFC3339))
	case q.Covert && !slices.Contains(q.Disclosure.Fields, m.Field):
		return core.Wrapf(ErrFieldNotRequested, "field %s, request %d", m.Field, q.ID)
	}
	i := slices.IndexFunc(q.Commitments, func(f FieldCommitment) bool { return f.Name == m.Field })
	if i < 0 {
		return core.Wrapf(ErrFieldNotRequested, "field %s, request %d", m.Field, q.ID)
	}
	if q.Commitments[i].Commitment == m.ReceivedCommitment {
		return core.Wrapf(ErrNoDiscrepancy, "field %s, request %d", m.Field, q.ID)
	}
	for _, seq := range q.Complaints {
		var e LogEntry
		if _, err := core.GetJSON(ctx.KV, LogEntryKey(q.Subject, seq), &e); err != nil {
			return err
		}
		if e.Complaint != nil && e.Complaint.Field == m.Field {
			return core.Wrapf(ErrComplaintExists, "field %s, request %d, log entry %d", m.Field, q.ID, seq)
		}
	}
	seq, err := appendLog(ctx, q.Subject, LogEntry{Kind: KindComplaint, RequestID: q.ID, GrantID: q.GrantID,
		Owner: q.Owner, Class: q.Class, Requester: q.Requester,
		Complaint: &Complaint{Field: m.Field, ReceivedCommitment: m.ReceivedCommitment, PayloadHash: m.PayloadHash}})
	if err != nil {
		return err
	}
	q.Complaints = append(q.Complaints, seq)
	if err := putRequest(ctx.KV, q); err != nil {
		return err
	}
	emit(ctx, "file_complaint", "request_id", core.Dec(q.ID), "owner", q.Owner, "requester", q.Requester,
		"subject", q.Subject, "field", m.Field, "log_seq", core.Dec(seq))
	return nil
}
