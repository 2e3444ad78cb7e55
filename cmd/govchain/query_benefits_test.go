package main

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/benefits"
)

// TestWhyAgeChecksStart: why accepts an age entitlement only if it starts
// when a child born at its cited birth reaches its age, and says so; a
// start that does not follow from the birth, or no birth cited, is an
// error.
func TestWhyAgeChecksStart(t *testing.T) {
	born := time.Date(2028, 2, 29, 9, 30, 0, 0, time.UTC)
	e := benefits.Entitlement{Rule: benefits.RuleAge, AgeMonths: 65*12 + 6, StartsAt: time.Date(2093, 8, 29, 9, 30, 0, 0, time.UTC),
		Facts: []benefits.Fact{{Kind: benefits.FactBirth, Path: "identity/person/C-1/history", Action: "birth", Time: born}}}
	var out bytes.Buffer
	c := newCLI(&out, &out)
	require.NoError(t, c.checkAge(&e))
	require.Equal(t, "starts at age 786 months (65 years and 6 months): born at 2028-02-29T09:30:00Z, "+
		"that age is reached at 2093-08-29T09:30:00Z\n", out.String())

	late := e
	late.StartsAt = e.StartsAt.Add(time.Second)
	require.ErrorContains(t, c.checkAge(&late), "entitlement starts at 2093-08-29T09:30:01Z, not at age 786 months of the birth at 2028-02-29T09:30:00Z")
	none := e
	none.Facts = nil
	require.EqualError(t, c.checkAge(&none), "age entitlement cites no birth record")
}
