package datasvc

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/client"
)

// Reader reads the chain's committed state with proofs. Every decision of
// the service and of Fetch rests on answers of a Reader, never on an
// unproven one.
type Reader interface {
	// Read answers the query path in state version height (0: the latest
	// committed). It returns an Answer only once the answer's proofs
	// (existence of every key, or absence of the key path names) have
	// been checked against the AppHash of header Height+1, and the key
	// proven is the one path names. Any other answer (an unknown path, a
	// node that cannot be reached, a proof that fails) is an error.
	Read(ctx context.Context, path string, height int64) (*Answer, error)
}

// Answer is a proven answer of a Reader.
type Answer struct {
	Path string
	// Height is the state version read.
	Height int64
	// Time is the time of header Height+1, whose AppHash the proofs were
	// checked against: the time of the latest block whose state is known.
	Time time.Time
	// Found is false if the key path names is proven absent.
	Found bool
	// Value is the record, or the anchor of a list; Entries are the
	// values of the list's entries after the anchor, in order.
	Value   []byte
	Entries [][]byte
}

// NodeReader is the Reader of one node: client.Query with proofs checks
// each answer against header Height+1 as the node serves it (the header
// must hash to the block id its commit is for), whose time is the
// Answer's. It does not check the validators' signatures on that header:
// it trusts the node it was given for which header is the chain's (see
// the package's trust model). A Reader that verifies headers against a
// trusted validator set can replace it.
type NodeReader struct {
	Client *client.Client
}

// Read implements Reader.
func (r NodeReader) Read(ctx context.Context, path string, height int64) (*Answer, error) {
	res, err := r.Client.Query(ctx, path, client.QueryOptions{Height: height, Prove: true})
	var qe *client.QueryError
	if errors.As(err, &qe) && qe.Proof != nil {
		if !qe.Proof.BoundToPath {
			return nil, fmt.Errorf("datasvc: %s: the absence proven is not of the key the path names", path)
		}
		return &Answer{Path: path, Height: qe.Height, Time: qe.Proof.HeaderTime}, nil
	}
	if err != nil {
		return nil, err
	}
	if !res.Proof.BoundToPath {
		return nil, fmt.Errorf("datasvc: %s: the key proven is not the key the path names", path)
	}
	a := &Answer{Path: path, Height: res.Height, Time: res.Proof.HeaderTime, Found: true, Value: res.Value}
	if res.Entries != nil {
		a.Value = res.Entries[0].Value
		for _, e := range res.Entries[1:] {
			a.Entries = append(a.Entries, e.Value)
		}
	}
	return a, nil
}

// readJSON reads path at height and decodes the record (or a list's
// anchor) into a new T; it returns nil if the record is proven absent.
func readJSON[T any](ctx context.Context, r Reader, path string, height int64) (*T, *Answer, error) {
	a, err := r.Read(ctx, path, height)
	if err != nil {
		return nil, nil, err
	}
	if !a.Found {
		return nil, a, nil
	}
	v := new(T)
	if err := json.Unmarshal(a.Value, v); err != nil {
		return nil, nil, fmt.Errorf("datasvc: %s: the record does not decode: %w", path, err)
	}
	return v, a, nil
}

// errNoRole is roleAgency's error for an account without the role.
var errNoRole = errors.New("datasvc: no such role")

// roleAgency returns the agency account acts for in role, from its role
// grant read (proven) at state version height, or an error if it does
// not hold the role.
func roleAgency(ctx context.Context, r Reader, account core.Address, role core.Role, height int64) (string, error) {
	g, _, err := readJSON[core.RoleGrant](ctx, r, "/store/"+hex.EncodeToString(core.RoleGrantKey(account, role)), height)
	if err != nil {
		return "", err
	}
	if g == nil {
		return "", fmt.Errorf("%w: account %s does not hold the %s role on chain", errNoRole, account, role)
	}
	return g.Agency, nil
}
