package inputfile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// A FIFO, a link to /dev/zero, a folder or a huge file is one error of one
// line, at once: never a read that blocks or fills the memory.
func TestReadRefusesWhatIsNoBoundedRegularFile(t *testing.T) {
	dir := t.TempDir()
	fifo, zero, huge, ok := filepath.Join(dir, "fifo"), filepath.Join(dir, "zero"), filepath.Join(dir, "huge"), filepath.Join(dir, "ok")
	require.NoError(t, unix.Mkfifo(fifo, 0o644))
	require.NoError(t, os.Symlink("/dev/zero", zero))
	f, err := os.Create(huge)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(MaxBytes+1)) // sparse: no disk used
	require.NoError(t, f.Close())
	require.NoError(t, os.WriteFile(ok, []byte("{}"), 0o644))

	start := time.Now()
	for path, want := range map[string]string{
		fifo: fifo + ": not a regular file (a FIFO), refusing to read it",
		zero: zero + ": not a regular file (a device), refusing to read it",
		dir:  dir + ": not a regular file (a folder), refusing to read it",
		huge: huge + ": 16777217 bytes, more than the 16 MiB the harness reads of a file",
	} {
		_, err := Read(path)
		assert.EqualError(t, err, want)
	}
	assert.Less(t, time.Since(start), 5*time.Second)

	data, err := Read(ok)
	require.NoError(t, err)
	assert.Equal(t, "{}", string(data))
	_, err = Read(filepath.Join(dir, "missing"))
	assert.True(t, errors.Is(err, os.ErrNotExist))
}
