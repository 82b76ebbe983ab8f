// Package toolchain checks for, and installs, what the harness needs on the
// host: each port's C compiler and QEMU user mode, from Debian's packages.
package toolchain

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sort"
	"strings"

	"github.com/stackslice/stackslice/arch"
)

// QEMUPackage provides every qemu-<arch> user-mode binary.
const QEMUPackage = "qemu-user"

// Tool is a host program and the Debian package that provides it.
type Tool struct {
	Binary  string
	Package string
}

// Clang is the second compiler of the build matrix.
var Clang = Tool{Binary: "clang", Package: "clang"}

// Missing returns the Debian packages that provide the tools of ports, and
// the extra tools, that are not on PATH, sorted and without duplicates.
func Missing(ports []arch.Port, extra ...Tool) []string {
	need := map[string]bool{}
	for _, t := range extra {
		if _, err := exec.LookPath(t.Binary); err != nil {
			need[t.Package] = true
		}
	}
	for _, p := range ports {
		if _, err := exec.LookPath(p.CC); err != nil {
			for _, pkg := range p.Packages {
				need[pkg] = true
			}
		}
		if _, err := exec.LookPath(p.QEMU); err != nil {
			need[QEMUPackage] = true
		}
	}
	pkgs := make([]string, 0, len(need))
	for pkg := range need {
		pkgs = append(pkgs, pkg)
	}
	sort.Strings(pkgs)
	return pkgs
}

// InstallCommand is the command that installs pkgs.
func InstallCommand(pkgs []string) string {
	return "apt-get update && apt-get install -y " + strings.Join(pkgs, " ")
}

// Ensure installs whatever ports need and is missing: with apt-get as root,
// through password-less sudo otherwise (as on CI runners). When neither
// works it fails with the exact command to run.
func Ensure(ctx context.Context, ports []arch.Port, log io.Writer, extra ...Tool) error {
	pkgs := Missing(ports, extra...)
	if len(pkgs) == 0 {
		return nil
	}
	prefix, ok := asRoot(ctx)
	if !ok {
		return fmt.Errorf("missing toolchains (%s); install them with: sudo sh -c '%s'",
			strings.Join(pkgs, ", "), InstallCommand(pkgs))
	}
	fmt.Fprintf(log, "installing %s\n", strings.Join(pkgs, " "))
	for _, args := range [][]string{
		{"apt-get", "update", "-qq"},
		append([]string{"apt-get", "install", "-y", "-qq", "--no-install-recommends"}, pkgs...),
	} {
		args = append(append([]string{}, prefix...), args...)
		cmd := exec.CommandContext(ctx, args[0], args[1:]...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("%s failed: %v: %s", strings.Join(args, " "), err, lastLine(string(out)))
		}
	}
	if still := Missing(ports, extra...); len(still) > 0 {
		return fmt.Errorf("still missing after installing: %s", strings.Join(still, ", "))
	}
	return nil
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

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
