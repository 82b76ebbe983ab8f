package report

import (
	"os"
	"syscall"
	"testing"
)

// FailWritesAfter makes every report file take n bytes and then fail with
// ENOSPC, as a full disk does, until the test ends.
func FailWritesAfter(t *testing.T, n int) {
	saved := write
	write = func(f *os.File, data []byte) (int, error) {
		written, err := f.Write(data[:min(n, len(data))])
		if err != nil {
			return written, err
		}
		return written, &os.PathError{Op: "write", Path: f.Name(), Err: syscall.ENOSPC}
	}
	t.Cleanup(func() { write = saved })
}
