package filelock

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
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

// Nothing is written through a file the harness did not make: a symbolic
// link, a second name of another file, a FIFO or a device is refused, and
// the file it points to is left as it was.
func TestOpenOwnRefusesWhatIsNotItsOwn(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	require.NoError(t, os.WriteFile(victim, []byte("precious"), 0o644))
	link, hard, fifo := filepath.Join(dir, "link"), filepath.Join(dir, "hard"), filepath.Join(dir, "fifo")
	require.NoError(t, os.Symlink(victim, link))
	require.NoError(t, os.Link(victim, hard))
	require.NoError(t, unix.Mkfifo(fifo, 0o644))
	for path, want := range map[string]string{
		link: "it is a symbolic link", hard: "it has 2 names (a hard link)", fifo: "it is not a regular file",
		"/dev/null": "it is not a regular file",
	} {
		_, _, err := Try(path)
		assert.ErrorContains(t, err, "refusing "+path+": "+want)
		err = WriteOwn(path, []byte("pid 1"))
		assert.ErrorContains(t, err, "refusing "+path+": "+want)
	}
	data, err := os.ReadFile(victim)
	require.NoError(t, err)
	assert.Equal(t, "precious", string(data))

	own := filepath.Join(dir, "own")
	require.NoError(t, WriteOwn(own, []byte("a longer first content")))
	require.NoError(t, WriteOwn(own, []byte("second")))
	data, err = os.ReadFile(own)
	require.NoError(t, err)
	assert.Equal(t, "second", string(data))
}
