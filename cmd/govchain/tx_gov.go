package main

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/gov"
)

// Flags of gov messages.
const (
	flagGovSummary    = "summary"
	flagGovAgencyID   = "agency-id"
	flagGovName       = "name"
	flagGovPubKey     = "validator-pub-key"
	flagGovPower      = "power"
	flagGovAdmin      = "admin"
	flagGovRole       = "role"
	flagGovAgency     = "agency"
	flagGovProposalID = "proposal-id"
	flagGovOption     = "option"
	flagGovBinarySHA  = "binary-sha256"
	flagGovBinary     = "binary"
	flagGovNotes      = "notes"
)

func (c *cli) txGovCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "gov",
		Short: "Governance by the agencies: propose network changes, vote, close expired proposals",
		Long: `An agency admin proposes one change; each agency of the electorate casts one
final vote (yes or no) through any of its admins. A proposal passes, and is
executed in the same transaction, as soon as yes votes are more than 2/3 of
the electorate (agencies, or validator power: see "govchain query gov
params"). Validator changes must leave at least 4 validators and no agency
with 1/3 or more of the power. An upgrade plan stops every node at its
height unless its binary carries the upgrade (docs/upgrade.md).`,
	}
	submit := func(use, short string, change func(cmd *cobra.Command) (gov.Change, error), flags func(cmd *cobra.Command)) *cobra.Command {
		return c.txLeaf(use, short, func(cmd *cobra.Command) (core.Msg, error) {
			ch, err := change(cmd)
			if err != nil {
				return nil, err
			}
			return &gov.SubmitProposal{Summary: c.v.GetString(flagGovSummary), Change: ch}, nil
		}, func(cmd *cobra.Command) {
			cmd.Flags().String(flagGovSummary, "", "what the proposal does and why (required)")
			flags(cmd)
		})
	}
	agencyIDFlag := func(cmd *cobra.Command) { cmd.Flags().String(flagGovAgencyID, "", "agency id") }
	proposalIDFlag := func(cmd *cobra.Command) { cmd.Flags().Uint64(flagGovProposalID, 0, "proposal id") }
	cmd.AddCommand(
		submit("propose-add-agency", "Propose a new member agency, with or without a validator (signer: an agency admin)",
			func(cmd *cobra.Command) (gov.Change, error) {
				ag := core.Agency{ID: c.v.GetString(flagGovAgencyID), Name: c.v.GetString(flagGovName)}
				for _, s := range stringArray(cmd, flagGovAdmin) {
					a, err := c.keyring().ResolveAddress(s)
					if err != nil {
						return gov.Change{}, fmt.Errorf("--%s %q: %w", flagGovAdmin, s, err)
					}
					ag.Admins = append(ag.Admins, a)
				}
				if s := c.v.GetString(flagGovPubKey); s != "" {
					pk, err := parseConsensusKey(s)
					if err != nil {
						return gov.Change{}, err
					}
					ag.Validator = core.Validator{PubKey: pk, Power: c.v.GetInt64(flagGovPower)}
				} else if c.v.GetInt64(flagGovPower) != 0 {
					return gov.Change{}, fmt.Errorf("--%s needs --%s", flagGovPower, flagGovPubKey)
				}
				return gov.Change{AddAgency: &ag}, nil
			}, func(cmd *cobra.Command) {
				f := cmd.Flags()
				agencyIDFlag(cmd)
				f.String(flagGovName, "", "the agency's name")
				f.StringArray(flagGovAdmin, nil, "admin account: address or key name (repeat)")
				f.String(flagGovPubKey, "", "the agency's validator consensus key, 32 bytes in hex or base64 (none: no validator)")
				f.Int64(flagGovPower, 0, "the validator's voting power")
			}),
		submit("propose-remove-agency", "Propose removing an agency, its admins, validator and role-policy entries (signer: an agency admin)",
			func(*cobra.Command) (gov.Change, error) {
				return gov.Change{RemoveAgency: &gov.RemoveAgency{AgencyID: c.v.GetString(flagGovAgencyID)}}, nil
			}, agencyIDFlag),
		submit("propose-set-validator-power", "Propose an agency's validator power (0 removes it), optionally with a new consensus key (signer: an agency admin)",
			func(*cobra.Command) (gov.Change, error) {
				s := &gov.SetValidatorPower{AgencyID: c.v.GetString(flagGovAgencyID), Power: c.v.GetInt64(flagGovPower)}
				if k := c.v.GetString(flagGovPubKey); k != "" {
					pk, err := parseConsensusKey(k)
					if err != nil {
						return gov.Change{}, err
					}
					s.PubKey = pk
				}
				return gov.Change{SetValidatorPower: s}, nil
			}, func(cmd *cobra.Command) {
				agencyIDFlag(cmd)
				cmd.Flags().Int64(flagGovPower, 0, "the new voting power (0 removes the validator)")
				cmd.Flags().String(flagGovPubKey, "", "a new consensus key, 32 bytes in hex or base64 (rotation, or a first validator)")
			}),
		submit("propose-set-role-policy", "Propose which agencies may grant a role (signer: an agency admin)",
			func(cmd *cobra.Command) (gov.Change, error) {
				ids := slices.Clone(stringArray(cmd, flagGovAgency))
				slices.Sort(ids)
				if ids == nil {
					ids = []string{}
				}
				return gov.Change{SetRolePolicy: &gov.SetRolePolicy{Role: core.Role(c.v.GetString(flagGovRole)), Agencies: ids}}, nil
			}, func(cmd *cobra.Command) {
				cmd.Flags().String(flagGovRole, "", "role, one of: "+rolesList())
				cmd.Flags().StringArray(flagGovAgency, nil, "agency id allowed to grant the role (repeat; none: no agency may)")
			}),
		submit("propose-upgrade", "Propose a software upgrade at a height, with the approved binary's SHA-256 (signer: an agency admin)",
			func(*cobra.Command) (gov.Change, error) {
				sum, err := binarySHA256(c.v.GetString(flagGovBinarySHA), c.v.GetString(flagGovBinary))
				if err != nil {
					return gov.Change{}, err
				}
				return gov.Change{ScheduleUpgrade: &gov.ScheduleUpgrade{Name: c.v.GetString(flagGovName),
					Height: c.v.GetInt64(flagHeight), BinarySHA256: sum, Notes: c.v.GetString(flagGovNotes)}}, nil
			}, func(cmd *cobra.Command) {
				f := cmd.Flags()
				f.String(flagGovName, "", "the upgrade's name, as the new binary registers it (lower-case letters, digits, - . _)")
				f.Int64(flagHeight, 0, "the height whose block the upgraded binary executes first")
				f.String(flagGovBinarySHA, "", "the new binary's SHA-256, 64 hex digits")
				f.String(flagGovBinary, "", "the new binary's file, to take its SHA-256 from (instead of --"+flagGovBinarySHA+")")
				f.String(flagGovNotes, "", "where to get the binary and what changes (at most 1000 bytes)")
			}),
		submit("propose-cancel-upgrade", "Propose cancelling the scheduled upgrade (signer: an agency admin)",
			func(*cobra.Command) (gov.Change, error) {
				return gov.Change{CancelUpgrade: &gov.CancelUpgrade{Name: c.v.GetString(flagGovName)}}, nil
			}, func(cmd *cobra.Command) {
				cmd.Flags().String(flagGovName, "", "the scheduled upgrade's name")
			}),
		c.txLeaf("vote", "Cast your agency's final vote on a proposal (signer: an admin of an agency in its electorate)",
			func(*cobra.Command) (core.Msg, error) {
				return &gov.CastVote{ProposalID: c.v.GetUint64(flagGovProposalID), Option: c.v.GetString(flagGovOption)}, nil
			}, func(cmd *cobra.Command) {
				proposalIDFlag(cmd)
				cmd.Flags().String(flagGovOption, "", "yes or no")
			}),
		c.txLeaf("close-proposal", "Mark an open proposal past its deadline as expired (signer: an agency admin)",
			func(*cobra.Command) (core.Msg, error) {
				return &gov.CloseProposal{ProposalID: c.v.GetUint64(flagGovProposalID)}, nil
			}, proposalIDFlag),
	)
	return cmd
}

// binarySHA256 returns the SHA-256 given as 64 hex digits (hexSum) or
// taken from the file at path: exactly one of the two.
func binarySHA256(hexSum, path string) (core.HexBytes, error) {
	switch {
	case hexSum != "" && path != "":
		return nil, fmt.Errorf("give --%s or --%s, not both", flagGovBinarySHA, flagGovBinary)
	case path != "":
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("--%s: %w", flagGovBinary, err)
		}
		defer f.Close()
		h := sha256.New()
		if _, err := io.Copy(h, f); err != nil {
			return nil, fmt.Errorf("--%s %s: %w", flagGovBinary, path, err)
		}
		return core.HexBytes(h.Sum(nil)), nil
	case hexSum != "":
		b, err := hex.DecodeString(hexSum)
		if err != nil || len(b) != sha256.Size {
			return nil, fmt.Errorf("--%s %q: want 64 hex digits", flagGovBinarySHA, hexSum)
		}
		return core.HexBytes(b), nil
	}
	return nil, fmt.Errorf("--%s or --%s is required", flagGovBinarySHA, flagGovBinary)
}

// parseConsensusKey reads an ed25519 consensus public key given as 64 hex
// digits or as base64 (the "value" in CometBFT's priv_validator_key.json).
func parseConsensusKey(s string) (core.HexBytes, error) {
	if b, err := hex.DecodeString(strings.ToLower(s)); err == nil && len(b) == 32 {
		return core.HexBytes(b), nil
	}
	if b, err := base64.StdEncoding.DecodeString(s); err == nil && len(b) == 32 {
		return core.HexBytes(b), nil
	}
	return nil, fmt.Errorf("--%s %q: want a 32-byte ed25519 key as 64 hex digits or base64", flagGovPubKey, s)
}
