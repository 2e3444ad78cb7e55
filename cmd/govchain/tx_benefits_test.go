package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/app/benefits"
)

// TestBenefitsTxFlags builds benefits messages offline: a programme's
// window from --starts-at (its end defaulting to 20 years later), an age
// programme's age from --age-years and --age-months, a decision that must
// be --approve or --refuse, and bad times and ages refused in one line
// before anything is signed.
func TestBenefitsTxFlags(t *testing.T) {
	home := filepath.Join(t.TempDir(), "dev")
	_, errOut, code := govchain(t, "init", "--dev", "--home", home, "--chain-id", "govchain-dev")
	require.Equal(t, 0, code, errOut)
	offline := []string{"--home", home, "--sequence", "0", "--generate-only"}

	out, errOut, code := govchain(t, append([]string{"tx", "benefits", "define-programme", "--from", "admin-finance",
		"--programme-id", "FAMILY", "--agency", "finance", "--rule", "birth", "--description", "family allowance",
		"--amount", "15000", "--starts-at", "2027-01-01T00:00:00Z", "--entitlement-months", "216"}, offline...)...)
	require.Equal(t, 0, code, errOut)
	d, err := app.Decode([]byte(strings.TrimSpace(out)), app.DefaultMaxTxBytes)
	require.NoError(t, err)
	start := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	require.Equal(t, &benefits.DefineProgramme{ProgrammeID: "FAMILY", Agency: "finance", Rule: benefits.RuleBirth,
		Description: "family allowance", Amount: 15000, Currency: "EUR", PeriodUnit: benefits.UnitMonth, PeriodCount: 1,
		StartsAt: start, EndsAt: start.AddDate(programmeLength, 0, 0), EntitlementMonths: 216}, d.Msg)

	out, errOut, code = govchain(t, append([]string{"tx", "benefits", "define-programme", "--from", "admin-finance",
		"--programme-id", "YOUTH", "--agency", "finance", "--rule", "age", "--description", "youth allowance", "--amount", "10000",
		"--starts-at", "2027-01-01T00:00:00Z", "--ends-at", "2100-01-01T00:00:00Z", "--age-years", "16", "--age-months", "6",
		"--entitlement-months", "18"}, offline...)...)
	require.Equal(t, 0, code, errOut)
	d, err = app.Decode([]byte(strings.TrimSpace(out)), app.DefaultMaxTxBytes)
	require.NoError(t, err)
	require.Equal(t, &benefits.DefineProgramme{ProgrammeID: "YOUTH", Agency: "finance", Rule: benefits.RuleAge,
		Description: "youth allowance", Amount: 10000, Currency: "EUR", PeriodUnit: benefits.UnitMonth, PeriodCount: 1,
		StartsAt: start, EndsAt: time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC), EntitlementMonths: 18, AgeMonths: 16*12 + 6}, d.Msg)

	out, errOut, code = govchain(t, append([]string{"tx", "benefits", "decide-claim", "--from", "admin-finance",
		"--programme-id", "CARE", "--person-id", "P-1", "--refuse", "--reason", "no certificate"}, offline...)...)
	require.Equal(t, 0, code, errOut)
	d, err = app.Decode([]byte(strings.TrimSpace(out)), app.DefaultMaxTxBytes)
	require.NoError(t, err)
	require.Equal(t, &benefits.DecideClaim{ProgrammeID: "CARE", PersonID: "P-1", Reason: "no certificate"}, d.Msg)

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"decide-claim", "--from", "admin-finance", "--programme-id", "CARE", "--person-id", "P-1", "--reason", "x"},
			"give --approve or --refuse"},
		{[]string{"decide-claim", "--from", "admin-finance", "--programme-id", "CARE", "--person-id", "P-1", "--approve", "--refuse", "--reason", "x"},
			"give --approve or --refuse"},
		{[]string{"define-programme", "--from", "admin-finance", "--programme-id", "F", "--agency", "finance", "--rule", "birth",
			"--description", "x", "--amount", "1", "--starts-at", "tomorrow"}, `--starts-at: parsing time "tomorrow"`},
		{[]string{"define-programme", "--from", "admin-finance", "--programme-id", "F", "--agency", "finance", "--rule", "birth",
			"--description", "x", "--amount", "1", "--ends-at", "2030-01-01"}, `--ends-at: parsing time "2030-01-01"`},
		{[]string{"claim", "--from", "alice", "--programme-id", "CARE", "--person-id", "P-1"}, "--file-hash HEX or --file FILE is required"},
		{[]string{"define-programme", "--from", "admin-finance", "--programme-id", "F", "--agency", "finance", "--rule", "age",
			"--description", "x", "--amount", "1"}, "age_months must be 1-1200 for rule \"age\", got 0"},
		{[]string{"define-programme", "--from", "admin-finance", "--programme-id", "F", "--agency", "finance", "--rule", "birth",
			"--description", "x", "--amount", "1", "--age-years", "16"}, "age_months is only for rule \"age\""},
		{[]string{"define-programme", "--from", "admin-finance", "--programme-id", "F", "--agency", "finance", "--rule", "age",
			"--description", "x", "--amount", "1", "--age-years", "1000"}, "--age-years and --age-months give an age of at most 1200 months in all"},
		{[]string{"define-programme", "--from", "admin-finance", "--programme-id", "F", "--agency", "finance", "--rule", "age",
			"--description", "x", "--amount", "1", "--age-years", "100", "--age-months", "1"}, "age_months must be 1-1200"},
	} {
		_, errOut, code := govchain(t, append(append([]string{"tx", "benefits"}, tc.args...), offline...)...)
		require.Equal(t, 1, code, "%v", tc.args)
		require.Equal(t, 1, strings.Count(errOut, "\n"), errOut)
		require.Contains(t, errOut, tc.want)
	}
}
