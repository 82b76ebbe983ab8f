//go:build mage

// The project's verbs. Each target is a thin call into a package; run them
// with `go run github.com/magefile/mage <target>` (no install needed).
package main

import (
	"context"
	"os"
	"strings"

	"github.com/magefile/mage/mg"

	"github.com/stackslice/stackslice/harness"
)

// Test runs the conformance suite.
type Test mg.Namespace

// options reads the knobs shared by the test targets from the environment:
// SL_BUILDS (comma-separated build names, or "all" for the full matrix) and
// SL_FORCE_QEMU=1.
func options() harness.Options {
	o := harness.Options{ForceQEMU: os.Getenv("SL_FORCE_QEMU") == "1"}
	if b := os.Getenv("SL_BUILDS"); b != "" {
		o.Builds = strings.Split(b, ",")
	}
	return o
}

// All runs every port in the default builds (gcc -O0, -O2), installing missing toolchains first.
func (Test) All(ctx context.Context) error {
	_, err := harness.Test(ctx, options())
	return err
}

// Full runs every port in the full build matrix (gcc -O0, -O2, -O3 -flto, -O2 -fno-omit-frame-pointer, clang -O2).
func (Test) Full(ctx context.Context) error {
	o := options()
	o.Builds = []string{"all"}
	_, err := harness.Test(ctx, o)
	return err
}

// Arch runs one port, named as its folder under arch/ (test:arch arm64), in the default builds.
func (Test) Arch(ctx context.Context, name string) error {
	o := options()
	o.Ports = []string{name}
	_, err := harness.Test(ctx, o)
	return err
}

// Mutants checks that the suite kills every mutant of one port's switch.S, each dropping one register save or restore (test:mutants arm64).
func (Test) Mutants(ctx context.Context, name string) error {
	o := options()
	o.Ports = []string{name}
	return harness.Mutants(ctx, o)
}

// Setup installs qemu-user, clang and every port's cross compiler with apt-get, as root.
func Setup(ctx context.Context) error {
	return harness.Setup(ctx, harness.Options{})
}
