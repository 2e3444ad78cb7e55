package datasvc

import (
	"context"
	"database/sql"
	"errors"

	"github.com/govchain/govchain/app/core"
)

// Delivery is a payload the service sealed for an access request, as
// stored before its receipt is posted: the requester's key it was sealed
// to, the sealed bytes and their SHA-256 (seal.PayloadHash). ReceiptHeight
// is the height of the block holding its sharing/record_delivery receipt,
// or 0 while the receipt is not confirmed on chain; only a confirmed
// delivery is ever served.
//
// Class and Subject name the record it was sealed from; a delivery whose
// record was erased keeps its receipt but not its sealed bytes (Sealed is
// empty).
type Delivery struct {
	RequestID     uint64    `json:"request_id"`
	Class         string    `json:"class,omitempty"`
	Subject       string    `json:"subject,omitempty"`
	KeyID         string    `json:"key_id"`
	Sealed        []byte    `json:"-"`
	PayloadHash   core.Hash `json:"payload_hash"`
	StoredAt      string    `json:"stored_at"`
	ReceiptHeight int64     `json:"receipt_height,omitempty"`
	ReceiptTx     string    `json:"receipt_tx,omitempty"`
}

// Confirmed reports whether the delivery's receipt is confirmed on chain.
func (d *Delivery) Confirmed() bool { return d.ReceiptHeight > 0 }

const deliveryColumns = `request_id, coalesce(class, ''), coalesce(subject, ''), key_id, sealed, payload_hash, stored_at, coalesce(receipt_height, 0), coalesce(receipt_tx, '')`

func scanDelivery(row interface{ Scan(...any) error }) (*Delivery, error) {
	d := &Delivery{}
	var hash []byte
	if err := row.Scan(&d.RequestID, &d.Class, &d.Subject, &d.KeyID, &d.Sealed, &hash, &d.StoredAt, &d.ReceiptHeight, &d.ReceiptTx); err != nil {
		return nil, err
	}
	copy(d.PayloadHash[:], hash)
	return d, nil
}

// Delivery returns the stored delivery of a request, or nil if there is
// none.
func (s *Store) Delivery(ctx context.Context, requestID uint64) (*Delivery, error) {
	d, err := scanDelivery(s.db.QueryRowContext(ctx, `SELECT `+deliveryColumns+` FROM deliveries WHERE request_id = ?`, requestID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return d, dbErr("read a delivery", err)
}

// StoreDelivery stores d, unconfirmed, in one transaction. It fails if the
// request already has a stored delivery.
func (s *Store) StoreDelivery(ctx context.Context, d *Delivery) error {
	d.StoredAt, d.ReceiptHeight, d.ReceiptTx = now(), 0, ""
	_, err := s.db.ExecContext(ctx, `INSERT INTO deliveries (request_id, class, subject, key_id, sealed, payload_hash, stored_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		d.RequestID, d.Class, d.Subject, d.KeyID, d.Sealed, d.PayloadHash[:], d.StoredAt)
	return dbErr("store a delivery", err)
}

// ConfirmDelivery records that the request's receipt is on chain, in the
// block at height, by the transaction txHash (hex; empty if the receipt
// was found on chain rather than posted by this call).
func (s *Store) ConfirmDelivery(ctx context.Context, requestID uint64, height int64, txHash string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE deliveries SET receipt_height = ?, receipt_tx = ? WHERE request_id = ?`, height, txHash, requestID)
	return dbErr("confirm a delivery", err)
}

// DeletePendingDelivery removes the stored delivery of a request whose
// receipt the chain refused: it was never served, and never will be.
// A confirmed delivery is never removed.
func (s *Store) DeletePendingDelivery(ctx context.Context, requestID uint64) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM deliveries WHERE request_id = ? AND receipt_height IS NULL`, requestID)
	return dbErr("delete a pending delivery", err)
}

// Deliveries returns every stored delivery by request id, without the
// sealed bytes; pendingOnly keeps those whose receipt is not confirmed.
func (s *Store) Deliveries(ctx context.Context, pendingOnly bool) ([]Delivery, error) {
	q := `SELECT request_id, coalesce(class, ''), coalesce(subject, ''), key_id, x'', payload_hash, stored_at, coalesce(receipt_height, 0), coalesce(receipt_tx, '') FROM deliveries`
	if pendingOnly {
		q += ` WHERE receipt_height IS NULL`
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY request_id`)
	if err != nil {
		return nil, dbErr("list deliveries", err)
	}
	defer rows.Close()
	out := []Delivery{}
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, dbErr("list deliveries", err)
		}
		d.Sealed = nil
		out = append(out, *d)
	}
	return out, dbErr("list deliveries", rows.Err())
}

// Received is a payload the requester fetched and kept as evidence: the
// sealed bytes exactly as received, and the verdict of its check ("ok",
// or the fields that did not match their commitments).
type Received struct {
	RequestID   uint64    `json:"request_id"`
	KeyID       string    `json:"key_id"`
	Sealed      []byte    `json:"-"`
	PayloadHash core.Hash `json:"payload_hash"`
	FetchedAt   string    `json:"fetched_at"`
	Verdict     string    `json:"verdict"`
}

// StoreReceived keeps a fetched payload, replacing an earlier copy of the
// same request's.
func (s *Store) StoreReceived(ctx context.Context, r *Received) error {
	r.FetchedAt = now()
	_, err := s.db.ExecContext(ctx, `INSERT OR REPLACE INTO received (request_id, key_id, sealed, payload_hash, fetched_at, verdict) VALUES (?, ?, ?, ?, ?, ?)`,
		r.RequestID, r.KeyID, r.Sealed, r.PayloadHash[:], r.FetchedAt, r.Verdict)
	return dbErr("keep a received payload", err)
}

// ReceivedPayloads returns every kept payload by request id, without the
// sealed bytes.
func (s *Store) ReceivedPayloads(ctx context.Context) ([]Received, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT request_id, key_id, payload_hash, fetched_at, verdict FROM received ORDER BY request_id`)
	if err != nil {
		return nil, dbErr("list received payloads", err)
	}
	defer rows.Close()
	out := []Received{}
	for rows.Next() {
		var r Received
		var hash []byte
		if err := rows.Scan(&r.RequestID, &r.KeyID, &hash, &r.FetchedAt, &r.Verdict); err != nil {
			return nil, dbErr("list received payloads", err)
		}
		copy(r.PayloadHash[:], hash)
		out = append(out, r)
	}
	return out, dbErr("list received payloads", rows.Err())
}
