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
