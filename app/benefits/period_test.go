package benefits

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 9, 30, 0, 0, time.UTC) }

// TestPeriodStart checks the period arithmetic: months from the anchor,
// a day the month lacks clamped to its last day, days as 24 hours, and no
// drift after a short month.
func TestPeriodStart(t *testing.T) {
	for _, c := range []struct {
		anchor time.Time
		unit   string
		count  uint64
		k      uint64
		want   time.Time
	}{
		{date(2026, 1, 15), UnitMonth, 1, 0, date(2026, 1, 15)},
		{date(2026, 1, 15), UnitMonth, 1, 1, date(2026, 2, 15)},
		{date(2026, 1, 31), UnitMonth, 1, 1, date(2026, 2, 28)},
		{date(2026, 1, 31), UnitMonth, 1, 2, date(2026, 3, 31)},
		{date(2028, 1, 31), UnitMonth, 1, 1, date(2028, 2, 29)},
		{date(2026, 1, 31), UnitMonth, 3, 1, date(2026, 4, 30)},
		{date(2026, 11, 30), UnitMonth, 1, 3, date(2027, 2, 28)},
		{date(2026, 1, 31), UnitMonth, 12, 10, date(2036, 1, 31)},
		{date(2026, 1, 15), UnitDay, 7, 2, date(2026, 1, 29)},
		{date(2026, 12, 30), UnitDay, 1, 3, date(2027, 1, 2)},
	} {
		require.Equal(t, c.want, periodStart(c.anchor, c.unit, c.count, c.k), "%s + %d x %d %s", c.anchor, c.k, c.count, c.unit)
	}
}

// TestAgeReached checks the age arithmetic of rule "age": calendar months
// from the birth, keeping the time of day; a birth on 29 February or a
// 31st reaches the age on the last day of a shorter month.
func TestAgeReached(t *testing.T) {
	for _, c := range []struct {
		birth  time.Time
		months uint64
		want   time.Time
	}{
		{date(2026, 5, 17), 16 * 12, date(2042, 5, 17)},
		{date(2026, 5, 17), 65*12 + 3, date(2091, 8, 17)},
		{date(2028, 2, 29), 12, date(2029, 2, 28)},
		{date(2028, 2, 29), 48, date(2032, 2, 29)},
		{date(2026, 3, 31), 11, date(2027, 2, 28)},
		{date(2026, 1, 31), 1, date(2026, 2, 28)},
		{date(2026, 12, 31), MaxAgeMonths, date(2126, 12, 31)},
	} {
		require.Equal(t, c.want, AgeReached(c.birth, c.months), "%s + %d months", c.birth, c.months)
	}
}
