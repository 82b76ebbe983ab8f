package docker

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/mount"
	"github.com/docker/docker/pkg/stdcopy"
	"golang.org/x/sys/unix"

	"github.com/stackslice/stackslice/executor"
	"github.com/stackslice/stackslice/internal/text"
	"github.com/stackslice/stackslice/proc"
)

// Container is one long-lived container of a toolchain image that runs a
// harness run's commands (docker exec): an executor.Executor.
type Container struct {
	engine  *Engine
	release string
	tag     string
	id      string
	tmp     string // a host folder mounted at the same path
	user    string
	execs   atomic.Int64
}

var _ executor.Executor = (*Container)(nil)

// ExecTagEnv marks every process of one exec, through the environment its
// descendants inherit: how the harness finds all of them inside the
// container to stop them, since docker exec stops none but the first.
const ExecTagEnv = "STACKSLICE_EXEC"

// Start starts a container of the image tagged tag for release, with each
// of paths (the repository, the output folder) bind-mounted at the same
// path, and commands run as this process's user and group, so what they
// write is the caller's. Close removes it.
func (e *Engine) Start(ctx context.Context, release, tag string, paths []string) (*Container, error) {
	tmp, err := os.MkdirTemp("", folderPrefix+release+"-")
	if err != nil {
		return nil, err
	}
	// Whose it is, for the sweep of a killed harness's folders.
	if err := os.WriteFile(filepath.Join(tmp, ownerFile), []byte(owner()), 0o644); err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	var mounts []mount.Mount
	for _, p := range append(paths, tmp) {
		if p, err = filepath.Abs(p); err != nil {
			return nil, err
		}
		if slices.ContainsFunc(mounts, func(m mount.Mount) bool { return m.Target == p }) {
			continue
		}
		mounts = append(mounts, mount.Mount{Type: mount.TypeBind, Source: p, Target: p})
	}
	resp, err := e.cli.ContainerCreate(ctx, &container.Config{
		Image: tag,
		// PID 1 waits for nothing but the end; it reaps what is orphaned.
		Cmd:    []string{"sh", "-c", "trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done"},
		Labels: map[string]string{LabelToolchain: release, LabelOwner: owner()},
	}, &container.HostConfig{Mounts: mounts, NetworkMode: "none"}, nil, nil, "")
	if err != nil {
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("toolchain %s: creating a container of %s: %s", release, tag, text.FirstLine(err.Error()))
	}
	c := &Container{engine: e, release: release, tag: tag, id: resp.ID, tmp: tmp,
		user: fmt.Sprintf("%d:%d", os.Getuid(), os.Getgid())}
	if err := e.cli.ContainerStart(ctx, resp.ID, container.StartOptions{}); err != nil {
		c.Close()
		return nil, fmt.Errorf("toolchain %s: starting a container of %s: %s", release, tag, text.FirstLine(err.Error()))
	}
	return c, nil
}

// Close removes the container, and with it every process still in it.
func (c *Container) Close() error {
	// Under the vfs storage driver (a daemon with no overlay support)
	// removing deletes a whole copy of the image's root file system: on a
	// busy machine that took over a minute.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	err := c.engine.cli.ContainerRemove(ctx, c.id, container.RemoveOptions{Force: true})
	os.RemoveAll(c.tmp)
	if err != nil {
		return fmt.Errorf("toolchain %s: removing container %s: %s", c.release, c.id[:12], text.FirstLine(err.Error()))
	}
	return nil
}

// ContainerID is the container's ID.
func (c *Container) ContainerID() string { return c.id }

func (c *Container) Toolchain() string { return c.release }

func (c *Container) ID() string { return c.tag }

func (c *Container) Platform() (string, string) { return "linux", c.engine.goarch }

func (c *Container) TempDir() string { return c.tmp }

func (c *Container) LookPath(ctx context.Context, program string) error {
	var out bytes.Buffer
	st, err := c.Run(ctx, executor.Spec{Argv: []string{"sh", "-c", `command -v "$1"`, "sh", program}, Stdout: &out})
	if err == nil {
		err = st.Err()
	}
	if err != nil {
		return fmt.Errorf("%s: not found in the %s toolchain image", program, c.release)
	}
	return nil
}

// sweep is the shell program that sends signal $1 to every process of the
// container whose environment holds one of the entries $2...: it prints
// each as "pid (name)".
const sweep = `sig=$1; shift
for d in /proc/[0-9]*; do
  pid=${d#/proc/}
  [ "$pid" = "$$" ] && continue
  for e in "$@"; do
    if tr '\0' '\n' < "$d/environ" 2>/dev/null | grep -qxF -e "$e"; then
      kill "-$sig" "$pid" 2>/dev/null && echo "$pid ($(cat "$d/comm" 2>/dev/null))"
      break
    fi
  done
done`

// waitDelay is how long Run waits for the output to close after the
// command ended: a process it left behind may hold it open.
const waitDelay = proc.StopGrace + 2*time.Second

// Run runs the command with docker exec. When ctx ends, every process of
// the exec gets SIGTERM, and SIGKILL after proc.StopGrace: docker exec
// alone stops nothing. An exit status above 128 reads as a death by that
// signal, as a shell reads it; the engine tells the two apart nowhere.
func (c *Container) Run(ctx context.Context, s executor.Spec) (executor.Status, error) {
	var st executor.Status
	execTag := fmt.Sprintf("%s=%d-%d", ExecTagEnv, os.Getpid(), c.execs.Add(1))
	code, leftOpen, err := c.exec(ctx, c.user, s, []string{execTag})
	// Whatever a target run left behind goes too: anything of the exec,
	// and anything that carries the run's tag.
	if s.Tag != "" {
		st.LeftBehind = c.signal("KILL", execTag, proc.TagEnv+"="+s.Tag)
	}
	if ctx.Err() != nil {
		return st, ctx.Err()
	}
	if err != nil {
		if lost := c.engine.lost(); lost != nil {
			return st, lost
		}
		return st, fmt.Errorf("running %s in the %s toolchain container: %w", strings.Join(s.Argv, " "), c.release, err)
	}
	st.OutputLeftOpen = leftOpen
	st.ExitCode, st.Signal = exitStatus(code)
	return st, nil
}

// exitStatus reads an exec's exit code: above 128, the death by that
// signal, as the engine reports one (and a shell would read it).
func exitStatus(code int) (exitCode int, signal string) {
	if code > 128 && code < 128+65 {
		if name := unix.SignalName(unix.Signal(code - 128)); name != "" {
			return -1, name
		}
	}
	return code, ""
}

// signal sends sig to the container's processes whose environment holds
// any of entries, as root, and returns them as "pid (name)".
func (c *Container) signal(sig string, entries ...string) []string {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out bytes.Buffer
	argv := append([]string{"sh", "-c", sweep, "sh", sig}, entries...)
	if _, _, err := c.exec(ctx, "0", executor.Spec{Argv: argv, Stdout: &out}, nil); err != nil {
		return nil
	}
	var killed []string
	for _, line := range strings.Split(out.String(), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			killed = append(killed, line)
		}
	}
	return killed
}

// exec runs s in the container as user with env added, and returns its
// exit code and whether its output stayed open after it ended. When ctx
// ends, the processes carrying env's first entry are stopped.
func (c *Container) exec(ctx context.Context, user string, s executor.Spec, env []string) (code int, leftOpen bool, err error) {
	cli := c.engine.cli
	dir := s.Dir
	if dir == "" {
		dir = "/"
	}
	// The exec's own calls must not end with ctx: the stop below needs them.
	bg := context.Background()
	created, err := cli.ContainerExecCreate(bg, c.id, container.ExecOptions{User: user, AttachStdout: true, AttachStderr: true,
		Env: append(append([]string{}, s.Env...), env...), WorkingDir: dir, Cmd: s.Argv})
	if err != nil {
		return -1, false, fmt.Errorf("creating the exec: %s", text.FirstLine(err.Error()))
	}
	att, err := cli.ContainerExecAttach(bg, created.ID, container.ExecAttachOptions{})
	if err != nil {
		return -1, false, fmt.Errorf("attaching to the exec: %s", text.FirstLine(err.Error()))
	}
	defer att.Close()
	stdout, stderr := orDiscard(s.Stdout), orDiscard(s.Stderr)
	copied := make(chan error, 1)
	go func() {
		_, err := stdcopy.StdCopy(stdout, stderr, att.Reader)
		copied <- err
	}()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			if len(env) == 0 {
				return
			}
			c.signal("TERM", env[0])
			time.AfterFunc(proc.StopGrace, func() { c.signal("KILL", env[0]) })
		})
	}
	ended := make(chan struct{})
	go func() {
		// The output may stay open after the exec ended (a process it left
		// holds it): the exec's end is learnt from the engine, too.
		defer close(ended)
		for {
			select {
			case <-copied:
				copied <- nil
				return
			case <-time.After(200 * time.Millisecond):
			}
			if in, err := cli.ContainerExecInspect(bg, created.ID); err == nil && !in.Running && in.Pid != 0 {
				return
			}
		}
	}()
	select {
	case <-ended:
	case <-ctx.Done():
		stop()
		select {
		case <-ended:
		case <-time.After(proc.StopGrace + 5*time.Second):
		}
	}
	select {
	case <-copied:
	case <-time.After(waitDelay):
		leftOpen = true
		att.Close()
		<-copied
	}
	in, err := cli.ContainerExecInspect(bg, created.ID)
	if err != nil {
		return -1, leftOpen, fmt.Errorf("inspecting the exec: %s", text.FirstLine(err.Error()))
	}
	if in.Running {
		return -1, leftOpen, fmt.Errorf("the exec still runs")
	}
	return in.ExitCode, leftOpen, nil
}

func orDiscard(w io.Writer) io.Writer {
	if w == nil {
		return io.Discard
	}
	return w
}
