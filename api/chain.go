package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/cometbft/cometbft/crypto/ed25519"
	rpctypes "github.com/cometbft/cometbft/rpc/jsonrpc/types"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/client"
)

// Status is the JSON of GET /api/v1/status.
type Status struct {
	ChainID string `json:"chain_id"`
	// LatestHeight is the newest block the node has; its state is the
	// latest a query reads.
	LatestHeight    int64     `json:"latest_height"`
	LatestTime      time.Time `json:"latest_time"`
	LatestBlockHash string    `json:"latest_block_hash"`
	// LatestAppHash is the app hash in the latest block's header: the
	// root of the state after the block before it.
	LatestAppHash string `json:"latest_app_hash"`
	// EarliestHeight is the oldest block the node keeps.
	EarliestHeight int64 `json:"earliest_height"`
	// CatchingUp is true while the node is still syncing.
	CatchingUp bool     `json:"catching_up"`
	Node       NodeInfo `json:"node"`
}

// NodeInfo names the node the API talks to.
type NodeInfo struct {
	// ID is the node's p2p id.
	ID      string `json:"id"`
	Moniker string `json:"moniker"`
	// CometBFT is the node's CometBFT version.
	CometBFT string `json:"cometbft_version"`
	// Software is the govchain version the node runs.
	Software string `json:"software_version"`
	// AppVersion is the state machine's protocol version.
	AppVersion uint64 `json:"app_version"`
}

// Agency names the agency a validator belongs to.
type Agency struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Block is the JSON of GET /api/v1/blocks/{height}.
type Block struct {
	Height  int64     `json:"height"`
	Time    time.Time `json:"time"`
	ChainID string    `json:"chain_id"`
	// Hash is the block id (hex, upper case).
	Hash string `json:"hash"`
	// AppHash is the root of the state after the block before this one.
	AppHash  string   `json:"app_hash"`
	Proposer Proposer `json:"proposer"`
	// Txs are the hashes of the block's transactions, in block order (GET
	// /api/v1/txs/{hash} reads each).
	Txs []string `json:"txs"`
}

// Proposer is a block's proposer: its validator address and, when the
// state names it, its agency.
type Proposer struct {
	Address string  `json:"address"`
	Agency  *Agency `json:"agency,omitempty"`
}

// ValidatorSet is the JSON of GET /api/v1/validators.
type ValidatorSet struct {
	// Height is the block the set signs.
	Height     int64       `json:"height"`
	TotalPower int64       `json:"total_power"`
	Validators []Validator `json:"validators"`
}

// Validator is one validator: address (hex, upper case), ed25519 public
// key (base64, as in a trust file), voting power, and its agency when the
// state names it.
type Validator struct {
	Address string  `json:"address"`
	PubKey  []byte  `json:"pub_key"`
	Power   int64   `json:"power"`
	Agency  *Agency `json:"agency,omitempty"`
}

func (h *handler) status(ctx context.Context, _ *http.Request) (*reply, error) {
	st, err := h.cl.RPC().Status(ctx)
	if err != nil {
		return nil, err
	}
	info, err := h.cl.RPC().ABCIInfo(ctx)
	if err != nil {
		return nil, err
	}
	si := st.SyncInfo
	return &reply{body: &Status{
		ChainID:         st.NodeInfo.Network,
		LatestHeight:    si.LatestBlockHeight,
		LatestTime:      si.LatestBlockTime,
		LatestBlockHash: si.LatestBlockHash.String(),
		LatestAppHash:   si.LatestAppHash.String(),
		EarliestHeight:  si.EarliestBlockHeight,
		CatchingUp:      si.CatchingUp,
		Node: NodeInfo{ID: string(st.NodeInfo.DefaultNodeID), Moniker: st.NodeInfo.Moniker, CometBFT: st.NodeInfo.Version,
			Software: info.Response.Version, AppVersion: info.Response.AppVersion},
	}}, nil
}

// blockNotFound turns the node's refusal of a height (beyond the latest,
// or pruned) into a 404.
func blockNotFound(err error, what string, height int64) error {
	var rpc *rpctypes.RPCError
	if errors.As(err, &rpc) {
		return errorf(http.StatusNotFound, CodeNotFound, "api: %s of height %d: %s", what, height, rpcText(rpc))
	}
	return err
}

func (h *handler) block(ctx context.Context, r *http.Request) (*reply, error) {
	var height *int64
	if s := r.PathValue("height"); s != "latest" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			return nil, errorf(http.StatusBadRequest, CodeBadRequest, "api: block %q: give a positive height or latest", s)
		}
		height = &n
	}
	res, err := h.cl.RPC().Block(ctx, height)
	if height != nil && err != nil {
		return nil, blockNotFound(err, "block", *height)
	}
	if err != nil {
		return nil, err
	}
	agencies, err := h.agencies(ctx, 0)
	if err != nil {
		return nil, err
	}
	hdr := res.Block.Header
	out := &Block{Height: hdr.Height, Time: hdr.Time, ChainID: hdr.ChainID, Hash: res.BlockID.Hash.String(),
		AppHash: hdr.AppHash.String(), Proposer: Proposer{Address: hdr.ProposerAddress.String(), Agency: agencies[hdr.ProposerAddress.String()]},
		Txs: []string{}}
	for _, tx := range res.Block.Txs {
		out.Txs = append(out.Txs, fmt.Sprintf("%X", tx.Hash()))
	}
	return &reply{body: out, pinned: height != nil}, nil
}

func (h *handler) validators(ctx context.Context, r *http.Request) (*reply, error) {
	height, err := heightParam(r)
	if err != nil {
		return nil, err
	}
	var at *int64
	if height > 0 {
		at = &height
	}
	out := &ValidatorSet{Validators: []Validator{}}
	perPage := 100
	for page := 1; ; page++ {
		res, err := h.cl.RPC().Validators(ctx, at, &page, &perPage)
		if err != nil && at != nil {
			return nil, blockNotFound(err, "validators", height)
		}
		if err != nil {
			return nil, err
		}
		if at == nil {
			// Every page must be of the same height.
			at = &res.BlockHeight
		}
		out.Height = res.BlockHeight
		for _, v := range res.Validators {
			out.Validators = append(out.Validators, Validator{Address: v.Address.String(), PubKey: v.PubKey.Bytes(), Power: v.VotingPower})
			out.TotalPower += v.VotingPower
		}
		if len(out.Validators) >= res.Total || len(res.Validators) == 0 {
			break
		}
	}
	agencies, err := h.agencies(ctx, height)
	if err != nil {
		return nil, err
	}
	for i := range out.Validators {
		out.Validators[i].Agency = agencies[out.Validators[i].Address]
	}
	return &reply{body: out, pinned: height > 0}, nil
}

// agencies maps validator addresses (hex, upper case) to the agencies
// that run them, from the agency list at height (0: the latest).
func (h *handler) agencies(ctx context.Context, height int64) (map[string]*Agency, error) {
	res, err := h.cl.Query(ctx, "/agency/list", client.QueryOptions{Height: height})
	var qe *client.QueryError
	if errors.As(err, &qe) {
		// No agency set (yet): no validator is named.
		return map[string]*Agency{}, nil
	}
	if err != nil {
		return nil, err
	}
	var entries []client.Entry
	if err := json.Unmarshal(res.Value, &entries); err != nil || len(entries) == 0 {
		return nil, fmt.Errorf("api: the node's agency list is not a list of entries: %v", err)
	}
	out := map[string]*Agency{}
	for _, e := range entries[1:] {
		var ag core.Agency
		if err := json.Unmarshal(e.Value, &ag); err != nil {
			return nil, fmt.Errorf("api: agency record %x does not decode: %v", []byte(e.Key), err)
		}
		if len(ag.Validator.PubKey) == ed25519.PubKeySize {
			out[ed25519.PubKey(ag.Validator.PubKey).Address().String()] = &Agency{ID: ag.ID, Name: ag.Name}
		}
	}
	return out, nil
}
