package filelock

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTryRefusesWhileHeldAndTakesAfterRelease(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock")
	first, held, err := Try(path)
	require.NoError(t, err)
	require.False(t, held)

	second, held, err := Try(path)
	require.NoError(t, err)
	assert.True(t, held, "a second holder while the first holds it")
	assert.Nil(t, second)

	first.Release()
	third, held, err := Try(path)
	require.NoError(t, err)
	require.False(t, held)
	third.Release()
}

func TestWaitGetsTheLockWhenItIsReleased(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock")
	first, _, err := Try(path)
	require.NoError(t, err)
	go func() {
		time.Sleep(50 * time.Millisecond)
		first.Release()
	}()
	lock, err := Wait(context.Background(), path, 10*time.Millisecond)
	require.NoError(t, err)
	lock.Release()
}

func TestWaitStopsWithItsContext(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock")
	first, _, err := Try(path)
	require.NoError(t, err)
	defer first.Release()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = Wait(ctx, path, time.Hour)
	require.ErrorIs(t, err, context.Canceled)
}

func TestTryNamesAnUnusablePath(t *testing.T) {
	_, _, err := Try(filepath.Join(t.TempDir(), "missing", "lock"))
	require.Error(t, err)
}
