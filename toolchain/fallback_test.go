package toolchain_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/internal/testkit"
	"github.com/stackslice/stackslice/qemu"
	"github.com/stackslice/stackslice/toolchain"
)

// On a host that cannot run a port natively although its port.json says
// it may (386 on a kernel without IA32 emulation), the doctor's program
// fails to start with "exec format error"; the doctor then proves the
// port's QEMU instead, names it as the runner, and Ensure says so once per
// run. Hermetic: the compilers are scripts that link an ELF file for a
// machine no host runs, the real kernel refuses it, and the "QEMU" answers
// as the doctor's program would.
func TestDoctorFallsBackToQEMUWhereTheHostCannotRunThePort(t *testing.T) {
	bin := t.TempDir()
	elf := filepath.Join(bin, "unrunnable")
	testkit.UnrunnableBinary(t, elf)
	compiler := `for a; do [ "$prev" = -o ] && out=$a; prev=$a; done
case "$*" in *-dump*) echo 12.2.0;; *-static*) cp ` + elf + ` "$out";; *) : > "$out";; esac`
	for name, body := range map[string]string{
		"toy32-gcc":  compiler,
		"clang":      compiler,
		"qemu-toy32": `[ "$1" = --version ] && { echo "qemu-toy32 version 9.9.9"; exit 0; }; echo "stackslice doctor: ok"`,
	} {
		require.NoError(t, os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/sh\n"+body+"\n"), 0o755))
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	toy32 := arch.Port{Name: "toy32", Triple: "toy32-linux-gnu", CC: "toy32-gcc", QEMU: "qemu-toy32", QEMUCPU: "max",
		Packages: []string{"gcc-toy32-linux-gnu"}, NativeOn: []string{runtime.GOARCH}, Dir: "/repo/arch/toy32"}
	note := "toy32: this " + runtime.GOARCH + " host cannot run toy32 binaries natively (exec format error); using qemu-toy32 9.9.9"

	var log strings.Builder
	compilers := []toolchain.Compiler{toolchain.GCC, toolchain.Clang}
	require.NoError(t, toolchain.Ensure(context.Background(), []arch.Port{toy32}, toolchain.Options{Compilers: compilers, Log: &log}))
	assert.Equal(t, note+"\n", log.String(), "said once per run, for every compiler of the port")

	results := toolchain.Doctor(context.Background(), []arch.Port{toy32}, compilers, qemu.Options{})
	for _, r := range results {
		assert.Nil(t, r.Problem)
		assert.True(t, r.Ran)
		assert.Equal(t, "qemu-toy32 9.9.9", r.Runner)
		assert.Equal(t, note, r.Fallback)
	}
	var table strings.Builder
	toolchain.WriteTable(&table, results)
	assert.Regexp(t, `(?m)^toy32 +toy32-gcc +12.2.0 +qemu-toy32 9.9.9 +qemu +ok +ok$`, table.String())
	assert.Contains(t, table.String(), "\n"+note+"\n")
	// Every run of the port from now on, in any report, names its QEMU.
	assert.Equal(t, "qemu-toy32 9.9.9", qemu.For(context.Background(), toy32, qemu.Options{}).Name())
}
