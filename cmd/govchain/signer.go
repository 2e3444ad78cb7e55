package main

import (
	"errors"
	"fmt"
	"math"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/cometbft/cometbft/crypto/ed25519"
	cmtlog "github.com/cometbft/cometbft/libs/log"
	"github.com/cometbft/cometbft/privval"
	"github.com/spf13/cobra"
)

// Flags of signer.
const (
	flagSignerNode = "node-laddr"
)

// signerRedial is how long the signer waits between two attempts to
// reach the node.
const signerRedial = 200 * time.Millisecond

func (c *cli) signerCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "signer",
		Short: "Sign for a validator node from another process: CometBFT's remote signer over its privval socket",
		Long: `Hold a validator's consensus key and sign for its node, which runs
with priv_validator_laddr set in its config.toml (or start
--priv-validator-laddr) and never reads the key itself.

The signer's home holds config/priv_validator_key.json (mode 0600; a key
group or others may read is refused) and data/priv_validator_state.json,
the last height, round and step it signed: it refuses to sign anything
that conflicts with them, so a signer killed and restarted never signs
twice at one height. Move both files from the validator's home, which
then keeps no key.

The signer dials the node at --node-laddr (tcp://host:port, over
CometBFT's authenticated encryption, or unix://path) and keeps dialling
until SIGINT or SIGTERM: start it before or after the node, restart
either; the node misses its votes while no signer is connected and signs
again once one is. Run exactly one signer per key.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return c.runSigner(cmd) },
	}
	addHomeFlag(cmd)
	f := cmd.Flags()
	f.String(flagSignerNode, "", "the node's priv_validator_laddr to dial: tcp://host:port or unix://path (required)")
	f.String(flagChainID, "", "chain id of the network (required): the signer signs for no other")
	f.String(flagLogLevel, "info", "log level: info, or error")
	return cmd
}

func (c *cli) runSigner(cmd *cobra.Command) error {
	home, err := filepath.Abs(c.home())
	if err != nil {
		return err
	}
	chainID := c.v.GetString(flagChainID)
	if chainID == "" {
		return errors.New("--chain-id is required")
	}
	dial, err := signerDialer(c.v.GetString(flagSignerNode))
	if err != nil {
		return err
	}
	logger := cmtlog.NewTMLogger(cmtlog.NewSyncWriter(c.out))
	switch lvl := c.v.GetString(flagLogLevel); lvl {
	case "info":
		logger = cmtlog.NewFilter(logger, cmtlog.AllowInfo())
	case "error":
		logger = cmtlog.NewFilter(logger, cmtlog.AllowError())
	default:
		return fmt.Errorf("--%s: %q is neither info nor error", flagLogLevel, lvl)
	}
	keyFile := filepath.Join(home, cmtcfg.DefaultConfigDir, "priv_validator_key.json")
	stateFile := filepath.Join(home, cmtcfg.DefaultDataDir, "priv_validator_state.json")
	if err := checkKeyFiles(keyFile); err != nil {
		return err
	}
	// privval.LoadFilePV exits the process on a missing file: check first.
	for _, f := range []string{keyFile, stateFile} {
		if _, err := os.Stat(f); err != nil {
			return fmt.Errorf("%w (a signer's home holds the validator's key and sign state)", err)
		}
	}
	pv := privval.LoadFilePV(keyFile, stateFile)
	endpoint := privval.NewSignerDialerEndpoint(logger.With("module", "privval"), dial,
		privval.SignerDialerEndpointConnRetries(math.MaxInt32),
		privval.SignerDialerEndpointRetryWaitInterval(signerRedial))
	server := privval.NewSignerServer(endpoint, chainID, pv)
	if err := server.Start(); err != nil {
		return fmt.Errorf("start signer: %w", err)
	}
	last := pv.LastSignState
	logger.Info("govchain signer started", "validator", pv.GetAddress(), "chain_id", chainID,
		"node", c.v.GetString(flagSignerNode), "last_height", last.Height, "last_round", last.Round, "last_step", last.Step)
	<-cmd.Context().Done()
	logger.Info("stopping on signal")
	if err := server.Stop(); err != nil {
		return fmt.Errorf("stop signer: %w", err)
	}
	logger.Info("stopped cleanly")
	return nil
}

// signerDialer returns the dialer of the node's privval listener at addr.
// Every connection it makes reports a broken link (the node stopped) as
// a timeout, on which CometBFT's signer drops it and dials again; on a
// plain read error it would keep reading the dead connection.
func signerDialer(addr string) (privval.SocketDialer, error) {
	var dial privval.SocketDialer
	switch {
	case addr == "":
		return nil, fmt.Errorf("--%s is required", flagSignerNode)
	case strings.HasPrefix(addr, "tcp://"):
		if _, _, err := net.SplitHostPort(strings.TrimPrefix(addr, "tcp://")); err != nil {
			return nil, fmt.Errorf("--%s: %q is not tcp://host:port", flagSignerNode, addr)
		}
		// The node's listener does not authenticate itself (CometBFT
		// gives it a new key each start): the signer's own key is new too.
		dial = privval.DialTCPFn(addr, 3*time.Second, ed25519.GenPrivKey())
	case strings.HasPrefix(addr, "unix://") && len(addr) > len("unix://"):
		dial = privval.DialUnixFn(strings.TrimPrefix(addr, "unix://"))
	default:
		return nil, fmt.Errorf("--%s: %q is neither tcp://host:port nor unix://path", flagSignerNode, addr)
	}
	return func() (net.Conn, error) {
		conn, err := dial()
		if err != nil {
			return nil, err
		}
		return brokenIsTimeout{conn}, nil
	}, nil
}

// brokenIsTimeout is a connection whose failed reads and writes say
// they timed out.
type brokenIsTimeout struct{ net.Conn }

func (c brokenIsTimeout) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	return n, asTimeout(err)
}

func (c brokenIsTimeout) Write(b []byte) (int, error) {
	n, err := c.Conn.Write(b)
	return n, asTimeout(err)
}

// timeoutErr is err, saying it timed out.
type timeoutErr struct{ error }

func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }
func (e timeoutErr) Unwrap() error { return e.error }

func asTimeout(err error) error {
	if err == nil {
		return nil
	}
	return timeoutErr{err}
}
