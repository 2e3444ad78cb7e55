package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/govchain/govchain/app/auction"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/client"
)

// Flags of auction messages.
const (
	flagAuctionID     = "auction-id"
	flagAssetKind     = "asset-kind"
	flagAssetID       = "asset-id"
	flagReservePrice  = "reserve-price"
	flagDeposit       = "deposit"
	flagBiddingEndsAt = "bidding-ends-at"
	flagBiddingFor    = "bidding-for"
	flagRevealFor     = "reveal-for"
	flagBank          = "bank"
	flagBidder        = "bidder"
	flagSaltFile      = "salt-file"
)

func (c *cli) txAuctionCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "auction",
		Short: "Auctions of state property by sealed bid: list, bid, lock deposits, reveal, close",
		Long: `Auctions of a parcel or a vehicle an agency owns, by commit-reveal
(see docs/auction.md). A bid is sent as a commitment only: commit-bid
computes it locally from --amount, your account and a random salt that it
keeps in --salt-file (created if missing, mode 0600), and sends neither.
reveal-bid sends the amount and the salt from that file once bidding is
over. Lose the salt file and the bid cannot be revealed: its deposit is
forfeited.`,
	}
	auctionID := func(cmd *cobra.Command) { cmd.Flags().Uint64(flagAuctionID, 0, "auction id") }
	cmd.AddCommand(
		c.txLeaf("list", "List an asset for auction (signer: an agency admin who is its sole owner)",
			func(*cobra.Command) (core.Msg, error) {
				end := time.Now().Add(c.v.GetDuration(flagBiddingFor)).UTC().Truncate(time.Second)
				if s := c.v.GetString(flagBiddingEndsAt); s != "" {
					t, err := time.Parse(time.RFC3339, s)
					if err != nil {
						return nil, fmt.Errorf("--%s: %w", flagBiddingEndsAt, err)
					}
					end = t.UTC()
				}
				return &auction.ListAsset{
					AssetKind: c.v.GetString(flagAssetKind), AssetID: c.v.GetString(flagAssetID),
					ReservePrice: c.v.GetInt64(flagReservePrice), Deposit: c.v.GetInt64(flagDeposit),
					Currency: c.v.GetString(flagCurrency), BiddingEndsAt: end,
					RevealEndsAt: end.Add(c.v.GetDuration(flagRevealFor)),
				}, nil
			}, func(cmd *cobra.Command) {
				f := cmd.Flags()
				f.String(flagAssetKind, auction.AssetParcel, "what is sold: parcel or vehicle")
				f.String(flagAssetID, "", "parcel id or VIN")
				f.Int64(flagReservePrice, 0, "reserve price in minor units of --currency")
				f.Int64(flagDeposit, 0, "deposit each bidder's bank must lock, in minor units")
				f.String(flagCurrency, "EUR", "ISO 4217 currency code")
				f.String(flagBiddingEndsAt, "", "end of bidding, RFC 3339 (default: now + --bidding-for)")
				f.Duration(flagBiddingFor, 7*24*time.Hour, "bidding time from now, if --bidding-ends-at is not given")
				f.Duration(flagRevealFor, 24*time.Hour, "length of the reveal window after bidding ends")
			}),
		c.txLeaf("commit-bid", "Commit a sealed bid (signer: a registered person or organisation)",
			func(cmd *cobra.Command) (core.Msg, error) {
				bidder, err := c.bidderAccount(cmd)
				if err != nil {
					return nil, err
				}
				bank, err := c.account(flagBank)
				if err != nil {
					return nil, err
				}
				salt, err := c.saltFile(true)
				if err != nil {
					return nil, err
				}
				id := c.v.GetUint64(flagAuctionID)
				return &auction.CommitBid{AuctionID: id, Bank: bank,
					Commitment: auction.Commitment(id, bidder, c.v.GetInt64(flagAmount), salt)}, nil
			}, func(cmd *cobra.Command) {
				auctionID(cmd)
				f := cmd.Flags()
				f.Int64(flagAmount, 0, "your bid in minor units (not sent: only its commitment is)")
				f.String(flagBank, "", "the bank that will lock your deposit")
				f.String(flagSaltFile, "", "file holding the bid's secret salt (created with a random salt if missing)")
			}),
		c.txLeaf("confirm-deposit", "Confirm that a bidder's deposit is locked (signer: the bank the bid names)",
			func(*cobra.Command) (core.Msg, error) {
				bidder, err := c.account(flagBidder)
				if err != nil {
					return nil, err
				}
				return &auction.ConfirmDeposit{AuctionID: c.v.GetUint64(flagAuctionID), Bidder: bidder,
					Reference: c.v.GetString(flagReference)}, nil
			}, func(cmd *cobra.Command) {
				auctionID(cmd)
				cmd.Flags().String(flagBidder, "", "the bidder's account")
				cmd.Flags().String(flagReference, "", "the bank's reference of the blocked amount")
			}),
		c.txLeaf("reveal-bid", "Reveal your bid's amount and salt (signer: the bidder, during the reveal window)",
			func(*cobra.Command) (core.Msg, error) {
				salt, err := c.saltFile(false)
				if err != nil {
					return nil, err
				}
				return &auction.RevealBid{AuctionID: c.v.GetUint64(flagAuctionID), Amount: c.v.GetInt64(flagAmount), Salt: salt}, nil
			}, func(cmd *cobra.Command) {
				auctionID(cmd)
				cmd.Flags().Int64(flagAmount, 0, "the amount you committed to")
				cmd.Flags().String(flagSaltFile, "", "the salt file commit-bid wrote")
			}),
		c.txLeaf("close", "Close an auction after its reveal window and open the winner's purchase (signer: the seller)",
			func(*cobra.Command) (core.Msg, error) {
				return &auction.CloseAuction{AuctionID: c.v.GetUint64(flagAuctionID)}, nil
			}, auctionID),
		c.txLeaf("complete", "Record how a sold auction's purchase ended (signer: anyone)",
			func(*cobra.Command) (core.Msg, error) {
				return &auction.CompleteAuction{AuctionID: c.v.GetUint64(flagAuctionID)}, nil
			}, auctionID),
	)
	return cmd
}

// bidderAccount is the account the --from key signs for, which a
// commitment binds: asked from the node (a rotated key signs for the
// account it was rotated into), or the key's own address with
// --generate-only, where no node is asked.
func (c *cli) bidderAccount(cmd *cobra.Command) (core.Address, error) {
	key, err := c.signer()
	if err != nil {
		return core.Address{}, err
	}
	if c.v.GetBool(flagGenerateOnly) {
		return client.SignerAddress(key), nil
	}
	cl, err := c.client()
	if err != nil {
		return core.Address{}, err
	}
	ctx, cancel := context.WithTimeout(cmd.Context(), c.v.GetDuration(flagTimeout))
	defer cancel()
	return cl.SignerAccount(ctx, client.SignerAddress(key))
}

// saltFile reads the 32-byte salt (64 hex digits) in --salt-file; if create
// and the file does not exist, it writes a new random salt there first
// (mode 0600, never overwriting a file).
func (c *cli) saltFile(create bool) (core.Hash, error) {
	path := c.v.GetString(flagSaltFile)
	if path == "" {
		return core.Hash{}, fmt.Errorf("--%s FILE is required", flagSaltFile)
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && create {
		var salt core.Hash
		if _, err := rand.Read(salt[:]); err != nil {
			return core.Hash{}, err
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return core.Hash{}, err
		}
		if _, err := f.WriteString(hex.EncodeToString(salt[:]) + "\n"); err != nil {
			_ = f.Close()
			return core.Hash{}, err
		}
		return salt, f.Close()
	}
	if err != nil {
		return core.Hash{}, err
	}
	salt, err := core.ParseHash(strings.TrimSpace(string(b)))
	if err != nil {
		return core.Hash{}, fmt.Errorf("--%s %s: not a salt (64 hex digits): %w", flagSaltFile, path, err)
	}
	return salt, nil
}
