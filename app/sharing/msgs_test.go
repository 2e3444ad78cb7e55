package sharing

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
	"github.com/govchain/govchain/seal"
)

// validateCase is a mutation Validate must refuse (coretest.ValidateCase).
type validateCase coretest.ValidateCase

// checkValidate requires base to be valid and every mutation of it to be
// refused with ErrInvalidMessage (coretest.CheckValidate).
var checkValidate = coretest.Validator[validateCase](Module, ErrInvalidMessage)

var (
	hashA   = coretest.HashOf("a")
	longID  = strings.Repeat("x", 65)
	longTxt = strings.Repeat("x", MaxTextLen+1)
	later   = coretest.T0.Add(time.Hour)
)

// ids returns n sorted identifiers.
func ids(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("f%03d", i)
	}
	return out
}

// idCases are the mutations of a sorted identifier list that set refuses.
func idCases[M core.Msg](name string, set func(m *M, v []string), max int) []validateCase {
	return []validateCase{
		{name + " unsorted", coretest.Mutate(func(m *M) { set(m, []string{"b", "a"}) })},
		{name + " duplicate", coretest.Mutate(func(m *M) { set(m, []string{"a", "a"}) })},
		{name + " bad id", coretest.Mutate(func(m *M) { set(m, []string{"a/b"}) })},
		{name + " long id", coretest.Mutate(func(m *M) { set(m, []string{longID}) })},
		{name + " too many", coretest.Mutate(func(m *M) { set(m, ids(max+1)) })},
	}
}

func validDeclare() DeclareClass {
	return DeclareClass{ClassID: "income", Description: "income", Fields: []string{"a", "b"}, Purposes: []string{"p"}}
}

func TestValidateDeclareClass(t *testing.T) {
	f := coretest.Mutate[DeclareClass]
	cases := []validateCase{
		{"empty class", f(func(m *DeclareClass) { m.ClassID = "" })},
		{"class with slash", f(func(m *DeclareClass) { m.ClassID = "a/b" })},
		{"no description", f(func(m *DeclareClass) { m.Description = "" })},
		{"long description", f(func(m *DeclareClass) { m.Description = longTxt })},
		{"control char", f(func(m *DeclareClass) { m.Description = "a\nb" })},
		{"no fields", f(func(m *DeclareClass) { m.Fields = nil })},
		{"no purposes", f(func(m *DeclareClass) { m.Purposes = []string{} })},
	}
	cases = append(cases, idCases("fields", func(m *DeclareClass, v []string) { m.Fields = v }, MaxFields)...)
	cases = append(cases, idCases("purposes", func(m *DeclareClass, v []string) { m.Purposes = v }, MaxClassPurposes)...)
	checkValidate(t, validDeclare(), cases)
	max := validDeclare()
	max.Fields, max.Purposes = ids(MaxFields), ids(MaxClassPurposes)
	require.NoError(t, max.Validate())
}

func validRegisterKey() RegisterKey {
	return RegisterKey{KeyID: "k1", Suite: seal.SuiteX25519, PublicKey: x25519Pub, ValidUntil: later}
}

// The test keys: a valid public key of each suite.
var (
	x25519Pub = func() core.HexBytes {
		k, err := seal.ParsePrivateKey(seal.SuiteX25519, hashA[:])
		if err != nil {
			panic(err)
		}
		return k.PublicKeyBytes()
	}()
	hybridPub = func() core.HexBytes {
		k, err := seal.ParsePrivateKey(seal.SuiteMLKEM768X25519, hashA[:])
		if err != nil {
			panic(err)
		}
		return k.PublicKeyBytes()
	}()
)

func TestValidateRegisterKey(t *testing.T) {
	f := coretest.Mutate[RegisterKey]
	checkValidate(t, validRegisterKey(), []validateCase{
		{"empty key id", f(func(m *RegisterKey) { m.KeyID = "" })},
		{"long key id", f(func(m *RegisterKey) { m.KeyID = longID })},
		{"unknown suite", f(func(m *RegisterKey) { m.Suite = "p256" })},
		{"no suite", f(func(m *RegisterKey) { m.Suite = "" })},
		{"short key", f(func(m *RegisterKey) { m.PublicKey = x25519Pub[:31] })},
		{"long key", f(func(m *RegisterKey) { m.PublicKey = append(slices.Clone(x25519Pub), 0) })},
		{"no key", f(func(m *RegisterKey) { m.PublicKey = nil })},
		{"small-order key", f(func(m *RegisterKey) { m.PublicKey = make(core.HexBytes, 32) })},
		{"non-canonical key", f(func(m *RegisterKey) {
			m.PublicKey = slices.Clone(x25519Pub)
			m.PublicKey[31] |= 0x80
		})},
		{"x25519 key for the hybrid suite", f(func(m *RegisterKey) { m.Suite = seal.SuiteMLKEM768X25519 })},
		{"hybrid key for x25519", f(func(m *RegisterKey) { m.PublicKey = hybridPub })},
		{"hybrid key one short", f(func(m *RegisterKey) { m.Suite, m.PublicKey = seal.SuiteMLKEM768X25519, hybridPub[:1215] })},
		{"hybrid key with a small-order x25519 part", f(func(m *RegisterKey) {
			m.Suite, m.PublicKey = seal.SuiteMLKEM768X25519, slices.Concat(hybridPub[:1184], make(core.HexBytes, 32))
		})},
		{"zero valid_until", f(func(m *RegisterKey) { m.ValidUntil = time.Time{} })},
		{"valid_until not UTC", f(func(m *RegisterKey) { m.ValidUntil = later.In(time.FixedZone("CET", 3600)) })},
	})
	hybrid := validRegisterKey()
	hybrid.Suite, hybrid.PublicKey = seal.SuiteMLKEM768X25519, hybridPub
	require.NoError(t, hybrid.Validate())
}

func TestValidateRevokeKey(t *testing.T) {
	f := coretest.Mutate[RevokeKey]
	checkValidate(t, RevokeKey{KeyID: "k1"}, []validateCase{
		{"empty", f(func(m *RevokeKey) { m.KeyID = "" })},
		{"bad", f(func(m *RevokeKey) { m.KeyID = "k 1" })},
	})
}

func validCommit() CommitRecord {
	return CommitRecord{ClassID: "income", Subject: "PSN-1", Fields: []FieldCommitment{{"a", hashA}, {"b", hashA}}}
}

func TestValidateCommitRecord(t *testing.T) {
	f := func(fn func(m *CommitRecord)) func(core.Msg) core.Msg {
		return coretest.Mutate(func(m *CommitRecord) { m.Fields = slices.Clone(m.Fields); fn(m) })
	}
	many := make([]FieldCommitment, MaxFields+1)
	for i, id := range ids(MaxFields + 1) {
		many[i] = FieldCommitment{id, hashA}
	}
	checkValidate(t, validCommit(), []validateCase{
		{"empty class", f(func(m *CommitRecord) { m.ClassID = "" })},
		{"empty subject", f(func(m *CommitRecord) { m.Subject = "" })},
		{"subject with slash", f(func(m *CommitRecord) { m.Subject = "a/b" })},
		{"no fields", f(func(m *CommitRecord) { m.Fields = nil })},
		{"unsorted", f(func(m *CommitRecord) { m.Fields[0], m.Fields[1] = m.Fields[1], m.Fields[0] })},
		{"duplicate", f(func(m *CommitRecord) { m.Fields[1].Name = "a" })},
		{"bad name", f(func(m *CommitRecord) { m.Fields[0].Name = "" })},
		{"zero commitment", f(func(m *CommitRecord) { m.Fields[1].Commitment = core.Hash{} })},
		{"too many", f(func(m *CommitRecord) { m.Fields = many })},
	})
}

func validGrant() CreateGrant {
	return CreateGrant{Grantee: "interior", ClassID: "income", Fields: []string{"a"}, Subjects: []string{"PSN-1", "PSN-2"},
		Purpose: "p", LegalBasis: "act", LegalBasisHash: hashA, ExpiresAt: later, MaxRequests: 1, PeriodSeconds: 60}
}

func TestValidateCreateGrant(t *testing.T) {
	f := coretest.Mutate[CreateGrant]
	cases := []validateCase{
		{"empty grantee", f(func(m *CreateGrant) { m.Grantee = "" })},
		{"empty class", f(func(m *CreateGrant) { m.ClassID = "" })},
		{"no fields", f(func(m *CreateGrant) { m.Fields = nil })},
		{"empty purpose", f(func(m *CreateGrant) { m.Purpose = "" })},
		{"no legal basis", f(func(m *CreateGrant) { m.LegalBasis = "" })},
		{"long legal basis", f(func(m *CreateGrant) { m.LegalBasis = longTxt })},
		{"zero legal basis hash", f(func(m *CreateGrant) { m.LegalBasisHash = core.Hash{} })},
		{"zero expiry", f(func(m *CreateGrant) { m.ExpiresAt = time.Time{} })},
		{"expiry not UTC", f(func(m *CreateGrant) { m.ExpiresAt = later.Local() })},
		{"zero max_requests", f(func(m *CreateGrant) { m.MaxRequests = 0 })},
		{"huge max_requests", f(func(m *CreateGrant) { m.MaxRequests = MaxRequests + 1 })},
		{"zero period", f(func(m *CreateGrant) { m.PeriodSeconds = 0 })},
		{"huge period", f(func(m *CreateGrant) { m.PeriodSeconds = MaxPeriodSeconds + 1 })},
	}
	cases = append(cases, idCases("fields", func(m *CreateGrant, v []string) { m.Fields = v }, MaxFields)...)
	cases = append(cases, idCases("subjects", func(m *CreateGrant, v []string) { m.Subjects = v }, MaxSubjects)...)
	checkValidate(t, validGrant(), cases)
	every := validGrant()
	every.Subjects = nil
	require.NoError(t, every.Validate(), "no subjects: every subject of the class")
	every.Subjects = ids(MaxSubjects)
	require.NoError(t, every.Validate())
}

func TestValidateRevokeGrant(t *testing.T) {
	f := coretest.Mutate[RevokeGrant]
	checkValidate(t, RevokeGrant{GrantID: 1, Reason: "r"}, []validateCase{
		{"zero id", f(func(m *RevokeGrant) { m.GrantID = 0 })},
		{"no reason", f(func(m *RevokeGrant) { m.Reason = "" })},
		{"long reason", f(func(m *RevokeGrant) { m.Reason = longTxt })},
	})
}

func TestValidateRevokeGrantee(t *testing.T) {
	f := coretest.Mutate[RevokeGrantee]
	checkValidate(t, RevokeGrantee{Grantee: "interior", Reason: "r"}, []validateCase{
		{"empty grantee", f(func(m *RevokeGrantee) { m.Grantee = "" })},
		{"no reason", f(func(m *RevokeGrantee) { m.Reason = "" })},
		{"control char", f(func(m *RevokeGrantee) { m.Reason = "a\x00" })},
	})
}

func TestValidateConsents(t *testing.T) {
	g := coretest.Mutate[GiveConsent]
	checkValidate(t, GiveConsent{Agency: "interior", Purpose: "p"}, []validateCase{
		{"empty agency", g(func(m *GiveConsent) { m.Agency = "" })},
		{"empty purpose", g(func(m *GiveConsent) { m.Purpose = "" })},
		{"bad purpose", g(func(m *GiveConsent) { m.Purpose = "a b" })},
	})
	w := coretest.Mutate[WithdrawConsent]
	checkValidate(t, WithdrawConsent{Agency: "interior", Purpose: "p"}, []validateCase{
		{"empty agency", w(func(m *WithdrawConsent) { m.Agency = "" })},
		{"long purpose", w(func(m *WithdrawConsent) { m.Purpose = longID })},
	})
}

func validRequest() RequestAccess {
	return RequestAccess{GrantID: 1, Subject: "PSN-1", Fields: []string{"a", "b"}, Purpose: "p", CaseRef: hashA}
}

func TestValidateRequestAccess(t *testing.T) {
	f := coretest.Mutate[RequestAccess]
	cases := []validateCase{
		{"zero grant", f(func(m *RequestAccess) { m.GrantID = 0 })},
		{"empty subject", f(func(m *RequestAccess) { m.Subject = "" })},
		{"no fields", f(func(m *RequestAccess) { m.Fields = nil })},
		{"empty purpose", f(func(m *RequestAccess) { m.Purpose = "" })},
		{"zero case ref", f(func(m *RequestAccess) { m.CaseRef = core.Hash{} })},
	}
	cases = append(cases, idCases("fields", func(m *RequestAccess, v []string) { m.Fields = v }, MaxFields)...)
	for name, fn := range map[string]func(m *RequestAccess){
		"overseer key id": func(m *RequestAccess) { m.OverseerKeyID = "k1" },
		"owner key id":    func(m *RequestAccess) { m.OwnerKeyID = "k1" },
		"overseer sealed": func(m *RequestAccess) { m.OverseerSealed = core.HexBytes{1} },
		"owner sealed":    func(m *RequestAccess) { m.OwnerSealed = core.HexBytes{1} },
		"disclose_at":     func(m *RequestAccess) { m.DiscloseAt = later },
		"every covert one": func(m *RequestAccess) {
			c := validCovertRequest()
			c.Fields, c.CaseRef = m.Fields, m.CaseRef
			*m = c
			m.DetailsCommitment = core.Hash{}
		},
	} {
		cases = append(cases, validateCase{"plain with " + name, f(fn)})
	}
	checkValidate(t, validRequest(), cases)
}

func validCovertRequest() RequestAccess {
	return RequestAccess{GrantID: 1, Subject: "PSN-1", Purpose: "p", DetailsCommitment: hashA,
		OverseerKeyID: "j1", OverseerSealed: make(core.HexBytes, 100), OwnerKeyID: "f1", OwnerSealed: make(core.HexBytes, MaxSealedLen),
		DiscloseAt: later}
}

func TestValidateCovertRequestAccess(t *testing.T) {
	f := coretest.Mutate[RequestAccess]
	require.True(t, validCovertRequest().Covert())
	require.False(t, validRequest().Covert())
	checkValidate(t, validCovertRequest(), []validateCase{
		{"zero grant", f(func(m *RequestAccess) { m.GrantID = 0 })},
		{"empty subject", f(func(m *RequestAccess) { m.Subject = "" })},
		{"empty purpose", f(func(m *RequestAccess) { m.Purpose = "" })},
		{"fields in the clear", f(func(m *RequestAccess) { m.Fields = []string{"a"} })},
		{"case ref in the clear", f(func(m *RequestAccess) { m.CaseRef = hashA })},
		{"no overseer key", f(func(m *RequestAccess) { m.OverseerKeyID = "" })},
		{"bad owner key", f(func(m *RequestAccess) { m.OwnerKeyID = "k/1" })},
		{"nothing sealed to the overseer", f(func(m *RequestAccess) { m.OverseerSealed = nil })},
		{"nothing sealed to the owner", f(func(m *RequestAccess) { m.OwnerSealed = core.HexBytes{} })},
		{"too much sealed to the owner", f(func(m *RequestAccess) { m.OwnerSealed = make(core.HexBytes, MaxSealedLen+1) })},
		{"too much sealed to the overseer", f(func(m *RequestAccess) { m.OverseerSealed = make(core.HexBytes, MaxSealedLen+1) })},
		{"no disclose_at", f(func(m *RequestAccess) { m.DiscloseAt = time.Time{} })},
		{"disclose_at not UTC", f(func(m *RequestAccess) { m.DiscloseAt = later.In(time.FixedZone("CET", 3600)) })},
	})
}

// TestCovertRequestOneEncoding: the covert form names no fields or case
// reference in its encoding, and an encoding that lists them empty or
// zero is not its own (the app refuses a transaction that does not
// re-encode to its bytes); the plain form encodes as it always did.
func TestCovertRequestOneEncoding(t *testing.T) {
	raw, err := json.Marshal(validCovertRequest())
	require.NoError(t, err)
	require.NotContains(t, string(raw), `"fields"`)
	require.NotContains(t, string(raw), `"case_ref"`)
	for _, alt := range []string{
		strings.Replace(string(raw), `"purpose"`, `"fields":[],"purpose"`, 1),
		strings.Replace(string(raw), `"details_commitment"`, `"case_ref":"`+strings.Repeat("0", 64)+`","details_commitment"`, 1),
	} {
		var m RequestAccess
		require.NoError(t, core.StrictUnmarshal([]byte(alt), &m))
		again, err := json.Marshal(m)
		require.NoError(t, err)
		require.NotEqual(t, alt, string(again))
	}
	raw, err = json.Marshal(validRequest())
	require.NoError(t, err)
	require.Equal(t, `{"grant_id":1,"subject":"PSN-1","fields":["a","b"],"purpose":"p","case_ref":"`+hashA.String()+`"}`, string(raw))
}

func TestValidateDiscloseRequest(t *testing.T) {
	f := coretest.Mutate[DiscloseRequest]
	cases := []validateCase{
		{"zero request", f(func(m *DiscloseRequest) { m.RequestID = 0 })},
		{"no fields", f(func(m *DiscloseRequest) { m.Fields = nil })},
		{"zero case ref", f(func(m *DiscloseRequest) { m.CaseRef = core.Hash{} })},
		{"zero salt", f(func(m *DiscloseRequest) { m.Salt = core.Hash{} })},
	}
	cases = append(cases, idCases("fields", func(m *DiscloseRequest, v []string) { m.Fields = v }, MaxFields)...)
	checkValidate(t, validDisclose(), cases)
}

func validDisclose() DiscloseRequest {
	return DiscloseRequest{RequestID: 1, Fields: []string{"a", "b"}, CaseRef: hashA, Salt: coretest.HashOf("salt")}
}

func TestValidateRecordDelivery(t *testing.T) {
	f := coretest.Mutate[RecordDelivery]
	checkValidate(t, RecordDelivery{RequestID: 1, PayloadHash: hashA, KeyID: "k1"}, []validateCase{
		{"zero request", f(func(m *RecordDelivery) { m.RequestID = 0 })},
		{"zero payload", f(func(m *RecordDelivery) { m.PayloadHash = core.Hash{} })},
		{"empty key", f(func(m *RecordDelivery) { m.KeyID = "" })},
	})
}

func TestValidateFileComplaint(t *testing.T) {
	f := coretest.Mutate[FileComplaint]
	checkValidate(t, FileComplaint{RequestID: 1, Field: "a", ReceivedCommitment: hashA, PayloadHash: hashA}, []validateCase{
		{"zero request", f(func(m *FileComplaint) { m.RequestID = 0 })},
		{"empty field", f(func(m *FileComplaint) { m.Field = "" })},
		{"zero commitment", f(func(m *FileComplaint) { m.ReceivedCommitment = core.Hash{} })},
		{"zero payload", f(func(m *FileComplaint) { m.PayloadHash = core.Hash{} })},
	})
}

func TestValidateEraseRecord(t *testing.T) {
	f := coretest.Mutate[EraseRecord]
	checkValidate(t, EraseRecord{ClassID: "income", Subject: "PSN-1", LegalBasis: "order", LegalBasisHash: hashA}, []validateCase{
		{"empty class", f(func(m *EraseRecord) { m.ClassID = "" })},
		{"empty subject", f(func(m *EraseRecord) { m.Subject = "" })},
		{"no legal basis", f(func(m *EraseRecord) { m.LegalBasis = "" })},
		{"zero legal basis hash", f(func(m *EraseRecord) { m.LegalBasisHash = core.Hash{} })},
	})
}

func TestValidateSetPurpose(t *testing.T) {
	for _, valid := range []SetPurpose{
		{Code: "research", Description: "scientific research"},
		{Code: "fraud", Description: "fraud", Covert: true},
		{Code: "fraud", Description: "fraud", Covert: true, Overseer: "justice"},
		{Code: "fraud", Description: "fraud", Covert: true, Overseer: "justice", MaxSecrecySeconds: MaxSecrecyLimit},
	} {
		require.NoError(t, valid.Validate(), "%+v", valid)
	}
	for name, s := range map[string]SetPurpose{
		"empty code":                  {Code: "", Description: "d"},
		"bad code":                    {Code: "a b", Description: "d"},
		"no description":              {Code: "c"},
		"long description":            {Code: "c", Description: longTxt},
		"overseer of an open purpose": {Code: "c", Description: "d", Overseer: "justice"},
		"secrecy of an open purpose":  {Code: "c", Description: "d", MaxSecrecySeconds: 60},
		"bad overseer":                {Code: "c", Description: "d", Covert: true, Overseer: "a/b"},
		"secrecy beyond the limit":    {Code: "c", Description: "d", Covert: true, Overseer: "justice", MaxSecrecySeconds: MaxSecrecyLimit + 1},
		"secrecy beyond, no overseer": {Code: "c", Description: "d", Covert: true, MaxSecrecySeconds: MaxSecrecyLimit + 1},
	} {
		err := s.Validate()
		require.ErrorIs(t, err, ErrInvalidMessage, name)
		require.ErrorIs(t, err, core.ErrInvalid, name)
	}
}

func TestGenesisValidate(t *testing.T) {
	require.NoError(t, DefaultGenesis().Validate())
	require.True(t, Genesis{}.isZero())
	require.False(t, DefaultGenesis().isZero())
	codes := []string{}
	for _, p := range DefaultGenesis().Purposes {
		codes = append(codes, p.Code)
	}
	require.Equal(t, []string{"benefit_eligibility", "health_care", "law_enforcement", "social_security", "statistics", "tax_assessment"}, codes)
	tooMany := Genesis{}
	for _, id := range ids(MaxPurposes + 1) {
		tooMany.Purposes = append(tooMany.Purposes, PurposeDef{Code: id, Description: "d"})
	}
	for name, g := range map[string]Genesis{
		"none":           {},
		"unsorted":       {Purposes: []PurposeDef{{Code: "b", Description: "d"}, {Code: "a", Description: "d"}}},
		"duplicate":      {Purposes: []PurposeDef{{Code: "a", Description: "d"}, {Code: "a", Description: "e"}}},
		"bad code":       {Purposes: []PurposeDef{{Code: "a/b", Description: "d"}}},
		"no description": {Purposes: []PurposeDef{{Code: "a"}}},
		"too many":       tooMany,
		"open overseer":  {Purposes: []PurposeDef{{Code: "a", Description: "d", Overseer: "justice"}}},
		"long secrecy":   {Purposes: []PurposeDef{{Code: "a", Description: "d", Covert: true, MaxSecrecySeconds: MaxSecrecyLimit + 1}}},
	} {
		require.Error(t, g.Validate(), name)
		require.Error(t, InitGenesis(coretest.NewMemKV(), g), name)
	}
	kv := coretest.NewMemKV()
	require.NoError(t, InitGenesis(kv, DefaultGenesis()))
	idx, err := getPurposeIndex(kv)
	require.NoError(t, err)
	require.Equal(t, codes, idx.Codes)
	p, err := getPurpose(kv, "law_enforcement")
	require.NoError(t, err)
	require.Equal(t, Purpose{Code: "law_enforcement", Description: "preventing, investigating or prosecuting criminal offences", Covert: true,
		Overseer: "justice", MaxSecrecySeconds: 180 * 24 * 3600}, *p)
	// A covert purpose's max secrecy 0 is stored as the default; an open
	// purpose's record encodes as before the covert fields existed.
	kv = coretest.NewMemKV()
	require.NoError(t, InitGenesis(kv, Genesis{Purposes: []PurposeDef{{Code: "a", Description: "d", Covert: true}, {Code: "b", Description: "d"}}}))
	p, err = getPurpose(kv, "a")
	require.NoError(t, err)
	require.Equal(t, Purpose{Code: "a", Description: "d", Covert: true, MaxSecrecySeconds: DefaultMaxSecrecySeconds}, *p)
	raw, err := kv.Get(PurposeKey("b"))
	require.NoError(t, err)
	require.Equal(t, `{"code":"b","description":"d","covert":false,"retired":false,"set_height":0}`, string(raw))
}

// TestGenesisSection checks the section as the app reads it: absent or
// empty stands for the default; unknown fields and invalid lists are
// refused.
func TestGenesisSection(t *testing.T) {
	sec := Module.Genesis
	require.Equal(t, DefaultGenesis(), sec.Default())
	for _, raw := range []string{"", `{}`, `{"purposes":[]}`, `{"purposes":null}`} {
		var in []byte
		if raw != "" {
			in = []byte(raw)
		}
		v, err := sec.Check(in)
		require.NoError(t, err, raw)
		require.Equal(t, DefaultGenesis(), v, raw)
	}
	v, err := sec.Check([]byte(`{"purposes":[{"code":"x","description":"only","covert":false}]}`))
	require.NoError(t, err)
	require.Equal(t, Genesis{Purposes: []PurposeDef{{Code: "x", Description: "only"}}}, v)
	_, err = sec.Check([]byte(`{"purposes":[{"code":"x","description":"d","secret":true}]}`))
	require.ErrorContains(t, err, "unknown field")
	_, err = sec.Check([]byte(`{"purposes":[{"code":"b","description":"d"},{"code":"a","description":"d"}]}`))
	require.ErrorContains(t, err, "sorted")
}

// validMsgs holds one valid message of every type, sorted by type.
func validMsgs() []core.Msg {
	return []core.Msg{
		validCommit(),
		validGrant(),
		validDeclare(),
		validDisclose(),
		EraseRecord{ClassID: "income", Subject: "PSN-1", LegalBasis: "order", LegalBasisHash: hashA},
		FileComplaint{RequestID: 1, Field: "a", ReceivedCommitment: hashA, PayloadHash: hashA},
		GiveConsent{Agency: "interior", Purpose: "p"},
		RecordDelivery{RequestID: 1, PayloadHash: hashA, KeyID: "k1"},
		validRegisterKey(),
		validRequest(),
		validCovertRequest(),
		RevokeGrant{GrantID: 1, Reason: "r"},
		RevokeGrantee{Grantee: "interior", Reason: "r"},
		RevokeKey{KeyID: "k1"},
		WithdrawConsent{Agency: "interior", Purpose: "p"},
	}
}

// TestModule checks the module's contract (coretest.CheckModule): one
// valid message per type, each in its canonical encoding, and well-formed
// sentinels; and that request_access is the one Recorder.
func TestModule(t *testing.T) {
	coretest.CheckModule(t, Module, validMsgs())
	for _, typ := range Module.Types() {
		m, ok := Module.NewMsg(typ)
		require.True(t, ok)
		_, rec := m.(core.Recorder)
		require.Equal(t, typ == TypeRequestAccess, rec, typ)
	}
}
