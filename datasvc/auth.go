package datasvc

import (
	"encoding/binary"
	"fmt"
	"time"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/client"
)

// AuthLabel starts every message a requester signs to fetch a payload; it
// names the format, so that no other signed message of the chain or of a
// later format can be taken for one.
const AuthLabel = "govchain/datasvc/payload-request/v1"

// MaxClockSkew is how far a payload request's time may be from the
// service's clock, either way.
const MaxClockSkew = 5 * time.Minute

// PayloadRequest is the body of POST /v1/requests/{id}/payload: the
// request id, the requester's account (the request's official), the time
// it was signed (RFC 3339) and the ed25519 signature of AuthBytes by the
// key the account signs with on chain, in lower-case hex.
type PayloadRequest struct {
	RequestID uint64        `json:"request_id"`
	Account   core.Address  `json:"account"`
	Time      string        `json:"time"`
	Signature core.HexBytes `json:"signature"`
}

// AuthBytes returns the message a requester signs:
//
//	"govchain/datasvc/payload-request/v1"
//	uvarint(len(chain id))  chain id
//	uint64 big-endian       request id
//	20 bytes                account
//	uvarint(len(time))      time, exactly as sent
//
// The lengths make it injective: no two (chain, request, account, time)
// give the same bytes.
func AuthBytes(chainID string, requestID uint64, account core.Address, t string) []byte {
	b := make([]byte, 0, len(AuthLabel)+2*binary.MaxVarintLen64+len(chainID)+8+core.AddressSize+len(t))
	b = append(b, AuthLabel...)
	b = binary.AppendUvarint(b, uint64(len(chainID)))
	b = append(b, chainID...)
	b = binary.BigEndian.AppendUint64(b, requestID)
	b = append(b, account[:]...)
	b = binary.AppendUvarint(b, uint64(len(t)))
	b = append(b, t...)
	return b
}

// SignPayloadRequest returns the payload request of account for request
// requestID of chain chainID at time t, signed with key (the key the
// account signs with on chain: a *client.Key or a key on a token).
func SignPayloadRequest(key client.Signer, chainID string, requestID uint64, account core.Address, t time.Time) (*PayloadRequest, error) {
	ts := t.UTC().Format(time.RFC3339)
	sig, err := key.Sign(AuthBytes(chainID, requestID, account, ts))
	if err != nil {
		return nil, fmt.Errorf("datasvc: sign the payload request: %w", err)
	}
	return &PayloadRequest{RequestID: requestID, Account: account, Time: ts, Signature: sig}, nil
}
