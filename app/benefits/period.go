package benefits

import "time"

// periodStart is the start of period k (from 0) of periods of count units
// from anchor. Each start is computed from the anchor, not from the
// previous period, so no rounding accumulates.
func periodStart(anchor time.Time, unit string, count, k uint64) time.Time {
	if unit == UnitMonth {
		return addMonths(anchor, int(count*k))
	}
	return anchor.Add(time.Duration(count*k) * 24 * time.Hour)
}

// AgeReached is the moment a person born at birth is months calendar
// months old (rule "age"): the same day and time of day, months months
// later in UTC; a birth on a day the target month lacks (29 February, or
// the 31st) reaches the age on that month's last day.
func AgeReached(birth time.Time, months uint64) time.Time { return addMonths(birth, int(months)) }

// addMonths adds n calendar months to t in UTC, keeping the time of day;
// a day the target month lacks becomes its last day.
func addMonths(t time.Time, n int) time.Time {
	t = t.UTC()
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(n), 1, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(d, last)-1)
}
