package harness

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/docker"
	"github.com/stackslice/stackslice/internal/text"
)

// placement is where the ports of an invocation build: in the toolchains
// asked for, except a port whose data names the only toolchain images that
// build it (arch.Images). Such a port runs in one of those when it is asked
// for; on a default run (the host), in the first of them, started for it
// alone, when a Docker engine answers; else its runs are skipped, saying
// why, and never pass.
type placement struct {
	// requested are the toolchains asked for: "" for the host, or releases.
	requested []string
	// extra are the images started only for the ports that build nowhere
	// else.
	extra []string
	// skipped maps a port to why it builds in no toolchain of the run.
	skipped map[string]string
}

// engineAnswers tells whether a Docker engine answers (nil), or why not:
// package docker's, replaced in tests.
var engineAnswers = func(ctx context.Context) error {
	e, err := docker.Connect(ctx)
	if err != nil {
		return err
	}
	return e.Close()
}

// place decides where ports build. autoStart lets a default (host) run
// start a port's image for it: test:all does; the mutation check and the
// benchmark, which run one toolchain, do not.
func place(ctx context.Context, o Options, ports []arch.Port, autoStart bool) (*placement, error) {
	pl := &placement{skipped: map[string]string{}}
	for _, t := range o.Toolchains {
		if t == docker.Host {
			t = ""
		}
		pl.requested = append(pl.requested, t)
	}
	if len(pl.requested) == 0 {
		pl.requested = []string{""}
	}
	var images []docker.Image
	var wanted []string
	for _, p := range ports {
		if p.Images == nil {
			continue
		}
		if images == nil {
			var err error
			if images, err = docker.Images(o.Root); err != nil {
				// A tree with no docker/ (a copy made for a test, a trimmed
				// checkout) has no image to build the port in.
				if _, serr := os.Stat(filepath.Join(o.Root, "docker")); !errors.Is(serr, fs.ErrNotExist) {
					return nil, err
				}
				pl.skipped[p.Name] = fmt.Sprintf("%s, and this tree has no docker/ folder to build one from", p.Images)
				images = nil
				continue
			}
		}
		for _, name := range p.Images.Only {
			if !slices.ContainsFunc(images, func(im docker.Image) bool { return im.Release == name }) {
				return nil, fmt.Errorf("%s: toolchain_images: no toolchain image %q (docker/%s/Dockerfile)", p.DataPath(), name, name)
			}
		}
		if slices.ContainsFunc(pl.requested, p.BuildsIn) {
			continue
		}
		if !autoStart || len(o.Toolchains) > 0 {
			asked := strings.Join(o.Toolchains, ",")
			if asked == "" {
				asked = docker.Host
			}
			pl.skipped[p.Name] = fmt.Sprintf("%s, and %s=%s leaves it out", p.Images, EnvToolchain, asked)
			continue
		}
		wanted = append(wanted, p.Name)
	}
	if len(wanted) == 0 {
		return pl, nil
	}
	err := engineAnswers(ctx)
	for _, p := range ports {
		if !slices.Contains(wanted, p.Name) {
			continue
		}
		if err != nil {
			pl.skipped[p.Name] = fmt.Sprintf("%s, and %v; where one answers, this run starts %s for it",
				p.Images, text.FirstLine(err.Error()), p.Images.Only[0])
		} else if !slices.Contains(pl.extra, p.Images.Only[0]) {
			pl.extra = append(pl.extra, p.Images.Only[0])
		}
	}
	return pl, nil
}

// toolchains are the toolchains to start, as Options.Toolchains: the ones
// asked for, then the extra images; nil for the host alone.
func (pl *placement) toolchains() []string {
	if len(pl.extra) == 0 && slices.Equal(pl.requested, []string{""}) {
		return nil
	}
	var names []string
	for _, t := range pl.requested {
		names = append(names, cmp.Or(t, docker.Host))
	}
	return append(names, pl.extra...)
}

// runsIn tells whether p builds and runs in the toolchain named ("" for the
// host). A nil placement places every port everywhere.
func (pl *placement) runsIn(p arch.Port, toolchain string) bool {
	if pl == nil {
		return true
	}
	if p.Images != nil {
		return p.BuildsIn(toolchain) && pl.skipped[p.Name] == ""
	}
	return slices.Contains(pl.requested, toolchain)
}

// portsIn are the ports that build in the toolchain named.
func (pl *placement) portsIn(ports []arch.Port, toolchain string) []arch.Port {
	return slices.DeleteFunc(slices.Clone(ports), func(p arch.Port) bool { return !pl.runsIn(p, toolchain) })
}

// refuse is the error of an invocation that cannot skip a port (the
// mutation check, the benchmark): nil when none is skipped.
func (pl *placement) refuse() error {
	if len(pl.skipped) == 0 {
		return nil
	}
	var lines []string
	for _, name := range slices.Sorted(maps.Keys(pl.skipped)) {
		lines = append(lines, name+" "+pl.skipped[name])
	}
	return fmt.Errorf("%s: name one of its images in %s", strings.Join(lines, "; "), EnvToolchain)
}
