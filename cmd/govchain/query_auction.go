package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/govchain/govchain/app/auction"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/client"
)

// Flags of auction queries.
const (
	flagBids = "bids"
	flagFor  = "for"
)

// The phases query auction wait waits for.
const (
	waitReveal = "reveal"
	waitClose  = "close"
)

func (c *cli) queryAuctionCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "auction",
		Short: "Auctions of state property: records, bids, the auditor's recomputation",
		Long: `Auction records. "auction ID --bids" answers the auction and every bid
in commitment order, each provable with --prove; "audit ID" fetches the same
answer (proven with --prove, verified with --verify) and recomputes the
outcome from the bids: every revealed bid must open its commitment, and the
winner, price and counts must equal what the chain recorded.`,
	}
	idArg := func(s string) (uint64, error) {
		id, err := strconv.ParseUint(s, 10, 64)
		if err != nil || id == 0 {
			return 0, fmt.Errorf("%q is not an auction id (a positive number)", s)
		}
		return id, nil
	}
	show := &cobra.Command{
		Use: "auction ID [--history | --bids]", Short: "An auction (or its history, or its bids)", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := idArg(args[0])
			if err != nil {
				return err
			}
			history, bids := c.v.GetBool(flagHistory), c.v.GetBool(flagBids)
			path := fmt.Sprintf("/auction/auction/%d", id)
			switch {
			case history && bids:
				return fmt.Errorf("give --%s or --%s, not both", flagHistory, flagBids)
			case history:
				path += "/history"
			case bids:
				path += "/bids"
			}
			return c.runQuery(cmd, path)
		},
	}
	show.Flags().Bool(flagHistory, false, "the auction's history instead")
	show.Flags().Bool(flagBids, false, "the auction and every bid instead")
	bid := &cobra.Command{
		Use: "bid ID ACCOUNT", Short: "The index entry of an account's bid in an auction (its seq)", Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := idArg(args[0])
			if err != nil {
				return err
			}
			a, err := c.keyring().ResolveAddress(args[1])
			if err != nil {
				return err
			}
			return c.runQuery(cmd, fmt.Sprintf("/auction/bid/%d/%s", id, a))
		},
	}
	asset := &cobra.Command{
		Use: "asset KIND ID", Short: "The open auction of a parcel or vehicle (KIND parcel or vehicle)", Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if args[0] != auction.AssetParcel && args[0] != auction.AssetVehicle {
				return fmt.Errorf("KIND must be %s or %s, got %q", auction.AssetParcel, auction.AssetVehicle, args[0])
			}
			if err := core.ValidateID("asset id", args[1]); err != nil {
				return err
			}
			return c.runQuery(cmd, fmt.Sprintf("/auction/asset/%s/%s", args[0], args[1]))
		},
	}
	audit := &cobra.Command{
		Use: "audit ID", Short: "Recompute an auction's outcome from its (proven) bids", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := idArg(args[0])
			if err != nil {
				return err
			}
			return c.auditAuction(cmd, id)
		},
	}
	wait := &cobra.Command{
		Use:   "wait ID --for reveal|close",
		Short: "Wait until the chain's block time opens an auction's reveal window, or ends it",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := idArg(args[0])
			if err != nil {
				return err
			}
			return c.waitAuction(cmd, id, c.v.GetString(flagFor))
		},
	}
	wait.Flags().String(flagFor, waitReveal, "reveal: until bidding is over; close: until the reveal window is over")
	cmd.AddCommand(show, bid, asset, audit, wait)
	return cmd
}

// auditAuction fetches auction/{id}/bids as query does (proven and
// verified as its flags say), recomputes the outcome with auction.Audit
// and prints it; a disagreement is an error.
func (c *cli) auditAuction(cmd *cobra.Command, id uint64) error {
	out := c.out
	c.out = io.Discard
	q, err := c.runQueryAt(cmd, fmt.Sprintf("/auction/auction/%d/bids", id))
	c.out = out
	if err != nil {
		return err
	}
	var entries []client.Entry
	if err := json.Unmarshal(q.Value, &entries); err != nil || len(entries) == 0 {
		return fmt.Errorf("the node's answer is not a list of entries")
	}
	var a auction.Auction
	if err := core.StrictUnmarshal(entries[0].Value, &a); err != nil {
		return fmt.Errorf("auction record: %w", err)
	}
	bids := make([]auction.Bid, 0, len(entries)-1)
	for i, e := range entries[1:] {
		var b auction.Bid
		if err := core.StrictUnmarshal(e.Value, &b); err != nil {
			return fmt.Errorf("bid %d: %w", i, err)
		}
		bids = append(bids, b)
	}
	o, err := auction.Audit(&a, bids)
	if err != nil {
		return err
	}
	result := "no valid bid at or above the reserve"
	if o.Sold {
		result = fmt.Sprintf("won by %s at %d %s (bid %d)", o.Winner, o.Price, a.Currency, o.WinnerSeq)
	}
	fmt.Fprintf(c.out, "auction %d (%s %s, reserve %d %s): %s\n", a.ID, a.AssetKind, a.AssetID, a.ReservePrice, a.Currency, result)
	fmt.Fprintf(c.out, "bids: %d committed, %d revealed, %d valid, %d unrevealed with a locked deposit (forfeited)\n",
		a.BidCount, o.Revealed, o.Valid, o.Forfeited)
	fmt.Fprintf(c.out, "agrees with the chain: the auction is %s with this outcome\n", a.Status)
	return nil
}

// waitAuction polls the node until the latest block time is at or past
// the auction's bidding_ends_at (reveal) or reveal_ends_at (close), so the
// next block can carry a reveal or the closing.
func (c *cli) waitAuction(cmd *cobra.Command, id uint64, phase string) error {
	if phase != waitReveal && phase != waitClose {
		return fmt.Errorf("--%s must be %s or %s, got %q", flagFor, waitReveal, waitClose, phase)
	}
	cl, err := c.client()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(cmd.Context(), c.v.GetDuration(flagTimeout))
	defer cancel()
	res, err := cl.Query(ctx, fmt.Sprintf("/auction/auction/%d", id), client.QueryOptions{})
	if err != nil {
		return err
	}
	var a auction.Auction
	if err := core.StrictUnmarshal(res.Value, &a); err != nil {
		return err
	}
	until := a.BiddingEndsAt
	if phase == waitClose {
		until = a.RevealEndsAt
	}
	for {
		st, err := cl.RPC().Status(ctx)
		if err != nil {
			return fmt.Errorf("waiting for block time %s: %w", until.Format(time.RFC3339), err)
		}
		if !st.SyncInfo.LatestBlockTime.Before(until) {
			fmt.Fprintf(c.out, "block %d at %s: auction %d is ready to %s\n", st.SyncInfo.LatestBlockHeight,
				st.SyncInfo.LatestBlockTime.UTC().Format(time.RFC3339), id, phase)
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("block time did not reach %s within --%s", until.Format(time.RFC3339), flagTimeout)
		case <-time.After(200 * time.Millisecond):
		}
	}
}
