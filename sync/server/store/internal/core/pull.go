package core

import (
	"context"

	"smartpoint/sync/protocol"
	"smartpoint/sync/server/store"
)

// Reset is the error that makes a client drop a stream's copy and pull it
// from the start; it carries the server's epoch now.
func Reset(epoch, why string) error {
	return &protocol.Error{Code: protocol.ErrReset, Message: why, Epoch: epoch}
}

// Pull reads one page of a point's stream inside r (one snapshot).
//
// The point stream is "point:<id>"; the owner stream is "owner:<owner>",
// the pulling point's own changes included: a point restored from a
// backup gets back the loyalty it had pushed since (its cards and their
// movements, its card-signing key), and a point that still has them
// applies nothing twice (every change carries its ids). A cursor
// from another epoch, one past the stream's head (the server went back
// in time without a new epoch) or one that does not decode is a reset.
// The next cursor is the last change given when there are more, else the
// stream's head in this snapshot: every seq up to the head has committed
// (AppendChange), so nothing can later appear below it.
func Pull(ctx context.Context, r ReadTx, pointID, stream, cursor string, limit int) (protocol.PullResponse, error) {
	epoch, err := r.Epoch(ctx)
	if err != nil {
		return protocol.PullResponse{}, err
	}
	owner, err := r.PointOwner(ctx, pointID)
	if err != nil {
		return protocol.PullResponse{}, err
	}
	var key, exclude string
	switch stream {
	case protocol.StreamPoint:
		key = PointStream(pointID)
	case protocol.StreamOwner:
		key = OwnerStream(owner)
	default:
		return protocol.PullResponse{}, &protocol.Error{Code: protocol.ErrBadRequest, Message: "unknown stream " + stream}
	}
	switch {
	case limit <= 0:
		limit = protocol.DefaultPull
	case limit > protocol.MaxPullLimit:
		limit = protocol.MaxPullLimit
	}
	var after int64
	if cursor != "" {
		e, seq, err := DecodeCursor(cursor)
		if err != nil {
			return protocol.PullResponse{}, Reset(epoch, "cursor does not decode")
		}
		if e != epoch {
			return protocol.PullResponse{}, Reset(epoch, "cursor from another epoch")
		}
		after = seq
	}
	head, err := r.Head(ctx, key)
	if err != nil {
		return protocol.PullResponse{}, err
	}
	if after > head {
		return protocol.PullResponse{}, Reset(epoch, "cursor ahead of the stream")
	}
	changes, err := r.Changes(ctx, key, after, exclude, limit+1)
	if err != nil {
		return protocol.PullResponse{}, err
	}
	res := protocol.PullResponse{Epoch: epoch, Stream: stream, Changes: changes}
	next := head
	if len(changes) > limit {
		res.Changes, res.HasMore = changes[:limit], true
		next = changes[limit-1].Seq
	}
	if res.Changes == nil {
		res.Changes = []store.Change{}
	}
	res.NextCursor = EncodeCursor(epoch, next)
	return res, nil
}
