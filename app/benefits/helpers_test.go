package benefits

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
	"github.com/govchain/govchain/app/identity"
	"github.com/govchain/govchain/state"
)

// env is a chain of one-transaction blocks over a MemKV (coretest.Env)
// with a clock the test moves (now): every message runs at now, followed
// by the module's hooks on its type as the app runs them, and step runs
// the block step at now.
type env struct {
	*coretest.Env
	now time.Time
}

func newEnv(t *testing.T) *env { return &env{Env: coretest.NewEnv(t), now: coretest.T0} }

// hooked is a message run at a given block time and followed, in its
// transaction, by the module's hooks on its type (core.Hook), as the app
// runs them.
type hooked struct {
	core.Msg
	at time.Time
}

func (h hooked) Exec(ctx *core.Context) error {
	ctx.BlockTime = h.at
	if err := h.Msg.Exec(ctx); err != nil {
		return err
	}
	for _, hk := range Module.Hooks {
		if hk.After == h.Type() {
			if err := hk.Run(ctx, h.Msg); err != nil {
				return err
			}
		}
	}
	return nil
}

// at wraps m to run at the env's clock with the module's hooks.
func (e *env) at(m core.Msg) core.Msg { return hooked{Msg: m, at: e.now} }

// ok runs m at now and requires success.
func (e *env) ok(signer core.Address, m core.Msg) []core.Event {
	e.T.Helper()
	return e.OK(signer, e.at(m))
}

// refuse runs m at now and requires the refusal sentinel, state unchanged.
func (e *env) refuse(signer core.Address, m core.Msg, sentinel error) {
	e.T.Helper()
	e.Refuse(signer, e.at(m), sentinel)
}

// advance moves the clock by d.
func (e *env) advance(d time.Duration) { e.now = e.now.Add(d) }

// step runs the block step as the next block, at now, and returns its
// events.
func (e *env) step() []core.Event {
	e.T.Helper()
	e.Height++
	ctx := &core.Context{KV: e.KV, ChainID: "test-chain", Height: e.Height, BlockTime: e.now}
	require.NoError(e.T, step(ctx))
	return ctx.Events()
}

// actions lists the action attribute of every event, in order.
func actions(evs []core.Event) []string {
	var out []string
	for _, ev := range evs {
		for _, a := range ev.Attrs {
			if a.Key == "action" {
				out = append(out, a.Value)
			}
		}
	}
	return out
}

func (e *env) entitlement(r Ref) Entitlement { return coretest.Read(e.T, getEntitlement, e.KV, r) }

func (e *env) order(r Ref, period uint64) (Order, bool) {
	e.T.Helper()
	var o Order
	found, err := core.GetJSON(e.KV, OrderKey(r, period), &o)
	require.NoError(e.T, err)
	return o, found
}

// prefixKeys counts the keys under the module's prefix.
func (e *env) prefixKeys() int {
	e.T.Helper()
	n := 0
	for k := range e.Snapshot() {
		if k[0] == Prefix {
			n++
		}
	}
	return n
}

// cast holds the accounts of the tests: civil is a civil registrar;
// social administers the social ministry, which runs the programmes,
// other the transport ministry; treasury holds the treasury role; ann is
// an account linked to person P-ANN, bob to P-BOB.
type cast struct {
	civil, social, other, treasury, ann, bob core.Address
}

func newCast(e *env) cast {
	c := cast{
		civil: e.Account("civil", core.RoleCivilRegistrar), social: e.Account("social"), other: e.Account("other"),
		treasury: e.Account("treasury", core.RoleTreasury), ann: e.Account("ann"), bob: e.Account("bob"),
	}
	require.NoError(e.T, e.KV.Set(core.AgencyAdminKey(c.social), []byte("social")))
	require.NoError(e.T, e.KV.Set(core.AgencyAdminKey(c.other), []byte("transport")))
	e.ok(c.civil, register("P-ANN"))
	e.ok(c.civil, register("P-BOB"))
	e.ok(c.civil, identity.LinkAccount{PersonID: "P-ANN", Account: c.ann})
	e.ok(c.civil, identity.LinkAccount{PersonID: "P-BOB", Account: c.bob})
	return c
}

func register(id string) identity.RegisterPerson {
	return identity.RegisterPerson{PersonID: id, DocumentHash: coretest.HashOf("extract " + id), Commitments: commitments(id)}
}

func birth(id string, parents ...string) identity.RecordBirth {
	return identity.RecordBirth{PersonID: id, ParentIDs: parents, DocumentHash: coretest.HashOf("birth " + id), Commitments: commitments(id)}
}

func death(id string) identity.RecordDeath {
	return identity.RecordDeath{PersonID: id, DocumentHash: coretest.HashOf("death " + id)}
}

func marriage(a, b string) identity.RecordMarriage {
	return identity.RecordMarriage{PersonA: a, PersonB: b, DocumentHash: coretest.HashOf("marriage " + a + b)}
}

func commitments(id string) []identity.Commitment {
	return []identity.Commitment{{Attribute: "family_name", Commitment: coretest.HashOf("name " + id)}}
}

// programme is a programme of the social ministry: 100.00 EUR a month,
// open for a year from T0, entitlements running months (0: the
// programme's length).
func programme(id, rule string, months uint64) DefineProgramme {
	return DefineProgramme{ProgrammeID: id, Agency: "social", Rule: rule, Description: "family allowance", Amount: 10_000,
		Currency: "EUR", PeriodUnit: UnitMonth, PeriodCount: 1, StartsAt: coretest.T0,
		EndsAt: coretest.T0.AddDate(1, 0, 0), EntitlementMonths: months}
}

// ageProgramme is a programme of rule age of the social ministry paying
// 100.00 EUR a month from the age of ageMonths, open for 120 years from
// T0, entitlements running months (0: the programme's length).
func ageProgramme(id string, ageMonths, months uint64) DefineProgramme {
	p := programme(id, RuleAge, months)
	p.Description, p.AgeMonths, p.EndsAt = "youth allowance", ageMonths, coretest.T0.AddDate(120, 0, 0)
	return p
}

func ref(programme, beneficiary, subject string) Ref {
	return Ref{ProgrammeID: programme, Beneficiary: beneficiary, Subject: subject}
}

func pay(r Ref, period uint64, reference string) MarkPaid {
	return MarkPaid{ProgrammeID: r.ProgrammeID, Beneficiary: r.Beneficiary, Subject: r.Subject, Period: period, Reference: reference}
}

// boundQuery is coretest.BoundQuery on this module.
func boundQuery(t testing.TB, r state.Reader, path []string) (*core.QueryResult, error) {
	t.Helper()
	return coretest.BoundQuery(t, Module, r, path)
}

// history returns the actions of an entitlement's history, via Query.
func (e *env) history(r Ref) []string {
	return coretest.Actions(coretest.History(e.T, boundQuery, e.KV, []string{"entitlement", r.ProgrammeID, r.Beneficiary, r.Subject, "history"},
		func(seq uint64) []byte { return EntitlementHistoryKey(r, seq) }))
}

// claimHistory returns the actions of a claim's history, via Query.
func (e *env) claimHistory(programme, person string) []string {
	return coretest.Actions(coretest.History(e.T, boundQuery, e.KV, []string{"claim", programme, person, "history"},
		func(seq uint64) []byte { return ClaimHistoryKey(programme, person, seq) }))
}

// claim reads a claim.
func (e *env) claim(programme, person string) Claim {
	e.T.Helper()
	c, err := getClaim(e.KV, programme, person)
	require.NoError(e.T, err)
	return *c
}
