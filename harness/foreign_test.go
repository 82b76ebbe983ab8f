package harness

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/build"
	"github.com/stackslice/stackslice/conformance"
	"github.com/stackslice/stackslice/console"
	"github.com/stackslice/stackslice/internal/testkit"
	"github.com/stackslice/stackslice/report"
	"github.com/stackslice/stackslice/report/jsonreport"
)

// foreignFixtures names the folders of foreign/ that pattern matches
// (*-example-*, testdata/*-leaky-*), none missing.
func foreignFixtures(t *testing.T, pattern string) []string {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join(testkit.Root(t), "foreign", pattern, "port.json"))
	require.NoError(t, err)
	require.NotEmpty(t, dirs, pattern)
	var names []string
	for _, d := range dirs {
		names = append(names, filepath.Base(filepath.Dir(d)))
	}
	return names
}

// variant writes <dir>/<name>/port.json: the project's fixture switch of
// fixture (a folder under foreign/), with its own declarations.
func variant(t *testing.T, dir, name, fixture, base, extra string) {
	t.Helper()
	src := filepath.Join(testkit.Root(t), "foreign", fixture, "switch.h")
	require.NoError(t, os.MkdirAll(filepath.Join(dir, name), 0o755))
	body := `{"name": "` + name + `", "base": "` + base + `", "style": "slp", "source": "` + src + `"` + extra + "}"
	require.NoError(t, os.WriteFile(filepath.Join(dir, name, "port.json"), []byte(body), 0o644))
}

// test:foreign judges the project's own SLP-style fixtures: the complete
// switches pass; the leaky ones fail naming the register they forget, and
// report FP control as a gap once declared, fail on it when not; a declared
// gap that is preserved is reported; a declared unsupported build is
// reported and never a pass.
func TestForeignPortsAreJudged(t *testing.T) {
	testkit.Integration(t)
	path := t.TempDir()
	const fp = `, "not_claimed": {"mxcsr": "no FP control", "x87cw": "no FP control"}`
	variant(t, path, "leaky-undeclared-amd64", "testdata/slp-leaky-amd64", "amd64", "")
	variant(t, path, "leaky-undeclared-arm64", "testdata/slp-leaky-arm64", "arm64", "")
	variant(t, path, "stale-gap-amd64", "slp-example-amd64", "amd64", fp)
	variant(t, path, "unsupported-amd64", "slp-example-amd64", "amd64", `, "unsupported_builds": {"gcc-O0": "said to fail"}`)
	// A header whose stack magic is not the base's area (Stackless's and
	// greenlet's ppc headers), and is named as Stackless's master names it,
	// runs: the slice starts the area above its stack pointer.
	magic, err := os.ReadFile(filepath.Join(testkit.Root(t), "foreign", "slp-example-amd64", "switch.h"))
	require.NoError(t, err)
	require.Contains(t, string(magic), "#define STACK_MAGIC 0\n")
	require.NoError(t, os.MkdirAll(filepath.Join(path, "magic-amd64"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(path, "magic-amd64", "switch.h"), []byte(strings.Replace(string(magic), "#define STACK_MAGIC 0\n", "#define SLP_STACK_MAGIC 3\n", 1)), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(path, "magic-amd64", "port.json"), []byte(`{"name": "magic-amd64", "base": "amd64", "style": "slp", "switch": "switch.h"}`), 0o644))
	var out bytes.Buffer
	runs, err := Test(context.Background(), Options{
		Foreign: []string{"all"}, ForeignPath: filepath.Join(testkit.Root(t), "foreign", "testdata") + ":" + path,
		Builds: []string{"gcc-O0"}, Cases: `^(registers|fp)_`, OutDir: t.TempDir(), Out: &out,
	})
	t.Log("\n" + out.String())
	require.Error(t, err)
	byPort := map[string]conformance.Run{}
	for _, r := range runs {
		byPort[r.Port] = r
	}
	examples := foreignFixtures(t, "*-example-*")
	leaky := foreignFixtures(t, "testdata/*-leaky-*")
	require.Len(t, byPort, len(examples)+len(leaky)+5, "the repository's examples, the leaky fixtures and the five variants; none of our own ports")
	failures := func(r conformance.Run) string {
		var b strings.Builder
		for _, c := range r.Cases {
			if c.Status == conformance.Fail {
				b.WriteString(c.Name + ": " + c.Reason + "\n" + c.Output + "\n")
			}
		}
		return b.String()
	}
	for _, name := range examples {
		r, ran := byPort[name]
		require.True(t, ran, name)
		assert.True(t, r.OK(), console.RunLine(r)+"\n"+failures(r))
		assert.Empty(t, r.Gaps)
		assert.Len(t, r.SwitchSHA256, 64)
	}
	for name, want := range map[string][]string{
		"slp-leaky-amd64":        {"register r15 changed"},
		"slp-leaky-arm64":        {"register x28 changed"},
		"stacklet-leaky-amd64":   {"register rbp not claimed"},
		"stacklet-leaky-arm64":   {"register x21 not claimed"},
		"sl-leaky-amd64":         {"register r15 "},
		"sl-leaky-arm64":         {"register x28 "},
		"leaky-undeclared-amd64": {"register r15 changed", "register mxcsr changed", "register x87cw changed"},
		"leaky-undeclared-arm64": {"register x28 changed", "register fpcr changed"},
	} {
		r := byPort[name]
		assert.False(t, r.OK(), name)
		for _, w := range want {
			assert.Contains(t, failures(r), w, name)
		}
	}
	// Declared: a gap, not a failure, and the fp_* cases it explains are known failures.
	for name, regs := range map[string][]string{"slp-leaky-amd64": {"mxcsr", "x87cw"}, "slp-leaky-arm64": {"fpcr"}, "stacklet-leaky-arm64": {"fpcr"}} {
		r := byPort[name]
		require.Len(t, r.Gaps, len(regs), name)
		for i, reg := range regs {
			assert.True(t, strings.HasPrefix(r.Gaps[i], reg+": not preserved"), r.Gaps[i])
			assert.NotContains(t, failures(r), "register "+reg+" changed", name)
		}
		assert.NotContains(t, failures(r), "fp_rounding_per_coroutine", name)
		assert.Positive(t, r.Known(), name)
	}
	magicRun := byPort["magic-amd64"]
	assert.True(t, magicRun.OK(), console.RunLine(magicRun)+"\n"+failures(magicRun))
	stale := byPort["stale-gap-amd64"]
	assert.True(t, stale.OK(), console.RunLine(stale))
	assert.Empty(t, stale.Gaps)
	assert.Contains(t, strings.Join(stale.Notes, "\n"), "mxcsr is declared in not_claimed")
	assert.Contains(t, strings.Join(stale.Notes, "\n"), "x87cw is declared in not_claimed")
	unsupported := byPort["unsupported-amd64"]
	assert.False(t, unsupported.OK())
	assert.Equal(t, "said to fail", unsupported.Unsupported)
	assert.Contains(t, unsupported.Notes[0], "every case passed: if it works now, remove the build")
	for _, w := range []string{"gap: slp-leaky-arm64 gcc-O0: fpcr: not preserved", "UNSUP unsupported-amd64",
		"switch: slp-example-arm64 gcc-O0: " + filepath.Join(testkit.Root(t), "foreign", "slp-example-arm64", "switch.h") + " on arm64 (sha256 "} {
		assert.Contains(t, out.String(), w)
	}
}

// A switch that keeps its saved registers in "=m" operands is right under
// gcc and wrong under clang on arm64, which reads the restore through an
// address computed before the stack shift (the slot of the coroutine that
// left): the register canaries name fpcr. Declared not claimed, it is what
// the declaration says (FPCR not kept across a switch) and is reported as
// that gap.
func TestForeignStaleAddressIsCaught(t *testing.T) {
	testkit.Integration(t)
	path := t.TempDir()
	const fixture = "testdata/hazards/stale-address-arm64"
	variant(t, path, "stale-address-arm64", fixture, "arm64", "")
	variant(t, path, "stale-address-declared-arm64", fixture, "arm64", `, "not_claimed": {"fpcr": "declared"}`)
	var out bytes.Buffer
	runs, err := Test(context.Background(), Options{
		Foreign: []string{"stale-address-arm64", "stale-address-declared-arm64"}, ForeignPath: path,
		Builds: []string{"clang-O2"}, Cases: `^registers_canaries$`, OutDir: t.TempDir(), Out: &out,
	})
	t.Log("\n" + out.String())
	require.Error(t, err)
	require.Len(t, runs, 2)
	byPort := map[string]conformance.Run{}
	for _, r := range runs {
		byPort[r.Port] = r
	}
	undeclared := byPort["stale-address-arm64"]
	require.Len(t, undeclared.Cases, 2, "the canaries and the claims check")
	assert.Equal(t, conformance.Fail, undeclared.Cases[0].Status)
	assert.Equal(t, conformance.Pass, undeclared.Cases[1].Status, "the fixture claims every register: its bug is the stale address")
	assert.Contains(t, undeclared.Cases[0].Output, "register fpcr changed")
	declared := byPort["stale-address-declared-arm64"]
	assert.True(t, declared.OK(), console.RunLine(declared))
	require.Len(t, declared.Gaps, 1)
	assert.True(t, strings.HasPrefix(declared.Gaps[0], "fpcr: not preserved"), declared.Gaps[0])
}

// test:mutants takes a foreign port by name and mutates its C switch: one
// mutant per clobber-list register the canaries check (callee-saved) and
// per manual save or restore. The amd64 example loses every one to gcc-O0
// and gcc-O2 together (each alone lets one survive: at -O2 gcc keeps a
// value of its own in rbx, so saves it anyway; at -O0 rbp is the frame
// pointer, which the epilogue restores too); the arm64 example loses every
// one at gcc-O0, and its scratch register x9, caller-saved, is named as a
// clobber left unmutated.
func TestForeignMutants(t *testing.T) {
	testkit.Integration(t)
	for _, tt := range []struct {
		port, summary, scratch string
		builds                 []string
	}{
		{"slp-example-amd64", "slp-example-amd64: 11 of 11 mutants killed", "", []string{"gcc-O0", "gcc-O2"}},
		{"slp-example-arm64", "slp-example-arm64: 20 of 20 mutants killed",
			"slp-example-arm64: clobbers not mutated, no canary of arch/arm64/probe.S checks them (caller-saved, or the link register): x9\n", []string{"gcc-O0"}},
	} {
		t.Run(tt.port, func(t *testing.T) {
			var out bytes.Buffer
			err := Mutants(context.Background(), Options{Ports: []string{tt.port}, Builds: tt.builds, OutDir: t.TempDir(), Out: &out})
			t.Log("\n" + out.String())
			assert.Contains(t, out.String(), tt.summary)
			assert.Regexp(t, `\(clobber (rbx|x19)\): dropped from every clobber list: killed by gcc-O\d registers_canaries`, out.String())
			require.NoError(t, err)
			assert.NotContains(t, out.String(), "SURVIVED")
			if tt.scratch == "" {
				assert.NotContains(t, out.String(), "clobbers not mutated")
			} else {
				assert.Contains(t, out.String(), tt.scratch)
			}
		})
	}
}

// No build may be blind: every leaky fixture we ship fails in every build
// of the full matrix, naming the register it forgets. Where the compiler
// hides the loss (clang-O2 keeps an address in x28 across the shift, so
// saves x28 itself and the canaries see it kept), the claims check of the
// switch source still names it.
func TestEveryLeakyFixtureFailsInEveryBuild(t *testing.T) {
	testkit.Integration(t)
	forgets := map[string]string{"slp-leaky-amd64": "r15", "slp-leaky-arm64": "x28", "slp-leaky-mips": "s7", "slp-leaky-powerpc": "r29",
		"stacklet-leaky-amd64": "rbp", "stacklet-leaky-arm64": "x21", "sl-leaky-amd64": "r15", "sl-leaky-arm64": "x28"}
	fixtures := foreignFixtures(t, "testdata/*-leaky-*")
	for _, name := range fixtures {
		require.Contains(t, forgets, name, "a new leaky fixture: name the register it forgets here")
	}
	require.Len(t, fixtures, len(forgets))
	var out bytes.Buffer
	runs, err := Test(context.Background(), Options{
		Foreign: fixtures, ForeignPath: filepath.Join(testkit.Root(t), "foreign", "testdata"),
		Builds: []string{build.All}, Cases: `^registers_`, OutDir: t.TempDir(), Out: &out,
	})
	t.Log("\n" + out.String())
	require.Error(t, err)
	seen := map[string][]string{}
	for _, r := range runs {
		seen[r.Port] = append(seen[r.Port], r.Build)
		assert.False(t, r.OK(), "%s passed in %s", r.Port, r.Build)
		var named bool
		for _, c := range r.Cases {
			named = named || c.Status == conformance.Fail && strings.Contains(c.Output, "register "+forgets[r.Port]+" ")
		}
		assert.True(t, named, "%s in %s fails without naming %s", r.Port, r.Build, forgets[r.Port])
	}
	for _, name := range fixtures {
		assert.ElementsMatch(t, everyBuild(name), seen[name], name)
	}
}

// everyBuild names the builds of the full matrix a fixture named
// <...>-<arch> runs in on this host.
func everyBuild(fixture string) []string {
	var builds []string
	for _, b := range build.Matrix {
		if !b.HostOnly || strings.HasSuffix(fixture, "-"+runtime.GOARCH) {
			builds = append(builds, b.Name)
		}
	}
	return builds
}

// No example may stop working on any arch unseen: every SLP-style example
// under foreign/ (one for each port of arch/ that has one) passes the
// register and FP cases in every build of the full matrix, the claims
// check included, with no gap; only a build its base port declares
// unsupported (armel's clang-O2) is set apart. TestForeignPortsAreJudged
// runs them at gcc-O0 only.
func TestEveryExamplePassesInEveryBuild(t *testing.T) {
	testkit.Integration(t)
	examples := foreignFixtures(t, "*-example-*")
	var out bytes.Buffer
	runs, err := Test(context.Background(), Options{
		Foreign: examples, Builds: []string{build.All}, Cases: `^(registers|fp)_`, OutDir: t.TempDir(), Out: &out,
	})
	t.Log("\n" + out.String())
	require.NoError(t, err)
	seen := map[string][]string{}
	for _, r := range runs {
		seen[r.Port] = append(seen[r.Port], r.Build)
		if r.Unsupported != "" {
			assert.Contains(t, strings.Join(r.Notes, "\n"), "declared unsupported in "+filepath.Join("arch", r.Port[strings.Index(r.Port, "-example-")+len("-example-"):], "port.json"),
				"%s in %s: only a build its base port cannot build is set apart", r.Port, r.Build)
			continue
		}
		assert.True(t, r.OK(), console.RunLine(r))
		assert.Empty(t, r.Gaps, r.Port)
		var claims bool
		for _, c := range r.Cases {
			claims = claims || c.Name == conformance.ClaimsCase && c.Status == conformance.Pass
		}
		assert.True(t, claims, "%s in %s: no passing registers_claimed", r.Port, r.Build)
	}
	for _, name := range examples {
		assert.ElementsMatch(t, everyBuild(name), seen[name], name)
	}
}

// abi_gp_reload_after_switch catches a mips o32 port that keeps $gp on the
// stack, in the slice (the first word of its own argument area, at p), and
// takes it back right after step 3, before sl_core_restore has copied the
// target's slice back: the slot then holds what the side that left
// scribbled there, and the call through the GOT goes wild. The broken port
// is the mipsel port with its $s1 copy of $gp replaced by that reload.
func TestGPReloadFromTheTargetFrameIsCaught(t *testing.T) {
	testkit.Integration(t)
	root := testkit.Root(t)
	src, err := os.ReadFile(filepath.Join(root, "arch", "mipsel", "switch.S"))
	require.NoError(t, err)
	broken := string(src)
	for _, r := range []struct{ from, to string }{
		{"\tmove\t$s1, $gp\n\tlw\t$t9, %call16(sl_core_leave)($s1)\n", "\tsw\t$gp, 0*4($sp)\n\tlw\t$t9, %call16(sl_core_leave)($gp)\n"},
		{"\tlw\t$sp, 0*4($v0)\n", "\tlw\t$sp, 0*4($v0)\n\tlw\t$gp, 0*4($sp)\n"},
		{"%call16(sl_core_restore)($s1)", "%call16(sl_core_restore)($gp)"},
	} {
		require.Equal(t, 1, strings.Count(broken, r.from), "arch/mipsel/switch.S no longer has %q", r.from)
		broken = strings.Replace(broken, r.from, r.to, 1)
	}
	path := t.TempDir()
	dir := filepath.Join(path, "gp-reload-mipsel")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "switch.S"), []byte(broken), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "port.json"),
		[]byte(`{"name": "gp-reload-mipsel", "base": "mipsel", "style": "sl", "switch": "switch.S"}`), 0o644))
	var out bytes.Buffer
	runs, err := Test(context.Background(), Options{
		Foreign: []string{"gp-reload-mipsel"}, ForeignPath: path,
		Builds: []string{"gcc-O2"}, Cases: `^abi_gp_reload_after_switch$`, OutDir: t.TempDir(), Out: &out,
	})
	t.Log("\n" + out.String())
	require.Error(t, err)
	require.Len(t, runs, 1)
	require.Len(t, runs[0].Cases, 1)
	assert.Equal(t, conformance.Fail, runs[0].Cases[0].Status)
	assert.Regexp(t, `crashed with SIG(SEGV|BUS)`, runs[0].Cases[0].Reason)
}

// A toolchain image compiles a foreign port's sources where they lie: its
// container mounts the folders of the data file and of every source outside
// the repository (each once), besides the output folder.
func TestContainersMountForeignSourcesOutsideTheRepository(t *testing.T) {
	repo := testkit.Root(t)
	ports, err := Ports(Options{Root: repo, Foreign: []string{"slp-example-amd64"}})
	require.NoError(t, err)
	inside := ports[0]
	outside := arch.Port{Name: "greenlet-amd64", Foreign: &arch.Foreign{
		Data:   "/work/ports/greenlet-amd64/port.json",
		Switch: []string{filepath.Join(repo, "foreign", "adapter", "slp.c"), "/src/greenlet/platform/switch_amd64_unix.h"},
		Inputs: []string{"/src/greenlet/platform/switch_amd64_unix.h"},
	}}
	got := mounts(Options{Root: repo, OutDir: "/tmp/out"}, []arch.Port{inside, outside})
	assert.Equal(t, []string{"/tmp/out", "/work/ports/greenlet-amd64", "/src/greenlet/platform"}, got)
	assert.Equal(t, []string{"/tmp/out"}, mounts(Options{Root: repo, OutDir: "/tmp/out"}, nil), "a run of our own ports mounts only its output")
}

// The glue: a port.json whose switch is a glue header including an
// upstream header through a relative -I, with a file forced in by a
// relative -include, is built from another working directory (the paths
// are the port.json folder's), every file is in the reports with its
// SHA-256, and an edit of the upstream header changes the inputs' digest
// and is compiled, never answered from the object cache.
func TestForeignGlueIsBuiltAndReportedWithEveryInput(t *testing.T) {
	testkit.Integration(t)
	root, top := testkit.Root(t), t.TempDir()
	example, err := os.ReadFile(filepath.Join(root, "foreign", "slp-example-amd64", "switch.h"))
	require.NoError(t, err)
	upstream := filepath.Join(top, "upstream", "switch_amd64.h")
	files := map[string]string{
		"ports/glued-amd64/port.json": `{"name": "glued-amd64", "base": "amd64", "style": "slp", "switch": "glue.h",
		  "cflags": ["-I", "../../upstream", "-include", "defs.h"]}`,
		"ports/glued-amd64/glue.h": "#ifndef GLUED\n#error defs.h was not forced in\n#endif\n#include \"switch_amd64.h\"\n",
		"ports/glued-amd64/defs.h": "#define GLUED 1\n",
		"upstream/switch_amd64.h":  string(example),
	}
	for name, body := range files {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(top, name)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(top, name), []byte(body), 0o644))
	}
	t.Chdir(t.TempDir())
	out := t.TempDir()
	run := func() ([]conformance.Run, string, error) {
		var log bytes.Buffer
		runs, err := Test(context.Background(), Options{Root: root, Foreign: []string{"glued-amd64"}, ForeignPath: filepath.Join(top, "ports"),
			Builds: []string{"gcc-O0"}, Cases: "^switch_", OutDir: out, Out: &log})
		return runs, log.String(), err
	}
	runs, log, err := run()
	require.NoError(t, err, log)
	require.Len(t, runs, 1)
	sum := sha256.Sum256(example)
	assert.Contains(t, runs[0].Inputs, arch.InputFile{Path: upstream, Role: arch.RoleInclude, SHA256: hex.EncodeToString(sum[:])})
	assert.Contains(t, log, hex.EncodeToString(sum[:])+"  "+upstream+" (include)")
	data, err := os.ReadFile(filepath.Join(out, report.JSONFile))
	require.NoError(t, err)
	rep, err := jsonreport.Read(bytes.NewReader(data))
	require.NoError(t, err)
	assert.Equal(t, runs[0].InputsSHA256, rep.Runs[0].InputsSHA256)
	assert.Contains(t, rep.Runs[0].Inputs, jsonreport.Input{Path: upstream, Role: arch.RoleInclude, SHA256: hex.EncodeToString(sum[:])})

	require.NoError(t, os.WriteFile(upstream, append(example, "#error the upstream header changed\n"...), 0o644))
	again, log, err := run()
	require.Error(t, err, log)
	require.Len(t, again, 1)
	require.Error(t, again[0].Err)
	assert.Contains(t, again[0].Err.Error(), "the upstream header changed", "compiled anew, not taken from the object cache")
	assert.NotEqual(t, runs[0].InputsSHA256, again[0].InputsSHA256)
}
