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

// Try takes the lock on path, creating the file, without waiting: held is
// false (and the lock nil) when another process holds it.
func Try(path string) (lock *Lock, held bool, err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
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
