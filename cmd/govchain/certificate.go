package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/verify"
)

// flagComplete asks certificate export for a complete certificate.
const flagComplete = "complete"

// certKeys binds a certificate's keys to its path with the app's own key
// layouts (client.CertificateKeys).
var certKeys = client.CertificateKeys

func (c *cli) certificateCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "certificate",
		Short: "Export and verify offline certificates of records, histories and absences",
		Long: `A certificate is one JSON file that proves what a registry held at a
height without trusting the node that produced it: the exact stored values,
an ICS23 proof per key, the signed header of block H+1 with its commit, the
validator set that signed it and, if the validators changed since genesis,
the signed headers that hand trust on from the genesis validators.

  govchain certificate export /land/parcel/P-1 --out parcel.json
  govchain certificate export /land/parcel/P-1/history --complete --out history.json
  govchain certificate verify parcel.json --trust genesis.json

docs/auditor.md ("Certificates") documents the format.`,
	}
	cmd.AddCommand(c.certificateExportCmd(), c.certificateVerifyCmd())
	return cmd
}

func (c *cli) certificateExportCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "export PATH --out FILE [--complete]",
		Short: "Write the certificate of a query path's answer at a height",
		Long: `Ask the node for PATH with proofs (any path of govchain query raw, e.g.
/land/parcel/P-1, /land/parcel/P-1/history, /land/lien/3) and write the
certificate to --out (- for stdout). Its kind follows from the answer:
  record    the path names one record and it exists
  history   a path ending in /history: the record, then its full history
  list      any other multi-key answer: the anchor, then each entry
  absence   the record does not exist: a proof that its key is absent
With --complete, PATH must be a numbered list (a record's /history, a
subject's access log /sharing/log/SUBJECT, or /gov/evidence), and the
certificate is of kind
  complete  the anchor, every entry, and a proof that the entry after the
            last (the anchor's count) is absent: the list is whole
A list other than a history whose anchor is absent (a subject nobody read,
no evidence yet) is complete and empty: the certificate proves the anchor
and entry 0 absent. A record's missing history is refused: export the
record's absence instead.
The answer's proofs are checked against header H+1 before anything is
written; the validator signatures are checked by certificate verify.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			out := c.v.GetString(flagOut)
			if out == "" {
				return fmt.Errorf("--out is required (a file, or - for stdout)")
			}
			path := args[0]
			if !strings.HasPrefix(path, "/") {
				path = "/" + path
			}
			complete := c.v.GetBool(flagComplete)
			if _, ok := app.EntryKey(path, 0); complete && !ok {
				return fmt.Errorf("--%s needs a numbered list (a record's /history, or /gov/evidence): %s is not one", flagComplete, path)
			}
			cl, err := c.client()
			if err != nil {
				return err
			}
			timeout := c.v.GetDuration(flagTimeout)
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
			defer cancel()
			cert, err := cl.Certificate(ctx, path, client.CertificateOptions{Height: c.v.GetInt64(flagHeight), Complete: complete, HeaderWait: timeout})
			var na *client.NoAnchorError
			if errors.As(err, &na) {
				return fmt.Errorf("%s has no anchor at state %d (key %x is absent): export it without --%s for the proof of its absence",
					na.Query.Path, na.Query.Height, na.Query.Key, flagComplete)
			}
			if err != nil {
				return err
			}
			bz, err := verify.Encode(cert)
			if err != nil {
				return err
			}
			if out == "-" {
				_, err = c.out.Write(bz)
				return err
			}
			if err := os.WriteFile(out, bz, 0o644); err != nil {
				return err
			}
			if c.jsonOutput() {
				return c.printJSON(map[string]any{"kind": cert.Kind, "path": cert.Path, "height": cert.Height,
					"header_height": cert.Block.Height, "keys": len(cert.ProofOps), "file": out})
			}
			fmt.Fprintf(c.out, "wrote %s certificate of %s at height %d (header %d, %d key(s)) to %s\n",
				cert.Kind, cert.Path, cert.Height, cert.Block.Height, len(cert.ProofOps), out)
			return nil
		},
	}
	addHomeFlag(cmd)
	addNodeFlag(cmd)
	f := cmd.Flags()
	f.String(flagOut, "", "the certificate file to write (- for stdout)")
	f.Int64(flagHeight, 0, "state version to certify (0 = latest)")
	f.Bool(flagComplete, false, "for a numbered list (a record's /history, /sharing/log/SUBJECT, /gov/evidence): add the proof that no entry follows the last")
	f.Duration(flagTimeout, 60*time.Second, "how long to wait for the node (and for header H+1)")
	return cmd
}

func (c *cli) certificateVerifyCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "verify FILE --trust TRUST",
		Short: "Verify a certificate offline against a trusted genesis or validator set",
		Long: `Verify a certificate with no network at all, against --trust: the
chain's genesis.json, or a validator-set file {"chain_id", "validators":
[{"pub_key": base64 ed25519, "power": N}]}. Prints
  VERIFIED height H+1 time T app hash X
and what is proven, or exits 1 with the reason (wrong chain, unknown
validator set, insufficient or invalid signatures, wrong header, proof
mismatch, key mismatch, malformed certificate).`,
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			trust, data, err := c.trustAndFile(args[0])
			if err != nil {
				return err
			}
			res, err := verify.VerifyBytes(data, trust, certKeys)
			if err != nil {
				return fmt.Errorf("NOT VERIFIED: %w", err)
			}
			return printProven(c, res)
		},
	}
	cmd.Flags().String(flagTrust, "", "trusted genesis.json or validator-set file")
	return cmd
}

// trustAndFile returns the trust --trust names (required) and the bytes
// of the file to verify.
func (c *cli) trustAndFile(path string) (*verify.Trust, []byte, error) {
	trust, err := c.trustFromFlag()
	if err != nil {
		return nil, nil, err
	}
	if trust == nil {
		return nil, nil, fmt.Errorf("--%s is required (genesis.json or a validator-set file)", flagTrust)
	}
	data, err := os.ReadFile(path)
	return trust, data, err
}

// provenJSON is a verified certificate as -o json prints it.
type provenJSON struct {
	Verified     bool           `json:"verified"`
	Kind         verify.Kind    `json:"kind"`
	ChainID      string         `json:"chain_id"`
	Path         string         `json:"path"`
	Height       int64          `json:"height"`
	HeaderHeight int64          `json:"header_height"`
	Time         time.Time      `json:"time"`
	AppHash      string         `json:"app_hash"`
	Key          string         `json:"key"`
	Entries      []client.Entry `json:"entries"`
	// Count and Absent are set for a complete certificate only.
	Count  *uint64 `json:"count,omitempty"`
	Absent string  `json:"absent,omitempty"`
}

// printProven prints a verified certificate: the VERIFIED line, then what
// it proves: the kind, the path and the state version, then the proven
// value(s); or all of it as one JSON object.
func printProven(c *cli, res *verify.Result) error {
	entries := make([]client.Entry, len(res.Entries))
	for i, e := range res.Entries {
		entries[i] = client.Entry{Key: e.Key, Value: e.Value}
	}
	if c.jsonOutput() {
		out := provenJSON{Verified: true, Kind: res.Kind, ChainID: res.ChainID, Path: res.Path, Height: res.Height,
			HeaderHeight: res.HeaderHeight, Time: res.Time, AppHash: fmt.Sprintf("%X", res.AppHash), Key: fmt.Sprintf("%x", res.Key),
			Entries: entries}
		if res.Kind == verify.KindComplete {
			out.Count, out.Absent = &res.Count, fmt.Sprintf("%x", res.Absent)
		}
		return c.printJSON(out)
	}
	fmt.Fprintln(c.out, res)
	if res.Kind == verify.KindAbsence {
		fmt.Fprintf(c.out, "absence %s at state %d: key %x holds nothing\n", res.Path, res.Height, res.Key)
		return nil
	}
	fmt.Fprintf(c.out, "%s %s at state %d: %d key(s)\n", res.Kind, res.Path, res.Height, len(res.Entries))
	switch {
	case res.Kind == verify.KindComplete && len(res.Entries) == 0:
		fmt.Fprintf(c.out, "complete: the list has no anchor (key %x holds nothing): it counts 0, and entry 0 (key %x) holds nothing\n", res.Key, res.Absent)
	case res.Kind == verify.KindComplete:
		fmt.Fprintf(c.out, "complete: the list counts %d and ends there: entry %d (key %x) holds nothing\n", res.Count, res.Count, res.Absent)
	}
	if res.Kind == verify.KindRecord {
		fmt.Fprintln(c.out, prettyJSON(res.Entries[0].Value))
		return nil
	}
	bz, _ := json.Marshal(entries)
	fmt.Fprintln(c.out, prettyJSON(bz))
	return nil
}
