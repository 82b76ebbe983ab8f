// Package toolchain proves and installs what the harness needs on the host
// for each port: its C compilers with their C library, and QEMU user mode
// where the host cannot run the port's binaries, from Debian's packages.
//
// A toolchain counts as present only once it has compiled, statically linked
// and run a small pthreads program for the port (Doctor): a compiler on PATH
// proves nothing when its libc headers are missing.
package toolchain

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/internal/filelock"
	"github.com/stackslice/stackslice/proc"
)

// Compiler is a C compiler of the build matrix.
type Compiler string

const (
	// GCC is the port's own gcc, port.json's "cc".
	GCC Compiler = "gcc"
	// Clang is clang --target=<triple>, linking against the port's gcc
	// libraries and C library.
	Clang Compiler = "clang"
)

// Command is the start of every command line that compiles with c for p.
func (c Compiler) Command(p arch.Port) []string {
	if c == Clang {
		return []string{"clang", "--target=" + p.Triple}
	}
	return []string{p.CC}
}

// versionFlag makes c print its version number alone.
func (c Compiler) versionFlag() string {
	if c == Clang {
		return "-dumpversion"
	}
	return "-dumpfullversion"
}

// dataField is the port.json field that names c's binary, for messages.
func (c Compiler) dataField() string {
	if c == Clang {
		return "" // not from port.json
	}
	return "cc"
}

// Debian packages that serve every port.
const (
	QEMUPackage  = "qemu-user"
	ClangPackage = "clang"
)

// ClangTool is clang as a host tool, for what runs it directly.
var ClangTool = Tool{Binary: "clang", Package: ClangPackage}

// NativePackages build a port on a host of its own arch: the host's gcc
// answers to the port's triple (x86_64-linux-gnu-gcc on amd64), and its C
// library is libc6-dev, not a -cross package.
var NativePackages = []string{"gcc", "libc6-dev"}

// Packages are the Debian packages p needs on a machine of goarch (the
// host, or a toolchain image) to build with c, and, when its binaries run
// emulated, to run them: the native compiler where p targets goarch, else
// the cross toolchain its port.json lists. The one rule of it: a toolchain
// image holds these for every port (docker.Packages).
func Packages(p arch.Port, goarch string, c Compiler, emulated bool) []string {
	pkgs := slices.Clone(p.Packages)
	if p.Arch() == goarch {
		pkgs = slices.Clone(NativePackages)
	}
	if c == Clang {
		pkgs = append(pkgs, ClangPackage)
	}
	if emulated {
		pkgs = append(pkgs, QEMUPackage)
	}
	return pkgs
}

// InstallCommand is the command that installs pkgs.
func InstallCommand(pkgs []string) string {
	return "apt-get update && apt-get install -y --no-install-recommends " + strings.Join(pkgs, " ")
}

// asRoot says how to run a command as root here: directly, through
// password-less sudo, or not at all. A variable so tests can pretend.
var asRoot = func(ctx context.Context) (prefix []string, ok bool) {
	if os.Geteuid() == 0 {
		return nil, true
	}
	if exec.CommandContext(ctx, "sudo", "-n", "true").Run() != nil {
		return nil, false
	}
	return []string{"sudo", "-n", "env", "DEBIAN_FRONTEND=noninteractive"}, true
}

// aptPackage finds the package apt-get complains about in its error.
var aptPackage = regexp.MustCompile(`(?:Unable to locate package |Package '?)([a-z0-9][a-z0-9+.-]+)`)

// install installs pkgs with apt-get, as root or through password-less
// sudo. listedIn names, for a package, the data files that ask for it, so an
// unknown package is traced back to its port.
func install(ctx context.Context, pkgs []string, listedIn func(pkg string) []string, log io.Writer) error {
	prefix, ok := asRoot(ctx)
	if !ok {
		return fmt.Errorf("not root and no password-less sudo: install them with: sudo sh -c '%s'", InstallCommand(pkgs))
	}
	unlock, err := lockInstalls(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	fmt.Fprintf(log, "installing %s\n", strings.Join(pkgs, " "))
	// Other apt users of the machine are waited for too, rather than failed on.
	wait := []string{"-o", "DPkg::Lock::Timeout=300"}
	for _, args := range [][]string{
		append([]string{"apt-get", "update", "-qq"}, wait...),
		append(append([]string{"apt-get", "install", "-y", "-qq", "--no-install-recommends"}, wait...), pkgs...),
	} {
		args = append(slices.Clone(prefix), args...)
		// Stopped as a group, SIGTERM first: apt and dpkg get to leave the
		// package database consistent when the run is interrupted.
		cmd := proc.Command(ctx, "", args)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		out, err := cmd.CombinedOutput()
		proc.KillGroup(cmd)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			why := aptError(string(out))
			if m := aptPackage.FindStringSubmatch(why); m != nil {
				if files := listedIn(m[1]); len(files) > 0 {
					why += " (listed in " + strings.Join(files, ", ") + ")"
				}
			}
			return fmt.Errorf("%s failed (%v): %s", strings.Join(args, " "), err, why)
		}
	}
	return nil
}

// installLock serializes installs across the harness's processes (the
// test packages of `go test ./...` run at once, and apt-get refuses to run
// beside another). A variable so tests can point it elsewhere.
var installLock = filepath.Join(os.TempDir(), "stackslice-install.lock")

// lockInstalls waits, as long as ctx lets it, until no other process of the
// harness installs, and returns the function that lets the next one in.
func lockInstalls(ctx context.Context) (func(), error) {
	lock, err := filelock.Wait(ctx, installLock, 200*time.Millisecond)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("install lock %s: %w", installLock, err)
	}
	return lock.Release, nil
}

// aptError is the first "E:" line of apt-get's output, or its last line.
func aptError(out string) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for _, l := range lines {
		if strings.HasPrefix(l, "E: ") {
			return l
		}
	}
	if last := strings.TrimSpace(lines[len(lines)-1]); last != "" {
		return last
	}
	return "no output"
}

// sortedUnique is pkgs sorted, without duplicates.
func sortedUnique(pkgs []string) []string {
	pkgs = slices.Clone(pkgs)
	sort.Strings(pkgs)
	return slices.Compact(pkgs)
}
