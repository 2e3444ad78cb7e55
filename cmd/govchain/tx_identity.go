package main

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/identity"
	"github.com/govchain/govchain/app/land"
)

// Flags of identity messages (and of land's transfer-inheritance).
const (
	identFlagPersonID       = "person-id"
	identFlagParent         = "parent"
	identFlagCommitment     = "commitment"
	identFlagAttribute      = "attribute"
	identFlagPersonA        = "person-a"
	identFlagPersonB        = "person-b"
	identFlagOrgID          = "org-id"
	identFlagName           = "name"
	identFlagNewPubKey      = "new-pub-key"
	identFlagRecoveryID     = "recovery-id"
	identFlagCredentialID   = "credential-id"
	identFlagCredentialType = "credential-type"
	identFlagSubject        = "subject"
	identFlagClaims         = "claims"
	identFlagValidFrom      = "valid-from"
	identFlagValidUntil     = "valid-until"
	identFlagDeceased       = "deceased"
	identFlagHeir           = "heir"
	identFlagCertificate    = "certificate"
)

func (c *cli) txIdentityCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "identity", Short: "Identity registry transactions: persons, civil events, accounts, keys, credentials"}
	personFlags := func(cmd *cobra.Command) {
		f := cmd.Flags()
		f.String(identFlagPersonID, "", "the person's pseudonymous id (letters, digits, - _ . :)")
		f.StringArray(identFlagCommitment, nil, "precomputed commitment as ATTRIBUTE:SHA256HEX of salt||value (repeat)")
		f.StringArray(identFlagAttribute, nil, "attribute as NAME=VALUE: a random salt is drawn and the commitment computed locally; "+
			"the salt and value are printed on stderr for the person, never sent (repeat)")
		addHashFlags(cmd, flagDocument, "source document")
	}
	pairFlags := func(cmd *cobra.Command) {
		cmd.Flags().String(identFlagPersonA, "", "first person's id")
		cmd.Flags().String(identFlagPersonB, "", "second person's id")
		addHashFlags(cmd, flagDocument, "certificate")
	}
	recoveryID := func(cmd *cobra.Command) { cmd.Flags().Uint64(identFlagRecoveryID, 0, "recovery id") }
	cmd.AddCommand(
		c.txLeaf("register-person", "Enrol a living person under a new id (signer: civil_registrar)",
			func(cmd *cobra.Command) (core.Msg, error) {
				h, cs, err := c.identPersonFields(cmd)
				if err != nil {
					return nil, err
				}
				return &identity.RegisterPerson{PersonID: c.v.GetString(identFlagPersonID), DocumentHash: h, Commitments: cs}, nil
			}, personFlags),
		c.txLeaf("record-birth", "Register a birth with one or two living parents (signer: civil_registrar)",
			func(cmd *cobra.Command) (core.Msg, error) {
				h, cs, err := c.identPersonFields(cmd)
				if err != nil {
					return nil, err
				}
				return &identity.RecordBirth{PersonID: c.v.GetString(identFlagPersonID), ParentIDs: stringArray(cmd, identFlagParent),
					DocumentHash: h, Commitments: cs}, nil
			}, func(cmd *cobra.Command) {
				personFlags(cmd)
				cmd.Flags().StringArray(identFlagParent, nil, "a parent's person id (repeat, 1-2)")
			}),
		c.txLeaf("amend-person", "Replace a person's attribute commitments (signer: civil_registrar)",
			func(cmd *cobra.Command) (core.Msg, error) {
				h, cs, err := c.identPersonFields(cmd)
				if err != nil {
					return nil, err
				}
				return &identity.AmendPerson{PersonID: c.v.GetString(identFlagPersonID), DocumentHash: h, Commitments: cs}, nil
			}, personFlags),
		c.txLeaf("record-marriage", "Marry two living unmarried persons (signer: civil_registrar)",
			func(*cobra.Command) (core.Msg, error) {
				h, err := c.hashFlag(flagDocument)
				if err != nil {
					return nil, err
				}
				return &identity.RecordMarriage{PersonA: c.v.GetString(identFlagPersonA), PersonB: c.v.GetString(identFlagPersonB), DocumentHash: h}, nil
			}, pairFlags),
		c.txLeaf("record-divorce", "End the marriage of two persons married to each other (signer: civil_registrar)",
			func(*cobra.Command) (core.Msg, error) {
				h, err := c.hashFlag(flagDocument)
				if err != nil {
					return nil, err
				}
				return &identity.RecordDivorce{PersonA: c.v.GetString(identFlagPersonA), PersonB: c.v.GetString(identFlagPersonB), DocumentHash: h}, nil
			}, pairFlags),
		c.txLeaf("record-death", "Record a death: the person's accounts stop signing, credentials are revoked (signer: civil_registrar)",
			func(*cobra.Command) (core.Msg, error) {
				h, err := c.hashFlag(flagDocument)
				if err != nil {
					return nil, err
				}
				return &identity.RecordDeath{PersonID: c.v.GetString(identFlagPersonID), DocumentHash: h}, nil
			}, func(cmd *cobra.Command) {
				cmd.Flags().String(identFlagPersonID, "", "the person's id")
				addHashFlags(cmd, flagDocument, "death certificate")
			}),
		c.txLeaf("link-account", "Link an account to a living person (signer: civil_registrar)",
			func(*cobra.Command) (core.Msg, error) {
				a, err := c.account(flagAccount)
				if err != nil {
					return nil, err
				}
				return &identity.LinkAccount{PersonID: c.v.GetString(identFlagPersonID), Account: a}, nil
			}, func(cmd *cobra.Command) {
				cmd.Flags().String(identFlagPersonID, "", "the person's id")
				cmd.Flags().String(flagAccount, "", "account: address or key name")
			}),
		c.txLeaf("register-org", "Register an organisation with its accounts (signer: tax_authority)",
			func(cmd *cobra.Command) (core.Msg, error) {
				h, err := c.hashFlag(flagDocument)
				if err != nil {
					return nil, err
				}
				var accts []core.Address
				for _, s := range stringArray(cmd, flagAccount) {
					a, err := c.keyring().ResolveAddress(s)
					if err != nil {
						return nil, fmt.Errorf("--%s %q: %w", flagAccount, s, err)
					}
					accts = append(accts, a)
				}
				return &identity.RegisterOrg{OrgID: c.v.GetString(identFlagOrgID), Name: c.v.GetString(identFlagName), DocumentHash: h, Accounts: accts}, nil
			}, func(cmd *cobra.Command) {
				cmd.Flags().String(identFlagOrgID, "", "the organisation's id")
				cmd.Flags().String(identFlagName, "", "the organisation's registered name")
				cmd.Flags().StringArray(flagAccount, nil, "account: address or key name (repeat)")
				addHashFlags(cmd, flagDocument, "registration document")
			}),
		c.txLeaf("link-org-account", "Link an account to an organisation (signer: tax_authority)",
			func(*cobra.Command) (core.Msg, error) {
				a, err := c.account(flagAccount)
				if err != nil {
					return nil, err
				}
				return &identity.LinkOrgAccount{OrgID: c.v.GetString(identFlagOrgID), Account: a}, nil
			}, func(cmd *cobra.Command) {
				cmd.Flags().String(identFlagOrgID, "", "the organisation's id")
				cmd.Flags().String(flagAccount, "", "account: address or key name")
			}),
		c.txLeaf("unlink-account", "Remove an account's link (signer: civil_registrar for a person's, tax_authority for an organisation's)",
			func(*cobra.Command) (core.Msg, error) {
				a, err := c.account(flagAccount)
				if err != nil {
					return nil, err
				}
				return &identity.UnlinkAccount{Account: a, Reason: c.v.GetString(flagReason)}, nil
			}, func(cmd *cobra.Command) {
				cmd.Flags().String(flagAccount, "", "account: address or key name")
				cmd.Flags().String(flagReason, "", "why the link ends")
			}),
		c.txLeaf("rotate-key", "Replace the signing account's key by a new one (signer: the account, with its current key)",
			func(*cobra.Command) (core.Msg, error) {
				pub, err := c.identPubKey()
				if err != nil {
					return nil, err
				}
				return &identity.RotateKey{NewPubKey: pub}, nil
			}, func(cmd *cobra.Command) {
				cmd.Flags().String(identFlagNewPubKey, "", "the new key: a key name in the keyring or 64 hex digits of an ed25519 public key")
			}),
		c.txLeaf("propose-recovery", "Propose a new key for a person's account whose key was lost (signer: civil_registrar)",
			func(*cobra.Command) (core.Msg, error) {
				a, err := c.account(flagAccount)
				if err != nil {
					return nil, err
				}
				pub, err := c.identPubKey()
				if err != nil {
					return nil, err
				}
				h, err := c.hashFlag(flagDocument)
				if err != nil {
					return nil, err
				}
				exp, err := c.expiry()
				if err != nil {
					return nil, err
				}
				return &identity.ProposeRecovery{Account: a, NewPubKey: pub, Reason: c.v.GetString(flagReason), DocumentHash: h, ExpiresAt: exp}, nil
			}, func(cmd *cobra.Command) {
				f := cmd.Flags()
				f.String(flagAccount, "", "the account: address or key name")
				f.String(identFlagNewPubKey, "", "the new key: a key name in the keyring or 64 hex digits of an ed25519 public key")
				f.String(flagReason, "", "why the key is replaced")
				addHashFlags(cmd, flagDocument, "identity check record")
				f.String(flagExpiresAt, "", "deadline, RFC 3339 (e.g. 2030-01-31T00:00:00Z)")
				f.Duration(flagExpiresIn, 72*time.Hour, "deadline from now, if --expires-at is not given")
			}),
		c.txLeaf("approve-recovery", "Approve a recovery: the account's key is replaced (signer: admin of another agency than the proposer's)",
			func(*cobra.Command) (core.Msg, error) {
				return &identity.ApproveRecovery{RecoveryID: c.v.GetUint64(identFlagRecoveryID)}, nil
			}, recoveryID),
		c.txLeaf("cancel-recovery", "Withdraw a pending recovery (signer: its proposer, or the account itself)",
			func(*cobra.Command) (core.Msg, error) {
				return &identity.CancelRecovery{RecoveryID: c.v.GetUint64(identFlagRecoveryID), Reason: c.v.GetString(flagReason)}, nil
			}, func(cmd *cobra.Command) {
				recoveryID(cmd)
				cmd.Flags().String(flagReason, "", "why it is withdrawn")
			}),
		c.txLeaf("issue-credential", "Issue a credential to a person (signer: credential_issuer)",
			func(*cobra.Command) (core.Msg, error) {
				h, err := c.hashFlag(identFlagClaims)
				if err != nil {
					return nil, err
				}
				from, err := identTime(c.v.GetString(identFlagValidFrom), identFlagValidFrom)
				if err != nil {
					return nil, err
				}
				until, err := identTime(c.v.GetString(identFlagValidUntil), identFlagValidUntil)
				if err != nil {
					return nil, err
				}
				return &identity.IssueCredential{CredentialID: c.v.GetString(identFlagCredentialID), CredentialType: c.v.GetString(identFlagCredentialType),
					Subject: c.v.GetString(identFlagSubject), ClaimsHash: h, ValidFrom: from, ValidUntil: until}, nil
			}, func(cmd *cobra.Command) {
				f := cmd.Flags()
				f.String(identFlagCredentialID, "", "the credential's id (chosen by the issuer)")
				f.String(identFlagCredentialType, "", "the credential's type, e.g. driving_licence")
				f.String(identFlagSubject, "", "the subject's person id")
				addHashFlags(cmd, identFlagClaims, "claims document")
				f.String(identFlagValidFrom, "", "start of validity, RFC 3339 UTC")
				f.String(identFlagValidUntil, "", "end of validity (exclusive), RFC 3339 UTC")
			}),
		c.txLeaf("revoke-credential", "Revoke a credential (signer: its issuer, or a credential_issuer of the same agency)",
			func(*cobra.Command) (core.Msg, error) {
				return &identity.RevokeCredential{CredentialID: c.v.GetString(identFlagCredentialID), Reason: c.v.GetString(flagReason)}, nil
			}, func(cmd *cobra.Command) {
				cmd.Flags().String(identFlagCredentialID, "", "the credential's id")
				cmd.Flags().String(flagReason, "", "why it is revoked")
			}),
	)
	return cmd
}

// txLandInheritanceCmd is `govchain tx land transfer-inheritance`, to be
// added to txLandCmd's subcommands.
func (c *cli) txLandInheritanceCmd() *cobra.Command {
	return c.txLeaf("transfer-inheritance", "Move a deceased owner's shares to the heirs (signer: notary, not an heir)",
		func(cmd *cobra.Command) (core.Msg, error) {
			d, err := c.account(identFlagDeceased)
			if err != nil {
				return nil, err
			}
			heirs, err := c.shares(identFlagHeir, stringArray(cmd, identFlagHeir))
			if err != nil {
				return nil, err
			}
			h, err := c.hashFlag(identFlagCertificate)
			if err != nil {
				return nil, err
			}
			return &land.TransferInheritance{ParcelID: c.v.GetString(flagParcelID), Deceased: d,
				Denominator: c.v.GetUint64(flagDenominator), Heirs: heirs, CertificateHash: h}, nil
		}, func(cmd *cobra.Command) {
			f := cmd.Flags()
			f.String(flagParcelID, "", "parcel id")
			f.String(identFlagDeceased, "", "the deceased owner's account: address or key name")
			f.Uint64(flagDenominator, 1, "denominator of the heirs' shares (a multiple of the parcel's)")
			f.StringArray(identFlagHeir, nil, "heir as ACCOUNT:SHARES (repeat; the shares sum to the deceased's)")
			addHashFlags(cmd, identFlagCertificate, "inheritance certificate or deed")
		})
}

// identPersonFields reads the document hash and the commitments of a
// person message: --commitment ATTR:HEX values as given, and --attribute
// NAME=VALUE values committed with a fresh random salt each, whose salt and
// value are printed on stderr for the person to keep. The result is sorted
// by attribute.
func (c *cli) identPersonFields(cmd *cobra.Command) (core.Hash, []identity.Commitment, error) {
	h, err := c.hashFlag(flagDocument)
	if err != nil {
		return core.Hash{}, nil, err
	}
	var out []identity.Commitment
	for _, s := range stringArray(cmd, identFlagCommitment) {
		attr, hx, ok := strings.Cut(s, ":")
		if !ok {
			return core.Hash{}, nil, fmt.Errorf("--%s %q: want ATTRIBUTE:SHA256HEX", identFlagCommitment, s)
		}
		ch, err := core.ParseHash(strings.ToLower(hx))
		if err != nil {
			return core.Hash{}, nil, fmt.Errorf("--%s %q: %w", identFlagCommitment, s, err)
		}
		out = append(out, identity.Commitment{Attribute: attr, Commitment: ch})
	}
	for _, s := range stringArray(cmd, identFlagAttribute) {
		attr, value, ok := strings.Cut(s, "=")
		if !ok {
			return core.Hash{}, nil, fmt.Errorf("--%s %q: want NAME=VALUE", identFlagAttribute, s)
		}
		salt := make([]byte, 32)
		if _, err := rand.Read(salt); err != nil {
			return core.Hash{}, nil, err
		}
		out = append(out, identity.Commitment{Attribute: attr, Commitment: sha256.Sum256(append(salt, value...))})
		fmt.Fprintf(c.errOut, "attribute %s: salt %s value %q (give both to the person; they are not sent)\n", attr, hex.EncodeToString(salt), value)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Attribute < out[j].Attribute })
	return h, out, nil
}

// identPubKey reads --new-pub-key: a key name in the keyring or 64 hex
// digits.
func (c *cli) identPubKey() (core.HexBytes, error) {
	s := c.v.GetString(identFlagNewPubKey)
	if s == "" {
		return nil, fmt.Errorf("--%s is required", identFlagNewPubKey)
	}
	if b, err := hex.DecodeString(s); err == nil && len(b) == 32 {
		return core.HexBytes(b), nil
	}
	k, err := c.keyring().Info(s) // the public key: no passphrase, and a token key works too
	if err != nil {
		return nil, fmt.Errorf("--%s %q: neither 64 hex digits nor a key name: %w", identFlagNewPubKey, s, err)
	}
	return core.HexBytes(k.PubKey), nil
}

// identTime parses a required RFC 3339 time flag, returned in UTC.
func identTime(s, flag string) (time.Time, error) {
	if s == "" {
		return time.Time{}, fmt.Errorf("--%s is required", flag)
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("--%s: %w", flag, err)
	}
	return t.UTC(), nil
}
