package abci

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
)

var update = flag.Bool("update", false, "rewrite abci/testdata/codes.txt from the code table")

// codesText renders the whole code table, one released code per line:
// code, kind, and the message of the sentinel it stands for.
func codesText() string {
	var b strings.Builder
	b.WriteString("# Released result codes (codespace govchain). Codes are hashed into block\n")
	b.WriteString("# results: a line here may be added, never changed or removed.\n")
	b.WriteString("# code\tkind\tmeaning\n")
	b.WriteString("0\t-\tsuccess\n")
	b.WriteString("1\t-\tinternal error\n")
	codes := Codes()
	slices.SortFunc(codes, func(a, b CodeInfo) int { return cmp.Compare(a.Code, b.Code) })
	for _, c := range codes {
		fmt.Fprintf(&b, "%d\t%s\t%s\n", c.Code, kindOf(c.Err), c.Meaning)
	}
	return b.String()
}

func kindOf(err error) string {
	for _, k := range []error{core.ErrInvalid, core.ErrNotFound, core.ErrUnauthorized, core.ErrConflict} {
		if errors.Is(err, k) {
			return k.Error()
		}
	}
	return "?"
}

// TestCodesGolden compares the whole code table with the released one in
// testdata/codes.txt: every released line must still be there, unchanged,
// and a new code fails the test until it is added with -update (go test
// ./abci -run CodesGolden -update), which refuses to drop or change a
// released line.
func TestCodesGolden(t *testing.T) {
	golden := filepath.Join("testdata", "codes.txt")
	got := codesText()
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "testdata/codes.txt holds the released codes")
	have := map[string]bool{}
	for _, line := range strings.Split(got, "\n") {
		have[line] = true
	}
	for _, line := range strings.Split(string(want), "\n") {
		require.True(t, have[line], "released code line %q changed or vanished: a released code never moves or changes meaning", line)
	}
	if *update {
		require.NoError(t, os.WriteFile(golden, []byte(got), 0o644))
		return
	}
	if string(want) != got {
		var added []string
		old := map[string]bool{}
		for _, line := range strings.Split(string(want), "\n") {
			old[line] = true
		}
		for _, line := range strings.Split(got, "\n") {
			if !old[line] {
				added = append(added, line)
			}
		}
		t.Fatalf("codes not in testdata/codes.txt: %q; add them with go test ./abci -run CodesGolden -update", added)
	}
}
