package identity

import (
	"slices"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

// personDetails is the history detail of a person's registration, birth or
// amendment.
type personDetails struct {
	DocumentHash core.Hash    `json:"document_hash"`
	Commitments  []Commitment `json:"commitments"`
	Parents      []string     `json:"parents,omitempty"`
}

// relationDetails is the history detail of a civil event that involves
// another person (a child's birth, marriage, divorce, widowhood).
type relationDetails struct {
	Other        string    `json:"other"`
	DocumentHash core.Hash `json:"document_hash"`
}

// deathDetails is the history detail of a death record: what it changed in
// other records.
type deathDetails struct {
	DocumentHash       core.Hash      `json:"document_hash"`
	DeceasedAccounts   []core.Address `json:"deceased_accounts"`
	RevokedCredentials []string       `json:"revoked_credentials"`
	Spouse             string         `json:"spouse,omitempty"`
}

// newPerson writes a new living person with an empty credential index.
func newPerson(ctx *core.Context, id, origin string, doc core.Hash, commitments []Commitment, parents []string) (*Person, error) {
	p := &Person{
		ID: id, Status: PersonAlive, Origin: origin, DocumentHash: doc,
		Commitments: slices.Clone(commitments), Parents: slices.Clone(parents),
		MaritalStatus: Single, RegisteredBy: ctx.Signer, RegisteredHeight: ctx.Height,
		RegisteredAt: ctx.BlockTime.UTC(),
	}
	if err := personHistory(ctx, p, origin, personDetails{DocumentHash: doc, Commitments: p.Commitments, Parents: parents}); err != nil {
		return nil, err
	}
	if err := putPerson(ctx.KV, p); err != nil {
		return nil, err
	}
	if err := core.SetJSON(ctx.KV, PersonCredentialsKey(id), PersonCredentials{PersonID: id}); err != nil {
		return nil, err
	}
	return p, nil
}

// Exec implements core.Msg: the signer must be a civil registrar; the id
// must be new.
func (m RegisterPerson) Exec(ctx *core.Context) error {
	if err := ctx.RequireRole(core.RoleCivilRegistrar); err != nil {
		return err
	}
	if err := requireNewPerson(ctx.KV, m.PersonID); err != nil {
		return err
	}
	if _, err := newPerson(ctx, m.PersonID, OriginRegistration, m.DocumentHash, m.Commitments, nil); err != nil {
		return err
	}
	emit(ctx, "register_person", "person_id", m.PersonID)
	return nil
}

// Exec implements core.Msg: the signer must be a civil registrar; the id
// must be new; every parent registered and alive. Each parent's history
// records the birth.
func (m RecordBirth) Exec(ctx *core.Context) error {
	if err := ctx.RequireRole(core.RoleCivilRegistrar); err != nil {
		return err
	}
	if err := requireNewPerson(ctx.KV, m.PersonID); err != nil {
		return err
	}
	parents := make([]*Person, 0, len(m.ParentIDs))
	for _, id := range m.ParentIDs {
		p, err := getLivingPerson(ctx.KV, id)
		if err != nil {
			return err
		}
		parents = append(parents, p)
	}
	if _, err := newPerson(ctx, m.PersonID, OriginBirth, m.DocumentHash, m.Commitments, m.ParentIDs); err != nil {
		return err
	}
	kv := []string{"person_id", m.PersonID}
	for _, p := range parents {
		if err := personHistory(ctx, p, "birth_of_child", relationDetails{Other: m.PersonID, DocumentHash: m.DocumentHash}); err != nil {
			return err
		}
		if err := putPerson(ctx.KV, p); err != nil {
			return err
		}
		kv = append(kv, "parent_id", p.ID)
	}
	emit(ctx, "record_birth", kv...)
	return nil
}

// Exec implements core.Msg: the signer must be a civil registrar; the
// person must exist (a deceased person's record may be corrected too).
func (m AmendPerson) Exec(ctx *core.Context) error {
	if err := ctx.RequireRole(core.RoleCivilRegistrar); err != nil {
		return err
	}
	p, err := getPerson(ctx.KV, m.PersonID)
	if err != nil {
		return err
	}
	p.Commitments = slices.Clone(m.Commitments)
	if err := personHistory(ctx, p, "amend_person", personDetails{DocumentHash: m.DocumentHash, Commitments: p.Commitments}); err != nil {
		return err
	}
	if err := putPerson(ctx.KV, p); err != nil {
		return err
	}
	emit(ctx, "amend_person", "person_id", p.ID)
	return nil
}

// livingPair reads two living persons.
func livingPair(r state.Reader, a, b string) (*Person, *Person, error) {
	pa, err := getLivingPerson(r, a)
	if err != nil {
		return nil, nil, err
	}
	pb, err := getLivingPerson(r, b)
	if err != nil {
		return nil, nil, err
	}
	return pa, pb, nil
}

// recordPair appends the same civil event to two persons and saves both.
func recordPair(ctx *core.Context, action string, pa, pb *Person, doc core.Hash) error {
	for _, x := range [][2]*Person{{pa, pb}, {pb, pa}} {
		if err := personHistory(ctx, x[0], action, relationDetails{Other: x[1].ID, DocumentHash: doc}); err != nil {
			return err
		}
		if err := putPerson(ctx.KV, x[0]); err != nil {
			return err
		}
	}
	emit(ctx, action, "person_id", pa.ID, "person_id", pb.ID)
	return nil
}

// Exec implements core.Msg: the signer must be a civil registrar; both
// persons must exist, be alive and not be married.
func (m RecordMarriage) Exec(ctx *core.Context) error {
	if err := ctx.RequireRole(core.RoleCivilRegistrar); err != nil {
		return err
	}
	pa, pb, err := livingPair(ctx.KV, m.PersonA, m.PersonB)
	if err != nil {
		return err
	}
	for _, p := range []*Person{pa, pb} {
		if p.MaritalStatus == Married {
			return core.Wrapf(ErrAlreadyMarried, "person %s is married to %s", p.ID, p.Spouse)
		}
	}
	pa.MaritalStatus, pa.Spouse = Married, pb.ID
	pb.MaritalStatus, pb.Spouse = Married, pa.ID
	return recordPair(ctx, "record_marriage", pa, pb, m.DocumentHash)
}

// Exec implements core.Msg: the signer must be a civil registrar; both
// persons must exist, be alive and be married to each other.
func (m RecordDivorce) Exec(ctx *core.Context) error {
	if err := ctx.RequireRole(core.RoleCivilRegistrar); err != nil {
		return err
	}
	pa, pb, err := livingPair(ctx.KV, m.PersonA, m.PersonB)
	if err != nil {
		return err
	}
	if pa.MaritalStatus != Married || pa.Spouse != pb.ID || pb.Spouse != pa.ID {
		return core.Wrapf(ErrNotMarried, "persons %s and %s", pa.ID, pb.ID)
	}
	pa.MaritalStatus, pa.Spouse = Divorced, ""
	pb.MaritalStatus, pb.Spouse = Divorced, ""
	return recordPair(ctx, "record_divorce", pa, pb, m.DocumentHash)
}

// Exec implements core.Msg: the signer must be a civil registrar; the
// person must exist and be alive. In the same transaction every linked
// account is marked core.StatusDeceased, every active credential naming the
// person is revoked (each with its own history entry), and a spouse becomes
// widowed.
func (m RecordDeath) Exec(ctx *core.Context) error {
	if err := ctx.RequireRole(core.RoleCivilRegistrar); err != nil {
		return err
	}
	p, err := getLivingPerson(ctx.KV, m.PersonID)
	if err != nil {
		return err
	}
	for _, a := range p.Accounts {
		if err := core.SetAccountStatus(ctx.KV, core.AccountStatus{
			Account: a, Status: core.StatusDeceased, Reason: "death record of person " + p.ID, Height: ctx.Height,
		}); err != nil {
			return err
		}
	}
	revoked, err := revokeAllOf(ctx, p.ID, "subject deceased")
	if err != nil {
		return err
	}
	spouse := ""
	if p.MaritalStatus == Married {
		s, err := getPerson(ctx.KV, p.Spouse)
		if err != nil {
			return err
		}
		s.MaritalStatus, s.Spouse = Widowed, ""
		if err := personHistory(ctx, s, "widowed", relationDetails{Other: p.ID, DocumentHash: m.DocumentHash}); err != nil {
			return err
		}
		if err := putPerson(ctx.KV, s); err != nil {
			return err
		}
		spouse = s.ID
	}
	doc := m.DocumentHash
	p.Status = PersonDeceased
	p.DeathDocumentHash = &doc
	p.DeathHeight, p.DeathRecordedAt = ctx.Height, ctx.At()
	if err := personHistory(ctx, p, "record_death", deathDetails{
		DocumentHash: doc, DeceasedAccounts: sortedAddrs(p.Accounts), RevokedCredentials: revoked, Spouse: spouse,
	}); err != nil {
		return err
	}
	if err := putPerson(ctx.KV, p); err != nil {
		return err
	}
	kv := []string{"person_id", p.ID}
	for _, a := range p.Accounts {
		kv = append(kv, "account", a.String())
	}
	for _, id := range revoked {
		kv = append(kv, "credential_id", id)
	}
	if spouse != "" {
		kv = append(kv, "spouse_id", spouse)
	}
	emit(ctx, "record_death", kv...)
	return nil
}
