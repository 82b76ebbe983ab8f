//go:build linux

// Package dockertest gives tests a real Docker engine on a machine that has
// none running and no registry: a private dockerd (installed with apt-get
// when missing) whose data root is cached between runs, and base images
// bootstrapped from the Debian archive apt already uses (mmdebstrap) and
// imported under the names the Dockerfiles pull.
package dockertest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/stackslice/stackslice/docker"
	"github.com/stackslice/stackslice/internal/filelock"
	"github.com/stackslice/stackslice/toolchain"
)

// EnvRun turns the real-engine tests on: they take minutes and gigabytes
// the first time, so the quick and the integration tier leave them out
// unless it is set (.ci/run sets it).
const EnvRun = "SL_DOCKER_TEST"

// EnvCache names the folder kept between runs: the bootstrapped base root
// file systems and the daemon's data root (with the built images).
const EnvCache = "SL_DOCKER_CACHE"

// CacheDir is EnvCache, or stackslice/docker in the user's cache folder.
func CacheDir() (string, error) {
	if dir := os.Getenv(EnvCache); dir != "" {
		return dir, nil
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(base, "stackslice", "docker"), nil
}

// Daemon is a private dockerd.
type Daemon struct {
	dir  string
	cmd  *exec.Cmd
	lock *filelock.Lock
	// Host is its DOCKER_HOST.
	Host string
}

// Tools are what Start and Bases need: dockerd, and mmdebstrap.
var Tools = []toolchain.Tool{{Binary: "dockerd", Package: "docker.io"}, {Binary: "mmdebstrap", Package: "mmdebstrap"}}

// Start installs what is missing (as root), and starts dockerd without
// networking of its own (containers use the host's), on the vfs storage
// driver, its socket and state in a temporary folder and its data root in
// cache (held by one daemon at a time: Start waits for it). Stop stops it.
func Start(ctx context.Context, cache string, log io.Writer) (*Daemon, error) {
	if err := toolchain.Ensure(ctx, nil, toolchain.Options{Tools: Tools, Install: true, Log: log}); err != nil {
		return nil, err
	}
	data := filepath.Join(cache, "data")
	if err := os.MkdirAll(data, 0o700); err != nil {
		return nil, err
	}
	lock, err := filelock.Wait(ctx, filepath.Join(cache, "data.lock"), time.Second)
	if err != nil {
		return nil, err
	}
	// A short path: a unix socket's must fit in 108 bytes.
	dir, err := os.MkdirTemp("/tmp", "sl-dockerd-")
	if err != nil {
		lock.Release()
		return nil, err
	}
	d := &Daemon{dir: dir, lock: lock, Host: "unix://" + filepath.Join(dir, "docker.sock")}
	logFile, err := os.Create(filepath.Join(dir, "dockerd.log"))
	if err != nil {
		d.Stop()
		return nil, err
	}
	defer logFile.Close()
	d.cmd = exec.Command("dockerd", "--iptables=false", "--ip6tables=false", "--bridge=none", "--storage-driver=vfs",
		"-H", d.Host, "--data-root", data, "--exec-root", filepath.Join(dir, "exec"),
		"--pidfile", filepath.Join(dir, "docker.pid"))
	d.cmd.Stdout, d.cmd.Stderr = logFile, logFile
	// It dies with the test process, even a killed one.
	d.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := d.cmd.Start(); err != nil {
		d.Stop()
		return nil, fmt.Errorf("starting dockerd: %w", err)
	}
	exited := make(chan struct{})
	go func() { d.cmd.Wait(); close(exited) }()
	os.Setenv("DOCKER_HOST", d.Host)
	deadline := time.Now().Add(time.Minute)
	for {
		e, err := docker.Connect(ctx)
		if err == nil {
			e.Close()
			return d, nil
		}
		select {
		case <-exited:
			d.Stop()
			return nil, fmt.Errorf("dockerd exited: %s", lastLine(filepath.Join(dir, "dockerd.log")))
		case <-time.After(500 * time.Millisecond):
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			d.Stop()
			return nil, fmt.Errorf("dockerd did not answer within a minute: %v", err)
		}
	}
}

func lastLine(path string) string {
	data, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	return lines[len(lines)-1]
}

// Stop stops the daemon by its PID (SIGTERM, SIGKILL after 30 s), and
// removes its temporary folder.
func (d *Daemon) Stop() {
	if d.cmd != nil && d.cmd.Process != nil {
		_ = d.cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() {
			for d.cmd.ProcessState == nil && syscall.Kill(d.cmd.Process.Pid, 0) == nil {
				time.Sleep(100 * time.Millisecond)
			}
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			_ = syscall.Kill(-d.cmd.Process.Pid, syscall.SIGKILL)
		}
	}
	unmountUnder(d.dir)
	os.RemoveAll(d.dir)
	if d.lock != nil {
		d.lock.Release()
	}
}

// unmountUnder detaches what a daemon left mounted under dir (the network
// namespace files of its exec root), deepest first, so dir can go.
func unmountUnder(dir string) {
	data, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return
	}
	var points []string
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) > 4 && strings.HasPrefix(f[4], dir+"/") {
			points = append(points, f[4])
		}
	}
	for i := len(points) - 1; i >= 0; i-- {
		_ = unix.Unmount(points[i], unix.MNT_DETACH)
	}
}

// Bases makes sure the engine holds the base image of every image: a
// "debian:<suite>" is bootstrapped with mmdebstrap from the host's Debian
// mirror into cache/rootfs once and imported. Other bases cannot be made
// here: they are an error naming them.
func Bases(ctx context.Context, e *docker.Engine, images []docker.Image, cache string, log io.Writer) error {
	for _, im := range images {
		base := im.Base()
		if e.HasImage(ctx, base) {
			continue
		}
		suite, ok := strings.CutPrefix(base, "debian:")
		if !ok {
			return fmt.Errorf("%s: cannot bootstrap the base image %s without a registry (only debian:<suite>)", im.Path, base)
		}
		tar := filepath.Join(cache, "rootfs", "debian_"+suite+".tar")
		if _, err := os.Stat(tar); err != nil {
			fmt.Fprintf(log, "bootstrapping %s with mmdebstrap into %s\n", base, tar)
			tmp := strings.TrimSuffix(tar, ".tar") + ".partial.tar"
			if err := os.MkdirAll(filepath.Dir(tar), 0o755); err != nil {
				return err
			}
			out, err := exec.CommandContext(ctx, "mmdebstrap", "--variant=minbase", "--format=tar", suite, tmp, Mirror()).CombinedOutput()
			if err != nil {
				return fmt.Errorf("mmdebstrap %s: %v: %s", suite, err, lastLines(string(out)))
			}
			if err := os.Rename(tmp, tar); err != nil {
				return err
			}
		}
		f, err := os.Open(tar)
		if err != nil {
			return err
		}
		err = e.ImportBase(ctx, f, base)
		f.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

func lastLines(out string) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	return strings.Join(lines[max(0, len(lines)-3):], " | ")
}

// Mirror is the Debian mirror apt uses here, deb.debian.org when it names
// none.
func Mirror() string {
	for _, path := range []string{"/etc/apt/sources.list.d/debian.sources", "/etc/apt/sources.list"} {
		f, err := os.Open(path)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			switch {
			case len(fields) >= 2 && fields[0] == "URIs:" && !strings.Contains(fields[1], "security"):
				f.Close()
				return fields[1]
			case len(fields) >= 3 && fields[0] == "deb" && !strings.Contains(sc.Text(), "security"):
				for _, field := range fields[1:] {
					if strings.HasPrefix(field, "http") {
						f.Close()
						return field
					}
				}
			}
		}
		f.Close()
	}
	return "http://deb.debian.org/debian"
}

var errNoRoot = errors.New("the real-engine tests start their own dockerd, which needs root")

// CheckRoot fails unless the process is root.
func CheckRoot() error {
	if os.Geteuid() != 0 {
		return errNoRoot
	}
	return nil
}
