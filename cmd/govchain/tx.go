package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	cmtypes "github.com/cometbft/cometbft/types"
	"github.com/spf13/cobra"

	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/app/agency"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/land"
	"github.com/govchain/govchain/client"
)

// Flags common to every tx command.
const (
	flagFrom         = "from"
	flagSequence     = "sequence"
	flagGenerateOnly = "generate-only"
)

func (c *cli) txCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "tx",
		Short: "Sign and post a transaction, then wait for its block",
		Long: `Sign a transaction with a keyring key (--from: a key of the keyring,
decrypted with its passphrase in a file keyring, or a key on a PKCS#11
token, which signs on the token), post it to a node
(broadcast_tx_sync) and wait until it is in a block. Prints the tx hash,
height, result code and the events' attributes (e.g. transfer_id); with
-o json, the same as one JSON object.

A transaction the chain refuses prints one line,
"error: code N (govchain): <log>", and exits with status 1. A message that
fails the chain's stateless check is refused before it is sent, with the
code and log the node would give; so is a transaction the node has already
seen (code 14, a replay).

--chain-id defaults to the node's, --sequence to the account's next one.
Signing offline needs both: with --generate-only nothing is sent and no
node is asked, so --sequence is required, and the chain id is --chain-id
or else the one in <home>/config/genesis.json. The signed transaction is
printed; post it later with "govchain tx broadcast FILE".

Events: every transaction emits events (e.g. land.action, land.parcel_id)
that the node indexes. Search them over HTTP with tx_search, the query
URL-encoded (space %20, = %3D, ' %27, " %22), e.g.
  curl -s 'http://127.0.0.1:26657/tx_search?query=%22land.action%3D%27register_parcel%27%20AND%20land.parcel_id%3D%27P-1%27%22'
or follow them live: open the websocket ws://127.0.0.1:26657/websocket (with
websocat, for instance) and send this request, whose query is plain text
inside JSON, not URL-encoded:
  {"jsonrpc":"2.0","method":"subscribe","id":1,"params":{"query":"tm.event='Tx' AND land.action='register_parcel'"}}

Accounts (--account, --owner, ...) are 40 hex digits or a keyring key name.`,
	}
	addHomeFlag(cmd)
	addKeyringFlags(cmd)
	addNodeFlag(cmd)
	pf := cmd.PersistentFlags()
	pf.String(flagFrom, "", "name of the signing key in the keyring")
	pf.String(flagChainID, "", "chain id (default: the node's)")
	pf.Uint64(flagSequence, 0, "sequence number (default: the account's next, asked from the node; required with --generate-only)")
	pf.Bool(flagGenerateOnly, false, "print the signed transaction and send nothing; needs --sequence (no node is asked), and --chain-id unless <home>/config/genesis.json gives it")
	pf.Duration(flagTimeout, 30*time.Second, "how long to wait for the node and for the block")
	cmd.AddCommand(c.txAgencyCmd(), c.txLandCmd(), c.txVehicleCmd(), c.txIdentityCmd(), c.txInvoiceCmd(), c.txNotaryCmd(), c.txGovCmd(),
		c.txSharingCmd(), c.txAuctionCmd(), c.txSpendingCmd(), c.txBenefitsCmd(), c.txRawCmd(), c.txBroadcastCmd())
	return cmd
}

// msgBuilder turns a command's flags into a message.
type msgBuilder func(cmd *cobra.Command) (core.Msg, error)

// txLeaf is a command that signs and posts the message build returns.
func (c *cli) txLeaf(use, short string, build msgBuilder, flags func(cmd *cobra.Command)) *cobra.Command {
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			key, err := c.signer()
			if err != nil {
				return err
			}
			defer client.CloseSigner(key)
			msg, err := build(cmd)
			if err != nil {
				return err
			}
			return c.sendTx(cmd, key, msg)
		},
	}
	if flags != nil {
		flags(cmd)
	}
	return cmd
}

// signer returns the signer of the --from key: the key, decrypted in a
// file keyring, or a session on the token holding it, which the caller
// closes (client.CloseSigner).
func (c *cli) signer() (client.Signer, error) {
	from := c.v.GetString(flagFrom)
	if from == "" {
		return nil, errors.New("--from KEYNAME is required (see govchain keys list)")
	}
	return c.keyring().Signer(from)
}

// sendTx signs msg with key and posts it (or prints it with
// --generate-only).
func (c *cli) sendTx(cmd *cobra.Command, key client.Signer, msg core.Msg) error {
	var err error
	if err = msg.Validate(); err != nil {
		return refused(err)
	}
	var seq *uint64
	if cmd.Flags().Changed(flagSequence) {
		s := c.v.GetUint64(flagSequence)
		seq = &s
	}
	chainID := c.v.GetString(flagChainID)
	if c.v.GetBool(flagGenerateOnly) {
		if seq == nil {
			return errors.New("--generate-only needs --sequence (no node is asked)")
		}
		if chainID == "" {
			if chainID, err = c.homeChainID(); err != nil {
				return err
			}
		}
		tx, err := client.BuildWith(chainID, key, *seq, msg)
		if err != nil {
			return err
		}
		fmt.Fprintln(c.out, string(tx))
		return nil
	}
	cl, err := c.client()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(cmd.Context(), c.v.GetDuration(flagTimeout))
	defer cancel()
	tx, err := cl.BuildTx(ctx, key, msg, client.SubmitOptions{ChainID: chainID, Sequence: seq})
	if err != nil {
		return err
	}
	return c.broadcast(ctx, cl, tx)
}

// broadcast posts tx, waits for its block and prints the result.
func (c *cli) broadcast(ctx context.Context, cl *client.Client, tx []byte) error {
	hash, err := cl.Broadcast(ctx, tx)
	if err != nil {
		return err
	}
	res, err := cl.WaitTx(ctx, hash)
	if res != nil {
		c.printTxResult(res)
	}
	return err
}

func (c *cli) printTxResult(res *client.TxResult) {
	if c.jsonOutput() {
		_ = c.printJSON(res)
		return
	}
	fmt.Fprintf(c.out, "txhash: %s\nheight: %d\ncode:   %d\n", res.Hash, res.Height, res.Code)
	if res.Log != "" {
		fmt.Fprintf(c.out, "log:    %s\n", res.Log)
	}
	for _, e := range res.Events {
		var b strings.Builder
		for _, a := range e.Attrs {
			fmt.Fprintf(&b, " %s=%s", a.Key, a.Value)
		}
		fmt.Fprintf(c.out, "event %s:%s\n", e.Type, b.String())
	}
}

// homeChainID reads the chain id from <home>/config/genesis.json.
func (c *cli) homeChainID() (string, error) {
	path := c.home() + "/config/genesis.json"
	doc, err := cmtypes.GenesisDocFromFile(path)
	if err != nil {
		return "", fmt.Errorf("no --chain-id given and %s cannot be read: %w", path, err)
	}
	return doc.ChainID, nil
}

func (c *cli) txBroadcastCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "broadcast FILE",
		Short: "Post a transaction signed with --generate-only (- reads stdin)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var b []byte
			var err error
			if args[0] == "-" {
				b, err = io.ReadAll(cmd.InOrStdin())
			} else {
				b, err = os.ReadFile(args[0])
			}
			if err != nil {
				return err
			}
			cl, err := c.client()
			if err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), c.v.GetDuration(flagTimeout))
			defer cancel()
			return c.broadcast(ctx, cl, bytes.TrimSpace(b))
		},
	}
}

// Flags of tx raw.
const (
	flagType = "type"
	flagBody = "body"
)

func (c *cli) txRawCmd() *cobra.Command {
	cmd := c.txLeaf("raw --type TYPE --body JSON", "Sign and post any message, given its type and JSON body",
		func(*cobra.Command) (core.Msg, error) {
			typ := c.v.GetString(flagType)
			m, err := app.NewMsg(typ)
			if err != nil {
				return nil, refused(err)
			}
			dec := json.NewDecoder(strings.NewReader(c.v.GetString(flagBody)))
			dec.DisallowUnknownFields()
			if err := dec.Decode(m); err != nil {
				// The node refuses a body it cannot decode the same way.
				return nil, refused(core.Wrapf(core.ErrMalformedTx, "body of %s: %v", typ, err))
			}
			return m, nil
		},
		func(cmd *cobra.Command) {
			cmd.Flags().String(flagType, "", "message type, e.g. land/register_parcel")
			cmd.Flags().String(flagBody, "{}", "message body as JSON (any field order)")
		})
	cmd.Long = "Sign and post any message, given its type and its body as JSON. TYPE is one of:\n  " +
		strings.Join(app.MsgTypes(), "\n  ")
	return cmd
}

// Flags of agency messages.
const (
	flagAccount = "account"
	flagRole    = "role"
	flagReason  = "reason"
)

func (c *cli) txAgencyCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "agency", Short: "Agency transactions: grant and revoke roles"}
	roleFlags := func(cmd *cobra.Command) {
		cmd.Flags().String(flagAccount, "", "account: address or key name")
		cmd.Flags().String(flagRole, "", "role, one of: "+rolesList())
	}
	cmd.AddCommand(
		c.txLeaf("grant-role --account A --role R", "Grant a role on behalf of the signer's agency (signer: an agency admin)",
			func(*cobra.Command) (core.Msg, error) {
				a, err := c.account(flagAccount)
				if err != nil {
					return nil, err
				}
				return &agency.GrantRole{Account: a, Role: core.Role(c.v.GetString(flagRole))}, nil
			}, roleFlags),
		c.txLeaf("revoke-role --account A --role R [--reason TEXT]", "Revoke a role the signer's agency granted (signer: an agency admin)",
			func(*cobra.Command) (core.Msg, error) {
				a, err := c.account(flagAccount)
				if err != nil {
					return nil, err
				}
				return &agency.RevokeRole{Account: a, Role: core.Role(c.v.GetString(flagRole)), Reason: c.v.GetString(flagReason)}, nil
			}, func(cmd *cobra.Command) {
				roleFlags(cmd)
				cmd.Flags().String(flagReason, "", "why the role is revoked")
			}),
	)
	return cmd
}

func rolesList() string {
	s := make([]string, len(core.Roles))
	for i, r := range core.Roles {
		s[i] = string(r)
	}
	return strings.Join(s, ", ")
}

// account resolves the account flag: an address or a key name.
func (c *cli) account(flag string) (core.Address, error) {
	s := c.v.GetString(flag)
	if s == "" {
		return core.Address{}, fmt.Errorf("--%s is required", flag)
	}
	return c.keyring().ResolveAddress(s)
}

// shares parses repeated ACCOUNT:SHARES flag values.
func (c *cli) shares(flag string, values []string) ([]land.Share, error) {
	out := make([]land.Share, 0, len(values))
	for _, v := range values {
		acc, n, ok := strings.Cut(v, ":")
		if !ok {
			return nil, fmt.Errorf("--%s %q: want ACCOUNT:SHARES", flag, v)
		}
		a, err := c.keyring().ResolveAddress(acc)
		if err != nil {
			return nil, fmt.Errorf("--%s %q: %w", flag, v, err)
		}
		s, err := strconv.ParseUint(n, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("--%s %q: shares must be a whole number", flag, v)
		}
		out = append(out, land.Share{Account: a, Shares: s})
	}
	return out, nil
}

// hashFlag reads a SHA-256 from --NAME-hash (64 hex digits) or hashes the
// file --NAME.
func (c *cli) hashFlag(name string) (core.Hash, error) {
	return c.hashFlagPair(name+"-hash", name)
}

// hashFlagPair reads a SHA-256 from --hexFlag (64 hex digits) or hashes
// the file --fileFlag; exactly one is required.
func (c *cli) hashFlagPair(hexFlag, fileFlag string) (core.Hash, error) {
	h, f := c.v.GetString(hexFlag), c.v.GetString(fileFlag)
	switch {
	case h != "" && f != "":
		return core.Hash{}, fmt.Errorf("give --%s or --%s, not both", hexFlag, fileFlag)
	case h != "":
		return core.ParseHash(strings.ToLower(h))
	case f != "":
		b, err := os.ReadFile(f)
		if err != nil {
			return core.Hash{}, err
		}
		return core.Hash(sha256.Sum256(b)), nil
	}
	return core.Hash{}, fmt.Errorf("--%s HEX or --%s FILE is required", hexFlag, fileFlag)
}

func addHashFlags(cmd *cobra.Command, name, what string) {
	cmd.Flags().String(name+"-hash", "", "SHA-256 of the "+what+" (64 hex digits)")
	cmd.Flags().String(name, "", "file of the "+what+" (hashed locally; the file is not sent)")
}
