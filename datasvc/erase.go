package datasvc

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	coretypes "github.com/cometbft/cometbft/rpc/core/types"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/sharing"
)

// Erasure is what the database did when a record was erased on chain:
// the local versions it deleted (with their values and salts) and the
// delivered payloads whose sealed bytes it deleted, with the height of
// the committed state that showed the record erased.
type Erasure struct {
	Class       string `json:"class"`
	Subject     string `json:"subject"`
	ChainHeight int64  `json:"chain_height"`
	Versions    int64  `json:"versions"`
	Payloads    int64  `json:"payloads"`
	ErasedAt    string `json:"erased_at"`
}

// Erase deletes, in one transaction, every version of the record of
// subject in class (its values and salts), the sealed bytes of every
// confirmed delivery made from it (the receipt stays: a repeated payload
// request for it is refused as erased), and every delivery from it whose
// receipt is not confirmed (it was never sent, and the chain refuses its
// receipt for an erased record); and it records the erasure. height is the
// committed state that showed the record erased; the caller must have
// proved it. Erasing a record already erased changes nothing and returns
// the erasure recorded then.
func (s *Store) Erase(ctx context.Context, class, subject string, height int64) (*Erasure, error) {
	if height <= 0 {
		return nil, fmt.Errorf("datasvc: erase %s/%s: the erased state's height must be positive", class, subject)
	}
	e := &Erasure{Class: class, Subject: subject, ChainHeight: height, ErasedAt: now()}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		done, err := erasure(ctx, tx, class, subject)
		if err != nil || done != nil {
			e = done
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM record_versions WHERE class = ? AND subject = ?`, class, subject)
		if err != nil {
			return err
		}
		if e.Versions, err = res.RowsAffected(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM deliveries WHERE class = ? AND subject = ? AND receipt_height IS NULL`, class, subject); err != nil {
			return err
		}
		res, err = tx.ExecContext(ctx, `UPDATE deliveries SET sealed = x'' WHERE class = ? AND subject = ?`, class, subject)
		if err != nil {
			return err
		}
		if e.Payloads, err = res.RowsAffected(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO erasures (class, subject, chain_height, versions, payloads, erased_at) VALUES (?, ?, ?, ?, ?, ?)`,
			class, subject, e.ChainHeight, e.Versions, e.Payloads, e.ErasedAt)
		return err
	})
	if err != nil {
		return nil, dbErr("erase a record", err)
	}
	return e, nil
}

// Erased returns the erasure of the record of subject in class, or nil
// if the database erased none.
func (s *Store) Erased(ctx context.Context, class, subject string) (*Erasure, error) {
	e, err := erasure(ctx, s.db, class, subject)
	return e, dbErr("read an erasure", err)
}

// Erasures returns every erasure done, by class and subject.
func (s *Store) Erasures(ctx context.Context) ([]Erasure, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT class, subject, chain_height, versions, payloads, erased_at FROM erasures ORDER BY class, subject`)
	if err != nil {
		return nil, dbErr("list erasures", err)
	}
	defer rows.Close()
	out := []Erasure{}
	for rows.Next() {
		var e Erasure
		if err := rows.Scan(&e.Class, &e.Subject, &e.ChainHeight, &e.Versions, &e.Payloads, &e.ErasedAt); err != nil {
			return nil, dbErr("list erasures", err)
		}
		out = append(out, e)
	}
	return out, dbErr("list erasures", rows.Err())
}

func erasure(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, class, subject string) (*Erasure, error) {
	e := &Erasure{Class: class, Subject: subject}
	err := q.QueryRowContext(ctx, `SELECT chain_height, versions, payloads, erased_at FROM erasures WHERE class = ? AND subject = ?`, class, subject).
		Scan(&e.ChainHeight, &e.Versions, &e.Payloads, &e.ErasedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return e, nil
}

// ErrNotErased is Erase's refusal of a record the chain does not show
// erased: values are deleted only once the chain records the erasure, so
// that a commitment on chain never loses its values unrecorded.
var ErrNotErased = errors.New("datasvc: the record is not erased on chain")

// EraseProven deletes the record of subject in the agency's class from
// the database (Store.Erase) once the committed state, read with proofs
// through r, shows it erased; otherwise it changes nothing and returns
// ErrNotErased (wrapped, saying what the chain holds).
func EraseProven(ctx context.Context, st *Store, r Reader, agency, class, subject string) (*Erasure, error) {
	rec, a, err := readJSON[sharing.Record](ctx, r, fmt.Sprintf("/sharing/record/%s/%s/%s", agency, class, subject), 0)
	if err != nil {
		return nil, err
	}
	switch {
	case rec == nil:
		return nil, fmt.Errorf("%w: %s has no record of %s in class %s on chain at height %d", ErrNotErased, agency, subject, class, a.Height)
	case rec.Status != sharing.RecordErased:
		return nil, fmt.Errorf("%w: the record of %s in class %s of %s is %s at version %d at height %d; its admin erases it first (govchain tx sharing erase-record)",
			ErrNotErased, subject, class, agency, rec.Status, rec.Version, a.Height)
	}
	return st.Erase(ctx, class, subject, a.Height)
}

// EventSearcher finds transactions by their events, as CometBFT's
// tx_search does (its RPC client is one). The data service uses it only
// to find candidates: what it finds is checked with proofs before
// anything is deleted.
type EventSearcher interface {
	TxSearch(ctx context.Context, query string, prove bool, page, perPage *int, orderBy string) (*coretypes.ResultTxSearch, error)
}

// DefaultErasureSweep is how often a serving data service looks for
// records its agency erased on chain.
const DefaultErasureSweep = time.Minute

// SweepErasures finds the agency's erase_record transactions committed
// since the last sweep (through cfg.Events), and deletes each erased
// record from the database once a proven read shows it erased
// (EraseProven). It remembers the height it swept to only once every
// erasure up to it is done, so a sweep cut short is done again. It returns
// the erasures done now.
func (s *Server) SweepErasures(ctx context.Context) ([]Erasure, error) {
	if s.cfg.Events == nil {
		return nil, nil
	}
	from, err := s.cfg.Store.sweptHeight(ctx)
	if err != nil {
		return nil, err
	}
	query := fmt.Sprintf("%s.action='erase_record' AND %s.agency='%s' AND tx.height>%d", sharing.EventType, sharing.EventType, s.agency, from)
	type target struct{ class, subject string }
	var targets []target
	seen := map[target]bool{}
	last := from
	perPage := 100
	for page := 1; ; page++ {
		res, err := s.cfg.Events.TxSearch(ctx, query, false, &page, &perPage, "asc")
		if err != nil {
			return nil, fmt.Errorf("datasvc: search erasures of %s after height %d: %w", s.agency, from, err)
		}
		for _, tx := range res.Txs {
			if tx.TxResult.Code != 0 {
				continue
			}
			last = max(last, tx.Height)
			for _, ev := range tx.TxResult.Events {
				if ev.Type != sharing.EventType {
					continue
				}
				attrs := map[string]string{}
				for _, a := range ev.Attributes {
					attrs[a.Key] = a.Value
				}
				t := target{attrs["class_id"], attrs["subject"]}
				if attrs["action"] == "erase_record" && attrs["agency"] == s.agency && !seen[t] {
					seen[t] = true
					targets = append(targets, t)
				}
			}
		}
		if len(res.Txs) == 0 || page*perPage >= res.TotalCount {
			break
		}
	}
	var done []Erasure
	for _, t := range targets {
		prior, err := s.cfg.Store.Erased(ctx, t.class, t.subject)
		if err != nil {
			return done, err
		}
		if prior != nil {
			continue
		}
		e, err := EraseProven(ctx, s.cfg.Store, s.cfg.Reader, s.agency, t.class, t.subject)
		if err != nil {
			return done, err
		}
		s.log.Info("erased", "class", e.Class, "subject", e.Subject, "chain_height", e.ChainHeight,
			"versions", e.Versions, "payloads", e.Payloads)
		done = append(done, *e)
	}
	if last > from {
		if err := s.cfg.Store.setSweptHeight(ctx, last); err != nil {
			return done, err
		}
	}
	return done, nil
}

// erased deletes the record of request q from the database, which a
// committed state at height showed erased, and returns the refusal of the
// payload request.
func (s *Server) erased(ctx context.Context, q *sharing.Request, height int64) error {
	if _, err := s.cfg.Store.Erase(ctx, q.Class, q.Subject, height); err != nil {
		return internal("request %d: %v", q.ID, err)
	}
	return &Refusal{Status: http.StatusGone, Code: sharing.ErrRecordErased.Code(),
		Reason: fmt.Sprintf("the record of request %d is erased", q.ID)}
}

// sweptHeight is the height up to which SweepErasures found every
// erasure (0 before the first sweep).
func (s *Store) sweptHeight(ctx context.Context) (int64, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE name = 'erasures_swept_to'`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, dbErr("read the erasure sweep height", err)
	}
	h, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: erasure sweep height %q: %v", ErrStore, v, err)
	}
	return h, nil
}

func (s *Store) setSweptHeight(ctx context.Context, h int64) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO meta (name, value) VALUES ('erasures_swept_to', ?)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value`, core.Dec(h))
	return dbErr("record the erasure sweep height", err)
}

// Erase deletes the record of subject in the agency's class from the
// database once a proven read shows it erased on chain (EraseProven).
func (s *Server) Erase(ctx context.Context, class, subject string) (*Erasure, error) {
	return EraseProven(ctx, s.cfg.Store, s.cfg.Reader, s.agency, class, subject)
}
