#!/usr/bin/env bash
# Runs every Go fuzz target in the repository, one after the other, and
# prints for each the executions it ran and the time it took. Targets are
# found by name, so a new Fuzz function is picked up without editing this
# script.
#
# Short runs (FUZZTIME unset, as in make test) are bounded by a count of
# executions, never by a clock: each target runs FUZZ_EXECS executions
# (default 10000), or the count the budget table below gives it. A count
# runs the same work on a fast or a loaded machine and does not meet the
# deadline race of Go 1.26's fuzz coordinator (golang/go#75804): a
# duration that expires while a worker is busy fails a good target with
# "context deadline exceeded". Minimising an input that found new
# coverage is capped at FUZZMINIMIZETIME (default 200x) so that the
# budget goes to new inputs; a failing input is written to testdata/fuzz
# either way.
#
# FUZZTIME=Nx runs every target N times; FUZZTIME=DURATION (make fuzz)
# runs each for that long, with Go's default minimisation unless
# FUZZMINIMIZETIME is set. A duration-bounded run that fails with
# "context deadline exceeded" alone, having written no reproducer under
# testdata/fuzz, is that race and counts as a pass; it is reported as such.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
FUZZTIME=${FUZZTIME:-}
FUZZ_EXECS=${FUZZ_EXECS:-10000}

# Budget table for short runs: package/target=executions. The cheaper
# targets get more than the default; on 2 shared cores, while they still
# find new coverage, app's and state's run about 2,000 inputs a second,
# snapshot's 3,000, verify's 1,700 and client's 800: the short phase takes
# about a minute of fuzzing, plus the builds.
budgets="
app/FuzzDecode=20000
snapshot/FuzzDecode=20000
state/FuzzVerify=20000
"

# budget prints the short-run execution count of pkg/name.
budget() {
	local n
	n=$(sed -n "s|^$1=||p" <<<"$budgets")
	echo "${n:-$FUZZ_EXECS}"
}

mode=count
if [ -n "$FUZZTIME" ] && [[ ! "$FUZZTIME" =~ ^[0-9]+x$ ]]; then
	mode=duration
	minimize=${FUZZMINIMIZETIME:-}
else
	minimize=${FUZZMINIMIZETIME:-200x}
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
found=0
failed=0
summary=""
while IFS=: read -r file _ line; do
	name=$(sed -E 's/^func (Fuzz[A-Za-z0-9_]*)\(.*/\1/' <<<"$line")
	pkg=$(dirname "${file#./}")
	limit=$FUZZTIME
	if [ -z "$limit" ]; then
		limit="$(budget "$pkg/$name")x"
	fi
	args=(-run '^$' -fuzz "^${name}\$" -fuzztime "$limit")
	if [ -n "$minimize" ]; then
		args+=(-fuzzminimizetime "$minimize")
	fi
	corpus="$pkg/testdata/fuzz/$name"
	before=$(ls "$corpus" 2>/dev/null | sort || true)
	echo "fuzz: $pkg $name for $limit"
	start=$SECONDS
	status=0
	"$GO" test "${args[@]}" "./$pkg" 2>&1 | tee "$log" || status=$?
	took=$((SECONDS - start))
	execs=$(sed -nE 's/^fuzz: elapsed: .*execs: ([0-9]+) .*/\1/p' "$log" | tail -n 1)
	fuzzed=$(sed -nE 's/^fuzz: elapsed: ([0-9]+[a-z0-9.]*), execs: .*/\1/p' "$log" | tail -n 1)
	after=$(ls "$corpus" 2>/dev/null | sort || true)
	result=pass
	if [ "$status" -ne 0 ]; then
		result=FAIL
		# The deadline race: the only failure reported is the expired
		# context, no failing input was written, and the run was bounded by
		# a duration (a count has no deadline to race).
		if [ "$mode" = duration ] && [ "$before" = "$after" ] &&
			grep -qE '^[[:space:]]+context deadline exceeded$' "$log" &&
			! grep -qE 'Failing input written|panic:|fuzzing process|^[[:space:]]+[A-Za-z0-9_]+\.go:[0-9]+:' "$log"; then
			result="pass (the run ended on \"context deadline exceeded\" with no reproducer written: golang/go#75804, not a finding)"
		else
			failed=$((failed + 1))
		fi
	fi
	line="$pkg $name: ${execs:-0} execs in ${fuzzed:-0} of fuzzing, ${took}s with the build: $result"
	echo "fuzz: $line"
	summary+="  $line"$'\n'
	found=$((found + 1))
done < <(grep -rn --include='*_test.go' -E '^func Fuzz[A-Za-z0-9_]*\(' . | grep -v '^./.git/' | sort)
echo "fuzz: ran $found target(s), $failed failed:"
printf '%s' "$summary"
[ "$failed" -eq 0 ]
