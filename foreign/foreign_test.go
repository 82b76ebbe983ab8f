package foreign

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/internal/testkit"
)

func archDir(t *testing.T) string { return filepath.Join(testkit.Root(t), "arch") }

// writePort writes <dir>/<name>/port.json with body, and a switch.h beside it.
func writePort(t *testing.T, dir, name, body string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, name), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, name, arch.DataFile), []byte(body), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, name, "switch.h"), []byte("#define STACK_MAGIC 0\n"), 0o644))
}

func TestRegistryAndPath(t *testing.T) {
	root := testkit.Root(t)
	ports, err := Load(archDir(t), Dirs(root, filepath.Join(root, "foreign", "testdata")))
	require.NoError(t, err)
	var want []string
	for _, pattern := range []string{"*-example-*", "testdata/*-leaky-*"} {
		dirs, err := filepath.Glob(filepath.Join(root, "foreign", pattern))
		require.NoError(t, err)
		for _, d := range dirs {
			want = append(want, filepath.Base(d))
		}
	}
	sort.Strings(want)
	assert.Equal(t, want, arch.Names(ports))
	assert.Contains(t, want, "slp-leaky-mips")
	assert.Contains(t, want, "stacklet-leaky-amd64")
	for _, p := range ports {
		require.NotNil(t, p.Foreign)
		// Each fixture's name starts with its style, whose adapter it compiles.
		style := p.Name[:strings.Index(p.Name, "-")]
		adapter := filepath.Join(root, "foreign", "adapter", style+".c")
		assert.Equal(t, strings.TrimPrefix(p.Name[strings.LastIndex(p.Name, "-")+1:], ""), p.Arch())
		assert.Len(t, p.Foreign.SHA256, 64)
		if style == StyleSL {
			// Its own source in place of switch.S, with no adapter.
			assert.Equal(t, []string{p.Foreign.SwitchFile, filepath.Join(root, "arch", p.Arch(), "probe.S")}, p.Sources())
			assert.Equal(t, []string{p.Foreign.SwitchFile}, p.Foreign.Inputs)
			continue
		}
		// Inherited from the base, but with the adapter in place of switch.S.
		assert.Equal(t, []string{adapter, filepath.Join(root, "arch", p.Arch(), arch.SLPFile), filepath.Join(root, "arch", p.Arch(), "probe.S")}, p.Sources())
		assert.NotContains(t, p.Sources(), filepath.Join(root, "arch", p.Arch(), "switch.S"))
		assert.Equal(t, []string{p.Foreign.SwitchFile}, p.Foreign.Inputs)
		if style == StyleSLP {
			assert.Contains(t, p.Foreign.Flags[adapter], "-DSL_SLP_HEADER=\""+p.Foreign.SwitchFile+"\"")
			assert.Contains(t, p.Foreign.Flags[adapter], fmt.Sprintf("-DSL_SLP_AREA=%d", *p.StackArea))
		} else {
			require.Equal(t, StyleStacklet, style, p.Name)
			assert.Contains(t, p.Foreign.Flags[adapter], "-DSL_STACKLET_HEADER=\""+p.Foreign.SwitchFile+"\"")
			assert.NotContains(t, strings.Join(p.Foreign.Flags[adapter], " "), "SL_SLP_AREA", "the stacklet adapter slices from the stack pointer save_state gets")
		}
	}
	// Never part of our own ports (test:all, port:list, the every-port tests).
	own, err := arch.Load(archDir(t))
	require.NoError(t, err)
	for _, p := range own {
		assert.NotContains(t, p.Name, "slp-")
		assert.NotContains(t, p.Name, "stacklet-")
		assert.NotContains(t, p.Name, "sl-")
		assert.Nil(t, p.Foreign)
	}
}

// Every port's SLP trampoline (arch/<name>/slp.S) exports the port and
// saves nothing; arch_test checks that every port has one.
func TestEveryTrampolineSavesNothing(t *testing.T) {
	own, err := arch.Load(archDir(t))
	require.NoError(t, err)
	for _, p := range own {
		data, err := os.ReadFile(filepath.Join(p.Dir, arch.SLPFile))
		if err != nil {
			continue // TestEveryArchHasEveryFile names it
		}
		// It exports the port, calls the header's switch, and saves no
		// callee-saved register itself: no push, no register pair or range.
		assert.Contains(t, string(data), ".hidden\tsl_arch_switch", p.Name)
		assert.Contains(t, string(data), "sl_slp_switch", p.Name)
		assert.Contains(t, string(data), "sl_slp_result", p.Name)
		for _, save := range []string{"push", "stp\t", "stmg", "stmw", "std\t%r1", "std\t%r2", "std\t%r3"} {
			assert.NotContains(t, string(data), save, p.Name)
		}
	}
}

// A switch source that is a FIFO or a link to /dev/zero is refused at
// once, rather than read until it blocks or fills the memory.
func TestSwitchThatIsNoFileIsRefused(t *testing.T) {
	for name, create := range map[string]func(path string) error{
		"fifo": func(path string) error { return unix.Mkfifo(path, 0o644) },
		"zero": func(path string) error { return os.Symlink("/dev/zero", path) },
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			writePort(t, dir, "odd", `{"name": "odd", "base": "amd64", "style": "slp", "switch": "switch.h"}`)
			sw := filepath.Join(dir, "odd", "switch.h")
			require.NoError(t, os.Remove(sw))
			require.NoError(t, create(sw))
			done := make(chan error, 1)
			go func() { _, err := Load(archDir(t), []string{dir}); done <- err }()
			select {
			case err := <-done:
				require.Error(t, err)
				assert.Contains(t, err.Error(), "switch.h: not a regular file")
				assert.NotContains(t, err.Error(), "\n")
			case <-time.After(10 * time.Second):
				t.Fatal("Load blocked on the switch source")
			}
		})
	}
}

func TestSourceOutsideAndSelect(t *testing.T) {
	outside := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(outside, "switch_x.h"), []byte("x"), 0o644))
	dir := t.TempDir()
	writePort(t, dir, "theirs", `{"name": "theirs", "base": "riscv64", "style": "slp", "source": "`+outside+`", "switch": "switch_x.h",
	  "not_claimed": {"fcsr": "not kept"}, "unsupported_builds": {"clang-O2": "crashes"}}`)
	ports, err := Load(archDir(t), []string{filepath.Join(t.TempDir(), "no-foreign"), dir})
	require.NoError(t, err)
	require.Len(t, ports, 1)
	p := ports[0]
	assert.Equal(t, filepath.Join(outside, "switch_x.h"), p.Foreign.SwitchFile)
	// sha256("x")
	assert.Equal(t, "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881", p.Foreign.SHA256)
	assert.Equal(t, map[string]string{"fcsr": "not kept"}, p.Foreign.NotClaimed)
	assert.Equal(t, "riscv64", p.Arch())
	assert.Equal(t, filepath.Join(dir, "theirs", arch.DataFile), p.DataPath())

	sel, err := Select(ports, []string{"all"})
	require.NoError(t, err)
	assert.Len(t, sel, 1)
	_, err = Select(ports, []string{"nope"})
	assert.ErrorContains(t, err, `unknown port "nope" (known ports: theirs)`)
	_, err = Select(nil, []string{"all"})
	assert.ErrorContains(t, err, "no foreign ports")
}

func TestBadDataFileIsOneClearError(t *testing.T) {
	for _, tc := range []struct{ name, body, want string }{
		{"unknown-field", `{"name": "unknown-field", "base": "amd64", "style": "slp", "switch": "switch.h", "frobs": 1}`, `unknown field "frobs"`},
		{"trailing", `{"name": "trailing", "base": "amd64", "style": "slp", "switch": "switch.h"} {}`, "trailing data"},
		{"other-folder", `{"name": "elsewhere", "base": "amd64", "style": "slp", "switch": "switch.h"}`, `differs from its folder`},
		{"no-base", `{"name": "no-base", "base": "vax", "style": "slp", "switch": "switch.h"}`, `base "vax" is not a port (ports: `},
		{"amd64", `{"name": "amd64", "base": "amd64", "style": "slp", "switch": "switch.h"}`, `our own port's`},
		{"arm64", `{"name": "arm64", "base": "amd64", "style": "slp", "switch": "switch.h"}`, `name "arm64" is our own port's`},
		{"all", `{"name": "all", "base": "amd64", "style": "slp", "switch": "switch.h"}`, `name "all" is our own port's`},
		{"bad-style", `{"name": "bad-style", "base": "amd64", "style": "boost", "switch": "switch.h"}`, `style "boost": use "sl"`},
		{"wrong-kind", `{"name": "wrong-kind", "base": "amd64", "style": "sl", "switch": "switch.h"}`, `style "sl" takes .S, .s, .c`},
		{"missing", `{"name": "missing", "base": "amd64", "style": "slp", "switch": "nope.h"}`, "not a file"},
		{"no-switch", `{"name": "no-switch", "base": "amd64", "style": "slp"}`, "missing switch"},
		{"no-reason", `{"name": "no-reason", "base": "amd64", "style": "slp", "switch": "switch.h", "not_claimed": {"fpcr": " "}}`, `needs a register name and a reason`},
		{"callee-saved-gpr", `{"name": "callee-saved-gpr", "base": "amd64", "style": "slp", "switch": "switch.h", "not_claimed": {"mxcsr": "no FP control", "r15": "not kept"}}`,
			"not_claimed: r15 is a callee-saved register of System V AMD64 psABI 1.0: a switch must preserve it, and no declaration excuses that (only mxcsr, x87cw can be declared"},
		{"callee-saved-fpr", `{"name": "callee-saved-fpr", "base": "arm64", "style": "slp", "switch": "switch.h", "not_claimed": {"d8": "not kept"}}`,
			"not_claimed: d8 is a callee-saved register of AAPCS64: a switch must preserve it, and no declaration excuses that (only fpcr can be declared"},
		{"callee-saved-vector", `{"name": "callee-saved-vector", "base": "ppc64le", "style": "slp", "switch": "switch.h", "not_claimed": {"v20": "not kept"}}`,
			"not_claimed: v20 is a callee-saved register of OpenPOWER 64-bit ELF V2 ABI: a switch must preserve it, and no declaration excuses that (only fpscr, vscr can be declared"},
		{"callee-saved-cr", `{"name": "callee-saved-cr", "base": "ppc64le", "style": "slp", "switch": "switch.h", "not_claimed": {"cr": "not kept"}}`,
			"not_claimed: cr is a callee-saved register"},
		{"no-such-register", `{"name": "no-such-register", "base": "riscv64", "style": "slp", "switch": "switch.h", "not_claimed": {"xmm99": "not kept"}}`,
			`not_claimed: "xmm99" is no register the canaries check (the slots of arch/riscv64/probe.S); only fcsr can be declared`},
		{"bad-build", `{"name": "bad-build", "base": "amd64", "style": "slp", "switch": "switch.h", "unsupported_builds": {"gcc-O1": "x"}}`, `"gcc-O1", which is no build (builds: gcc-O0`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writePort(t, dir, tc.name, tc.body)
			_, err := Load(archDir(t), []string{dir})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Contains(t, err.Error(), filepath.Join(dir, tc.name, arch.DataFile))
			assert.NotContains(t, err.Error(), "\n")
		})
	}
	// The same name twice, in two folders of the path.
	a, b := t.TempDir(), t.TempDir()
	body := `{"name": "twice", "base": "amd64", "style": "slp", "switch": "switch.h"}`
	writePort(t, a, "twice", body)
	writePort(t, b, "twice", body)
	_, err := Load(archDir(t), []string{a, b})
	assert.ErrorContains(t, err, `foreign port "twice" is defined twice`)
	// A folder of SL_FOREIGN_PATH that does not exist.
	_, err = Load(archDir(t), []string{t.TempDir(), filepath.Join(t.TempDir(), "gone")})
	assert.ErrorContains(t, err, "SL_FOREIGN_PATH")
}

// What a switch may leave shared is what the base port's data marks so:
// its FP rounding registers and its other control and status registers.
func TestControlAndStatusRegistersCanBeDeclared(t *testing.T) {
	dir := t.TempDir()
	writePort(t, dir, "shared-state", `{"name": "shared-state", "base": "ppc64le", "style": "slp", "switch": "switch.h",
	  "not_claimed": {"fpscr": "no FP control", "vscr": "no vector status"}}`)
	ports, err := Load(archDir(t), []string{dir})
	require.NoError(t, err)
	require.Len(t, ports, 1)
	assert.Equal(t, []string{"fpscr", "vscr"}, ports[0].DeclarableSlots())
}

// What each switch source claims to save is read when it is loaded: the
// examples claim every callee-saved register (arm64's x29 is kept by every
// frame record), each leaky fixture forgets the register it is known for,
// whatever a compiler later makes of it.
func TestUnclaimedRegistersAreReadFromTheSource(t *testing.T) {
	root := testkit.Root(t)
	hazards := t.TempDir()
	writePort(t, hazards, "stale-address-arm64", `{"name": "stale-address-arm64", "base": "arm64", "style": "slp", "source": "`+
		filepath.Join(root, "foreign", "testdata", "hazards", "stale-address-arm64", "switch.h")+`"}`)
	ports, err := Load(archDir(t), append(Dirs(root, filepath.Join(root, "foreign", "testdata")), hazards))
	require.NoError(t, err)
	want := map[string][]string{"slp-leaky-amd64": {"r15"}, "slp-leaky-arm64": {"x28"}, "slp-leaky-mips": {"s7"}, "slp-leaky-powerpc": {"r29"},
		"stacklet-leaky-amd64": {"rbp"}, "stacklet-leaky-arm64": {"x21"}, "sl-leaky-amd64": {"r15"}, "sl-leaky-arm64": {"x28"}}
	for _, p := range ports {
		assert.Empty(t, p.Foreign.ClaimsUnread, p.Name)
		assert.Equal(t, want[p.Name], p.Foreign.Unclaimed, p.Name)
	}

	// A source whose saves cannot be read is said so, not taken as claiming all.
	dir := t.TempDir()
	writePort(t, dir, "unread", `{"name": "unread", "base": "amd64", "style": "slp", "switch": "switch.h"}`)
	ports, err = Load(archDir(t), []string{dir})
	require.NoError(t, err)
	assert.Contains(t, ports[0].Foreign.ClaimsUnread, "the mutation check cannot read it")
}

// A glue header that only includes someone's unedited header is read
// through it: the claims are those of the header that defines the switch,
// with the #defines of the glue (a clobber list it names). Two included
// headers that each define one (a platform select) cannot be told apart
// without the preprocessor, and are said so rather than read as one.
func TestClaimsAreReadThroughAGlueHeader(t *testing.T) {
	dir := t.TempDir()
	upstream := filepath.Join(dir, "upstream")
	require.NoError(t, os.MkdirAll(upstream, 0o755))
	write := func(path, text string) { require.NoError(t, os.WriteFile(path, []byte(text), 0o644)) }
	write(filepath.Join(upstream, "switch_amd64.h"), `
static int slp_switch(void) {
    register long *stackref, stsizediff;
    __asm__ volatile ("" : : : REGS_TO_SAVE);
    __asm__ ("movq %%rsp, %0" : "=g" (stackref));
    SLP_SAVE_STATE(stackref, stsizediff);
    __asm__ volatile ("addq %0, %%rsp" : : "r" (stsizediff));
    SLP_RESTORE_STATE();
    return 0;
}
`)
	write(filepath.Join(upstream, "switch_other.h"), "static int slp_switch(void) { SLP_SAVE_STATE(a, b); SLP_RESTORE_STATE(); return 0; }\n")
	glue := func(name, body string) {
		writePort(t, dir, name, `{"name": "`+name+`", "base": "amd64", "style": "slp", "switch": "switch.h", "cflags": ["-I../upstream"]}`)
		write(filepath.Join(dir, name, "switch.h"), body)
	}
	glue("glue", `/* ours */
#define REGS_TO_SAVE "rbx", "rbp", "r12", "r13", "r14", \
    "r15"
#include "switch_amd64.h"
`)
	glue("glue-leaky", "#define REGS_TO_SAVE \"rbx\", \"rbp\", \"r12\", \"r13\", \"r14\"\n#include \"switch_amd64.h\"\n")
	glue("select", "#if defined(__x86_64__)\n#include \"switch_amd64.h\"\n#else\n#include \"switch_other.h\"\n#endif\n")
	ports, err := Load(archDir(t), []string{dir})
	require.NoError(t, err)
	byName := map[string]arch.Port{}
	for _, p := range ports {
		byName[p.Name] = p
	}
	assert.Empty(t, byName["glue"].Foreign.ClaimsUnread)
	assert.Empty(t, byName["glue"].Foreign.Unclaimed)
	assert.Empty(t, byName["glue-leaky"].Foreign.ClaimsUnread)
	assert.Equal(t, []string{"r15"}, byName["glue-leaky"].Foreign.Unclaimed)
	assert.Contains(t, byName["select"].Foreign.ClaimsUnread, "the headers it includes each define one (")
	assert.Contains(t, byName["select"].Foreign.ClaimsUnread, "switch_amd64.h, ")
}
