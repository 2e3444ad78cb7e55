package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/sharing"
	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/seal"
)

// Flags of sharing messages, named after the messages' JSON fields
// (--description, --reason, --expires-at, --expires-in and --document are
// the shared constants of tx_land.go).
const (
	shareFlagClassID            = "class-id"
	shareFlagField              = "field"
	shareFlagPurpose            = "purpose"
	shareFlagKeyID              = "key-id"
	shareFlagSuite              = "suite"
	shareFlagPublicKey          = "public-key"
	shareFlagValidUntil         = "valid-until"
	shareFlagValidFor           = "valid-for"
	shareFlagSubject            = "subject"
	shareFlagGrantee            = "grantee"
	shareFlagLegalBasis         = "legal-basis"
	shareFlagLegalBasisHash     = "legal-basis-hash"
	shareFlagMaxRequests        = "max-requests"
	shareFlagPeriodSeconds      = "period-seconds"
	shareFlagConsentRequired    = "consent-required"
	shareFlagGrantID            = "grant-id"
	shareFlagAgency             = "agency"
	shareFlagCaseRef            = "case-ref"
	shareFlagCaseFile           = "case-file"
	shareFlagRequestID          = "request-id"
	shareFlagPayload            = "payload"
	shareFlagReceivedCommitment = "received-commitment"
	shareFlagCovert             = "covert"
	shareFlagDiscloseAt         = "disclose-at"
	shareFlagDiscloseIn         = "disclose-in"
	shareFlagDetailsOut         = "details-out"
	shareFlagDetails            = "details"
	shareFlagSalt               = "salt"
)

// txSharingLong is the help of "govchain tx sharing": who signs what, in
// the order a sharing takes place.
const txSharingLong = `Restricted data shared between agencies under grants, with a provable
access log per subject. The data stays in the owner agency's database; the
chain holds classes, keys, salted commitments, grants, consents and every
access request, allowed or refused.

The flow, and who signs each step:
  declare-class     an admin of the owner agency: a class's fields and purposes
  register-key      an admin of each agency: an HPKE key to receive data under
  commit-record     the owner's data service (data_service) or admin: one
                    commitment per class field of a subject's record
  create-grant      an admin of the owner: fields, purpose, expiry, rate, consent
  give-consent      the subject, through an account linked to its person
  request-access    a data officer (data_officer) of the grantee; a refused
                    request is recorded too, and its code printed; with
                    --covert for a covert purpose (law_enforcement): the
                    details sealed, disclosed later
  record-delivery   the owner's data service: the receipt of what it sealed
  file-complaint    a data officer of the requester: a field that does not
                    match its commitment
  disclose-request  a covert request's details: a data officer of the
                    requester from its disclose_at, or a court or ombudsman
                    of the purpose's overseer at any time
  revoke-grant, revoke-grantee, revoke-key, withdraw-consent, erase-record

Lists (--field, --purpose, --subject) are repeated flags, in any order:
they are sorted before signing. Hashes are 64 hex digits, or a file hashed
locally (--document, --case-file, --payload) that is never sent.`

func (c *cli) txSharingCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sharing",
		Short: "Data sharing between agencies: classes, keys, record commitments, grants, consent, access requests, deliveries",
		Long:  txSharingLong,
	}
	str := func(name, usage string) func(*cobra.Command) {
		return func(cmd *cobra.Command) { cmd.Flags().String(name, "", usage) }
	}
	id := func(name, usage string) func(*cobra.Command) {
		return func(cmd *cobra.Command) { cmd.Flags().Uint64(name, 0, usage) }
	}
	list := func(name, usage string) func(*cobra.Command) {
		return func(cmd *cobra.Command) { cmd.Flags().StringArray(name, nil, usage) }
	}
	legalBasis := func(cmd *cobra.Command) {
		str(shareFlagLegalBasis, "the legal basis, as text (at most 1,000 bytes)")(cmd)
		str(shareFlagLegalBasisHash, "SHA-256 of the legal basis document (64 hex digits)")(cmd)
		str(flagDocument, "the legal basis document (hashed locally; the file is not sent)")(cmd)
	}
	classSubject := func(cmd *cobra.Command) {
		str(shareFlagClassID, "the class id (letters, digits, - _ . :)")(cmd)
		str(shareFlagSubject, "the subject: a person id of the identity registry")(cmd)
	}
	consent := func(cmd *cobra.Command) {
		str(shareFlagAgency, "the agency the consent is to (a grantee)")(cmd)
		str(shareFlagPurpose, "the purpose code")(cmd)
	}
	commit := c.txLeaf("commit-record", "Commit a subject's record: one commitment per class field (signer: the owner's data_service, or its admin)",
		func(cmd *cobra.Command) (core.Msg, error) {
			fs, err := fieldCommitments(stringArray(cmd, shareFlagField))
			if err != nil {
				return nil, err
			}
			return &sharing.CommitRecord{ClassID: c.v.GetString(shareFlagClassID), Subject: c.v.GetString(shareFlagSubject), Fields: fs}, nil
		}, func(cmd *cobra.Command) {
			classSubject(cmd)
			list(shareFlagField, "a field's commitment as NAME:SHA256HEX (repeat; every field of the class, once)")(cmd)
		})
	commit.Long = `Commit the current version of the signer's agency's record on a subject in
a class: one --field NAME:COMMITMENT per field of the class. A record
committed again gets a new version.

This command takes commitments, never values: the commitment of a field is
SHA-256(salt || 0x00 || name || 0x00 || value) with a fresh 32-byte salt
per field per version (package seal, seal.Commitment), and computing it
belongs to the agency's data service, which keeps the values and salts in
its own database and serves them, sealed, to allowed requests. Nothing
personal is sent to the chain.`
	request := c.txLeaf("request-access", "Request fields of a subject's record under a grant to your agency (signer: data_officer of the grantee)",
		func(cmd *cobra.Command) (core.Msg, error) {
			ref, err := c.hashFlagPair(shareFlagCaseRef, shareFlagCaseFile)
			if err != nil {
				return nil, err
			}
			if c.v.GetBool(shareFlagCovert) {
				return c.covertRequest(cmd, ref)
			}
			for _, f := range []string{shareFlagDiscloseAt, shareFlagDiscloseIn, shareFlagDetailsOut} {
				if cmd.Flags().Changed(f) {
					return nil, fmt.Errorf("--%s is for a covert request: add --%s", f, shareFlagCovert)
				}
			}
			return &sharing.RequestAccess{GrantID: c.v.GetUint64(shareFlagGrantID), Subject: c.v.GetString(shareFlagSubject),
				Fields: sortedArray(cmd, shareFlagField), Purpose: c.v.GetString(shareFlagPurpose), CaseRef: ref}, nil
		}, func(cmd *cobra.Command) {
			id(shareFlagGrantID, "the grant id")(cmd)
			str(shareFlagSubject, "the subject's person id")(cmd)
			list(shareFlagField, "a field to request (repeat; each one of the grant's)")(cmd)
			str(shareFlagPurpose, "the purpose code (the grant's)")(cmd)
			str(shareFlagCaseRef, "SHA-256 of your case reference (64 hex digits)")(cmd)
			str(shareFlagCaseFile, "file of your case reference (hashed locally; the file is not sent)")(cmd)
			cmd.Flags().Bool(shareFlagCovert, false, "a covert request (the grant's purpose is covert): fields and case reference are sealed, not sent")
			str(shareFlagDiscloseAt, "with --covert: when you disclose the details, RFC 3339 (at most the purpose's max secrecy ahead)")(cmd)
			cmd.Flags().Duration(shareFlagDiscloseIn, 0, "with --covert: disclose the details this long from now, if --disclose-at is not given (e.g. 720h)")
			str(shareFlagDetailsOut, "with --covert: a new file (mode 0600) the details and their salt are written to; keep it to disclose")(cmd)
		})
	request.Long = `Request fields of a subject's record under a grant to the signer's agency.
The request is recorded on chain, and in the subject's access log, before
anything is served; the owner's data service then seals the fields to one
of your agency's keys and records the delivery.

A refused request (no such grant, revoked or expired, a field, subject or
purpose the grant does not cover, no consent, the rate limit reached) is
recorded too: the transaction is in a block, its result and events
(request_id, outcome=refused, code) are printed, then the refusal's
"error: code N (govchain): ..." line, and the command exits 1.

Under a grant for a covert purpose (law_enforcement) the request must be
covert (--covert): the chain refuses, without recording it, a request
naming its fields in the clear, and every block is public. With --covert
the command reads the grant, its purpose and the keys of the purpose's
overseer and of the grant's owner from the node (with proofs), draws a
fresh salt, and seals the fields and case reference to both; the
transaction carries only their commitment, the two sealed copies and
--disclose-at. Before posting it writes the details (fields, case
reference, salt) to --details-out, a new file, and prints the details
commitment on stderr: keep the file, "tx sharing disclose-request
--details FILE" discloses the request from its disclose_at on (a court or
ombudsman of the overseer may release it earlier). --covert asks the node
even with --generate-only.`
	cmd.AddCommand(
		c.txLeaf("declare-class", "Declare a class of records your agency holds: its fields and purposes (signer: an agency admin)",
			func(cmd *cobra.Command) (core.Msg, error) {
				return &sharing.DeclareClass{ClassID: c.v.GetString(shareFlagClassID), Description: c.v.GetString(flagDescription),
					Fields: sortedArray(cmd, shareFlagField), Purposes: sortedArray(cmd, shareFlagPurpose)}, nil
			}, func(cmd *cobra.Command) {
				str(shareFlagClassID, "the class id (letters, digits, - _ . :); a class never changes, a new layout is a new id")(cmd)
				str(flagDescription, "what the class holds")(cmd)
				list(shareFlagField, "a field name (repeat, 1-64)")(cmd)
				list(shareFlagPurpose, "a purpose code the class may be shared for (repeat; see govchain query sharing purposes)")(cmd)
			}),
		c.txLeaf("register-key", "Register an HPKE public key your agency receives data under (signer: an agency admin)",
			func(cmd *cobra.Command) (core.Msg, error) {
				pub, err := hexFlag(c.v.GetString(shareFlagPublicKey), shareFlagPublicKey)
				if err != nil {
					return nil, err
				}
				until, err := c.deadline(shareFlagValidUntil, shareFlagValidFor)
				if err != nil {
					return nil, err
				}
				return &sharing.RegisterKey{KeyID: c.v.GetString(shareFlagKeyID), Suite: c.v.GetString(shareFlagSuite), PublicKey: pub, ValidUntil: until}, nil
			}, func(cmd *cobra.Command) {
				str(shareFlagKeyID, "a new key id (ids are never reused)")(cmd)
				str(shareFlagSuite, "the key's suite: "+strings.Join(seal.Suites(), " or "))(cmd)
				str(shareFlagPublicKey, "the public key in hex (seal's encoding; 32 bytes for x25519, 1216 for mlkem768-x25519)")(cmd)
				str(shareFlagValidUntil, "end of validity, RFC 3339 (e.g. 2030-01-31T00:00:00Z; at most 5 years ahead)")(cmd)
				cmd.Flags().Duration(shareFlagValidFor, 0, "validity from now, if --valid-until is not given (e.g. 8760h)")
			}),
		c.txLeaf("revoke-key", "Revoke one of your agency's keys: nothing is sealed to it any more (signer: an agency admin)",
			func(*cobra.Command) (core.Msg, error) {
				return &sharing.RevokeKey{KeyID: c.v.GetString(shareFlagKeyID)}, nil
			}, str(shareFlagKeyID, "the key id")),
		commit,
		c.txLeaf("create-grant", "Allow another agency to request fields of a class for a purpose (signer: an admin of the class's owner)",
			func(cmd *cobra.Command) (core.Msg, error) {
				h, err := c.hashFlagPair(shareFlagLegalBasisHash, flagDocument)
				if err != nil {
					return nil, err
				}
				exp, err := c.deadline(flagExpiresAt, flagExpiresIn)
				if err != nil {
					return nil, err
				}
				subjects := sortedArray(cmd, shareFlagSubject)
				if subjects == nil {
					subjects = []string{}
				}
				return &sharing.CreateGrant{
					Grantee: c.v.GetString(shareFlagGrantee), ClassID: c.v.GetString(shareFlagClassID),
					Fields: sortedArray(cmd, shareFlagField), Subjects: subjects, Purpose: c.v.GetString(shareFlagPurpose),
					LegalBasis: c.v.GetString(shareFlagLegalBasis), LegalBasisHash: h, ExpiresAt: exp,
					MaxRequests: c.v.GetUint64(shareFlagMaxRequests), PeriodSeconds: c.v.GetUint64(shareFlagPeriodSeconds),
					ConsentRequired: c.v.GetBool(shareFlagConsentRequired),
				}, nil
			}, func(cmd *cobra.Command) {
				f := cmd.Flags()
				str(shareFlagGrantee, "the agency allowed to request")(cmd)
				str(shareFlagClassID, "the class id")(cmd)
				list(shareFlagField, "a field the grantee may request (repeat; each one of the class's)")(cmd)
				list(shareFlagSubject, "a subject's person id the grant is limited to (repeat, at most 256; none: every subject of the class)")(cmd)
				str(shareFlagPurpose, "the purpose code (one of the class's)")(cmd)
				legalBasis(cmd)
				f.String(flagExpiresAt, "", "expiry, RFC 3339 (e.g. 2030-01-31T00:00:00Z; at most 5 years ahead)")
				f.Duration(flagExpiresIn, 0, "expiry from now, if --expires-at is not given (e.g. 720h)")
				f.Uint64(shareFlagMaxRequests, 0, "allowed requests per period (1 to 1000000)")
				f.Uint64(shareFlagPeriodSeconds, 0, "length of the rate period in seconds, counted from the grant's creation (1 to 31622400)")
				f.Bool(shareFlagConsentRequired, false, "allow a request only with the subject's consent to the grantee for the purpose")
			}),
		c.txLeaf("revoke-grant", "Revoke an active grant (signer: an admin of its owner)",
			func(*cobra.Command) (core.Msg, error) {
				return &sharing.RevokeGrant{GrantID: c.v.GetUint64(shareFlagGrantID), Reason: c.v.GetString(flagReason)}, nil
			}, func(cmd *cobra.Command) {
				id(shareFlagGrantID, "the grant id")(cmd)
				str(flagReason, "why it is revoked")(cmd)
			}),
		c.txLeaf("revoke-grantee", "Revoke every active grant of your agency to another agency at once (signer: an agency admin)",
			func(*cobra.Command) (core.Msg, error) {
				return &sharing.RevokeGrantee{Grantee: c.v.GetString(shareFlagGrantee), Reason: c.v.GetString(flagReason)}, nil
			}, func(cmd *cobra.Command) {
				str(shareFlagGrantee, "the grantee agency")(cmd)
				str(flagReason, "why its grants are revoked")(cmd)
			}),
		c.txLeaf("give-consent", "Consent to an agency's use of your data for a purpose (signer: an account linked to the subject)",
			func(*cobra.Command) (core.Msg, error) {
				return &sharing.GiveConsent{Agency: c.v.GetString(shareFlagAgency), Purpose: c.v.GetString(shareFlagPurpose)}, nil
			}, consent),
		c.txLeaf("withdraw-consent", "Withdraw a consent you gave (signer: an account linked to the subject)",
			func(*cobra.Command) (core.Msg, error) {
				return &sharing.WithdrawConsent{Agency: c.v.GetString(shareFlagAgency), Purpose: c.v.GetString(shareFlagPurpose)}, nil
			}, consent),
		request,
		c.txLeaf("record-delivery", "Record the receipt of a sealed delivery for an allowed request (signer: the owner's data_service)",
			func(*cobra.Command) (core.Msg, error) {
				h, err := c.hashFlag(shareFlagPayload)
				if err != nil {
					return nil, err
				}
				return &sharing.RecordDelivery{RequestID: c.v.GetUint64(shareFlagRequestID), PayloadHash: h, KeyID: c.v.GetString(shareFlagKeyID)}, nil
			}, func(cmd *cobra.Command) {
				id(shareFlagRequestID, "the request id")(cmd)
				addHashFlags(cmd, shareFlagPayload, "sealed payload")
				str(shareFlagKeyID, "the requester's key id the payload was sealed to")(cmd)
			}),
		c.txLeaf("file-complaint", "Complain that a delivered field does not match its commitment (signer: data_officer of the requester)",
			func(*cobra.Command) (core.Msg, error) {
				rc, err := hashHex(c.v.GetString(shareFlagReceivedCommitment), shareFlagReceivedCommitment)
				if err != nil {
					return nil, err
				}
				h, err := c.hashFlag(shareFlagPayload)
				if err != nil {
					return nil, err
				}
				return &sharing.FileComplaint{RequestID: c.v.GetUint64(shareFlagRequestID), Field: c.v.GetString(shareFlagField),
					ReceivedCommitment: rc, PayloadHash: h}, nil
			}, func(cmd *cobra.Command) {
				id(shareFlagRequestID, "the request id")(cmd)
				str(shareFlagField, "the field that does not match")(cmd)
				str(shareFlagReceivedCommitment, "the commitment of the field as received (64 hex digits)")(cmd)
				addHashFlags(cmd, shareFlagPayload, "sealed payload as delivered (its hash must be the delivery's)")
			}),
		c.txLeaf("disclose-request", "Disclose a covert request's fields and case reference (signer: data_officer of the requester from its disclose_at, or court or ombudsman of its overseer)",
			func(cmd *cobra.Command) (core.Msg, error) {
				d, err := c.discloseDetails(cmd)
				if err != nil {
					return nil, err
				}
				return &sharing.DiscloseRequest{RequestID: c.v.GetUint64(shareFlagRequestID), Fields: d.Fields, CaseRef: d.CaseRef, Salt: d.Salt}, nil
			}, func(cmd *cobra.Command) {
				id(shareFlagRequestID, "the covert request's id")(cmd)
				str(shareFlagDetails, "the details file request-access --covert --details-out wrote")(cmd)
				list(shareFlagField, "without --details: a field of the request (repeat)")(cmd)
				str(shareFlagCaseRef, "without --details: SHA-256 of the case reference (64 hex digits)")(cmd)
				str(shareFlagCaseFile, "without --details: file of the case reference (hashed locally)")(cmd)
				str(shareFlagSalt, "without --details: the details' salt (64 hex digits)")(cmd)
			}),
		c.txLeaf("erase-record", "Erase your agency's record on a subject on a legal basis: its commitments go, it is frozen (signer: an agency admin)",
			func(*cobra.Command) (core.Msg, error) {
				h, err := c.hashFlagPair(shareFlagLegalBasisHash, flagDocument)
				if err != nil {
					return nil, err
				}
				return &sharing.EraseRecord{ClassID: c.v.GetString(shareFlagClassID), Subject: c.v.GetString(shareFlagSubject),
					LegalBasis: c.v.GetString(shareFlagLegalBasis), LegalBasisHash: h}, nil
			}, func(cmd *cobra.Command) {
				classSubject(cmd)
				legalBasis(cmd)
			}),
	)
	return cmd
}

// covertRequest builds request-access --covert: it seals the details
// (--field, and the case reference ref) with the keys the node's proven
// answers give (client.CovertRequest), writes them to --details-out (a
// new file) and prints their commitment on stderr, all before anything
// is signed or posted.
func (c *cli) covertRequest(cmd *cobra.Command, ref core.Hash) (core.Msg, error) {
	out := c.v.GetString(shareFlagDetailsOut)
	if out == "" {
		return nil, fmt.Errorf("--%s FILE is required with --%s: the details and their salt are needed to disclose the request", shareFlagDetailsOut, shareFlagCovert)
	}
	at, err := c.deadline(shareFlagDiscloseAt, shareFlagDiscloseIn)
	if err != nil {
		return nil, err
	}
	chainID := c.v.GetString(flagChainID)
	if chainID == "" && c.v.GetBool(flagGenerateOnly) {
		if chainID, err = c.homeChainID(); err != nil {
			return nil, err
		}
	}
	cl, err := c.client()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(cmd.Context(), c.v.GetDuration(flagTimeout))
	defer cancel()
	m, d, err := cl.CovertRequest(ctx, chainID, c.v.GetUint64(shareFlagGrantID), c.v.GetString(shareFlagSubject),
		stringArray(cmd, shareFlagField), ref, at, client.QueryOptions{Prove: true, HeaderWait: c.v.GetDuration(flagTimeout)})
	if errors.Is(err, sharing.ErrInvalidMessage) {
		return nil, refused(err)
	}
	if err != nil {
		return nil, err
	}
	if p := c.v.GetString(shareFlagPurpose); p != "" && p != m.Purpose {
		return nil, fmt.Errorf("--%s %s: grant %d is for %s", shareFlagPurpose, p, m.GrantID, m.Purpose)
	}
	if err := m.Validate(); err != nil {
		return nil, refused(err)
	}
	f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("--%s: %w (the details file is never overwritten)", shareFlagDetailsOut, err)
	}
	_, err = f.Write(append(d.Encode(), '\n'))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("--%s: %w", shareFlagDetailsOut, err)
	}
	fmt.Fprintf(c.errOut, "details commitment %s; fields, case reference and salt written to %s (keep it to disclose the request)\n",
		m.DetailsCommitment, out)
	return m, nil
}

// discloseDetails returns the details disclose-request discloses: those
// of --details FILE, or of --field, --case-ref (or --case-file) and
// --salt.
func (c *cli) discloseDetails(cmd *cobra.Command) (sharing.CovertDetails, error) {
	file := c.v.GetString(shareFlagDetails)
	if file == "" {
		ref, err := c.hashFlagPair(shareFlagCaseRef, shareFlagCaseFile)
		if err != nil {
			return sharing.CovertDetails{}, err
		}
		salt, err := hashHex(c.v.GetString(shareFlagSalt), shareFlagSalt)
		if err != nil {
			return sharing.CovertDetails{}, err
		}
		return sharing.CovertDetails{Fields: sortedArray(cmd, shareFlagField), CaseRef: ref, Salt: salt}, nil
	}
	for _, f := range []string{shareFlagField, shareFlagCaseRef, shareFlagCaseFile, shareFlagSalt} {
		if cmd.Flags().Changed(f) {
			return sharing.CovertDetails{}, fmt.Errorf("give --%s or --%s, not both", shareFlagDetails, f)
		}
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return sharing.CovertDetails{}, err
	}
	d, err := sharing.DecodeCovertDetails(bytes.TrimSpace(b))
	if err != nil {
		return sharing.CovertDetails{}, fmt.Errorf("--%s %s: %w", shareFlagDetails, file, err)
	}
	return d, nil
}

// sortedArray returns a repeatable flag's values sorted (nil if none), so
// that the order they are given in does not matter; duplicates are left
// for the message's check to refuse.
func sortedArray(cmd *cobra.Command, name string) []string {
	v := slices.Clone(stringArray(cmd, name))
	slices.Sort(v)
	return v
}

// fieldCommitments parses repeated --field NAME:SHA256HEX values, sorted
// by name.
func fieldCommitments(values []string) ([]sharing.FieldCommitment, error) {
	out := make([]sharing.FieldCommitment, 0, len(values))
	for _, v := range values {
		name, hx, ok := strings.Cut(v, ":")
		if !ok {
			return nil, fmt.Errorf("--%s %q: want NAME:SHA256HEX", shareFlagField, v)
		}
		h, err := core.ParseHash(strings.ToLower(hx))
		if err != nil {
			return nil, fmt.Errorf("--%s %q: want 64 hex digits (a SHA-256)", shareFlagField, v)
		}
		out = append(out, sharing.FieldCommitment{Name: name, Commitment: h})
	}
	slices.SortFunc(out, func(a, b sharing.FieldCommitment) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// hashHex parses a SHA-256 given as 64 hex digits in flag --what.
func hashHex(s, what string) (core.Hash, error) {
	if s == "" {
		return core.Hash{}, fmt.Errorf("--%s is required", what)
	}
	h, err := core.ParseHash(strings.ToLower(s))
	if err != nil {
		return core.Hash{}, fmt.Errorf("--%s: want 64 hex digits (a SHA-256)", what)
	}
	return h, nil
}

// hexFlag parses the required hex bytes of flag --name.
func hexFlag(s, name string) (core.HexBytes, error) {
	if s == "" {
		return nil, fmt.Errorf("--%s is required", name)
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("--%s: not hex: %w", name, err)
	}
	return core.HexBytes(b), nil
}

// deadline returns the time --atFlag gives (RFC 3339) or now plus the
// duration --inFlag gives, in UTC to the second; exactly one is required.
func (c *cli) deadline(atFlag, inFlag string) (time.Time, error) {
	at, in := c.v.GetString(atFlag), c.v.GetDuration(inFlag)
	switch {
	case at != "" && in != 0:
		return time.Time{}, fmt.Errorf("give --%s or --%s, not both", atFlag, inFlag)
	case at != "":
		return identTime(at, atFlag)
	case in != 0:
		return time.Now().Add(in).UTC().Truncate(time.Second), nil
	}
	return time.Time{}, fmt.Errorf("--%s TIME or --%s DURATION is required", atFlag, inFlag)
}
