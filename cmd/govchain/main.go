package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/spf13/viper"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes the command line args and returns the exit status: 0, or
// 1 for any error, which is printed on stderr as one line (see
// printError).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c := newCLI(stdout, stderr)
	root := c.rootCmd()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	if cmd, err := root.ExecuteContextC(ctx); err != nil {
		c.printError(c.errorsAsJSON(cmd, args), err)
		return 1
	}
	return 0
}

// cli carries what every command needs: its output streams, the viper
// instance that merges flags and GOVCHAIN_* environment variables, and the
// value of the root's --output flag.
type cli struct {
	out    io.Writer
	errOut io.Writer
	v      *viper.Viper
	output *outputValue
}

func newCLI(stdout, stderr io.Writer) *cli {
	v := viper.New()
	v.SetEnvPrefix("GOVCHAIN")
	v.SetEnvKeyReplacer(strings.NewReplacer("-", "_"))
	v.AutomaticEnv()
	o := outputValue(outputText)
	return &cli{out: stdout, errOut: stderr, v: v, output: &o}
}

func (c *cli) rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "govchain",
		Short:         "govchain: a permissioned ledger for public registries",
		Long:          rootLong,
		SilenceErrors: true,
		SilenceUsage:  true,
		// Flags are merged with the environment before any command runs.
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if err := c.v.BindPFlags(cmd.Flags()); err != nil {
				return err
			}
			return c.checkOutput(cmd)
		},
	}
	root.CompletionOptions.DisableDefaultCmd = true
	root.PersistentFlags().VarP(c.output, flagOutput, "o", "output format of results and errors: text or json (env GOVCHAIN_OUTPUT)")
	root.SetFlagErrorFunc(flagError)
	root.SetHelpCommand(helpCmd())
	root.AddCommand(
		c.versionCmd(),
		c.initCmd(),
		c.startCmd(),
		c.keysCmd(),
		c.txCmd(),
		c.queryCmd(),
		c.certificateCmd(),
		c.testnetCmd(),
		c.datasvcCmd(),
		c.webCmd(),
		c.signerCmd(),
		c.backupCmd(),
		c.restoreCmd(),
		c.importCmd(),
	)
	strict(root)
	return root
}
