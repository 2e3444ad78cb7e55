// Command goclient is the example of the Go client package that
// docs/client.md shows whole and its test runs against a development
// chain. It subscribes to a parcel's transactions over the node's
// websocket, registers the parcel signed with a keyring key, prints the
// event it receives, reads the parcel back with its proof verified, and
// shows how a refusal comes back (registering the parcel again).
//
//	go run ./docs/goclient --home .govchain-dev --from registrar --owner alice --parcel-id BE-21004-0999
package main

import (
	"context"
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/govchain/govchain/app/land"
	"github.com/govchain/govchain/client"
)

func main() {
	home := flag.String("home", ".govchain-dev", "home whose keyring/ holds the keys")
	node := flag.String("node", client.DefaultNode, "CometBFT RPC endpoint of a node")
	from := flag.String("from", "registrar", "the signing key: a land registrar")
	owner := flag.String("owner", "alice", "the owner: a key name or an address")
	parcelID := flag.String("parcel-id", "BE-21004-0999", "the parcel to register")
	flag.Parse()
	if err := run(*home, *node, *from, *owner, *parcelID); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run(home, node, from, owner, parcelID string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	// The development home's keyring uses the test backend, which needs
	// no passphrase; a file keyring is opened with client.OpenKeyring and
	// a KeyringOptions.Passphrase. Signer returns the key, or a session on
	// the hardware token that holds it.
	kr := client.NewKeyring(filepath.Join(home, "keyring"))
	key, err := kr.Signer(from)
	if err != nil {
		return err
	}
	defer client.CloseSigner(key)
	ownerAddr, err := kr.ResolveAddress(owner)
	if err != nil {
		return err
	}
	cl, err := client.New(node)
	if err != nil {
		return err
	}

	// Subscribe first, so that the transaction's event cannot be missed.
	ws := cl.RPC()
	if err := ws.Start(); err != nil {
		return err
	}
	defer func() { _ = ws.Stop() }()
	query := fmt.Sprintf("tm.event='Tx' AND land.parcel_id='%s'", parcelID)
	events, err := ws.Subscribe(ctx, "goclient", query)
	if err != nil {
		return err
	}
	fmt.Println("subscribed:", query)

	msg := land.RegisterParcel{
		ParcelID:     parcelID,
		CadastralRef: "Brussels 4/A/999",
		AreaM2:       480,
		Location:     "Rue Haute 12, 1000 Brussels",
		Denominator:  1,
		Owners:       []land.Share{{Account: ownerAddr, Shares: 1}},
		DocumentHash: sha256.Sum256([]byte("title deed of " + parcelID)),
	}
	// Submit asks the node for the chain id and the signer's next
	// sequence, signs, posts and waits for the block.
	res, err := cl.Submit(ctx, key, msg, client.SubmitOptions{})
	if err != nil {
		return err
	}
	fmt.Printf("committed %s at height %d\n", res.Hash, res.Height)

	select {
	case ev := <-events:
		fmt.Printf("event: land.action=%s at height %s\n", strings.Join(ev.Events["land.action"], ","), strings.Join(ev.Events["tx.height"], ","))
	case <-ctx.Done():
		return fmt.Errorf("no event for %s: %w", query, ctx.Err())
	}

	// Query with Prove verifies every proof against the app hash of
	// header H+1 before it returns the answer.
	q, err := cl.Query(ctx, "/land/parcel/"+parcelID, client.QueryOptions{Prove: true})
	if err != nil {
		return err
	}
	fmt.Printf("parcel %s at height %d, proof: %s\n", parcelID, q.Height, q.Proof)

	// A refusal is a *client.TxError with the chain's stable result code.
	_, err = cl.Submit(ctx, key, msg, client.SubmitOptions{})
	var refused *client.TxError
	if !errors.As(err, &refused) {
		return fmt.Errorf("registering %s again: want a refusal, got %v", parcelID, err)
	}
	fmt.Printf("registering it again: refused with code %d: %s\n", refused.Code, refused.Log)
	return nil
}
