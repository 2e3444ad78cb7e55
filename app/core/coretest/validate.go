package coretest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
)

// ValidateCase is a mutation of a valid message that the message's
// Validate must refuse. A module's tests declare their own case type on
// it (type validateCase coretest.ValidateCase) to write the tables
// unkeyed: {"zero id", mutate}.
type ValidateCase struct {
	Name   string
	Mutate func(core.Msg) core.Msg
}

// CheckValidate requires base to pass Validate and every case's mutation
// of it to be refused, in a subtest named after the case, with sentinel:
// an error of kind core.ErrInvalid whose message starts with the name of
// module m ("land: ...").
func CheckValidate[C ~struct {
	Name   string
	Mutate func(core.Msg) core.Msg
}](t *testing.T, m *core.Module, sentinel error, base core.Msg, cases []C) {
	t.Helper()
	require.NoError(t, base.Validate(), "base %s", base.Type())
	for _, c := range cases {
		tc := ValidateCase(c)
		t.Run(tc.Name, func(t *testing.T) {
			err := tc.Mutate(base).Validate()
			require.ErrorIs(t, err, sentinel)
			require.ErrorIs(t, err, core.ErrInvalid)
			require.True(t, strings.HasPrefix(err.Error(), m.Name+": "), err.Error())
		})
	}
}

// Validator returns CheckValidate bound to module m and sentinel: a
// module's checkValidate.
func Validator[C ~struct {
	Name   string
	Mutate func(core.Msg) core.Msg
}](m *core.Module, sentinel error) func(t *testing.T, base core.Msg, cases []C) {
	return func(t *testing.T, base core.Msg, cases []C) {
		t.Helper()
		CheckValidate(t, m, sentinel, base, cases)
	}
}

// Mutate adapts fn, a change to a message of type M, to a case's
// mutation: it changes a copy of the message it is given.
func Mutate[M core.Msg](fn func(m *M)) func(core.Msg) core.Msg {
	return func(m core.Msg) core.Msg {
		c := m.(M)
		fn(&c)
		return c
	}
}
