package docs

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// A page may show a file of the repository, or what a command prints at
// the repository's root, whole. A line
//
//	<!-- file: PATH -->
//
// is followed by a fenced block that holds the file PATH (relative to the
// root), and a line
//
//	<!-- output: COMMAND -->
//
// by the lines COMMAND prints, up to the next empty line (or by a fenced
// block that holds them). The result-code table of client.md is one:
// `go run ./scripts/codes` prints it from the table the node uses.
var shownMarker = regexp.MustCompile(`^<!-- (file|output): (.+) -->$`)

// A shownBlock is one such block of a page.
type shownBlock struct {
	line      int    // of the marker, 1-based
	kind, arg string // "file" and its path, or "output" and its command
	from, n   int    // the block's lines: 0-based index of the first, and how many
}

// shownBlocks returns a page's lines and the blocks its markers announce.
func shownBlocks(t *testing.T, page string) ([]string, []shownBlock) {
	t.Helper()
	b, err := os.ReadFile(page)
	require.NoError(t, err)
	lines := strings.Split(string(b), "\n")
	var blocks []shownBlock
	for i, l := range lines {
		m := shownMarker.FindStringSubmatch(strings.TrimSpace(l))
		if m == nil {
			continue
		}
		j := i + 1
		require.Less(t, j, len(lines), "%s:%d: nothing follows the marker", page, i+1)
		blk := shownBlock{line: i + 1, kind: m[1], arg: m[2]}
		if strings.HasPrefix(strings.TrimSpace(lines[j]), "```") {
			k := j + 1
			for k < len(lines) && strings.TrimSpace(lines[k]) != "```" {
				k++
			}
			require.Less(t, k, len(lines), "%s:%d: the fenced block after the marker is not closed", page, i+1)
			blk.from, blk.n = j+1, k-(j+1)
		} else {
			k := j
			for k < len(lines) && strings.TrimSpace(lines[k]) != "" {
				k++
			}
			blk.from, blk.n = j, k-j
		}
		blocks = append(blocks, blk)
	}
	return lines, blocks
}

// source returns the lines the block must hold: the file's, or the
// command's output run at the repository's root.
func (b shownBlock) source(t *testing.T, page string) []string {
	t.Helper()
	var text []byte
	var err error
	switch b.kind {
	case "file":
		text, err = os.ReadFile(filepath.Join("..", filepath.FromSlash(b.arg)))
		require.NoError(t, err, "%s:%d: the file the page shows", page, b.line)
	case "output":
		cmd := exec.Command("bash", "-c", b.arg)
		cmd.Dir = ".."
		text, err = cmd.CombinedOutput()
		require.NoError(t, err, "%s:%d: %s\n%s", page, b.line, b.arg, text)
	}
	return strings.Split(strings.TrimRight(string(text), "\n"), "\n")
}

// TestShownFilesAndOutputs requires every file or command output a page
// shows whole to be exactly the file as it is, or what the command prints
// now; with -update it rewrites the blocks that differ.
func TestShownFilesAndOutputs(t *testing.T) {
	for _, page := range pages(t) {
		lines, blocks := shownBlocks(t, page)
		if len(blocks) == 0 {
			continue
		}
		changed := false
		for i := len(blocks) - 1; i >= 0; i-- {
			b := blocks[i]
			want := b.source(t, page)
			got := lines[b.from : b.from+b.n]
			if *update {
				if strings.Join(got, "\n") != strings.Join(want, "\n") {
					lines = append(lines[:b.from], append(append([]string(nil), want...), lines[b.from+b.n:]...)...)
					changed = true
				}
				continue
			}
			require.Equal(t, strings.Join(want, "\n"), strings.Join(got, "\n"),
				"%s:%d: the page does not show the %s %q as it is (go test ./docs -run TestShownFilesAndOutputs -update)", page, b.line, b.kind, b.arg)
		}
		if changed {
			require.NoError(t, os.WriteFile(page, []byte(strings.Join(lines, "\n")), 0o644))
		}
	}
}
