package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/spf13/viper"

	"github.com/govchain/govchain/client"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes the command line args and returns the exit status. Errors
// are printed as one line on stderr.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c := newCLI(stdout, stderr)
	root := c.rootCmd()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	if err := root.ExecuteContext(ctx); err != nil {
		fmt.Fprintln(stderr, "error: "+oneLine(explain(err)))
		return 1
	}
	return 0
}

// explain adds what a person can do about the errors they can act on.
func explain(err error) string {
	var kerr *client.KeyNotFoundError
	if errors.As(err, &kerr) {
		return err.Error() + " (see govchain keys list)"
	}
	return err.Error()
}

func oneLine(s string) string {
	s = strings.TrimSpace(s)
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}

// cli carries what every command needs: its output streams and the viper
// instance that merges flags and GOVCHAIN_* environment variables.
type cli struct {
	out    io.Writer
	errOut io.Writer
	v      *viper.Viper
}

func newCLI(stdout, stderr io.Writer) *cli {
	v := viper.New()
	v.SetEnvPrefix("GOVCHAIN")
	v.SetEnvKeyReplacer(strings.NewReplacer("-", "_"))
	v.AutomaticEnv()
	return &cli{out: stdout, errOut: stderr, v: v}
}

func (c *cli) rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "govchain",
		Short:         "govchain: a permissioned ledger for public registries",
		SilenceErrors: true,
		SilenceUsage:  true,
		// Flags are merged with the environment before any command runs.
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			return c.v.BindPFlags(cmd.Flags())
		},
	}
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return fmt.Errorf("%v (see %s --help)", err, cmd.CommandPath())
	})
	root.AddCommand(
		c.versionCmd(),
		c.initCmd(),
		c.startCmd(),
		c.keysCmd(),
		c.txCmd(),
		c.queryCmd(),
		c.certificateCmd(),
		c.testnetCmd(),
	)
	return root
}
