package abci

import (
	"context"
	"errors"

	abcitypes "github.com/cometbft/cometbft/abci/types"

	"github.com/govchain/govchain/snapshot"
)

// SetSnapshots attaches the state-sync snapshot manager (built over the
// same store as the App). Without one, ListSnapshots lists nothing and a
// state sync offered to this node is aborted. Call it before the node
// starts.
func (s *Application) SetSnapshots(m *snapshot.Manager) { s.snapshots = m }

// afterCommit lets the manager snapshot the version just committed, in the
// background.
func (s *Application) afterCommit(version int64) {
	if s.snapshots != nil {
		s.snapshots.AfterCommit(version)
	}
}

// ListSnapshots lists the snapshots this node can serve, newest first.
func (s *Application) ListSnapshots(_ context.Context, _ *abcitypes.RequestListSnapshots) (*abcitypes.ResponseListSnapshots, error) {
	resp := &abcitypes.ResponseListSnapshots{}
	if s.snapshots == nil {
		return resp, nil
	}
	list, err := s.snapshots.List()
	if err != nil {
		s.logger.Error("cannot list snapshots", "err", err)
		return resp, nil
	}
	for _, i := range list {
		resp.Snapshots = append(resp.Snapshots, &abcitypes.Snapshot{
			Height: i.Height, Format: i.Format, Chunks: i.Chunks, Hash: i.Hash, Metadata: i.Metadata,
		})
	}
	return resp, nil
}

// LoadSnapshotChunk returns one chunk of a snapshot this node holds, or an
// empty chunk (which CometBFT reports to the peer as missing).
func (s *Application) LoadSnapshotChunk(_ context.Context, req *abcitypes.RequestLoadSnapshotChunk) (*abcitypes.ResponseLoadSnapshotChunk, error) {
	if s.snapshots == nil {
		return &abcitypes.ResponseLoadSnapshotChunk{}, nil
	}
	chunk, err := s.snapshots.LoadChunk(req.Height, req.Format, req.Chunk)
	if err != nil {
		if !errors.Is(err, snapshot.ErrNotFound) {
			s.logger.Error("cannot load snapshot chunk", "height", req.Height, "chunk", req.Chunk, "err", err)
		}
		return &abcitypes.ResponseLoadSnapshotChunk{}, nil
	}
	return &abcitypes.ResponseLoadSnapshotChunk{Chunk: chunk}, nil
}

// OfferSnapshot starts restoring a snapshot whose app hash the light
// client verified (req.AppHash): ACCEPT, REJECT_FORMAT for a format this
// node cannot read, REJECT for an inconsistent snapshot, ABORT when the
// node cannot restore at all (no manager, state already present, storage).
func (s *Application) OfferSnapshot(_ context.Context, req *abcitypes.RequestOfferSnapshot) (*abcitypes.ResponseOfferSnapshot, error) {
	result := func(r abcitypes.ResponseOfferSnapshot_Result) (*abcitypes.ResponseOfferSnapshot, error) {
		return &abcitypes.ResponseOfferSnapshot{Result: r}, nil
	}
	if s.snapshots == nil || req.Snapshot == nil {
		s.logger.Error("cannot restore a snapshot: no snapshot manager, or no snapshot in the offer")
		return result(abcitypes.ResponseOfferSnapshot_ABORT)
	}
	sn := req.Snapshot
	err := s.snapshots.Offer(snapshot.Info{Height: sn.Height, Format: sn.Format, Chunks: sn.Chunks, Hash: sn.Hash, Metadata: sn.Metadata}, req.AppHash)
	switch {
	case err == nil:
		s.logger.Info("accepted snapshot", "height", sn.Height, "chunks", sn.Chunks)
		return result(abcitypes.ResponseOfferSnapshot_ACCEPT)
	case errors.Is(err, snapshot.ErrUnknownFormat):
		s.logger.Info("rejected snapshot format", "height", sn.Height, "format", sn.Format)
		return result(abcitypes.ResponseOfferSnapshot_REJECT_FORMAT)
	case errors.Is(err, snapshot.ErrInvalidSnapshot):
		s.logger.Info("rejected snapshot", "height", sn.Height, "reason", err)
		return result(abcitypes.ResponseOfferSnapshot_REJECT)
	default:
		s.logger.Error("aborting state sync", "height", sn.Height, "err", err)
		return result(abcitypes.ResponseOfferSnapshot_ABORT)
	}
}

// ApplySnapshotChunk imports one chunk of the accepted snapshot. A chunk
// that does not match its listed hash is answered RETRY, with the chunk to
// refetch and its sender to reject; a snapshot whose content is bad or
// whose restored app hash is not the trusted one is rejected (the store is
// left empty for the next one). After the last chunk the App reloads the
// restored state, so that Info reports its height and app hash.
func (s *Application) ApplySnapshotChunk(_ context.Context, req *abcitypes.RequestApplySnapshotChunk) (*abcitypes.ResponseApplySnapshotChunk, error) {
	result := func(r abcitypes.ResponseApplySnapshotChunk_Result) (*abcitypes.ResponseApplySnapshotChunk, error) {
		return &abcitypes.ResponseApplySnapshotChunk{Result: r}, nil
	}
	if s.snapshots == nil {
		return result(abcitypes.ResponseApplySnapshotChunk_ABORT)
	}
	done, err := s.snapshots.ApplyChunk(req.Index, req.Chunk)
	switch {
	case err == nil && !done:
		return result(abcitypes.ResponseApplySnapshotChunk_ACCEPT)
	case err == nil:
		if err := s.app.Reload(); err != nil {
			s.logger.Error("cannot load the restored state; aborting state sync", "err", err)
			return result(abcitypes.ResponseApplySnapshotChunk_ABORT)
		}
		h, hash := s.app.Info()
		s.logger.Info("restored state from snapshot", "height", h, "app_hash", hash)
		return result(abcitypes.ResponseApplySnapshotChunk_ACCEPT)
	case errors.Is(err, snapshot.ErrChunkCorrupt):
		s.logger.Info("refetching a corrupt snapshot chunk", "chunk", req.Index, "sender", req.Sender, "reason", err)
		resp := &abcitypes.ResponseApplySnapshotChunk{Result: abcitypes.ResponseApplySnapshotChunk_RETRY, RefetchChunks: []uint32{req.Index}}
		if req.Sender != "" {
			resp.RejectSenders = []string{req.Sender}
		}
		return resp, nil
	case errors.Is(err, snapshot.ErrChunkOrder):
		s.logger.Info("snapshot chunk out of order; restarting the snapshot", "chunk", req.Index, "reason", err)
		return result(abcitypes.ResponseApplySnapshotChunk_RETRY_SNAPSHOT)
	case errors.Is(err, snapshot.ErrBadContent), errors.Is(err, snapshot.ErrAppHashMismatch):
		s.logger.Error("rejected snapshot", "chunk", req.Index, "sender", req.Sender, "reason", err)
		return result(abcitypes.ResponseApplySnapshotChunk_REJECT_SNAPSHOT)
	default:
		s.logger.Error("aborting state sync", "chunk", req.Index, "err", err)
		return result(abcitypes.ResponseApplySnapshotChunk_ABORT)
	}
}
