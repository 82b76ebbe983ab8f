package proc

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"syscall"
)

// TagEnv marks, through the environment every descendant inherits, the
// processes of one target run: a daemon a case leaves behind keeps the tag
// wherever it is reparented, under QEMU too (whose processes are the
// host's, and which cannot make the runner a child subreaper).
const TagEnv = "STACKSLICE_TARGET"

var tags atomic.Int64

// NewTag is a tag no other run of this harness shares.
func NewTag() string {
	return fmt.Sprintf("%d-%d", os.Getpid(), tags.Add(1))
}

// TagEnviron is the environment for a command of the run tagged tag.
func TagEnviron(tag string) []string {
	return append(os.Environ(), TagEnv+"="+tag)
}

// KillTagged kills every live process tagged tag, and returns them as
// "pid (name)".
func KillTagged(tag string) []string {
	want := []byte(TagEnv + "=" + tag)
	var killed []string
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		env, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		if err != nil || !containsEntry(env, want) {
			continue
		}
		p, _, err := Stat(pid)
		if err != nil {
			continue // exited meanwhile
		}
		_ = syscall.Kill(pid, syscall.SIGKILL)
		killed = append(killed, fmt.Sprintf("%d (%s)", pid, p.Comm))
	}
	return killed
}

func containsEntry(environ, entry []byte) bool {
	for _, e := range bytes.Split(environ, []byte{0}) {
		if bytes.Equal(e, entry) {
			return true
		}
	}
	return false
}
