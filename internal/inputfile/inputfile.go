// Package inputfile reads the files the harness did not write (port.json,
// switch sources, the sources it compiles and hashes, the bench baseline):
// only regular files, and only up to a bound, so that a FIFO or a link to
// /dev/zero can neither block the harness nor fill its memory.
package inputfile

import (
	"fmt"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// MaxBytes bounds a file Read takes: far above any source or data file of
// a port, far below what would strain the harness.
const MaxBytes = 16 << 20

// Read returns the content of path, a regular file (links followed) of at
// most MaxBytes. Anything else is an error of one line naming the file; a
// missing file is the *os.PathError of os.ReadFile, so errors.Is(err,
// os.ErrNotExist) holds as before.
func Read(path string) ([]byte, error) {
	// O_NONBLOCK: opening a FIFO waits for a writer without it. It changes
	// nothing for a regular file.
	f, err := os.OpenFile(path, os.O_RDONLY|unix.O_NONBLOCK|unix.O_NOCTTY, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file (%s), refusing to read it", path, kind(info.Mode()))
	}
	if info.Size() > MaxBytes {
		return nil, fmt.Errorf("%s: %d bytes, more than the %d MiB the harness reads of a file", path, info.Size(), MaxBytes>>20)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(data) > MaxBytes {
		return nil, fmt.Errorf("%s: grew past the %d MiB the harness reads of a file while it was read", path, MaxBytes>>20)
	}
	return data, nil
}

func kind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&os.ModeNamedPipe != 0:
		return "a FIFO"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m&os.ModeDevice != 0:
		return "a device"
	default:
		return "not a file"
	}
}
