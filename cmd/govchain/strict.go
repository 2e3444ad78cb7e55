package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// suggestDistance is how many edits apart a mistyped command or flag name
// may be from a real one to be suggested.
const suggestDistance = 2

// strict makes every command of the tree under cmd refuse what it does not
// know. cobra prints a group's help and exits 0 when a group (a command
// with subcommands and nothing to run, such as "tx land") is given an
// unknown word; here such a group fails instead: with an unknown word it
// names it and suggests the nearest commands, with none it lists its
// commands. Either way nothing was done, so the exit status is 1.
func strict(cmd *cobra.Command) {
	cmd.SuggestionsMinimumDistance = suggestDistance
	if cmd.HasSubCommands() && cmd.Run == nil && cmd.RunE == nil {
		cmd.Args = cobra.ArbitraryArgs
		cmd.RunE = func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return unknownCommand(cmd, args[0])
			}
			return needsCommand(cmd)
		}
	}
	for _, sub := range cmd.Commands() {
		strict(sub)
	}
}

// unknownCommand is the error for a word that is not one of cmd's
// commands, with the nearest ones as suggestions.
func unknownCommand(cmd *cobra.Command, word string) error {
	msg := fmt.Sprintf("unknown command %q for %q", word, cmd.CommandPath())
	if s := cmd.SuggestionsFor(word); len(s) > 0 {
		msg += "; did you mean " + strings.Join(s, " or ") + "?"
	}
	return fmt.Errorf("%s (see %s --help)", msg, cmd.CommandPath())
}

// needsCommand is the error for a group given no command.
func needsCommand(cmd *cobra.Command) error {
	var names []string
	for _, sub := range cmd.Commands() {
		if sub.IsAvailableCommand() {
			names = append(names, sub.Name())
		}
	}
	return fmt.Errorf("%s needs a command: %s (see %s --help)", cmd.CommandPath(), strings.Join(names, ", "), cmd.CommandPath())
}

// flagError is the root's flag error function. A group given an unknown
// flag after an unknown word reports the word: "tx land register-parcl
// --parcel-id P" mistyped the command, not the flag. An unknown flag is
// named with the nearest flags of the command as suggestions.
func flagError(cmd *cobra.Command, err error) error {
	if cmd.HasSubCommands() {
		if args := cmd.Flags().Args(); len(args) > 0 {
			return unknownCommand(cmd, args[0])
		}
	}
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "unknown flag: --"); ok {
		if s := suggestFlags(cmd, name); len(s) > 0 {
			msg += "; did you mean --" + strings.Join(s, " or --") + "?"
		}
	}
	return fmt.Errorf("%s (see %s --help)", msg, cmd.CommandPath())
}

// suggestFlags returns the names of cmd's flags (its own and inherited)
// within suggestDistance edits of name, or that name begins.
func suggestFlags(cmd *cobra.Command, name string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(n string) {
		if !seen[n] && n != "help" && (editDistance(name, n) <= suggestDistance || strings.HasPrefix(n, name)) {
			seen[n] = true
			out = append(out, n)
		}
	}
	cmd.Flags().VisitAll(func(f *pflag.Flag) { add(f.Name) })
	cmd.InheritedFlags().VisitAll(func(f *pflag.Flag) { add(f.Name) })
	return out
}

// editDistance is the Levenshtein distance of a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// helpCmd replaces cobra's help command, which prints the root's help and
// exits 0 for a topic it does not know.
func helpCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "Help about any command",
		Args:  cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			target, rest, err := cmd.Root().Find(args)
			if err != nil {
				return err
			}
			if len(rest) > 0 {
				return unknownCommand(target, rest[0])
			}
			if target == nil {
				return errors.New("no such command")
			}
			return target.Help()
		},
	}
}
