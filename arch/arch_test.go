package arch

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// Every folder with a data file is a port, and nothing else is.
func TestLoadRepositoryPorts(t *testing.T) {
	ports, err := Load(".")
	require.NoError(t, err)
	files, err := filepath.Glob(filepath.Join("*", DataFile))
	require.NoError(t, err)
	var folders []string
	for _, f := range files {
		folders = append(folders, filepath.Dir(f))
	}
	assert.Equal(t, folders, Names(ports))
	assert.GreaterOrEqual(t, len(ports), 6)
	for _, p := range ports {
		for _, src := range p.Sources() {
			assert.FileExists(t, src, "port %s", p.Name)
		}
	}
}

// Every port folder holds every file a port needs; a missing one fails
// naming the file to add.
func TestEveryArchHasEveryFile(t *testing.T) {
	ports, err := Load(".")
	require.NoError(t, err)
	for _, p := range ports {
		for _, f := range Files {
			_, err := os.Stat(filepath.Join(p.Dir, f))
			assert.NoError(t, err, "arch/%s/%s is missing: every port needs it (docs/adding-a-port.md; go run github.com/magefile/mage port:new writes a template)", p.Name, f)
		}
	}
}

func writePort(t *testing.T, root, name, body string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Join(root, name), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, name, DataFile), []byte(body), 0o644))
}

const validPort = `{"name":"toy","triple":"toy-linux-gnu","cc":"toy-gcc","packages":["gcc-toy"],
  "qemu":"qemu-toy","qemu_cpu":"max","predefined":"defined(__toy__)","abi":"toy ABI","stack_area":0,` + toyAsm + `}`

// toyAsm is the least asm object a port.json may have.
const toyAsm = `"asm":{"registers":[{"class":"GPR","names":"r[0-9]+"}],"saves":{"st":{"form":"single"}},"restores":{"ld":{"form":"single"}},"returns":["ret"]}`

// A port.json whose asm object the mutation check could not use fails to
// load, naming the field.
func TestLoadRejectsBadAsm(t *testing.T) {
	tests := []struct{ name, from, to, want string }{
		{"missing", "," + toyAsm, "", "missing asm"},
		{"no stack_area", `"stack_area":0,`, "", "missing stack_area"},
		{"negative stack_area", `"stack_area":0,`, `"stack_area":-8,`, "stack_area -8: the bytes a callee may write"},
		{"bad class", `"class":"GPR"`, `"class":"general"`, `asm.registers[0]: class "general" is none of GPR, FP, vector, control`},
		{"bad regexp", `"r[0-9]+"`, `"r[0-9"`, `asm.registers[0]: names "r[0-9" is no regular expression`},
		{"bad form", `"st":{"form":"single"}`, `"st":{"form":"double"}`, `asm.saves.st: form "double" is none of single, pair, span, implicit, indexed, based, list`},
		{"pair without single", `"st":{"form":"single"}`, `"stp":{"form":"pair"}`, `asm.saves.stp: a pair form needs "single"`},
		{"list without width", `"st":{"form":"single"}`, `"movem.l":{"form":"list"}`, `asm.saves.movem.l: a list form needs "width"`},
		{"register_last on a pair", `"ld":{"form":"single"}`, `"ldp":{"form":"pair","single":"ld","register_last":true}`, `asm.restores.ldp: register_last goes with the single and list forms only`},
		{"implicit without register", `"ld":{"form":"single"}`, `"lfpc":{"form":"implicit"}`, `asm.restores.lfpc: an implicit form needs "register"`},
		{"stack_slot without stack_adjust", `"st":{"form":"single"}`, `"st":{"form":"single","stack_slot":"@-r15"}`, `asm.saves.st: stack_slot goes with stack_adjust only`},
		{"bare_numbers naming no register", `"st":{"form":"single"}`, `"st":{"form":"single","bare_numbers":"q"}`, `asm.saves.st: bare_numbers "q" makes names (q0) no set of asm.registers names`},
		{"stack on a single form", `"st":{"form":"single"}`, `"st":{"form":"single","stack":true}`, `asm.saves.st: stack goes with the list form only`},
		{"covers on a single form", `"st":{"form":"single"}`, `"st":{"form":"single","covers":"r[0-9]"}`, `asm.saves.st: covers and operand go with the implicit form only`},
		{"covers no regexp", `"st":{"form":"single"}`, `"flushw":{"form":"implicit","register":"windows","covers":"[li"}`, `asm.saves.flushw: covers "[li" is no regular expression`},
		{"no returns", `"returns":["ret"]`, `"returns":[]`, "asm.returns is empty"},
		{"images without why", `"stack_area":0,`, `"stack_area":0,"toolchain_images":{"only":["trixie"]},`, `toolchain_images: name the images in "only" and say in "why"`},
		{"images empty", `"stack_area":0,`, `"stack_area":0,"toolchain_images":{"only":[],"why":"x"},`, `toolchain_images: name the images in "only"`},
		{"host is no image", `"stack_area":0,`, `"stack_area":0,"toolchain_images":{"only":["host"],"why":"x"},`, `toolchain_images: "host" is no toolchain image`},
		{"stack_grows neither way", `"stack_area":0,`, `"stack_area":0,"stack_grows":"sideways",`, `stack_grows "sideways": the direction the stack grows, "down" or "up" (absent: "down")`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			writePort(t, root, "toy", strings.Replace(validPort, tt.from, tt.to, 1))
			_, err := Load(root)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "port toy: port.json: ")
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// A port whose data names the only toolchain images that build it builds
// there alone; any other port builds everywhere.
func TestBuildsIn(t *testing.T) {
	sh4 := Port{Images: &Images{Only: []string{"trixie"}, Why: "gcc 12 miscompiles its glibc"}}
	assert.True(t, sh4.BuildsIn("trixie"))
	assert.False(t, sh4.BuildsIn(""))
	assert.False(t, sh4.BuildsIn("bookworm"))
	assert.True(t, Port{}.BuildsIn(""))
	assert.True(t, Port{}.BuildsIn("bookworm"))
}

// stack_grows is down unless a port says up, and every compile of the core
// gets it.
func TestStackGrowth(t *testing.T) {
	for _, tt := range []struct{ field, want string }{{"", StackDown}, {`"stack_grows":"down",`, StackDown}, {`"stack_grows":"up",`, StackUp}} {
		root := t.TempDir()
		writePort(t, root, "toy", strings.Replace(validPort, `"stack_area":0,`, `"stack_area":0,`+tt.field, 1))
		ports, err := Load(root)
		require.NoError(t, err)
		assert.Equal(t, tt.want, ports[0].Growth())
		assert.Equal(t, []string{"SL_STACK_GROWS=" + tt.want}, ports[0].CoreDefines())
	}
}

// fp_rounding names probe slots: each is checked against probe.S.
func TestFPRoundingNamesProbeSlots(t *testing.T) {
	root := t.TempDir()
	writePort(t, root, "toy", strings.Replace(validPort, `"abi":"toy ABI"`, `"abi":"toy ABI","fp_rounding":["fpcr"]`, 1))
	for _, probe := range []string{
		"\t.macro\tslots\n\tslot\tfpcr0, 0, 0x3\n\tslot fcsr\n\t.endm\n",
		"\tslot\tfpcr, 0, 0x3\n\t.macro\tslots\n\tslot\tx19\n\t.endm\n",       // outside the macro: no slot
		"/*\n\tslot\tfpcr, 0, 0x3\n*/\t.macro\tslots\n\tslot\tx19\n\t.endm\n", // in a comment: no slot
	} {
		require.NoError(t, os.WriteFile(filepath.Join(root, "toy", "probe.S"), []byte(probe), 0o644))
		_, err := Load(root)
		require.Error(t, err)
		assert.Contains(t, err.Error(), `fp_rounding names "fpcr", which is no slot of probe.S`)
	}
	require.NoError(t, os.WriteFile(filepath.Join(root, "toy", "probe.S"), []byte("\t.macro\tslots\n\tslot\tfpcr, 0, 0x3\n\t.endm\n"), 0o644))
	ports, err := Load(root)
	require.NoError(t, err)
	assert.Equal(t, []string{"fpcr"}, ports[0].FPRounding)
}

// cflags and ldflags are flags, each with the reason the port needs it;
// the programs get them sorted.
func TestPortFlags(t *testing.T) {
	withFlags := func(flags string) string {
		return strings.Replace(validPort, `"abi":"toy ABI"`, `"abi":"toy ABI",`+flags, 1)
	}
	for _, tt := range []struct{ flags, want string }{
		{`"cflags":{"-mfoo":""}`, `cflags: "-mfoo" needs a reason`},
		{`"ldflags":{"-Wl,--no-relax":" "}`, `ldflags: "-Wl,--no-relax" needs a reason`},
		{`"cflags":{"mfoo":"why"}`, `cflags: "mfoo" is no compiler flag (one word starting with -)`},
		{`"ldflags":{"-Wl,--a -Wl,--b":"why"}`, `ldflags: "-Wl,--a -Wl,--b" is no compiler flag (one word starting with -)`},
	} {
		root := t.TempDir()
		writePort(t, root, "toy", withFlags(tt.flags))
		_, err := Load(root)
		assert.ErrorContains(t, err, "port toy: port.json: "+tt.want)
	}
	root := t.TempDir()
	writePort(t, root, "toy", withFlags(`"cflags":{"-mb":"why b","-ma":"why a"},"ldflags":{"-Wl,--no-relax":"why"}`))
	ports, err := Load(root)
	require.NoError(t, err)
	assert.Equal(t, []string{"-ma", "-mb"}, ports[0].CompileFlags())
	assert.Equal(t, []string{"-Wl,--no-relax"}, ports[0].LinkFlags())
	assert.Empty(t, Port{}.CompileFlags())
}

func TestLoadRejectsBadDataFiles(t *testing.T) {
	tests := []struct {
		name, folder, body, wantErr string
	}{
		{"missing fields", "toy", `{"name":"toy"}`, "missing abi, cc, packages, predefined, qemu, qemu_cpu, stack_area, triple"},
		{"unknown field", "toy", `{"name":"toy","colour":"red"}`, `unknown field "colour"`},
		{"not json", "toy", `name: toy`, "port toy: port.json"},
		{"trailing data", "toy", validPort + `,"x"`, "port toy: port.json: trailing data after the JSON object"},
		{"two objects", "toy", validPort + validPort, "port toy: port.json: trailing data after the JSON object"},
		{"name differs from folder", "other", validPort, `name "toy" differs from its folder "other"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			writePort(t, root, tt.folder, tt.body)
			_, err := Load(root)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
		})
	}
}

func TestLoadAcceptsTrailingWhitespaceAndNamesTheDataFile(t *testing.T) {
	root := filepath.Join(t.TempDir(), "arch")
	writePort(t, root, "toy", validPort+"\n\n")
	ports, err := Load(root)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join("arch", "toy", "port.json"), ports[0].DataPath())
}

func TestLoadIgnoresFoldersWithoutDataFile(t *testing.T) {
	root := t.TempDir()
	writePort(t, root, "toy", validPort)
	require.NoError(t, os.MkdirAll(filepath.Join(root, "notes"), 0o755))
	ports, err := Load(root)
	require.NoError(t, err)
	assert.Equal(t, []string{"toy"}, Names(ports))

	_, err = Load(t.TempDir())
	assert.ErrorContains(t, err, "no ports found")
}

func TestSelect(t *testing.T) {
	ports := []Port{{Name: "amd64"}, {Name: "arm64"}, {Name: "s390x"}}
	all, err := Select(ports, nil)
	require.NoError(t, err)
	assert.Len(t, all, 3)

	some, err := Select(ports, []string{"s390x", "amd64"})
	require.NoError(t, err)
	assert.Equal(t, []string{"s390x", "amd64"}, Names(some))

	_, err = Select(ports, []string{"mips"})
	assert.EqualError(t, err, `unknown port "mips" (known ports: amd64, arm64, s390x)`)
}

func TestRunsNativelyOn(t *testing.T) {
	p := Port{Name: "386", NativeOn: []string{"amd64"}}
	assert.True(t, p.RunsNativelyOn("386"))
	assert.True(t, p.RunsNativelyOn("amd64"))
	assert.False(t, p.RunsNativelyOn("arm64"))
}

func TestSelector(t *testing.T) {
	got := string(Selector([]Port{{Name: "a", Predefined: "defined(__a__)"}, {Name: "b", Predefined: "defined(__b__) && X"}}))
	assert.Contains(t, got, "#if defined(__a__)\n#include \"a/switch.S\"\n#elif defined(__b__) && X\n#include \"b/switch.S\"\n#else\n#error \"stackslice has no port for this target")
}

// declarable names probe slots too, and with fp_rounding makes the
// registers a foreign port may declare not claimed.
func TestDeclarableNamesProbeSlots(t *testing.T) {
	root := t.TempDir()
	writePort(t, root, "toy", strings.Replace(validPort, `"abi":"toy ABI"`, `"abi":"toy ABI","fp_rounding":["fpcr"],"declarable":["vscr"]`, 1))
	require.NoError(t, os.WriteFile(filepath.Join(root, "toy", "probe.S"), []byte("\t.macro\tslots\n\tslot\tx19\n\tslot\tfpcr\n\t.endm\n"), 0o644))
	_, err := Load(root)
	require.ErrorContains(t, err, `declarable names "vscr", which is no slot of probe.S`)
	require.NoError(t, os.WriteFile(filepath.Join(root, "toy", "probe.S"), []byte("\t.macro\tslots\n\tslot\tx19\n\tslot\tfpcr\n\tslot\tvscr\n\t.endm\n"), 0o644))
	ports, err := Load(root)
	require.NoError(t, err)
	assert.Equal(t, []string{"fpcr", "vscr"}, ports[0].DeclarableSlots())

	writePort(t, root, "toy", strings.Replace(validPort, `"abi":"toy ABI"`, `"abi":"toy ABI","frame_record":["x29"]`, 1))
	_, err = Load(root)
	require.ErrorContains(t, err, `frame_record names "x29", which is no slot of probe.S`)
}

// A port.json that is a FIFO or a link to /dev/zero is one clear error at
// once (port:list and test:arch hung on a FIFO).
func TestLoadRefusesADataFileThatIsNoFile(t *testing.T) {
	for name, create := range map[string]func(path string) error{
		"fifo": func(path string) error { return unix.Mkfifo(path, 0o644) },
		"zero": func(path string) error { return os.Symlink("/dev/zero", path) },
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			require.NoError(t, os.MkdirAll(filepath.Join(dir, "toy"), 0o755))
			require.NoError(t, create(filepath.Join(dir, "toy", DataFile)))
			done := make(chan error, 1)
			go func() { _, err := Load(dir); done <- err }()
			select {
			case err := <-done:
				require.Error(t, err)
				assert.Contains(t, err.Error(), "toy/port.json: not a regular file")
			case <-time.After(10 * time.Second):
				t.Fatal("Load blocked on the data file")
			}
		})
	}
}
