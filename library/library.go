// Package library builds the core as a C library, so that a C project uses
// it without the harness: for a port, libstackslice.a (core/*.c and the
// port's switch.S), slice.h and a pkg-config file; and it builds and runs
// the examples that use only the public API through them.
package library

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/internal/inputfile"
	"github.com/stackslice/stackslice/toolchain"
)

// Name is the library's: libstackslice.a, stackslice.pc.
const Name = "stackslice"

// Header is the public header, the only one a user includes.
const Header = "slice.h"

// cflags build the library: position-independent, so that it can go into a
// shared object too.
var cflags = []string{"-O2", "-g", "-fPIC", "-std=gnu11", "-Wall", "-Wextra", "-Werror"}

// Version reads SL_VERSION_MAJOR and SL_VERSION_MINOR from slice.h.
func Version(root string) (string, error) {
	data, err := inputfile.Read(filepath.Join(root, "core", Header))
	if err != nil {
		return "", err
	}
	var parts []string
	for _, name := range []string{"SL_VERSION_MAJOR", "SL_VERSION_MINOR"} {
		m := regexp.MustCompile(`#define\s+` + name + `\s+(\d+)`).FindSubmatch(data)
		if m == nil {
			return "", fmt.Errorf("core/%s defines no %s", Header, name)
		}
		parts = append(parts, string(m[1]))
	}
	return strings.Join(parts, "."), nil
}

// Layout says where a built library's files go.
type Layout struct {
	LibDir, IncludeDir, PkgConfigDir string
	// Prefix is the pkg-config file's prefix line; relocatable when it is
	// ${pcfiledir}.
	Prefix string
}

// InDir is the layout of a library built for one port into dir, relocatable:
// dir/libstackslice.a, dir/include/slice.h, dir/stackslice.pc.
func InDir(dir string) Layout {
	return Layout{LibDir: dir, IncludeDir: filepath.Join(dir, "include"), PkgConfigDir: dir, Prefix: "${pcfiledir}"}
}

// Installed is the usual layout under prefix: lib/, include/ and
// lib/pkgconfig/.
func Installed(prefix string) Layout {
	return Layout{LibDir: filepath.Join(prefix, "lib"), IncludeDir: filepath.Join(prefix, "include"),
		PkgConfigDir: filepath.Join(prefix, "lib", "pkgconfig"), Prefix: prefix}
}

// Files are the paths of the set a build writes where l says: the
// library, its header and its pkg-config file.
func (l Layout) Files() []string {
	return []string{filepath.Join(l.LibDir, "lib"+Name+".a"), filepath.Join(l.IncludeDir, Header), filepath.Join(l.PkgConfigDir, Name+".pc")}
}

// Remove deletes the set l's build wrote, for a library that no longer
// matches its sources: a build that failed must not leave the previous one
// passing for it.
func (l Layout) Remove() error {
	var errs []error
	for _, f := range l.Files() {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Build compiles the core for p with its compiler and writes the library,
// its header and its pkg-config file where l says; work holds the objects
// and the archive. The three replace what was there as a set, once all of
// them are built: a build that fails leaves the previous set whole (never
// a header and .pc without their library).
func Build(ctx context.Context, root string, p arch.Port, l Layout, work string) error {
	version, err := Version(root)
	if err != nil {
		return err
	}
	srcs, err := filepath.Glob(filepath.Join(root, "core", "*.c"))
	if err != nil {
		return err
	}
	// The port's own switch.S: arch/switch.S would pick the same one by the
	// compiler's macros, but is rewritten only by port:select, and a port
	// just dropped in builds before that.
	srcs = append(srcs, filepath.Join(p.Dir, "switch.S"))
	for _, dir := range []string{work, l.LibDir, l.IncludeDir, l.PkgConfigDir} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	cc := toolchain.GCC.Command(p)
	var objs []string
	for _, src := range srcs {
		obj := filepath.Join(work, strings.TrimSuffix(filepath.Base(src), filepath.Ext(src))+".o")
		argv := append(append(append([]string{}, cc...), p.CompileFlags()...), cflags...)
		for _, d := range p.CoreDefines() {
			argv = append(argv, "-D"+d)
		}
		argv = append(argv, "-I", filepath.Join(root, "core"), "-c", src, "-o", obj)
		if err := run(ctx, work, argv); err != nil {
			return fmt.Errorf("%s library: %w", p.Name, err)
		}
		objs = append(objs, obj)
	}
	archive := filepath.Join(work, "lib"+Name+".a")
	_ = os.Remove(archive) // ar adds to an existing archive
	if err := run(ctx, work, append([]string{p.Triple + "-ar", "rcs", archive}, objs...)); err != nil {
		return fmt.Errorf("%s library: %w", p.Name, err)
	}
	lib, err := os.ReadFile(archive)
	if err != nil {
		return err
	}
	header, err := inputfile.Read(filepath.Join(root, "core", Header))
	if err != nil {
		return err
	}
	files := l.Files()
	return replaceSet(map[string][]byte{files[0]: lib, files[1]: header, files[2]: []byte(pkgConfig(l, p, version))})
}

// replaceSet writes every file next to its destination first, then renames
// them all into place: an error before the renames leaves the old files as
// they were.
func replaceSet(files map[string][]byte) error {
	staged := map[string]string{}
	defer func() {
		for _, tmp := range staged {
			_ = os.Remove(tmp)
		}
	}()
	for dst, data := range files {
		tmp, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".new-*")
		if err != nil {
			return err
		}
		staged[dst] = tmp.Name()
		_, err = tmp.Write(data)
		if err == nil {
			err = tmp.Chmod(0o644)
		}
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("writing %s: %w", dst, err)
		}
	}
	for dst, tmp := range staged {
		if err := os.Rename(tmp, dst); err != nil {
			return err
		}
		delete(staged, dst)
	}
	return nil
}

func pkgConfig(l Layout, p arch.Port, version string) string {
	rel := func(dir string) string {
		if l.Prefix == "${pcfiledir}" {
			if r, err := filepath.Rel(l.PkgConfigDir, dir); err == nil {
				return filepath.Join("${prefix}", r)
			}
		}
		if r, err := filepath.Rel(l.Prefix, dir); err == nil && !strings.HasPrefix(r, "..") {
			return filepath.Join("${prefix}", r)
		}
		return dir
	}
	return fmt.Sprintf(`prefix=%s
libdir=%s
includedir=%s

Name: %s
Description: greenlet-style stack-slicing coroutines (%s port)
Version: %s
Cflags: -I${includedir}
Libs: -L${libdir} -l%s
Libs.private: -lpthread
`, l.Prefix, rel(l.LibDir), rel(l.IncludeDir), Name, p.Name, version, Name)
}

func run(ctx context.Context, dir string, argv []string) error {
	out, err := toolchain.Build(ctx, dir, argv)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil {
		return fmt.Errorf("%s: %s", argv[0], toolchain.FirstError(out, err))
	}

	return nil
}

// ErrNoHostPort is returned by HostPort when no port matches the host.
var ErrNoHostPort = errors.New("no port for the host's arch")

// HostPort is the port of the host's own arch, named goarch.
func HostPort(ports []arch.Port, goarch string) (arch.Port, error) {
	for _, p := range ports {
		if p.Name == goarch {
			return p, nil
		}
	}
	return arch.Port{}, fmt.Errorf("%w (%s; ports: %s)", ErrNoHostPort, goarch, strings.Join(arch.Names(ports), ", "))
}
