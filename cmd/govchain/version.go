package main

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// Build information, set by the Makefile with
// -ldflags "-X main.buildVersion=... -X main.buildCommit=... -X main.buildCometBFT=...".
// These are the package's only variables: the linker can set nothing else.
// Use buildInfo to read them.
var (
	buildVersion  string
	buildCommit   string
	buildCometBFT string
)

// BuildInfo describes the binary.
type BuildInfo struct {
	Version  string `json:"version"`
	Commit   string `json:"commit"`
	CometBFT string `json:"cometbft"`
}

// buildInfo returns the linker-set values, completed from the module build
// information for a binary built without the Makefile (go build, go run).
func buildInfo() BuildInfo {
	b := BuildInfo{Version: buildVersion, Commit: buildCommit, CometBFT: buildCometBFT}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if b.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			b.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && b.Commit == "" {
				b.Commit = s.Value
			}
		}
		for _, d := range bi.Deps {
			if d.Path == "github.com/cometbft/cometbft" && b.CometBFT == "" {
				b.CometBFT = d.Version
				if d.Replace != nil {
					b.CometBFT = d.Replace.Version
				}
			}
		}
	}
	if b.Version == "" {
		b.Version = "dev"
	}
	if b.Commit == "" {
		b.Commit = "unknown"
	}
	if b.CometBFT == "" {
		b.CometBFT = "unknown"
	}
	return b
}

func (c *cli) versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the govchain version, git commit and CometBFT version",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			b := buildInfo()
			if c.jsonOutput() {
				return c.printJSON(b)
			}
			fmt.Fprintf(c.out, "govchain %s\ncommit   %s\ncometbft %s\n", b.Version, b.Commit, b.CometBFT)
			return nil
		},
	}
}
