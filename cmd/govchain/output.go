package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/govchain/govchain/abci"
	"github.com/govchain/govchain/client"
)

// Output formats: the values of the root's persistent --output (-o) flag.
const (
	outputText = "text"
	outputJSON = "json"
)

// The code and codespace of an error in -o json when no rule of the chain
// refused anything (a bad flag, a missing file, a node that cannot be
// reached): codespace "cli" is never a chain's, so code 1 there is not
// the chain's code 1 (internal error).
const (
	codespaceCLI        = "cli"
	codeCLI      uint32 = 1
)

// rootLong is the root command's help: the output and error contract of
// every command.
const rootLong = `govchain is the one binary of a govchain network: it initialises and runs
a node, keeps account keys, signs and posts transactions, and reads records
with Merkle proofs.

Output: a command prints its result on stdout and exits 0. --output (-o)
is text (the default) or json, for every command, also as GOVCHAIN_OUTPUT;
any other value is refused. "testnet init" is the one exception: there
--output names the directory to create, and errors are text.

Errors: any failure exits with status 1 and prints one line on stderr:
  error: code N (govchain): LOG   a rule of the chain refused it: the code
                                  and log a node gives for the same input,
                                  also when the command caught it before
                                  sending (a message that fails its check, a
                                  resubmitted transaction, a record not found)
  error: REASON                   anything else: an unknown command or flag,
                                  a missing key or file, a node that cannot
                                  be reached
With -o json that line is one JSON object instead:
  {"code":N,"codespace":"govchain","log":"LOG"}   a refusal by the chain
  {"code":1,"codespace":"cli","log":"REASON"}     anything else
A record proven absent (query --prove) is reported with its proof: in text
a "proof: ..." line before the error line, in json a "proof" field.

A command that groups others (govchain tx, govchain tx land, ...) exits 1
if the next word is not one of its commands, or if none is given: a script
that mistypes a command must not succeed having done nothing. --help prints
any command's help and exits 0.`

// outputValue is the value of --output: "text" or "json". Set refuses
// anything else, so a bad value is a flag error.
type outputValue string

// String implements pflag.Value.
func (o *outputValue) String() string { return string(*o) }

// Set implements pflag.Value.
func (o *outputValue) Set(s string) error {
	if s != outputText && s != outputJSON {
		return errors.New("must be text or json")
	}
	*o = outputValue(s)
	return nil
}

// Type implements pflag.Value.
func (o *outputValue) Type() string { return "text|json" }

// formatFlag reports whether cmd's --output is the root's format flag
// (false for testnet init, whose --output is a directory).
func (c *cli) formatFlag(cmd *cobra.Command) bool {
	f := cmd.Flags().Lookup(flagOutput)
	return f != nil && f.Value == c.output
}

// checkOutput refuses an output format other than text or json given in
// the environment (a flag value is refused when it is parsed).
func (c *cli) checkOutput(cmd *cobra.Command) error {
	if !c.formatFlag(cmd) {
		return nil
	}
	if o := c.v.GetString(flagOutput); o != outputText && o != outputJSON {
		return fmt.Errorf("GOVCHAIN_OUTPUT must be text or json, not %q", o)
	}
	return nil
}

// jsonOutput reports whether results are printed as JSON.
func (c *cli) jsonOutput() bool { return c.v.GetString(flagOutput) == outputJSON }

// printJSON prints v as indented JSON on stdout.
func (c *cli) printJSON(v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(c.out, string(b))
	return err
}

// errorsAsJSON reports whether the error of the command line args, which
// ended in cmd, is printed as JSON. It reads -o from args itself, because
// an unknown command or flag stops the parsing before -o may have been
// read; then GOVCHAIN_OUTPUT.
func (c *cli) errorsAsJSON(cmd *cobra.Command, args []string) bool {
	if cmd != nil && cmd.Flags().Lookup(flagOutput) != nil && !c.formatFlag(cmd) {
		return false
	}
	if v, ok := scanOutput(args); ok {
		return v == outputJSON
	}
	return c.v.GetString(flagOutput) == outputJSON
}

// scanOutput returns the last value given to -o or --output in args, in
// any of the forms pflag accepts, up to a "--".
func scanOutput(args []string) (string, bool) {
	var v string
	found := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return v, found
		case a == "-o" || a == "--"+flagOutput:
			if i+1 < len(args) {
				v, found = args[i+1], true
				i++
			}
		case strings.HasPrefix(a, "--"+flagOutput+"="):
			v, found = strings.TrimPrefix(a, "--"+flagOutput+"="), true
		case strings.HasPrefix(a, "-o=") || strings.HasPrefix(a, "-o") && !strings.HasPrefix(a, "--"):
			v, found = strings.TrimPrefix(strings.TrimPrefix(a, "-o"), "="), true
		}
	}
	return v, found
}

// errorJSON is an error as -o json prints it: the chain's code, codespace
// and log for a refusal by its rules, code 1 in codespace "cli" for any
// other error. Proof is set for a record proven absent.
type errorJSON struct {
	Code      uint32 `json:"code"`
	Codespace string `json:"codespace"`
	Log       string `json:"log"`
	Proof     string `json:"proof,omitempty"`
}

// describe returns the code, codespace and log of err.
func describe(err error) errorJSON {
	var (
		te *client.TxError
		de *client.DuplicateTxError
		qe *client.QueryError
		pe *provenError
	)
	var out errorJSON
	switch {
	case errors.As(err, &te):
		out = errorJSON{Code: te.Code, Codespace: te.Codespace, Log: te.Log}
	case errors.As(err, &de):
		out = errorJSON{Code: de.Code, Codespace: de.Codespace, Log: de.Log}
	case errors.As(err, &qe):
		out = errorJSON{Code: qe.Code, Codespace: qe.Codespace, Log: qe.Log}
	default:
		return errorJSON{Code: codeCLI, Codespace: codespaceCLI, Log: oneLine(explain(err))}
	}
	out.Log = oneLine(out.Log)
	if errors.As(err, &pe) {
		out.Proof = pe.proof
	}
	return out
}

// printError prints err on stderr: one JSON object (see errorJSON), or in
// text the line "error: ...", after the proof line of a proven absence.
func (c *cli) printError(asJSON bool, err error) {
	if asJSON {
		b, _ := json.Marshal(describe(err))
		fmt.Fprintln(c.errOut, string(b))
		return
	}
	var pe *provenError
	if errors.As(err, &pe) {
		fmt.Fprintln(c.errOut, pe.proof)
	}
	fmt.Fprintln(c.errOut, "error: "+oneLine(explain(err)))
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

// provenError is a not-found answer whose absence was proven; proof is
// the line that says against what.
type provenError struct {
	err   error
	proof string
}

// Error implements error.
func (e *provenError) Error() string { return e.err.Error() }

// Unwrap returns the not-found error.
func (e *provenError) Unwrap() error { return e.err }

// refused turns err, a refusal by one of the chain's own checks run
// before sending (a message's Validate, an unknown message type), into the
// *client.TxError a node's CheckTx would answer: the code, codespace and
// log come from the abci package's table, so they cannot differ from the
// node's.
func refused(err error) error {
	return &client.TxError{Code: abci.Code(err), Codespace: abci.Codespace, Log: abci.Log(err)}
}
