package client

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestCertifyRefusesCompleteOfNonList: a complete certificate of a path
// that is not a numbered list is refused before the node is asked (the
// node here does not exist); the error wraps ErrNotList.
func TestCertifyRefusesCompleteOfNonList(t *testing.T) {
	cl, err := New("http://127.0.0.1:9")
	require.NoError(t, err)
	for _, path := range []string{"/land/parcel/P-1", "land/parcel/P-1/liens", "/agency/list"} {
		_, err := cl.Certify(context.Background(), path, CertificateOptions{Complete: true})
		require.ErrorIs(t, err, ErrNotList, path)
		var ne *NodeError
		require.False(t, errors.As(err, &ne), "the node was asked: %v", err)
		require.ErrorContains(t, err, "is not one")
	}
	// A numbered list gets past the check, to the node (which is not there).
	_, err = cl.Certificate(context.Background(), "/land/parcel/P-1/history", CertificateOptions{Complete: true})
	require.Error(t, err)
	require.NotErrorIs(t, err, ErrNotList)
}
