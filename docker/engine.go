package docker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/client"

	"github.com/stackslice/stackslice/internal/text"
	"github.com/stackslice/stackslice/proc"
)

// Engine is a Docker engine the harness talks to through the Engine API.
type Engine struct {
	cli    *client.Client
	goarch string // of the engine's machine
}

// pingTimeout bounds the first contact: an engine that does not answer
// within it is not there.
const pingTimeout = 10 * time.Second

// Connect reaches the engine the environment names (DOCKER_HOST,
// DOCKER_API_VERSION, DOCKER_CERT_PATH, DOCKER_TLS_VERIFY), or the default
// socket, with the API version negotiated down to the engine's (Docker
// 20.10 speaks 1.41). The error is one line saying where it looked.
func Connect(ctx context.Context) (*Engine, error) {
	cli, err := client.NewClientWithOpts(client.FromEnv, client.WithAPIVersionNegotiation())
	if err != nil {
		return nil, fmt.Errorf("no Docker engine: %s (DOCKER_HOST=%q)", text.FirstLine(err.Error()), os.Getenv(client.EnvOverrideHost))
	}
	ctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	info, err := cli.Info(ctx)
	if err != nil {
		cli.Close()
		return nil, fmt.Errorf("no Docker engine reachable at %s: %s", where(cli.DaemonHost()), text.FirstLine(err.Error()))
	}
	return &Engine{cli: cli, goarch: goarch(info.Architecture)}, nil
}

// ErrEngineLost is an engine that stopped answering in the middle of a
// run: the error of the run, not of whatever it was running.
var ErrEngineLost = errors.New("the Docker engine stopped answering")

// lost tells, after a failed call, whether the engine itself is gone: an
// error wrapping ErrEngineLost that says where it was, or nil.
func (e *Engine) lost() error {
	ctx, cancel := context.WithTimeout(context.Background(), pingTimeout)
	defer cancel()
	if _, err := e.cli.Ping(ctx); err != nil {
		return fmt.Errorf("%w at %s: %s", ErrEngineLost, e.cli.DaemonHost(), text.FirstLine(err.Error()))
	}
	return nil
}

// where says where the client looked for the engine, and why there.
func where(host string) string {
	if os.Getenv(client.EnvOverrideHost) != "" {
		return host + " (from DOCKER_HOST)"
	}
	return host + " (the default; set DOCKER_HOST to look elsewhere)"
}

// goarch is the GOARCH of an engine's machine architecture ("x86_64").
func goarch(machine string) string {
	switch machine {
	case "x86_64", "amd64":
		return "amd64"
	case "aarch64", "arm64":
		return "arm64"
	case "i386", "i686":
		return "386"
	}
	return machine // ppc64le, riscv64, s390x spell it the same
}

// Close lets go of the engine.
func (e *Engine) Close() error { return e.cli.Close() }

// GOARCH is the architecture of the engine's machine, as Go spells it.
func (e *Engine) GOARCH() string { return e.goarch }

// Client is the engine's API client, for what the harness does not wrap.
func (e *Engine) Client() *client.Client { return e.cli }

// EnsureImage builds im for packages unless an image of its tag exists,
// printing the build's steps to log, and returns the tag.
func (e *Engine) EnsureImage(ctx context.Context, im Image, packages []string, log io.Writer) (string, error) {
	tag := im.Tag(packages)
	if _, err := e.cli.ImageInspect(ctx, tag); err == nil {
		return tag, nil
	} else if !client.IsErrNotFound(err) {
		return "", fmt.Errorf("toolchain %s: looking for image %s: %s", im.Release, tag, text.FirstLine(err.Error()))
	}
	fmt.Fprintf(log, "toolchain %s: building image %s from %s (once per change of it)\n", im.Release, tag, im.Path)
	started := time.Now()
	buildCtx, err := buildContext(im)
	if err != nil {
		return "", err
	}
	resp, err := e.cli.ImageBuild(ctx, buildCtx, buildOptions(im, packages))
	if err != nil {
		return "", fmt.Errorf("toolchain %s: starting the build of %s: %s", im.Release, im.Path, text.FirstLine(err.Error()))
	}
	defer resp.Body.Close()
	if err := readBuild(im, resp.Body, log); err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", err
	}
	if _, err := e.cli.ImageInspect(ctx, tag); err != nil {
		return "", fmt.Errorf("toolchain %s: the build ended without image %s: %s", im.Release, tag, text.FirstLine(err.Error()))
	}
	fmt.Fprintf(log, "toolchain %s: built %s in %.0fs\n", im.Release, tag, time.Since(started).Seconds())
	return tag, nil
}

// ImportBase imports a root file system (a tar stream) as image ref: how a
// base image gets to an engine without a registry.
func (e *Engine) ImportBase(ctx context.Context, rootfs io.Reader, ref string) error {
	rc, err := e.cli.ImageImport(ctx, image.ImportSource{Source: rootfs, SourceName: "-"}, ref, image.ImportOptions{})
	if err != nil {
		return fmt.Errorf("importing %s: %s", ref, text.FirstLine(err.Error()))
	}
	defer rc.Close()
	_, err = io.Copy(io.Discard, rc)
	return err
}

// HasImage tells whether the engine holds ref.
func (e *Engine) HasImage(ctx context.Context, ref string) bool {
	_, err := e.cli.ImageInspect(ctx, ref)
	return err == nil
}

// owner is this process for LabelOwner: host name, PID and start time.
func owner() string {
	host, _ := os.Hostname()
	start := ""
	if p, _, err := proc.Stat(os.Getpid()); err == nil {
		start = p.StartTime()
	}
	return fmt.Sprintf("%s %d %s", host, os.Getpid(), start)
}

// ownerGone tells whether the process a LabelOwner value names has ended.
// A container of another machine sharing the engine is never taken for one.
func ownerGone(label string) bool {
	f := strings.Fields(label)
	host, _ := os.Hostname()
	if len(f) < 2 || f[0] != host {
		return len(f) < 2
	}
	pid, err := strconv.Atoi(f[1])
	if err != nil {
		return true
	}
	if p, _, err := proc.Stat(pid); err == nil {
		return len(f) > 2 && p.StartTime() != f[2]
	} else if _, statErr := os.Stat("/proc/self/stat"); statErr == nil {
		return true // /proc works and the process is not in it
	}
	return syscall.Kill(pid, 0) == syscall.ESRCH
}

// folderPrefix starts the name of a container's temporary folder in
// os.TempDir(), and ownerFile in it holds owner() of the harness that made it.
const (
	folderPrefix = "stackslice-"
	ownerFile    = ".stackslice-owner"
)

// SweepFolders removes the containers' temporary folders whose harness
// process is gone (killed before it could remove them), and returns them.
// Only a folder holding an owner file, as a real file, is considered.
func SweepFolders() []string {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), folderPrefix+"*"))
	var removed []string
	for _, dir := range dirs {
		if info, err := os.Lstat(dir); err != nil || !info.IsDir() {
			continue
		}
		file := filepath.Join(dir, ownerFile)
		info, err := os.Lstat(file)
		if err != nil || !info.Mode().IsRegular() || info.Size() > 4096 {
			continue
		}
		label, err := os.ReadFile(file)
		if err != nil || !ownerGone(string(label)) {
			continue
		}
		if os.RemoveAll(dir) == nil {
			removed = append(removed, dir)
		}
	}
	return removed
}

// RemoveLeftovers removes the toolchain containers whose harness process is
// gone (killed before it could clean up), and returns their names.
func (e *Engine) RemoveLeftovers(ctx context.Context) ([]string, error) {
	list, err := e.cli.ContainerList(ctx, container.ListOptions{All: true,
		Filters: filters.NewArgs(filters.Arg("label", LabelOwner))})
	if err != nil {
		return nil, fmt.Errorf("listing toolchain containers: %s", text.FirstLine(err.Error()))
	}
	var removed []string
	for _, c := range list {
		if !ownerGone(c.Labels[LabelOwner]) {
			continue
		}
		if err := e.cli.ContainerRemove(ctx, c.ID, container.RemoveOptions{Force: true}); err != nil && !client.IsErrNotFound(err) {
			return removed, fmt.Errorf("removing the leftover container %s: %s", c.ID[:12], text.FirstLine(err.Error()))
		}
		removed = append(removed, strings.TrimPrefix(strings.Join(c.Names, ","), "/"))
	}
	return removed, nil
}

// Containers are the IDs of the toolchain containers the engine holds,
// whoever owns them.
func (e *Engine) Containers(ctx context.Context) ([]string, error) {
	list, err := e.cli.ContainerList(ctx, container.ListOptions{All: true,
		Filters: filters.NewArgs(filters.Arg("label", LabelOwner))})
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, c := range list {
		ids = append(ids, c.ID)
	}
	return ids, nil
}

// Stale are the toolchain tags among have that none of keep is: images of
// Dockerfiles or package lists this checkout no longer has.
func Stale(have, keep []string) []string {
	var stale []string
	for _, tag := range have {
		if strings.HasPrefix(tag, Repository+":") && !slices.Contains(keep, tag) {
			stale = append(stale, tag)
		}
	}
	return stale
}

// Prune removes the toolchain images the engine holds that are not among
// keep (the tags of this checkout's images), and returns their tags.
func (e *Engine) Prune(ctx context.Context, keep []string) ([]string, error) {
	list, err := e.cli.ImageList(ctx, image.ListOptions{Filters: filters.NewArgs(filters.Arg("reference", Repository))})
	if err != nil {
		return nil, fmt.Errorf("listing toolchain images: %s", text.FirstLine(err.Error()))
	}
	var have []string
	for _, im := range list {
		have = append(have, im.RepoTags...)
	}
	var removed []string
	for _, tag := range Stale(have, keep) {
		if _, err := e.cli.ImageRemove(ctx, tag, image.RemoveOptions{PruneChildren: true}); err != nil && !client.IsErrNotFound(err) {
			return removed, fmt.Errorf("removing %s: %s", tag, text.FirstLine(err.Error()))
		}
		removed = append(removed, tag)
	}
	return removed, nil
}
