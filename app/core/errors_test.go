package core

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestResultCode: the lowest coded sentinel anywhere in the chain (joined
// branches too), else the kind's code, else internal.
func TestResultCode(t *testing.T) {
	low := NewCodedError(205, ErrNotFound, "x: low")
	high := NewCodedError(310, ErrConflict, "x: high")
	uncoded := NewError(ErrUnauthorized, "x: uncoded")
	for _, c := range []struct {
		err  error
		want uint32
	}{
		{nil, CodeOK},
		{low, 205},
		{Wrapf(low, "detail"), 205},
		{fmt.Errorf("outer: %w", Wrapf(high, "inner")), 310},
		{errors.Join(Wrapf(high, "a"), fmt.Errorf("b: %w", low)), 205},
		{fmt.Errorf("%w and %w", high, low), 205},
		{uncoded, CodeUnauthorized},
		{Wrapf(ErrInvalid, "bare kind"), CodeInvalid},
		{ErrNotFound, CodeNotFound},
		{Wrapf(ErrConflict, "c"), CodeConflict},
		{errors.New("disk on fire"), CodeInternal},
		{errors.Join(errors.New("a"), uncoded), CodeUnauthorized},
	} {
		require.Equal(t, c.want, ResultCode(c.err), "%v", c.err)
	}
}
