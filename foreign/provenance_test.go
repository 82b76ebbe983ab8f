package foreign

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/internal/testkit"
)

// gluedPort writes, under a new folder, the layout: ports/glued/
// holds a port.json and a glue header, which includes an upstream header
// found through a relative -I; that header includes one of its own folder's
// and one of the toolchain's, and cflags force in a file beside the
// port.json. It returns the folder.
func gluedPort(t *testing.T, cflags string) (top string) {
	t.Helper()
	top = t.TempDir()
	files := map[string]string{
		"ports/glued/port.json": `{"name": "glued", "base": "arm64", "style": "slp", "switch": "glue.h", "cflags": ` + cflags + `}`,
		"ports/glued/glue.h":    "#include \"switch_aarch64_gcc.h\"\n",
		"ports/glued/defs.h":    "#define GLUED 1\n",
		"upstream/platform/switch_aarch64_gcc.h": "#include <stdint.h>\n  #  include \"common/regs.h\"\n" +
			"#define STACK_MAGIC 0\nstatic int slp_switch(void) { return 0; }\n",
		"upstream/platform/common/regs.h": "/* the registers */\n",
	}
	for name, body := range files {
		path := filepath.Join(top, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(body), 0o644))
	}
	return top
}

const gluedCFlags = `["-I", "../../upstream/platform", "-include", "defs.h", "-DX=1"]`

func loadOne(t *testing.T, dir string) arch.Port {
	t.Helper()
	ports, err := Load(archDir(t), []string{dir})
	require.NoError(t, err)
	require.Len(t, ports, 1)
	return ports[0]
}

func sha(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// Every file a foreign switch's build reads is listed with its SHA-256:
// the glue header, the upstream header it includes through cflags' -I,
// what that includes beside itself, the file cflags force in, and our
// adapter; the toolchain's headers are the compiler's, not listed. The
// paths of cflags are the port.json folder's, from any working directory.
func TestProvenanceListsEveryInput(t *testing.T) {
	top := gluedPort(t, gluedCFlags)
	t.Chdir(t.TempDir()) // nowhere near the port
	p := loadOne(t, filepath.Join(top, "ports"))
	root := testkit.Root(t)
	glue := filepath.Join(top, "ports", "glued", "glue.h")
	upstream := filepath.Join(top, "upstream", "platform", "switch_aarch64_gcc.h")
	regs := filepath.Join(top, "upstream", "platform", "common", "regs.h")
	defs := filepath.Join(top, "ports", "glued", "defs.h")
	adapter, tramp := filepath.Join(root, "foreign", "adapter", "slp.c"), filepath.Join(root, "arch", "arm64", arch.SLPFile)
	want := []arch.InputFile{
		{Path: glue, Role: arch.RoleSwitch}, {Path: adapter, Role: arch.RoleAdapter}, {Path: tramp, Role: arch.RoleAdapter},
		{Path: defs, Role: arch.RoleForced}, {Path: upstream, Role: arch.RoleInclude}, {Path: regs, Role: arch.RoleInclude},
	}
	for i := range want {
		want[i].SHA256 = sha(t, want[i].Path)
	}
	assert.Equal(t, want, p.Foreign.Provenance)
	assert.Equal(t, []string{"-I", "../../upstream/platform", "-include", "defs.h", "-DX=1"}, p.Foreign.CFlags, "the reports show cflags as written")
	assert.Len(t, p.Foreign.InputsSHA256, 64)
	// The compile gets the paths made absolute, and the object cache and
	// the toolchain images' mounts every file of the user's it reads.
	flags := p.SourceFlags(adapter)
	assert.Subset(t, flags, []string{"-I", filepath.Join(top, "upstream", "platform"), "-include", defs, "-DX=1"})
	assert.Equal(t, []string{defs, glue, regs, upstream}, p.Inputs())
}

// The digest of a port's inputs changes whenever one does (a header the glue
// includes, a cflag), and only then: the same inputs anywhere give the same
// digest.
func TestInputsDigestChangesWithEveryInput(t *testing.T) {
	top := gluedPort(t, gluedCFlags)
	ports := filepath.Join(top, "ports")
	before := loadOne(t, ports).Foreign.InputsSHA256
	assert.Equal(t, before, loadOne(t, ports).Foreign.InputsSHA256, "nothing changed")
	t.Chdir(top)
	assert.Equal(t, before, loadOne(t, "ports").Foreign.InputsSHA256, "found through a relative folder")

	regs := filepath.Join(top, "upstream", "platform", "common", "regs.h")
	require.NoError(t, os.WriteFile(regs, []byte("/* the registers, edited */\n"), 0o644))
	edited := loadOne(t, ports)
	assert.NotEqual(t, before, edited.Foreign.InputsSHA256, "a header the upstream header includes changed")
	assert.Contains(t, edited.Foreign.Provenance, arch.InputFile{Path: regs, Role: arch.RoleInclude, SHA256: sha(t, regs)})
	require.NoError(t, os.WriteFile(regs, []byte("/* the registers */\n"), 0o644))
	assert.Equal(t, before, loadOne(t, ports).Foreign.InputsSHA256, "the same content again")

	for name, change := range map[string]func(top string){
		"forced include": func(top string) {
			require.NoError(t, os.WriteFile(filepath.Join(top, "ports", "glued", "defs.h"), []byte("#define GLUED 2\n"), 0o644))
		},
		"glue": func(top string) {
			require.NoError(t, os.WriteFile(filepath.Join(top, "ports", "glued", "glue.h"), []byte("#include \"switch_aarch64_gcc.h\"\n\n"), 0o644))
		},
	} {
		other := gluedPort(t, gluedCFlags)
		assert.Equal(t, before, loadOne(t, filepath.Join(other, "ports")).Foreign.InputsSHA256, "the same inputs elsewhere")
		change(other)
		assert.NotEqual(t, before, loadOne(t, filepath.Join(other, "ports")).Foreign.InputsSHA256, name)
	}
	other := gluedPort(t, `["-I", "../../upstream/platform", "-include", "defs.h", "-DX=2"]`)
	assert.NotEqual(t, before, loadOne(t, filepath.Join(other, "ports")).Foreign.InputsSHA256, "a cflag")
}

// The paths of cflags, joined or not, are the port.json folder's; one that
// names nothing is an error naming the data file, not a compile that looks
// elsewhere.
func TestCFlagsPathsAreThePortJSONs(t *testing.T) {
	dir := t.TempDir()
	writePort(t, dir, "flags", `{"name": "flags", "base": "amd64", "style": "sl", "switch": "switch.S",
	  "cflags": ["-Iinc", "-iquote", "inc", "-isystem/usr/include", "-idirafter=sys", "-imacros", "macros.h", "-include", "stdint.h", "-I-"]}`)
	require.NoError(t, os.Mkdir(filepath.Join(dir, "flags", "inc"), 0o755))
	for _, f := range []string{"switch.S", "macros.h"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, "flags", f), nil, 0o644))
	}
	t.Chdir(t.TempDir())
	p := loadOne(t, dir)
	folder := filepath.Join(dir, "flags")
	assert.Equal(t, []string{"-Wno-error", "-fno-sanitize=all", "-I" + filepath.Join(folder, "inc"), "-iquote", filepath.Join(folder, "inc"),
		"-isystem/usr/include", "-idirafter=sys", "-imacros", filepath.Join(folder, "macros.h"), "-include", "stdint.h", "-I-"},
		p.SourceFlags(filepath.Join(folder, "switch.S")), "a toolchain's header and the sysroot's folders stay as written")
	// Found through a relative folder (SL_FOREIGN_PATH=.), the paths are
	// still absolute: the compiler runs in the object cache.
	t.Chdir(dir)
	assert.Contains(t, loadOne(t, ".").SourceFlags(filepath.Join(folder, "switch.S")), "-I"+filepath.Join(folder, "inc"))

	for _, tc := range []struct{ cflags, want string }{
		{`["-I", "missing"]`, "cflags: -I missing: " + filepath.Join(dir, "bad", "missing") + " is no folder (a relative path is from the port.json's folder)"},
		{`["-Iswitch.h"]`, "cflags: -I switch.h: " + filepath.Join(dir, "bad", "switch.h") + " is no folder (a relative path is from the port.json's folder)"},
		{`["-DX", "-include"]`, "cflags: -include needs a path after it"},
		{`["-include", "/nonexistent/x.h"]`, "cflags: -include /nonexistent/x.h: no such file"},
	} {
		writePort(t, dir, "bad", `{"name": "bad", "base": "amd64", "style": "slp", "switch": "switch.h", "cflags": `+tc.cflags+`}`)
		_, err := Load(archDir(t), []string{filepath.Join(dir, "bad")})
		require.Error(t, err, tc.cflags)
		assert.Equal(t, filepath.Join(dir, "bad", arch.DataFile)+": "+tc.want, err.Error())
	}
}
