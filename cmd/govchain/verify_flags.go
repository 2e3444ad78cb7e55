package main

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"time"

	dbm "github.com/cometbft/cometbft-db"
	"github.com/cometbft/cometbft/light"
	"github.com/cometbft/cometbft/light/provider"
	lighthttp "github.com/cometbft/cometbft/light/provider/http"
	lightdb "github.com/cometbft/cometbft/light/store/db"
	cmtypes "github.com/cometbft/cometbft/types"
	"github.com/spf13/cobra"

	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/verify"
)

// Flags of query --verify and certificate verify.
const (
	flagVerify         = "verify"
	flagTrust          = "trust"
	flagTrustHeight    = "trust-height"
	flagTrustHash      = "trust-hash"
	flagWitness        = "witness"
	flagTrustingPeriod = "trusting-period"
)

// defaultTrustingPeriod bounds how old the light client's trusted header
// may be. The ministries' validators are not bonded stake that can leave,
// so this is a freshness bound, not an unbonding period.
const defaultTrustingPeriod = 14 * 24 * time.Hour

// addVerifyFlags adds query's verification flags.
func addVerifyFlags(cmd *cobra.Command) {
	pf := cmd.PersistentFlags()
	pf.Bool(flagVerify, false, "with --prove: check header H+1's validator signatures (needs --trust, or --trust-height and --trust-hash)")
	pf.String(flagTrust, "", "trusted genesis.json or validator-set file for --verify")
	pf.Int64(flagTrustHeight, 0, "light client: height of a header you trust")
	pf.String(flagTrustHash, "", "light client: hash (hex) of the header at --trust-height")
	pf.StringArray(flagWitness, nil, "light client: another ministry's RPC endpoint to cross-check headers (repeat)")
	pf.Duration(flagTrustingPeriod, defaultTrustingPeriod, "light client: how old the trusted header may be")
}

// trustFromFlag reads --trust; nil if it is not set.
func (c *cli) trustFromFlag() (*verify.Trust, error) {
	f := c.v.GetString(flagTrust)
	if f == "" {
		return nil, nil
	}
	data, err := os.ReadFile(f)
	if err != nil {
		return nil, err
	}
	t, err := verify.ParseTrust(data)
	if err != nil {
		return nil, fmt.Errorf("--%s %s: %w", flagTrust, f, err)
	}
	return t, nil
}

// runVerifiedQuery answers query --prove --verify: it builds the
// certificate of the answer (header H+1 from the node with --trust, or
// verified by the light client with --trust-height/--trust-hash) and
// verifies it; it prints the value on stdout and the VERIFIED line on
// stderr, and returns the value with the verified header's time. A
// verified absence is reported, then returned as the not-found error.
func (c *cli) runVerifiedQuery(cmd *cobra.Command, path string) (*queried, error) {
	if !c.v.GetBool(flagProve) {
		return nil, fmt.Errorf("--%s needs --%s", flagVerify, flagProve)
	}
	cl, err := c.client()
	if err != nil {
		return nil, err
	}
	timeout := c.v.GetDuration(flagTimeout)
	ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
	defer cancel()

	trust, err := c.trustFromFlag()
	if err != nil {
		return nil, err
	}
	var ex *client.Certified
	switch {
	case trust != nil:
		ex, err = cl.Certify(ctx, path, client.CertificateOptions{Height: c.v.GetInt64(flagHeight), HeaderWait: timeout})
	case c.v.GetInt64(flagTrustHeight) > 0:
		var lc *lightHeaders
		lc, err = c.newLightHeaders(ctx, cl)
		if err != nil {
			return nil, err
		}
		ex, err = cl.Certify(ctx, path, client.CertificateOptions{Height: c.v.GetInt64(flagHeight), Header: lc.header, NoValidatorChanges: true})
		trust = lc.trust
	default:
		return nil, fmt.Errorf("--%s needs a trust root: --%s FILE, or --%s N --%s HEX [--%s URL ...]",
			flagVerify, flagTrust, flagTrustHeight, flagTrustHash, flagWitness)
	}
	if err != nil {
		return nil, err
	}
	res, err := verify.Verify(ex.Certificate, trust, certKeys)
	if err != nil {
		return nil, fmt.Errorf("NOT VERIFIED: %w", err)
	}
	if res.Kind == verify.KindAbsence {
		r := ex.Answer
		return nil, &provenError{
			err:   &client.QueryError{Path: path, Code: r.Code, Codespace: r.Codespace, Log: r.Log, Height: r.Height, Key: r.Key},
			proof: fmt.Sprintf("%s: key %X is absent at state %d", res, res.Key, res.Height),
		}
	}
	fmt.Fprintln(c.out, prettyJSON(ex.Answer.Value))
	fmt.Fprintln(c.errOut, res)
	return &queried{Value: ex.Answer.Value, ProvenTime: res.Time}, nil
}

// lightHeaders verifies headers with CometBFT's light client, against the
// node as primary and the --witness nodes.
type lightHeaders struct {
	lc *light.Client
	// trust is set by header: the validator set the light client verified
	// for the last header it returned.
	trust *verify.Trust
}

func (c *cli) newLightHeaders(ctx context.Context, cl *client.Client) (*lightHeaders, error) {
	hash, err := hex.DecodeString(c.v.GetString(flagTrustHash))
	if err != nil || len(hash) != 32 {
		return nil, fmt.Errorf("--%s must be the 64-hex-digit hash of the header at --%s", flagTrustHash, flagTrustHeight)
	}
	witnesses := c.v.GetStringSlice(flagWitness)
	if len(witnesses) == 0 {
		return nil, fmt.Errorf("the light client needs at least one --%s (another ministry's RPC endpoint)", flagWitness)
	}
	chainID, err := cl.ChainID(ctx)
	if err != nil {
		return nil, err
	}
	primary, err := lighthttp.New(chainID, cl.Remote())
	if err != nil {
		return nil, err
	}
	var ws []provider.Provider
	for _, w := range witnesses {
		p, err := lighthttp.New(chainID, w)
		if err != nil {
			return nil, fmt.Errorf("--%s %s: %w", flagWitness, w, err)
		}
		ws = append(ws, p)
	}
	lc, err := light.NewClient(ctx, chainID,
		light.TrustOptions{Period: c.v.GetDuration(flagTrustingPeriod), Height: c.v.GetInt64(flagTrustHeight), Hash: hash},
		primary, ws, lightdb.New(dbm.NewMemDB(), chainID),
		light.MaxRetryAttempts(3))
	if err != nil {
		return nil, fmt.Errorf("NOT VERIFIED: light client: %w", err)
	}
	return &lightHeaders{lc: lc}, nil
}

// header verifies header h with the light client, waiting for it to be
// made if it is the next block, and records its validator set as trusted.
func (l *lightHeaders) header(ctx context.Context, h int64) (*cmtypes.SignedHeader, *cmtypes.ValidatorSet, error) {
	for {
		lb, err := l.lc.VerifyLightBlockAtHeight(ctx, h, time.Now())
		if err == nil {
			l.trust = &verify.Trust{ChainID: l.lc.ChainID(), Validators: lb.ValidatorSet}
			return lb.SignedHeader, lb.ValidatorSet, nil
		}
		if !errors.Is(err, provider.ErrHeightTooHigh) && !errors.Is(err, provider.ErrLightBlockNotFound) {
			return nil, nil, fmt.Errorf("NOT VERIFIED: light client, header %d: %w", h, err)
		}
		select {
		case <-ctx.Done():
			return nil, nil, fmt.Errorf("header %d did not appear: %w", h, ctx.Err())
		case <-time.After(client.DefaultPollInterval):
		}
	}
}
