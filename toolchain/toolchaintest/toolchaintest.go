// Package toolchaintest is what tests that build or run a port's binaries
// share: the ports of a tree, a port of the checkout with its toolchain
// proven, the tools a test runs directly. It sits above arch and toolchain,
// so that internal/testkit stays a leaf.
package toolchaintest

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/internal/testkit"
	"github.com/stackslice/stackslice/toolchain"
)

// Ports are the ports of the tree at root, from arch/*/port.json.
func Ports(t testing.TB, root string) []arch.Port {
	t.Helper()
	ports, err := arch.Load(filepath.Join(root, "arch"))
	require.NoError(t, err)
	return ports
}

// HostPorts are the ports of the tree at root that the host's own
// toolchain builds: all but those that build only in a toolchain image
// (toolchain_images), whose host compilers are known to be wrong.
func HostPorts(t testing.TB, root string) []arch.Port {
	t.Helper()
	return slices.DeleteFunc(Ports(t, root), func(p arch.Port) bool { return !p.BuildsIn("") })
}

// Need makes sure the tools a test runs directly are there, installing
// them as the harness would (clang for an assembler test, pkg-config), so
// that the test never depends on another having installed them first; it
// fails the test at once, naming what is missing, when that cannot be.
func Need(t testing.TB, tools ...toolchain.Tool) {
	t.Helper()
	require.NoError(t, toolchain.Ensure(context.Background(), nil, toolchain.Options{Tools: tools, Install: true}))
}

// NeedToolchains proves, and installs when missing, the toolchains of ports
// for a test that builds or runs their binaries without the harness.
func NeedToolchains(t testing.TB, ports ...arch.Port) {
	t.Helper()
	require.NoError(t, toolchain.Ensure(context.Background(), ports, toolchain.Options{
		Compilers: []toolchain.Compiler{toolchain.GCC}, Install: true}))
}

// Port is the named port of the checkout, with its toolchain proven (and
// installed when missing), for a test that builds its binaries; it skips
// in the quick tier.
func Port(t testing.TB, name string) (root string, p arch.Port) {
	t.Helper()
	testkit.Integration(t)
	root = testkit.Root(t)
	selected, err := arch.Select(Ports(t, root), []string{name})
	require.NoError(t, err)
	NeedToolchains(t, selected[0])
	return root, selected[0]
}
