package store

import (
	"errors"
	"fmt"

	"github.com/govchain/govchain/state"
)

// importCheck checks that exported nodes form one post-order tree before
// the engine sees them: a leaf has height 0, a branch closes the two
// subtrees on top of the stack, both lower than itself, and no node is newer
// than the imported version.
type importCheck struct {
	version int64
	heights []int8
}

func (c *importCheck) add(n *state.ExportNode) error {
	switch {
	case n == nil:
		return errors.New("store: import: nil node")
	case n.Version < 1 || n.Version > c.version:
		return fmt.Errorf("store: import: node version %d outside [1, %d]", n.Version, c.version)
	case n.Height < 0:
		return fmt.Errorf("store: import: negative node height %d", n.Height)
	case n.Height == 0:
		if n.Value == nil {
			return errors.New("store: import: leaf without value")
		}
		c.heights = append(c.heights, 0)
		return nil
	}
	k := len(c.heights)
	if k < 2 || c.heights[k-1] >= n.Height || c.heights[k-2] >= n.Height {
		return fmt.Errorf("store: import: branch of height %d does not close two lower subtrees", n.Height)
	}
	c.heights = append(c.heights[:k-2], n.Height)
	return nil
}

func (c *importCheck) done() error {
	if len(c.heights) > 1 {
		return fmt.Errorf("store: import: %d subtrees left unjoined", len(c.heights))
	}
	return nil
}
