// Package testkit is what tests across the repository share: a copy of the
// tree to change (a port broken on purpose, a new port, a bogus toolchain)
// without touching the checkout, a buffer a child process can write to, a
// golden file. A leaf: it imports no package of the project (the kits that
// know ports are toolchain/toolchaintest, the report fixtures
// report/reporttest).
package testkit

import (
	"encoding/binary"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Root is the repository this package lives in.
func Root(t testing.TB) string {
	_, file, _, ok := runtime.Caller(0)
	require.True(t, ok)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// Copy copies the named entries of the repository (files or folders) into a
// new temporary root, and returns it; by default what a suite run needs.
func Copy(t testing.TB, names ...string) string {
	t.Helper()
	if len(names) == 0 {
		names = []string{"go.mod", "arch", "core", "conformance"}
	}
	src, dst := Root(t), t.TempDir()
	for _, name := range names {
		err := filepath.WalkDir(filepath.Join(src, name), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, err := filepath.Rel(src, path)
			if err != nil {
				return err
			}
			target := filepath.Join(dst, rel)
			if d.IsDir() {
				return os.MkdirAll(target, 0o755)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			return os.WriteFile(target, data, 0o644)
		})
		require.NoError(t, err)
	}
	return dst
}

// Edit rewrites one file of a copied tree.
func Edit(t testing.TB, root, rel string, edit func(string) string) {
	t.Helper()
	path := filepath.Join(root, rel)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, []byte(edit(string(data))), 0o644))
}

// BreakSwitch puts an illegal instruction at the entry of a port's
// sl_arch_switch in a copied tree: a port that crashes on every switch.
func BreakSwitch(t testing.TB, root, port string) {
	t.Helper()
	illegal := ".4byte\t0" // all-zero is undefined on arm64, ppc64le, riscv64, s390x
	if port == "amd64" || port == "386" {
		illegal = "ud2"
	}
	Edit(t, root, filepath.Join("arch", port, "switch.S"), func(s string) string {
		broken := strings.Replace(s, "\nsl_arch_switch:\n", "\nsl_arch_switch:\n\t"+illegal+"\n", 1)
		require.NotEqual(t, s, broken, "no sl_arch_switch label in arch/%s/switch.S", port)
		return broken
	})
}

// Integration skips a test in the quick tier (go test -short), which runs
// no compiler, QEMU or apt-get.
func Integration(t testing.TB) {
	t.Helper()
	if testing.Short() {
		t.Skip("integration: builds and runs target binaries")
	}
}

// UnrunnableBinary writes at path what a host that cannot run a port's
// binaries sees in one: an executable ELF file, statically linked, for the
// Alpha, which the kernel of no host these tests run on executes, so that
// starting it fails with "exec format error" as a 386 binary does on a
// kernel without IA32 emulation.
func UnrunnableBinary(t testing.TB, path string) {
	t.Helper()
	header := make([]byte, 64)
	copy(header, "\x7fELF\x02\x01\x01")                // 64-bit, little-endian, version 1
	binary.LittleEndian.PutUint16(header[16:], 2)      // ET_EXEC
	binary.LittleEndian.PutUint16(header[18:], 0x9026) // EM_ALPHA
	binary.LittleEndian.PutUint32(header[20:], 1)      // EV_CURRENT
	binary.LittleEndian.PutUint16(header[52:], 64)     // e_ehsize
	binary.LittleEndian.PutUint16(header[54:], 56)     // e_phentsize
	require.NoError(t, os.WriteFile(path, header, 0o755))
}

// FakeTool puts an executable shell script named name, running body, in
// front of PATH for the test.
func FakeTool(t testing.TB, name, body string) {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"+body+"\n"), 0o755))
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
}
