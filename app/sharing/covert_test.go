package sharing

import (
	"crypto/sha256"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
	"github.com/govchain/govchain/seal"
)

// The overseer of law_enforcement (DefaultGenesis): made a member by
// newCovertEnv.
const justice = "justice"

// covertCast is the cast of the covert tests: newCast's, and the court
// and ombudsman of justice (the overseer) and of interior (another
// agency), and a second data officer of interior.
type covertCast struct {
	cast
	adminJ                core.Address
	courtJ, ombudsmanJ    core.Address
	courtI, ombudsmanI    core.Address
	officerI2, officerJ   core.Address
	grantFields, allField []string
}

// newCovertEnv returns a chain with justice as a member, the covert cast,
// and the covert workflow's start: finance's income class (declared for
// law_enforcement) with PSN-1's and PSN-2's records, keys j1 (justice),
// f1 (finance) and k1 (interior), and grant 1 from finance to interior
// of address and income for law_enforcement, without consent, 10
// requests an hour, for 30 days.
func newCovertEnv(t *testing.T) (*env, covertCast) {
	e := newEnv(t)
	e.addAgency(justice, adminOf(justice))
	c := covertCast{cast: newCast(e), adminJ: adminOf(justice),
		courtJ: e.holder("court-justice", core.RoleCourt, justice), ombudsmanJ: e.holder("ombudsman-justice", core.RoleOmbudsman, justice),
		courtI: e.holder("court-interior", core.RoleCourt, interior), ombudsmanI: e.holder("ombudsman-interior", core.RoleOmbudsman, interior),
		officerI2: e.holder("officer-interior-2", core.RoleDataOfficer, interior),
		officerJ:  e.holder("officer-justice", core.RoleDataOfficer, justice),
		// grantFields are grant 1's; allField the class's.
		grantFields: []string{"address", "income"}, allField: incomeFields,
	}
	e.OK(c.adminF, declareIncome())
	e.OK(c.svcF, commitMsg(psn1, 1))
	e.OK(c.svcF, commitMsg(psn2, 1))
	e.OK(c.adminJ, e.keyMsg("j1"))
	e.OK(c.adminF, e.keyMsg("f1"))
	e.OK(c.adminI, e.keyMsg("k1"))
	e.OK(c.adminF, e.covertGrantMsg())
	return e, c
}

// covertGrantMsg is finance's grant of address and income to interior
// for law enforcement.
func (e *env) covertGrantMsg() CreateGrant {
	return CreateGrant{Grantee: interior, ClassID: incomeClass, Fields: []string{"address", "income"}, Purpose: "law_enforcement",
		LegalBasis: "Criminal Procedure Act s. 99", LegalBasisHash: coretest.HashOf("cpa"),
		ExpiresAt: e.Deadline(30 * 24 * time.Hour), MaxRequests: 10, PeriodSeconds: 3600}
}

// details are the covert details of a case: the fields and a salt drawn
// from the case's name.
func details(caseName string, fields ...string) CovertDetails {
	return CovertDetails{Fields: fields, CaseRef: coretest.HashOf("case " + caseName), Salt: coretest.HashOf("salt " + caseName)}
}

// privKey is the private key of the test key pair pubKey derives from
// name.
func privKey(t testing.TB, suite, name string) *seal.PrivateKey {
	seed := coretest.HashOf("key " + name)
	k, err := seal.ParsePrivateKey(suite, seed[:])
	require.NoError(t, err)
	return k
}

// sealTo seals d, padded for grantFields, to the x25519 test key keyID.
func sealTo(t testing.TB, d CovertDetails, grantFields []string, keyID string) core.HexBytes {
	pt, err := SealedPlaintext(d, grantFields)
	require.NoError(t, err)
	ct, err := seal.Seal(seal.SuiteX25519, pubKey(t, seal.SuiteX25519, keyID), seal.DetailsInfo("test-chain", d.Commitment(), keyID), pt)
	require.NoError(t, err)
	return ct
}

// covertMsg is a covert request under grant for d, sealed to j1 and f1,
// to be disclosed after the next block's time plus in.
func (e *env) covertMsg(grant uint64, subject string, d CovertDetails, grantFields []string, in time.Duration) RequestAccess {
	return RequestAccess{GrantID: grant, Subject: subject, Purpose: "law_enforcement", DetailsCommitment: d.Commitment(),
		OverseerKeyID: "j1", OverseerSealed: sealTo(e.T, d, grantFields, "j1"),
		OwnerKeyID: "f1", OwnerSealed: sealTo(e.T, d, grantFields, "f1"), DiscloseAt: e.Deadline(in)}
}

// open opens a request's sealed copy to the x25519 test key keyID and
// requires it to hold details that hash to the request's commitment.
func open(t testing.TB, q Request, keyID string, sealed []byte) CovertDetails {
	pt, err := seal.Open(privKey(t, seal.SuiteX25519, keyID), seal.DetailsInfo("test-chain", q.DetailsCommitment, keyID), sealed)
	require.NoError(t, err)
	d, err := DecodeSealedPlaintext(pt)
	require.NoError(t, err)
	require.Equal(t, q.DetailsCommitment, d.Commitment())
	return d
}

func disclose(id uint64, d CovertDetails) DiscloseRequest {
	return DiscloseRequest{RequestID: id, Fields: d.Fields, CaseRef: d.CaseRef, Salt: d.Salt}
}

// sealedList returns the sealed list via Query, requiring the anchor to
// count its entries (none if it has never had one).
func (e *env) sealedList() []SealedRef {
	e.T.Helper()
	_, refs, _ := coretest.Index(e.T, boundQuery, e.KV, []string{"sealed"}, SealedIndexKey(), ErrRequestNotFound,
		func(i SealedIndex) uint64 { return i.Count }, func(r SealedRef) []byte { return SealedKey(r.RequestID) })
	return refs
}

func TestCovertDetailsCodec(t *testing.T) {
	d := details("op-7", "address", "income")
	want := `{"fields":["address","income"],"case_ref":"` + d.CaseRef.String() + `","salt":"` + d.Salt.String() + `"}`
	require.Equal(t, want, string(d.Encode()))
	require.Equal(t, core.Hash(sha256.Sum256([]byte(want))), d.Commitment())
	got, err := DecodeCovertDetails([]byte(want))
	require.NoError(t, err)
	require.Equal(t, d, got)
	for name, b := range map[string]string{
		"spaces":          strings.ReplaceAll(want, ",", ", "),
		"keys reordered":  `{"case_ref":"` + d.CaseRef.String() + `","fields":["address","income"],"salt":"` + d.Salt.String() + `"}`,
		"upper-case hex":  strings.Replace(want, d.Salt.String(), strings.ToUpper(d.Salt.String()), 1),
		"unknown field":   strings.Replace(want, `{`, `{"official":"x",`, 1),
		"unsorted fields": strings.Replace(want, `"address","income"`, `"income","address"`, 1),
		"zero salt":       strings.Replace(want, d.Salt.String(), strings.Repeat("0", 64), 1),
		"no fields":       strings.Replace(want, `"address","income"`, ``, 1),
		"trailing data":   want + `{}`,
	} {
		_, err := DecodeCovertDetails([]byte(b))
		require.Error(t, err, name)
	}

	// Every subset of the grant's fields seals to the same length; the
	// padding is spaces, read back by DecodeSealedPlaintext.
	grant := []string{"address", "employer", "income"}
	n := SealedPlaintextLen(grant)
	for _, fs := range [][]string{{"address"}, {"employer"}, {"income"}, {"address", "income"}, grant} {
		pt, err := SealedPlaintext(details("x", fs...), grant)
		require.NoError(t, err)
		require.Len(t, pt, n, fs)
		back, err := DecodeSealedPlaintext(pt)
		require.NoError(t, err)
		require.Equal(t, details("x", fs...), back)
	}
	// Fields outside the grant fit only if no longer than the grant's.
	_, err = SealedPlaintext(details("x", "employer"), []string{"address"})
	require.ErrorContains(t, err, "do not fit")
	_, err = SealedPlaintext(CovertDetails{Fields: []string{"a"}}, grant)
	require.ErrorIs(t, err, ErrInvalidMessage)
	_, err = DecodeSealedPlaintext(append([]byte(want), '\n'))
	require.Error(t, err, "padding is spaces only")

	// The sizes the chain requires, and the bound Validate puts on them.
	for _, suite := range seal.Suites() {
		l, err := SealedLen(suite, grant)
		require.NoError(t, err)
		enc, _ := seal.EncSize(suite)
		require.Equal(t, enc+n+seal.TagSize, l)
		widest := make([]string, MaxFields)
		for i := range widest {
			widest[i] = strings.Repeat("f", MaxTextLen)[:62] + string(rune('A'+i/26)) + string(rune('a'+i%26))
		}
		l, err = SealedLen(suite, widest)
		require.NoError(t, err)
		require.LessOrEqual(t, l, MaxSealedLen, suite)
	}
	_, err = SealedLen("p256", grant)
	require.ErrorIs(t, err, seal.ErrUnknownSuite)
}

// TestCovertLifecycle runs deferred disclosure end to end: a covert
// request shows its existence (agency, grant, purpose, disclose_at,
// commitment) but not its official, fields or case reference; the
// overseer and the owner open their sealed copies; the delivery is
// recorded; the requester cannot disclose before disclose_at; wrong
// details are refused; the overseer's court releases it early; a request
// that exceeded its grant is disclosed by the requester after disclose_at
// and recorded as a violation; an undisclosed one becomes overdue. The
// subject's log is complete at every step.
func TestCovertLifecycle(t *testing.T) {
	e, c := newCovertEnv(t)

	// Consent would tell the subject: refused for a covert purpose.
	withConsent := e.covertGrantMsg()
	withConsent.ConsentRequired = true
	e.Refuse(c.adminF, withConsent, ErrCovertConsent)
	// The plain form would put the details in the clear: refused, and
	// not recorded.
	plain := requestMsg(1, psn1, "income")
	plain.Purpose = "law_enforcement"
	e.Refuse(c.officerI, plain, ErrCovertFormRequired)
	plain.Purpose = "benefit_eligibility"
	e.Refuse(c.officerI, plain, ErrCovertFormRequired)
	require.Nil(t, e.log(psn1))

	// Request a: income of PSN-1, sealed until 30 days from now.
	da := details("op-7", "income")
	a := e.nextRequest()
	ev := e.OK(c.officerI, e.covertMsg(1, psn1, da, c.grantFields, 30*24*time.Hour))
	require.Equal(t, []string{"allowed"}, attr(t, ev, "outcome"))
	require.Equal(t, []string{"true"}, attr(t, ev, "covert"))
	q := e.request(a)
	require.Equal(t, Request{ID: a, GrantID: 1, Owner: finance, Requester: interior, Subject: psn1, Class: incomeClass,
		Purpose: "law_enforcement", Covert: true, Overseer: justice, DiscloseAt: coretest.BlockTime(e.Height).Add(30 * 24 * time.Hour),
		DetailsCommitment: da.Commitment(), Sealed: q.Sealed, Height: e.Height, Time: coretest.BlockTime(e.Height),
		Outcome: OutcomeAllowed, RecordVersion: 1, Commitments: []FieldCommitment{commitments(psn1, 1)[0], commitments(psn1, 1)[2]},
		Complaints: []uint64{}}, q, "every field of the grant's commitments: which were asked for is sealed")
	raw, err := e.KV.Get(RequestKey(a))
	require.NoError(t, err)
	for _, hidden := range []string{`"official"`, `"fields"`, `"case_ref"`, da.CaseRef.String(), da.Salt.String()} {
		require.NotContains(t, string(raw), hidden)
	}
	// The overseer and the owner read the details from their copies.
	require.Equal(t, da, open(t, q, "j1", q.Sealed.OverseerSealed))
	require.Equal(t, da, open(t, q, "f1", q.Sealed.OwnerSealed))
	_, err = seal.Open(privKey(t, seal.SuiteX25519, "k1"), seal.DetailsInfo("test-chain", q.DetailsCommitment, "j1"), q.Sealed.OverseerSealed)
	require.ErrorIs(t, err, seal.ErrOpen, "the requester's delivery key opens nothing")
	log := e.log(psn1)
	require.Len(t, log, 1)
	at, dc := q.DiscloseAt, q.DetailsCommitment
	require.Equal(t, LogEntry{Seq: 0, Kind: KindRequest, RequestID: a, GrantID: 1, Owner: finance, Class: incomeClass,
		Requester: interior, Purpose: "law_enforcement", Covert: true, DiscloseAt: &at, DetailsCommitment: &dc,
		Outcome: OutcomeAllowed, TxHash: log[0].TxHash, Height: e.Height, Time: coretest.BlockTime(e.Height)}, log[0])
	raw, err = e.KV.Get(LogEntryKey(psn1, 0))
	require.NoError(t, err)
	require.NotContains(t, string(raw), `"actor"`)
	require.Equal(t, []SealedRef{{RequestID: a, Subject: psn1, Requester: interior, Overseer: justice, DiscloseAt: q.DiscloseAt}}, e.sealedList())

	// Another subset of the fields gives a record of the same shape and
	// size: nothing on chain tells which fields were asked for.
	b := e.nextRequest()
	db := details("op-8", "address", "income")
	e.OK(c.officerI, e.covertMsg(1, psn2, db, c.grantFields, 30*24*time.Hour))
	qb := e.request(b)
	require.Len(t, qb.Sealed.OverseerSealed, len(q.Sealed.OverseerSealed))
	require.Len(t, qb.Sealed.OwnerSealed, len(q.Sealed.OwnerSealed))

	// The owner's data service delivers; the receipt has the payload
	// hash and key only.
	payload := coretest.HashOf("sealed payload a")
	e.OK(c.svcF, RecordDelivery{RequestID: a, PayloadHash: payload, KeyID: "k1"})
	require.Equal(t, &LogDelivery{PayloadHash: payload, KeyID: "k1"}, e.log(psn1)[1].Delivery)
	// A complaint would name a field: not before disclosure.
	complaint := FileComplaint{RequestID: a, Field: "income", ReceivedCommitment: coretest.HashOf("x"), PayloadHash: payload}
	e.Refuse(c.officerI, complaint, ErrStillSealed)

	// The requester may not disclose before disclose_at; wrong details
	// are refused whoever sends them.
	e.Refuse(c.officerI, disclose(a, da), ErrStillSealed)
	wrongSalt := da
	wrongSalt.Salt = coretest.HashOf("guess")
	e.Refuse(c.courtJ, disclose(a, wrongSalt), ErrDetailsMismatch)
	e.Refuse(c.courtJ, disclose(a, details("op-7", "address", "income")), ErrDetailsMismatch)
	wrongCase := da
	wrongCase.CaseRef = coretest.HashOf("case op-1")
	e.Refuse(c.courtJ, disclose(a, wrongCase), ErrDetailsMismatch)
	require.Len(t, e.log(psn1), 2, "refusals leave no entry")

	// Justice's court releases it early.
	ev = e.OK(c.courtJ, disclose(a, da))
	require.Equal(t, []string{"true"}, attr(t, ev, "early"))
	require.Equal(t, []string{"false"}, attr(t, ev, "exceeds_grant"))
	require.Len(t, ev, 1, "no violation event")
	q = e.request(a)
	require.Equal(t, &Disclosure{LogDisclosure: LogDisclosure{Fields: da.Fields, CaseRef: da.CaseRef, Salt: da.Salt, Early: true},
		By: c.courtJ, Height: e.Height, Time: coretest.BlockTime(e.Height), LogSeq: 2}, q.Disclosure)
	raw, err = e.KV.Get(RequestKey(a))
	require.NoError(t, err)
	require.Contains(t, string(raw), `"disclosure":{"fields":["income"],"case_ref":"`+da.CaseRef.String()+`","salt":"`+da.Salt.String()+
		`","exceeds_grant":false,"early":true,"by":"`, "the details inlined in the request's disclosure")
	require.False(t, q.Overdue(q.DiscloseAt.Add(time.Hour)), "disclosed: never overdue")
	log = e.log(psn1)
	require.Len(t, log, 3)
	require.Equal(t, KindDisclosure, log[2].Kind)
	require.Equal(t, a, log[2].RequestID)
	require.Equal(t, c.courtJ, log[2].Actor)
	require.Equal(t, &LogDisclosure{Fields: da.Fields, CaseRef: da.CaseRef, Salt: da.Salt, Early: true}, log[2].Disclosure)
	// Anyone can check the disclosure against the commitment on record.
	shown := CovertDetails{Fields: log[2].Disclosure.Fields, CaseRef: log[2].Disclosure.CaseRef, Salt: log[2].Disclosure.Salt}
	require.Equal(t, *log[0].DetailsCommitment, shown.Commitment())
	e.Refuse(c.officerI, disclose(a, da), ErrAlreadyDisclosed)
	require.Equal(t, []uint64{b}, refIDs(e.sealedList()))

	// Disclosed, the request may be complained of, for a field it asked
	// for.
	other := complaint
	other.Field = "address"
	e.Refuse(c.officerI, other, ErrFieldNotRequested)
	e.OK(c.officerI, complaint)
	require.Equal(t, KindComplaint, e.log(psn1)[3].Kind)

	// Request x exceeded its grant (employer is not granted): the chain
	// cannot see it until the requester discloses it, after disclose_at.
	dx := details("op-9", "employer")
	x := e.nextRequest()
	e.OK(c.officerI, e.covertMsg(1, psn1, dx, c.grantFields, time.Hour))
	qx := e.request(x)
	require.False(t, qx.Overdue(qx.DiscloseAt), "at disclose_at it is not yet overdue")
	require.True(t, qx.Overdue(qx.DiscloseAt.Add(time.Second)))
	e.Height += 3600
	e.Refuse(c.officerH, disclose(x, dx), ErrNotDiscloser)
	ev = e.OK(c.officerI2, disclose(x, dx)) // any data officer of the requester
	require.Equal(t, []string{"false"}, attr(t, ev, "early"))
	require.Equal(t, []string{"true"}, attr(t, ev, "exceeds_grant"))
	require.Equal(t, []string{"grant_exceeded"}, coretest.Attrs(t, ev, 1, EventType, "action"))
	require.Equal(t, []string{"employer"}, coretest.Attrs(t, ev, 1, EventType, "field"))
	qx = e.request(x)
	require.True(t, qx.Disclosure.ExceedsGrant)
	require.False(t, qx.Disclosure.Early)
	require.False(t, qx.Overdue(qx.DiscloseAt.Add(time.Hour)))
	log = e.log(psn1)
	require.True(t, log[len(log)-1].Disclosure.ExceedsGrant)

	// Request b, still sealed, is overdue 30 days on; the chain keeps it
	// sealed until a transaction discloses it.
	e.Height += 30 * 24 * 3600
	require.True(t, qb.Overdue(coretest.BlockTime(e.Height)))
	require.Equal(t, []uint64{b}, refIDs(e.sealedList()))
	e.OK(c.ombudsmanJ, disclose(b, db))
	require.Empty(t, e.sealedList())
	var idx SealedIndex
	found, err := core.GetJSON(e.KV, SealedIndexKey(), &idx)
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, SealedIndex{Count: 0}, idx, "the list's anchor counts none")
	require.False(t, e.request(b).Disclosure.Early)

	// Completeness throughout: PSN-1's log is whole, in order (e.log
	// proves the count and the absence of the next entry).
	kinds := []string{}
	for _, le := range e.log(psn1) {
		kinds = append(kinds, le.Kind)
	}
	require.Equal(t, []string{KindRequest, KindDelivery, KindDisclosure, KindComplaint, KindRequest, KindDisclosure}, kinds)
	require.Len(t, e.log(psn2), 2)
}

// TestDiscloseAuthorisation: who may disclose a covert request, before
// and after its disclose_at, each on a fresh chain.
func TestDiscloseAuthorisation(t *testing.T) {
	type who func(c covertCast) core.Address
	for _, tc := range []struct {
		name          string
		signer        who
		before, after error // nil: allowed
	}{
		{"the official", func(c covertCast) core.Address { return c.officerI }, ErrStillSealed, nil},
		{"another officer of the requester", func(c covertCast) core.Address { return c.officerI2 }, ErrStillSealed, nil},
		{"the overseer's court", func(c covertCast) core.Address { return c.courtJ }, nil, nil},
		{"the overseer's ombudsman", func(c covertCast) core.Address { return c.ombudsmanJ }, nil, nil},
		{"another agency's court", func(c covertCast) core.Address { return c.courtI }, ErrNotDiscloser, ErrNotDiscloser},
		{"another agency's ombudsman", func(c covertCast) core.Address { return c.ombudsmanI }, ErrNotDiscloser, ErrNotDiscloser},
		{"an officer of the overseer", func(c covertCast) core.Address { return c.officerJ }, ErrNotDiscloser, ErrNotDiscloser},
		{"an officer of the owner", func(c covertCast) core.Address { return c.officerF }, ErrNotDiscloser, ErrNotDiscloser},
		{"the overseer's admin", func(c covertCast) core.Address { return c.adminJ }, core.ErrMissingRole, core.ErrMissingRole},
		{"the owner's data service", func(c covertCast) core.Address { return c.svcF }, core.ErrMissingRole, core.ErrMissingRole},
		{"a citizen, the subject", func(c covertCast) core.Address { return c.alice }, core.ErrMissingRole, core.ErrMissingRole},
	} {
		for _, late := range []bool{false, true} {
			name := tc.name + " before disclose_at"
			want := tc.before
			if late {
				name, want = tc.name+" after disclose_at", tc.after
			}
			t.Run(name, func(t *testing.T) {
				e, c := newCovertEnv(t)
				d := details("op", "income")
				e.OK(c.officerI, e.covertMsg(1, psn1, d, c.grantFields, time.Hour))
				if late {
					e.Height += 3600
				}
				s := tc.signer(c)
				if want != nil {
					e.Refuse(s, disclose(1, d), want)
					require.Nil(t, e.request(1).Disclosure)
					return
				}
				e.OK(s, disclose(1, d))
				q := e.request(1)
				require.Equal(t, s, q.Disclosure.By)
				require.Equal(t, !late, q.Disclosure.Early)
			})
		}
	}
}

// TestCovertRefusedRecorded: a covert request refused for a reason the
// chain checks is recorded like any refused request, in its covert form:
// no official, fields or case reference; it is never listed as sealed
// and cannot be disclosed.
func TestCovertRefusedRecorded(t *testing.T) {
	e, c := newCovertEnv(t)
	d := details("op", "income")
	m := e.covertMsg(1, psn1, d, c.grantFields, time.Hour)
	m.OwnerKeyID = "nope"
	id := e.refuseRequest(c.officerI, m, ErrKeyNotFound)
	q := e.request(id)
	require.True(t, q.Covert)
	require.True(t, q.Official.IsZero())
	require.Empty(t, q.Fields)
	require.True(t, q.CaseRef.IsZero())
	require.Equal(t, d.Commitment(), q.DetailsCommitment)
	le := e.log(psn1)[0]
	require.True(t, le.Covert)
	require.True(t, le.Actor.IsZero())
	require.Nil(t, le.CaseRef)
	require.Empty(t, e.sealedList())
	require.Equal(t, justice, q.Overseer)
	e.Refuse(c.courtJ, disclose(id, d), ErrRequestRefused)
}

// covertRefusals triggers, on its own chain, every sentinel of deferred
// disclosure (each refusal leaving the state unchanged, or recording
// exactly itself for a request) and returns the sentinels it saw, for
// TestRefusals.
func covertRefusals(t *testing.T) map[error]bool {
	e, c := newCovertEnv(t)
	d := details("op", "income")
	covert := func(fn func(m *RequestAccess)) RequestAccess {
		m := e.covertMsg(1, psn1, d, c.grantFields, time.Hour)
		fn(&m)
		return m
	}
	day := 24 * time.Hour

	withConsent := e.covertGrantMsg()
	withConsent.ConsentRequired = true
	e.Refuse(c.adminF, withConsent, ErrCovertConsent)
	plain := requestMsg(1, psn1, "income")
	plain.Purpose = "law_enforcement"
	e.Refuse(c.officerI, plain, ErrCovertFormRequired)

	// The covert form under an open purpose.
	e.OK(c.adminF, e.grantMsg()) // grant 2: benefit_eligibility, with consent
	e.OK(c.alice, GiveConsent{Agency: interior, Purpose: "benefit_eligibility"})
	e.refuseRequest(c.officerI, covert(func(m *RequestAccess) { m.GrantID, m.Purpose = 2, "benefit_eligibility" }), ErrPurposeNotCovert)

	// disclose_at: not after the block time, or beyond max secrecy.
	e.refuseRequest(c.officerI, covert(func(m *RequestAccess) { m.DiscloseAt = coretest.BlockTime(e.Height + 1) }), ErrDiscloseAtOutOfRange)
	e.refuseRequest(c.officerI, covert(func(m *RequestAccess) {
		m.DiscloseAt = coretest.BlockTime(e.Height + 1).Add(DefaultMaxSecrecySeconds*time.Second + time.Second)
	}), ErrDiscloseAtOutOfRange)
	e.OK(c.officerI, covert(func(m *RequestAccess) {
		m.DiscloseAt = coretest.BlockTime(e.Height + 1).Add(DefaultMaxSecrecySeconds * time.Second)
	}))

	// Keys: unknown, of the wrong agency, revoked, expired.
	e.refuseRequest(c.officerI, covert(func(m *RequestAccess) { m.OverseerKeyID = "nope" }), ErrKeyNotFound)
	e.refuseRequest(c.officerI, covert(func(m *RequestAccess) { m.OverseerKeyID = "f1" }), ErrKeyNotFound) // finance's, not justice's
	e.refuseRequest(c.officerI, covert(func(m *RequestAccess) { m.OwnerKeyID = "k1" }), ErrKeyNotFound)    // interior's, not finance's
	e.OK(c.adminJ, e.keyMsg("j2"))
	e.OK(c.adminJ, RevokeKey{KeyID: "j2"})
	e.refuseRequest(c.officerI, covert(func(m *RequestAccess) {
		m.OverseerKeyID, m.OverseerSealed = "j2", sealTo(t, d, c.grantFields, "j2")
	}), ErrKeyRevoked)
	short := e.keyMsg("f2")
	short.ValidUntil = e.Deadline(time.Minute)
	e.OK(c.adminF, short)
	e.Height += 120
	e.refuseRequest(c.officerI, covert(func(m *RequestAccess) {
		m.OwnerKeyID, m.OwnerSealed = "f2", sealTo(t, d, c.grantFields, "f2")
	}), ErrKeyExpired)

	// Sizes: one byte off, or padded for another grant.
	e.refuseRequest(c.officerI, covert(func(m *RequestAccess) { m.OwnerSealed = m.OwnerSealed[1:] }), ErrSealedDetailsSize)
	e.refuseRequest(c.officerI, covert(func(m *RequestAccess) { m.OverseerSealed = sealTo(t, d, c.allField, "j1") }), ErrSealedDetailsSize)

	// No overseer: governance appointed none.
	e.OK(c.adminF, setPurposeMsg{SetPurpose{Code: "law_enforcement", Description: "crime", Covert: true}})
	e.refuseRequest(c.officerI, covert(func(*RequestAccess) {}), ErrNoOverseer)
	e.Refuse(c.adminF, setPurposeMsg{SetPurpose{Code: "law_enforcement", Description: "crime", Covert: true, Overseer: "nowhere"}}, ErrAgencyNotFound)
	e.OK(c.adminF, setPurposeMsg{SetPurpose{Code: "law_enforcement", Description: "crime", Covert: true, Overseer: justice,
		MaxSecrecySeconds: uint64(day / time.Second)}})
	e.refuseRequest(c.officerI, covert(func(m *RequestAccess) { m.DiscloseAt = e.Deadline(day + time.Second) }), ErrDiscloseAtOutOfRange)

	// Disclosures.
	a := e.nextRequest()
	e.OK(c.officerI, covert(func(*RequestAccess) {}))
	e.Refuse(c.alice, disclose(a, d), core.ErrMissingRole)
	e.Refuse(c.courtI, disclose(a, d), ErrNotDiscloser)
	e.Refuse(c.courtJ, disclose(99, d), ErrRequestNotFound)
	e.Refuse(c.officerI, disclose(a, d), ErrStillSealed)
	e.Refuse(c.courtJ, disclose(a, details("op", "address")), ErrDetailsMismatch)
	e.OK(c.courtJ, disclose(a, d))
	e.Refuse(c.courtJ, disclose(a, d), ErrAlreadyDisclosed)
	plainID := e.nextRequest()
	e.OK(c.officerI, requestMsg(2, psn1, "income"))
	e.Refuse(c.officerI, disclose(plainID, d), ErrRequestNotCovert)
	refused := e.refuseRequest(c.officerI, covert(func(m *RequestAccess) { m.OwnerSealed = m.OwnerSealed[1:] }), ErrSealedDetailsSize)
	e.Refuse(c.courtJ, disclose(refused, d), ErrRequestRefused)
	return e.Seen
}

func refIDs(refs []SealedRef) []uint64 {
	var ids []uint64
	for _, r := range refs {
		ids = append(ids, r.RequestID)
	}
	return ids
}

// TestCovertSealedQuery: the sealed list answers through the resolver,
// bound to its anchor, and is not found before the first covert request.
func TestCovertSealedQuery(t *testing.T) {
	e, c := newCovertEnv(t)
	e.RefuseQuery(boundQuery, []string{"sealed"}, ErrRequestNotFound)
	for i, subject := range []string{psn1, psn2} {
		e.OK(c.officerI, e.covertMsg(1, subject, details(subject, "income"), c.grantFields, time.Duration(i+1)*time.Hour))
	}
	refs := e.sealedList()
	require.Equal(t, []uint64{1, 2}, refIDs(refs))
	require.True(t, slices.IsSortedFunc(refs, func(a, b SealedRef) int { return int(a.RequestID) - int(b.RequestID) }))
	res, err := boundQuery(t, e.KV, []string{"sealed"})
	require.NoError(t, err)
	var idx SealedIndex
	require.NoError(t, json.Unmarshal(res.Value, &idx))
	require.Equal(t, SealedIndex{Count: 2}, idx)
	e.RefuseQuery(boundQuery, []string{"sealed", "1"}, ErrUnknownQuery)
}

// FuzzDecodeCovertDetails: what a data service or an overseer opens may
// be anything its sender sealed. Whatever DecodeSealedPlaintext accepts is
// valid details in their one encoding, followed by spaces only.
func FuzzDecodeCovertDetails(f *testing.F) {
	d := details("fuzz", "address", "income")
	pt, err := SealedPlaintext(d, incomeFields)
	require.NoError(f, err)
	for _, seed := range [][]byte{d.Encode(), pt, []byte(`{"fields":[],"case_ref":"","salt":""}`), []byte("  "), nil} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := DecodeSealedPlaintext(b)
		if err != nil {
			return
		}
		require.NoError(t, got.Validate())
		enc := got.Encode()
		require.True(t, len(b) >= len(enc) && string(b[:len(enc)]) == string(enc), "accepted input starts with the encoding")
		require.Empty(t, strings.Trim(string(b[len(enc):]), " "), "and is followed by spaces only")
		again, err := DecodeCovertDetails(enc)
		require.NoError(t, err)
		require.Equal(t, got, again)
	})
}
