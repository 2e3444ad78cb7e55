package sharing

import (
	"slices"
	"time"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/identity"
	"github.com/govchain/govchain/state"
)

// EventType is the type of every event the module emits.
const EventType = Name

// emit emits the module's event for one message: action and signer, then
// kv.
func emit(ctx *core.Context, action string, kv ...string) {
	ctx.Emit(EventType, append([]string{"action", action, "signer", ctx.Signer.String()}, kv...)...)
}

func getPurpose(r state.Reader, code string) (*Purpose, error) {
	return core.Load[Purpose](r, PurposeKey(code), ErrPurposeNotFound, "purpose %s", code)
}

// getPurposeIndex reads the purpose index (empty before genesis wrote
// it).
func getPurposeIndex(r state.Reader) (PurposeIndex, error) {
	idx := PurposeIndex{Codes: []string{}}
	_, err := core.GetJSON(r, PurposeIndexKey(), &idx)
	return idx, err
}

// requireUsablePurpose reads a purpose that exists and is not retired.
func requireUsablePurpose(r state.Reader, code string) (*Purpose, error) {
	p, err := getPurpose(r, code)
	if err != nil {
		return nil, err
	}
	if p.Retired {
		return nil, core.Wrapf(ErrPurposeRetired, "purpose %s", code)
	}
	return p, nil
}

func getClass(r state.Reader, agency, class string) (*DataClass, error) {
	return core.Load[DataClass](r, ClassKey(agency, class), ErrClassNotFound, "class %s of %s", class, agency)
}

func getKey(r state.Reader, agency, keyID string) (*AgencyKey, error) {
	return core.Load[AgencyKey](r, AgencyKeyKey(agency, keyID), ErrKeyNotFound, "key %s of %s", keyID, agency)
}

func getKeyIndex(r state.Reader, agency string) (KeyIndex, error) {
	idx := KeyIndex{Agency: agency, Active: []string{}}
	_, err := core.GetJSON(r, KeyIndexKey(agency), &idx)
	return idx, err
}

func getRecord(r state.Reader, agency, class, subject string) (*Record, error) {
	return core.Load[Record](r, RecordKey(agency, class, subject), ErrRecordNotFound, "record of %s in class %s of %s", subject, class, agency)
}

func putRecord(w state.Writer, rec *Record) error {
	if rec.Fields == nil {
		rec.Fields = []FieldCommitment{}
	}
	return core.SetJSON(w, RecordKey(rec.Agency, rec.Class, rec.Subject), rec)
}

func getGrant(r state.Reader, id uint64) (*Grant, error) {
	return core.Load[Grant](r, GrantKey(id), ErrGrantNotFound, "grant %d", id)
}

func putGrant(w state.Writer, g *Grant) error {
	if g.Subjects == nil {
		g.Subjects = []string{}
	}
	return core.SetJSON(w, GrantKey(g.ID), g)
}

func getPair(r state.Reader, owner, grantee string) (GrantPair, error) {
	p := GrantPair{Owner: owner, Grantee: grantee}
	_, err := core.GetJSON(r, PairKey(owner, grantee), &p)
	return p, err
}

func getConsent(r state.Reader, subject, agency, purpose string) (*Consent, error) {
	return core.Load[Consent](r, ConsentKey(subject, agency, purpose), ErrConsentNotFound,
		"consent of %s to %s for %s", subject, agency, purpose)
}

func getRequest(r state.Reader, id uint64) (*Request, error) {
	return core.Load[Request](r, RequestKey(id), ErrRequestNotFound, "request %d", id)
}

func putRequest(w state.Writer, q *Request) error {
	if q.Complaints == nil {
		q.Complaints = []uint64{}
	}
	return core.SetJSON(w, RequestKey(q.ID), q)
}

// isPerson reports whether subject is a person of the identity registry
// (any status).
func isPerson(r state.Reader, subject string) (bool, error) {
	return r.Has(identity.PersonKey(subject))
}

// requirePerson refuses (ErrSubjectNotFound) a subject that is no person.
func requirePerson(r state.Reader, subject string) error {
	ok, err := isPerson(r, subject)
	if err != nil {
		return err
	}
	if !ok {
		return core.Wrapf(ErrSubjectNotFound, "person %s", subject)
	}
	return nil
}

// requireAgency refuses (ErrAgencyNotFound) an agency that is not a
// member.
func requireAgency(r state.Reader, id string) error {
	_, found, err := core.GetAgency(r, id)
	if err != nil {
		return err
	}
	if !found {
		return core.Wrapf(ErrAgencyNotFound, "agency %s", id)
	}
	return nil
}

// actsFor returns the agency the signer acts for as an admin of it or,
// if it administers none, as a holder of role (core.Context.RoleAgency).
// It refuses a signer who is neither with core.ErrMissingRole.
func actsFor(ctx *core.Context, role core.Role) (string, error) {
	id, err := core.AdminAgency(ctx.KV, ctx.Signer)
	if err != nil || id != "" {
		return id, err
	}
	return ctx.RoleAgency(role)
}

// subjectOf returns the person the signer's account is linked to, or
// refuses (ErrNotSubject) an account linked to none or to an
// organisation.
func subjectOf(ctx *core.Context) (string, error) {
	var link identity.AccountLink
	found, err := core.GetJSON(ctx.KV, identity.AccountLinkKey(ctx.Signer), &link)
	if err != nil {
		return "", err
	}
	if !found || link.OwnerKind != identity.OwnerPerson {
		return "", core.Wrapf(ErrNotSubject, "account %s", ctx.Signer)
	}
	return link.OwnerID, nil
}

// expired reports whether the block time is past t.
func expired(ctx *core.Context, t time.Time) bool { return ctx.BlockTime.After(t) }

// requireHorizon refuses (ErrExpiryOutOfRange) an expiry that is not
// after the block time or is more than MaxHorizonYears after it.
func requireHorizon(ctx *core.Context, field string, t time.Time) error {
	now := ctx.BlockTime.UTC()
	if !t.After(now) || t.After(now.AddDate(MaxHorizonYears, 0, 0)) {
		return core.Wrapf(ErrExpiryOutOfRange, "%s %s, block time %s", field, t.Format(time.RFC3339), now.Format(time.RFC3339))
	}
	return nil
}

// appendLog appends entry e to subject's access log: it numbers it with
// the head's count, stamps it with the context's signer, tx hash, height
// and block time, and bumps the count. It returns the entry's sequence
// number.
func appendLog(ctx *core.Context, subject string, e LogEntry) (uint64, error) {
	return appendLogAs(ctx, subject, e, true)
}

// appendLogAs is appendLog that stamps the signer as the entry's actor
// only if actor is set (the entry of a covert request names none).
func appendLogAs(ctx *core.Context, subject string, e LogEntry, actor bool) (uint64, error) {
	head := LogHead{Subject: subject}
	if _, err := core.GetJSON(ctx.KV, LogHeadKey(subject), &head); err != nil {
		return 0, err
	}
	e.Seq = head.Count
	e.TxHash, e.Height, e.Time = core.HexBytes(slices.Clone(ctx.TxHash)), ctx.Height, ctx.BlockTime.UTC()
	if actor {
		e.Actor = ctx.Signer
	}
	if err := core.SetJSON(ctx.KV, LogEntryKey(subject, e.Seq), e); err != nil {
		return 0, err
	}
	head.Count++
	return e.Seq, core.SetJSON(ctx.KV, LogHeadKey(subject), head)
}

// subset reports whether every element of sub (sorted) is in set
// (sorted), and returns the first that is not.
func subset(sub, set []string) (string, bool) {
	for _, s := range sub {
		if _, ok := slices.BinarySearch(set, s); !ok {
			return s, false
		}
	}
	return "", true
}

// repeat returns the event attributes key=v for each of vals, in order.
func repeat(key string, vals []string) []string {
	kv := make([]string, 0, 2*len(vals))
	for _, v := range vals {
		kv = append(kv, key, v)
	}
	return kv
}
