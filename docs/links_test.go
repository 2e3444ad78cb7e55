package docs

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// mdLink matches a Markdown link's target: [text](target).
var mdLink = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// anchors returns the GitHub-style anchors of a page's headings: lower
// case, punctuation dropped, spaces as hyphens.
func anchors(t *testing.T, page string) map[string]bool {
	t.Helper()
	b, err := os.ReadFile(page)
	require.NoError(t, err)
	out := map[string]bool{}
	inFence := false
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			inFence = !inFence
			continue
		}
		if inFence || !strings.HasPrefix(line, "#") {
			continue
		}
		title := strings.ToLower(strings.TrimSpace(strings.TrimLeft(line, "#")))
		var a strings.Builder
		for _, r := range title {
			switch {
			case r == ' ':
				a.WriteRune('-')
			case r == '-' || r == '_' || ('a' <= r && r <= 'z') || ('0' <= r && r <= '9'):
				a.WriteRune(r)
			}
		}
		out[a.String()] = true
	}
	return out
}

// TestLinks requires every relative link of the README and the pages to
// name a file of the repository and, with #anchor, a heading of that
// page, and the README to link every page of docs/.
func TestLinks(t *testing.T) {
	for _, page := range pages(t) {
		b, err := os.ReadFile(page)
		require.NoError(t, err)
		for _, m := range mdLink.FindAllStringSubmatch(string(b), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			file, anchor, _ := strings.Cut(target, "#")
			path := page
			if file != "" {
				path = filepath.Join(filepath.Dir(page), filepath.FromSlash(file))
			}
			_, err := os.Stat(path)
			require.NoError(t, err, "%s: the link %q names no file", page, target)
			if anchor != "" {
				require.True(t, anchors(t, path)[anchor], "%s: the link %q names no heading of %s", page, target, path)
			}
		}
	}
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	require.NoError(t, err)
	list, err := filepath.Glob("*.md")
	require.NoError(t, err)
	for _, p := range list {
		require.Contains(t, string(readme), "](docs/"+p+")", "README.md does not link docs/%s", p)
	}
}
