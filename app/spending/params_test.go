package spending

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
)

// TestParamsGenesis: the default section stores nothing (the app hash of a
// chain on the defaults does not move); another finance agency is stored
// and read back; an invalid id is refused at genesis.
func TestParamsGenesis(t *testing.T) {
	e := newEnv(t)
	section, err := Module.Genesis.Check(nil)
	require.NoError(t, err)
	require.NoError(t, Module.Genesis.Init(e.KV, section))
	v, err := e.KV.Get(ParamsKey())
	require.NoError(t, err)
	require.Nil(t, v, "the default parameters must not be stored")
	p, err := GetParams(e.KV)
	require.NoError(t, err)
	require.Equal(t, DefaultFinanceAgency, p.FinanceAgency)

	section, err = Module.Genesis.Check(json.RawMessage(`{"finance_agency":"min-fin"}`))
	require.NoError(t, err)
	require.NoError(t, Module.Genesis.Init(e.KV, section))
	p, err = GetParams(e.KV)
	require.NoError(t, err)
	require.Equal(t, "min-fin", p.FinanceAgency)

	for _, raw := range []string{`{"finance_agency":"min fin"}`, `{"finance_agency":"x","other":1}`} {
		s, err := Module.Genesis.Check(json.RawMessage(raw))
		if err == nil {
			err = Module.Genesis.Init(newEnv(t).KV, s)
		}
		require.Error(t, err, raw)
	}
	s, err := Module.Genesis.Check(json.RawMessage(`{"finance_agency":""}`))
	require.NoError(t, err, "an empty section stands for the defaults")
	require.Equal(t, DefaultParams(), s)
}

// TestFinanceAgencyFromGenesis: when the genesis names another finance
// ministry, its admins approve budget lines and the admins of an agency
// called "finance" are refused.
func TestFinanceAgencyFromGenesis(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	treasury := e.Account("treasury-admin")
	e.agency("min-fin", treasury)
	require.NoError(t, core.SetJSON(e.KV, ParamsKey(), Params{FinanceAgency: "min-fin"}))

	_, err := e.Run(c.fin, approve("L-1", "interior", 1000))
	require.ErrorIs(t, err, ErrNotFinanceMinistry)
	_, err = e.Run(treasury, approve("L-1", "interior", 1000))
	require.NoError(t, err)
	require.Equal(t, int64(1000), e.line("L-1").Allocated)
}
