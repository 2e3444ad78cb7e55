package migration

import (
	"encoding/hex"
	"strings"

	"github.com/govchain/govchain/app/core"
)

// resolve parses a migration query path (without the leading
// "migration"). The one path:
//
//	checkpoint/{root}   the dump's Checkpoint; {root} is 64 lower-case hex
//	                    digits. A dump none of whose batches was imported
//	                    is a *core.NotFound (ErrCheckpointNotFound) whose
//	                    key proves its absence.
func resolve(path []string) ([]byte, core.Answer, error) {
	if len(path) == 2 && path[0] == "checkpoint" {
		root, err := hex.DecodeString(path[1])
		if err != nil || len(root) != 32 || strings.ToLower(path[1]) != path[1] {
			return nil, nil, core.Wrapf(ErrUnknownQuery, "root %q must be 64 lower-case hex digits", path[1])
		}
		return CheckpointKey(root), core.Single(core.Wrapf(ErrCheckpointNotFound, "%s", path[1])), nil
	}
	return nil, nil, core.Wrapf(ErrUnknownQuery, "%q", strings.Join(path, "/"))
}
