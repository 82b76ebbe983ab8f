// Package filelock holds advisory locks (flock) on files, which the
// harness's processes use to take turns: the output folder, apt-get
// installs, a test daemon's data root. The kernel drops a lock when its
// holder dies, so a killed run never leaves one behind.
package filelock

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// Lock is a held lock; Release lets the next holder in.
type Lock struct{ file *os.File }

// File is the locked file, for notes about the holder.
func (l *Lock) File() *os.File { return l.file }

// Release drops the lock.
func (l *Lock) Release() { l.file.Close() }

// OpenOwn opens path read-write, creating it, as a file of the harness's
// own: never through a symbolic link, and only a regular file with no other
// name (a hard link). Lock files and markers sit in folders a user chooses;
// a link there must not make the harness write "pid N" into the file it
// points to. A FIFO or device is refused without blocking on it.
func OpenOwn(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|unix.O_NOFOLLOW|unix.O_NONBLOCK, 0o644)
	if errors.Is(err, unix.ELOOP) {
		return nil, fmt.Errorf("refusing %s: it is a symbolic link, not a file of the harness's own", path)
	}
	if err != nil {
		return nil, err
	}
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	switch {
	case st.Mode&unix.S_IFMT != unix.S_IFREG:
		f.Close()
		return nil, fmt.Errorf("refusing %s: it is not a regular file", path)
	case st.Nlink != 1:
		f.Close()
		return nil, fmt.Errorf("refusing %s: it has %d names (a hard link), so writing it would change another file", path, st.Nlink)
	}
	return f, nil
}

// WriteOwn replaces the content of path, opened with OpenOwn, by data.
func WriteOwn(path string, data []byte) error {
	f, err := OpenOwn(path)
	if err != nil {
		return err
	}
	err = f.Truncate(0)
	if err == nil {
		_, err = f.Write(data)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// Try takes the lock on path, creating the file (see OpenOwn), without
// waiting: held is false (and the lock nil) when another process holds it.
func Try(path string) (lock *Lock, held bool, err error) {
	f, err := OpenOwn(path)
	if err != nil {
		return nil, false, err
	}
	err = unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
	switch {
	case err == nil:
		return &Lock{file: f}, false, nil
	case errors.Is(err, unix.EWOULDBLOCK):
		f.Close()
		return nil, true, nil
	default:
		f.Close()
		return nil, false, fmt.Errorf("lock %s: %w", path, err)
	}
}

// Wait takes the lock on path, trying again every poll until ctx ends:
// polling rather than a blocking flock, so that a cancelled run stops
// waiting at once.
func Wait(ctx context.Context, path string, poll time.Duration) (*Lock, error) {
	for {
		lock, held, err := Try(path)
		if err != nil || !held {
			return lock, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(poll):
		}
	}
}
