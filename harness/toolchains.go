package harness

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/docker"
	"github.com/stackslice/stackslice/executor"
	"github.com/stackslice/stackslice/internal/parallel"
)

// ParseToolchains reads SL_TOOLCHAIN: "host" (the default when empty) or
// toolchain images by release, comma-separated, each once, "host" among
// them if wanted. Whether an image exists is checked against the
// repository's docker/ folder later (checkToolchains).
func ParseToolchains(value string) ([]string, error) {
	list, err := names(EnvToolchain, value, "toolchain")
	if err != nil {
		return nil, err
	}
	list = unique(list)
	if len(list) == 1 && list[0] == docker.Host {
		return nil, nil
	}
	return list, nil
}

// checkToolchains fails, in one line, on a toolchain the repository has no
// image for.
func checkToolchains(o Options) error {
	if len(o.Toolchains) == 0 {
		return nil
	}
	images, err := docker.Images(o.Root)
	if err != nil {
		return err
	}
	_, err = docker.Select(images, imageNames(o.Toolchains))
	return err
}

func imageNames(names []string) []string {
	return slices.DeleteFunc(slices.Clone(names), func(n string) bool { return n == docker.Host })
}

// toolchains are the executors of a run, one per selected toolchain, in
// the order given: the host, or a container of a toolchain image.
type toolchains struct {
	list   []executor.Executor
	close  []func() error
	engine *docker.Engine
}

// startToolchains builds (when they changed) the selected toolchain images,
// and starts one container of each with root and the other paths mounted
// at the same paths. Containers left by a harness that was killed are
// removed first. With no image selected it is the host alone.
func startToolchains(ctx context.Context, o Options, paths ...string) (*toolchains, error) {
	t := &toolchains{}
	if len(o.Toolchains) == 0 {
		t.list = []executor.Executor{executor.Host{}}
		return t, nil
	}
	images, err := docker.Images(o.Root)
	if err != nil {
		return nil, err
	}
	selected, err := docker.Select(images, imageNames(o.Toolchains))
	if err != nil {
		return nil, err
	}
	all, err := arch.Load(filepath.Join(o.Root, "arch"))
	if err != nil {
		return nil, err
	}
	if t.engine, err = docker.Connect(ctx); err != nil {
		return nil, err
	}
	t.close = append(t.close, t.engine.Close)
	removed, err := t.engine.RemoveLeftovers(ctx)
	if len(removed) > 0 {
		fmt.Fprintf(o.Out, "toolchain: removed %d container(s) a harness killed earlier left: %s\n", len(removed), strings.Join(removed, ", "))
	}
	if swept := docker.SweepFolders(); len(swept) > 0 {
		fmt.Fprintf(o.Out, "toolchain: removed %d folder(s) a harness killed earlier left: %s\n", len(swept), strings.Join(swept, ", "))
	}
	if err != nil {
		t.stop()
		return nil, err
	}
	// Every port's packages, whichever are selected: one image per release.
	fail := func(name string, err error) (*toolchains, error) {
		t.stop()
		if ctx.Err() != nil {
			return nil, fmt.Errorf("interrupted (%s) while preparing toolchain %s", why(ctx), name)
		}
		return nil, err
	}
	// The images are built one after the other (each build is already as
	// busy as the machine allows), then their containers start at once: a
	// container's start copies its image where the engine has no layered
	// storage.
	tags := make([]string, len(o.Toolchains))
	for i, name := range o.Toolchains {
		if name == docker.Host {
			continue
		}
		im := selected[slices.IndexFunc(selected, func(im docker.Image) bool { return im.Release == name })]
		if tags[i], err = t.engine.EnsureImage(ctx, im, docker.Packages(all, t.engine.GOARCH(), name), o.Out); err != nil {
			return fail(name, err)
		}
	}
	t.list = make([]executor.Executor, len(o.Toolchains))
	errs := make([]error, len(o.Toolchains))
	parallel.Each(ctx, len(o.Toolchains), len(o.Toolchains), func(i int) {
		if tags[i] == "" {
			t.list[i] = executor.Host{}
			return
		}
		c, err := t.engine.Start(ctx, o.Toolchains[i], tags[i], append([]string{o.Root}, paths...))
		if errs[i] = err; err == nil {
			t.list[i] = c
		}
	})
	for _, ex := range t.list {
		if c, ok := ex.(*docker.Container); ok {
			t.close = append(t.close, c.Close)
		}
	}
	for i, err := range errs {
		if err == nil && t.list[i] == nil {
			err = ctx.Err() // never started: interrupted
		}
		if err != nil {
			return fail(o.Toolchains[i], err)
		}
	}
	return t, nil
}

// only is the one executor of a verb that runs in one place (what), or an
// error when more toolchains were selected: none of them is left out
// without a word.
func (t *toolchains) only(what string) (executor.Executor, error) {
	if len(t.list) != 1 {
		names := make([]string, len(t.list))
		for i, ex := range t.list {
			names[i] = cmp.Or(ex.Toolchain(), docker.Host)
		}
		return nil, fmt.Errorf("%s runs in one toolchain at a time; %s names %d (%s)", what, EnvToolchain, len(t.list), strings.Join(names, ", "))
	}
	return t.list[0], nil
}

// stop removes the containers and lets go of the engine.
func (t *toolchains) stop() error {
	var errs []error
	for i := len(t.close) - 1; i >= 0; i-- {
		errs = append(errs, t.close[i]())
	}
	t.close = nil
	return errors.Join(errs...)
}

// mounts are the folders a run's containers need besides the repository:
// the output folder, and where each foreign port's data file and sources
// lie when outside it (SL_FOREIGN_PATH, the stackslice command's folder, a
// checkout a port.json points into), so a toolchain image compiles the
// very files the host sees.
func mounts(o Options, ports []arch.Port) []string {
	paths := []string{o.OutDir}
	for _, p := range ports {
		if p.Foreign == nil {
			continue
		}
		files := append([]string{p.Foreign.Data}, p.Foreign.Switch...)
		for _, f := range append(files, p.Foreign.Inputs...) {
			dir, err := filepath.Abs(filepath.Dir(f))
			if err != nil {
				continue
			}
			if rel, err := filepath.Rel(o.Root, dir); err == nil && filepath.IsLocal(rel) {
				continue
			}
			if !slices.Contains(paths, dir) {
				paths = append(paths, dir)
			}
		}
	}
	return paths
}

// subdir is the folder under dir for the executor's files: dir itself for
// the host, so a host run's layout stays as it was.
func subdir(dir string, ex executor.Executor) string {
	if ex.Toolchain() == "" {
		return dir
	}
	return filepath.Join(dir, "toolchain-"+ex.Toolchain())
}

// expand is jobs under every toolchain that builds their port (pl),
// toolchain by toolchain.
func (t *toolchains) expand(jobs []job, pl *placement) []job {
	var all []job
	for _, ex := range t.list {
		for _, j := range jobs {
			if !pl.runsIn(j.port, ex.Toolchain()) {
				continue
			}
			j.ex = ex
			all = append(all, j)
		}
	}
	return all
}

// PruneImages removes the toolchain images the engine holds that this
// checkout no longer builds (a changed Dockerfile or package list: each
// is 2 GB or more), and says which.
func PruneImages(ctx context.Context, o Options) error {
	if err := o.fill(); err != nil {
		return err
	}
	images, err := docker.Images(o.Root)
	if err != nil {
		return err
	}
	all, err := arch.Load(filepath.Join(o.Root, "arch"))
	if err != nil {
		return err
	}
	engine, err := docker.Connect(ctx)
	if err != nil {
		return err
	}
	defer engine.Close()
	var keep []string
	for _, im := range images {
		keep = append(keep, im.Tag(docker.Packages(all, engine.GOARCH(), im.Release)))
	}
	removed, err := engine.Prune(ctx, keep)
	for _, tag := range removed {
		fmt.Fprintf(o.Out, "removed %s\n", tag)
	}
	if err == nil {
		fmt.Fprintf(o.Out, "%d stale toolchain image(s) removed; kept this checkout's: %s\n", len(removed), strings.Join(keep, ", "))
	}
	return err
}
