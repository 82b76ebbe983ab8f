package harness

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/build"
	"github.com/stackslice/stackslice/executor"
	"github.com/stackslice/stackslice/library"
	"github.com/stackslice/stackslice/qemu"
	"github.com/stackslice/stackslice/toolchain"
)

// Lib builds the C library of the named port, or of every port for "all":
// libstackslice.a, include/slice.h and stackslice.pc (relocatable) in
// <out>/lib/<arch>/. It returns the folders written.
func Lib(ctx context.Context, o Options, which string) ([]string, error) {
	if err := o.fill(); err != nil {
		return nil, err
	}
	ctx, err := onTheHost(ctx, o, "lib")
	if err != nil {
		return nil, err
	}
	if which != build.All {
		o.Ports = []string{which}
	}
	all, err := Ports(o)
	if err != nil {
		return nil, err
	}
	// The library is built with the host's compilers, which a port built
	// only in a toolchain image cannot trust (Debian 12's sh4 gcc
	// miscompiles): asked for by name it is an error, in "all" a line.
	var ports []arch.Port
	for _, p := range all {
		if p.BuildsIn("") {
			ports = append(ports, p)
			continue
		}
		why := fmt.Sprintf("%s: no library: it %s, and lib builds with the host's compilers", p.Name, p.Images)
		if which != build.All {
			return nil, errors.New(why)
		}
		fmt.Fprintln(o.Out, why)
	}
	lock, err := lockOutDir(o.OutDir)
	if err != nil {
		return nil, err
	}
	defer lock.Release()
	libDir := filepath.Join(o.OutDir, "lib")
	if fi, err := os.Lstat(libDir); err == nil && !fi.IsDir() {
		return nil, fmt.Errorf("refusing %s for libraries: it is not a folder; set SL_OUT to another folder", libDir)
	}
	if err := ensureGCC(ctx, o, ports); err != nil {
		return nil, err
	}
	var dirs []string
	for _, p := range ports {
		dir := filepath.Join(libDir, p.Name)
		if err := buildLibrary(ctx, o.Root, p, library.InDir(dir)); err != nil {
			// The output folder's library would pass for this build's.
			if rmErr := library.InDir(dir).Remove(); rmErr != nil {
				return dirs, fmt.Errorf("%w; removing the previous library in %s: %v", err, dir, rmErr)
			}
			return dirs, fmt.Errorf("%w (the previous library in %s was removed: it no longer matches the sources)", err, dir)
		}
		fmt.Fprintf(o.Out, "%s: %s\n", p.Name, dir)
		dirs = append(dirs, dir)
	}
	return dirs, nil
}

// Install builds the library for the host's own arch and installs it under
// prefix: lib/libstackslice.a, include/slice.h, lib/pkgconfig/stackslice.pc.
func Install(ctx context.Context, o Options, prefix string) error {
	if err := o.fill(); err != nil {
		return err
	}
	if !filepath.IsAbs(prefix) {
		return fmt.Errorf("PREFIX=%q: want an absolute path", prefix)
	}
	ctx, err := onTheHost(ctx, o, "install")
	if err != nil {
		return err
	}
	all, err := Ports(o)
	if err != nil {
		return err
	}
	host, err := library.HostPort(all, runtime.GOARCH)
	if err != nil {
		return err
	}
	if err := ensureGCC(ctx, o, []arch.Port{host}); err != nil {
		return err
	}
	if err := buildLibrary(ctx, o.Root, host, library.Installed(prefix)); err != nil {
		return fmt.Errorf("%w (what was installed under %s is unchanged)", err, prefix)
	}
	fmt.Fprintf(o.Out, "installed %s under %s\n", library.Name, prefix)
	return nil
}

// onTheHost is ctx with the host as its executor, for a verb (what) that
// builds for this machine: a toolchain image asked for is an error, not a
// build on the host instead.
func onTheHost(ctx context.Context, o Options, what string) (context.Context, error) {
	if images := imageNames(o.Toolchains); len(images) > 0 {
		return nil, fmt.Errorf("%s builds with the host's compilers; %s=%s asks for a toolchain image, which it does not use", what, EnvToolchain, strings.Join(o.Toolchains, ","))
	}
	return executor.With(ctx, executor.Host{}), nil
}

func ensureGCC(ctx context.Context, o Options, ports []arch.Port) error {
	return toolchain.Ensure(ctx, ports, toolchain.Options{Compilers: []toolchain.Compiler{toolchain.GCC},
		QEMU: qemu.Options{ForceQEMU: o.ForceQEMU}, Install: !o.NoInstall, Log: o.Out})
}

func buildLibrary(ctx context.Context, root string, p arch.Port, l library.Layout) error {
	work, err := os.MkdirTemp("", "stackslice-lib-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	return library.Build(ctx, root, p, l, work)
}
