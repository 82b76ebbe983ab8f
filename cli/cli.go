// Package cli is the stackslice command: the harness for people outside the
// repository. It runs from any directory, with the sources the harness
// compiles embedded (package stackslice) and unpacked into the user's cache,
// and gives the same toolchain doctor, toolchain images, reports and exit
// codes as the mage targets it stands for.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/stackslice/stackslice/harness"
)

// Exit statuses: as mage's, which the targets these commands stand for
// exit with.
const (
	ExitPassed = 0
	ExitFailed = 1
	ExitUsage  = 2
)

// DefaultOut is the folder, under the working directory, the reports and
// binaries go to unless SL_OUT names another.
const DefaultOut = "stackslice-out"

const usage = `usage: stackslice <command> [arguments]

  foreign <dir> [<name>|all]  judge the foreign ports in <dir> (a port.json there, or one
                              per sub-folder) with the conformance suite; default all
  ports [<arch>...]           what a foreign port.json may declare on each arch
  doctor                      prove each port's compilers, static link and runner
  setup                       install what the ports need (as root), then the doctor
  version                     the version of the embedded sources

Knobs (environment), as for mage test:foreign: SL_BUILDS, SL_CASES, SL_REPEAT,
SL_STRICT, SL_FORCE_QEMU, SL_TOOLCHAIN, SL_OUT (default ./` + DefaultOut + `).
Exit status: 0 passed, 1 failed, 2 usage.
`

// Env is what a command sees of its process.
type Env struct {
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// Tree is the embedded sources (stackslice.Tree), and Cache the folder
	// they are unpacked under.
	Tree  fs.FS
	Cache string
	// Live: progress lines update in place (a terminal).
	Live bool
}

// Main runs the command args names and returns the exit status; a failure is
// one line on Stderr.
func Main(ctx context.Context, args []string, env Env) int {
	if len(args) == 0 {
		fmt.Fprint(env.Stderr, usage)
		return ExitUsage
	}
	var err error
	switch cmd, rest := args[0], args[1:]; cmd {
	case "foreign":
		err = foreignCommand(ctx, rest, env)
	case "ports":
		err = portsCommand(rest, env)
	case "doctor", "setup":
		if len(rest) > 0 {
			err = usageError{fmt.Sprintf("%s takes no arguments", cmd)}
			break
		}
		err = toolchainCommand(ctx, cmd == "setup", env)
	case "version":
		fmt.Fprintln(env.Stdout, "stackslice", version())
	case "help", "-h", "-help", "--help":
		fmt.Fprint(env.Stdout, usage)
	default:
		err = usageError{fmt.Sprintf("unknown command %q", cmd)}
	}
	var ue usageError
	switch {
	case err == nil:
		return ExitPassed
	case errors.As(err, &ue):
		fmt.Fprintf(env.Stderr, "stackslice: %s (stackslice help lists the commands)\n", ue.msg)
		return ExitUsage
	}
	fmt.Fprintln(env.Stderr, "Error:", err)
	return ExitFailed
}

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// options are the harness's options from the environment's knobs, on the
// unpacked sources, with the reports under the working directory.
func options(env Env) (harness.Options, error) {
	o, err := harness.FromEnv(env.Getenv)
	if err != nil {
		return o, err
	}
	if o.Root, err = unpack(env.Tree, env.Cache); err != nil {
		return o, err
	}
	if o.OutDir == "" {
		o.OutDir = DefaultOut
	}
	if o.OutDir, err = filepath.Abs(o.OutDir); err != nil {
		return o, err
	}
	o.Out, o.Live = env.Stdout, env.Live
	return o, nil
}

func foreignCommand(ctx context.Context, args []string, env Env) error {
	if len(args) < 1 || len(args) > 2 {
		return usageError{"foreign takes a folder of ports, and a port's name or all"}
	}
	dir, err := filepath.Abs(args[0])
	if err != nil {
		return err
	}
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return fmt.Errorf("%s: not a folder of foreign ports (a port.json there, or one per sub-folder)", args[0])
	}
	name := "all"
	if len(args) == 2 {
		name = args[1]
	}
	o, err := options(env)
	if err != nil {
		return err
	}
	// The embedded tree holds no foreign ports of its own: the folder given
	// is the only place they come from.
	o.ForeignPath, o.Foreign = dir, []string{name}
	_, err = harness.Test(ctx, o)
	return err
}

func toolchainCommand(ctx context.Context, setup bool, env Env) error {
	o, err := options(env)
	if err != nil {
		return err
	}
	if setup {
		return harness.Setup(ctx, o)
	}
	return harness.Doctor(ctx, o)
}

func portsCommand(names []string, env Env) error {
	root, err := unpack(env.Tree, env.Cache)
	if err != nil {
		return err
	}
	return harness.WriteDeclarable(env.Stdout, harness.Options{Root: root, Ports: names})
}

// version is the module version the binary was built from ("v1.2.0" after
// go install ...@v1.2.0), or "devel" with the commit when built from a
// checkout.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	v := info.Main.Version
	if v == "" || v == "(devel)" {
		v = "devel"
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" {
				v += " " + strings.TrimSpace(s.Value)
			}
		}
	}
	return v
}
