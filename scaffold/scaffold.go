// Package scaffold starts a new port: `mage port:new <name>` writes
// arch/<name>/ with its port.json and templates of switch.S and probe.S that
// carry the contracts (core/port.h, core/probe.h) and the tables to fill in.
// The templates fail every build with an assembler .error naming the file, so
// the new port shows up in the suite at once, failing, until it is written.
package scaffold

import (
	"bufio"
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/template"
	"time"
	"unicode"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/docker"
)

// Spec is what a new port's port.json holds (see arch.Port). New fills in
// what is empty: CC is <triple>-gcc; Packages are Debian's cross gcc of the
// triple (gcc-x86-64-linux-gnu for x86_64-linux-gnu) and, for a known
// architecture, its cross C library (libc6-dev-amd64-cross), or gcc and
// libc6-dev when CC is the host's gcc; QEMU comes from the triple's CPU when it is a known one;
// QEMUCPU is "max"; Predefined comes from the triple's CPU when it is a
// known one; ABI is a placeholder the switch.S template asks to fill.
type Spec struct {
	Name       string
	Triple     string
	CC         string
	Packages   []string
	QEMU       string
	QEMUCPU    string
	NativeOn   []string
	Predefined string
	ABI        string
	// FPRounding are the probe slots that hold the FP rounding mode
	// (port.json fp_rounding); Guess takes them from a port of the same CPU
	// when empty, and probe.S gets a slot line for each.
	FPRounding []string
	// StackArea is port.json's stack_area, in decimal: Guess takes it from
	// a port of the same CPU when empty; else it is 0, the most common.
	StackArea string
	// StackGrows is port.json's stack_grows, "down" or "up" (hppa): Guess
	// takes it from a port of the same CPU when empty; else it is down, and
	// port.json leaves it out.
	StackGrows string
	// ToolchainImages are port.json's toolchain_images "only", the
	// toolchain images (docker/<release>/) that alone build the port, and
	// ToolchainImagesWhy its "why"; none for a port the host's release
	// builds: nil is not yet known (Guess takes both from a port of the same
	// CPU, Ask asks), empty and not nil is none (SL_TOOLCHAIN_IMAGES=-, or
	// "-" answered).
	ToolchainImages    []string
	ToolchainImagesWhy string
}

// The environment variables FromEnv reads.
const (
	EnvTriple     = "SL_TRIPLE"
	EnvCC         = "SL_CC"
	EnvQEMU       = "SL_QEMU"
	EnvQEMUCPU    = "SL_QEMU_CPU"
	EnvPredefined = "SL_PREDEFINED"
	EnvABI        = "SL_ABI"
	EnvFPRounding = "SL_FP_ROUNDING"
	EnvStackArea  = "SL_STACK_AREA"
	EnvStackGrows = "SL_STACK_GROWS"
	// EnvToolchainImages lists images separated by commas or blanks.
	EnvToolchainImages    = "SL_TOOLCHAIN_IMAGES"
	EnvToolchainImagesWhy = "SL_TOOLCHAIN_IMAGES_WHY"
)

// FromEnv is the Spec of port name as given by SL_TRIPLE, SL_CC, SL_QEMU,
// SL_QEMU_CPU, SL_ABI, SL_FP_ROUNDING (slot names, separated by commas or
// blanks), SL_STACK_AREA, SL_STACK_GROWS, SL_TOOLCHAIN_IMAGES (separated
// like SL_FP_ROUNDING) and SL_TOOLCHAIN_IMAGES_WHY; what they leave empty is
// guessed (Guess), asked for (Ask) or derived (New).
func FromEnv(name string, getenv func(string) string) Spec {
	get := func(key string) string { return strings.TrimSpace(getenv(key)) }
	return Spec{
		Name:       name,
		Triple:     get(EnvTriple),
		CC:         get(EnvCC),
		QEMU:       get(EnvQEMU),
		QEMUCPU:    get(EnvQEMUCPU),
		Predefined: get(EnvPredefined),
		ABI:        get(EnvABI),
		FPRounding: slotNames(get(EnvFPRounding)),
		StackArea:  get(EnvStackArea),
		StackGrows: get(EnvStackGrows),

		ToolchainImages:    imageNames(get(EnvToolchainImages)),
		ToolchainImagesWhy: get(EnvToolchainImagesWhy),
	}
}

// slotNames splits a list of probe slot names at commas and blanks; nil
// when there is none.
func slotNames(s string) []string {
	names := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || unicode.IsSpace(r) })
	if len(names) == 0 {
		return nil
	}
	return names
}

// imageNames splits a list of toolchain images like slotNames; "-" is
// none, said (empty, not nil).
func imageNames(s string) []string {
	if s == "-" {
		return []string{}
	}
	return slotNames(s)
}

// DefaultQEMUCPU is the CPU model a new port asks QEMU for.
const DefaultQEMUCPU = "max"

// placeholderABI stands in port.json until the maintainer names the ABI
// document; the switch.S template asks for it.
const placeholderABI = "<the ABI document>"

// qemuByCPU maps a triple's first component to the QEMU user-mode binary
// that runs its binaries.
var qemuByCPU = map[string]string{
	"aarch64": "qemu-aarch64", "aarch64_be": "qemu-aarch64_be", "alpha": "qemu-alpha",
	"arm": "qemu-arm", "armeb": "qemu-armeb", "hppa": "qemu-hppa",
	"i386": "qemu-i386", "i486": "qemu-i386", "i586": "qemu-i386", "i686": "qemu-i386",
	"loongarch64": "qemu-loongarch64", "m68k": "qemu-m68k",
	"mips": "qemu-mips", "mipsel": "qemu-mipsel", "mips64": "qemu-mips64", "mips64el": "qemu-mips64el",
	"powerpc": "qemu-ppc", "powerpc64": "qemu-ppc64", "powerpc64le": "qemu-ppc64le",
	"riscv32": "qemu-riscv32", "riscv64": "qemu-riscv64", "s390x": "qemu-s390x",
	"sh4": "qemu-sh4", "sparc64": "qemu-sparc64", "x86_64": "qemu-x86_64",
}

var (
	nameRe   = regexp.MustCompile(`^[a-z0-9]+$`)
	tripleRe = regexp.MustCompile(`^[a-z0-9_]+(-[a-z0-9_.]+){1,3}$`)
)

func cpuOf(triple string) string {
	cpu, _, _ := strings.Cut(triple, "-")
	return cpu
}

func defaultCC(triple string) string { return triple + "-gcc" }

// predefinedByCPU maps a triple's first component to the condition on the
// compiler's predefined macros that holds when it targets that CPU.
var predefinedByCPU = map[string]string{
	"aarch64": "defined(__aarch64__) && !defined(__ILP32__)", "alpha": "defined(__alpha__)",
	"arm": "defined(__arm__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__", "armeb": "defined(__arm__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__",
	"hppa": "defined(__hppa__)", "i386": "defined(__i386__)", "i486": "defined(__i386__)", "i586": "defined(__i386__)",
	"i686": "defined(__i386__)", "loongarch64": "defined(__loongarch64)", "m68k": "defined(__m68k__) && !defined(__mcoldfire__)",
	"mips":        "defined(__mips__) && !defined(__mips64) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__",
	"mipsel":      "defined(__mips__) && !defined(__mips64) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__",
	"mips64":      "defined(__mips64) && _MIPS_SIM == _ABI64 && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__",
	"mips64el":    "defined(__mips64) && _MIPS_SIM == _ABI64 && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__",
	"powerpc":     "defined(__powerpc__) && !defined(__powerpc64__)",
	"powerpc64":   "defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__",
	"powerpc64le": "defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__",
	"riscv32":     "defined(__riscv) && __riscv_xlen == 32", "riscv64": "defined(__riscv) && __riscv_xlen == 64",
	"s390x": "defined(__s390x__)", "sh4": "defined(__sh__)", "sparc64": "defined(__sparc__) && defined(__arch64__)",
	"x86_64": "defined(__x86_64__) && !defined(__ILP32__)",
}

// debianArchByCPU maps a triple's first component to Debian's name for the
// architecture, which names its cross C library package.
var debianArchByCPU = map[string]string{
	"aarch64": "arm64", "alpha": "alpha", "hppa": "hppa", "i386": "i386", "i486": "i386", "i586": "i386",
	"i686": "i386", "loongarch64": "loong64", "m68k": "m68k", "mips": "mips", "mipsel": "mipsel", "mips64": "mips64",
	"mips64el": "mips64el", "powerpc": "powerpc", "powerpc64": "ppc64", "powerpc64le": "ppc64el",
	"riscv64": "riscv64", "s390x": "s390x", "sh4": "sh4", "sparc64": "sparc64", "x86_64": "amd64",
}

// debianArch is Debian's name for the triple's architecture, or "" when
// unknown; 32-bit arm depends on the float ABI.
func debianArch(triple string) string {
	if cpuOf(triple) == "arm" {
		if strings.HasSuffix(triple, "hf") {
			return "armhf"
		}
		return "armel"
	}
	return debianArchByCPU[cpuOf(triple)]
}

// defaultPackages names the Debian packages a cross build needs: the cross
// gcc of the triple, spelt as Debian does (x86_64-linux-gnu becomes
// gcc-x86-64-linux-gnu), and its C library headers, which the gcc package
// only recommends. With the host's gcc, they are gcc and libc6-dev.
func defaultPackages(triple, cc string) []string {
	if cc == "gcc" {
		return []string{"gcc", "libc6-dev"}
	}
	pkgs := []string{"gcc-" + strings.ReplaceAll(triple, "_", "-")}
	if arch := debianArch(triple); arch != "" {
		pkgs = append(pkgs, "libc6-dev-"+arch+"-cross")
	}
	return pkgs
}

// withDefaults fills in what can be derived; QEMU stays empty when the
// triple's CPU is not a known one.
func (s Spec) withDefaults() Spec {
	if s.CC == "" && s.Triple != "" {
		s.CC = defaultCC(s.Triple)
	}
	if len(s.Packages) == 0 && s.Triple != "" {
		s.Packages = defaultPackages(s.Triple, s.CC)
	}
	if s.QEMU == "" {
		s.QEMU = qemuByCPU[cpuOf(s.Triple)]
	}
	if s.QEMUCPU == "" {
		s.QEMUCPU = DefaultQEMUCPU
	}
	if s.Predefined == "" {
		s.Predefined = predefinedByCPU[cpuOf(s.Triple)]
	}
	if s.ABI == "" {
		s.ABI = placeholderABI
	}
	if s.StackArea == "" {
		s.StackArea = "0"
	}
	return s
}

func checkName(name string) error {
	if !nameRe.MatchString(name) {
		return fmt.Errorf("invalid port name %q: use lowercase letters and digits", name)
	}
	return nil
}

func checkTriple(name, triple string) error {
	if triple == "" {
		return fmt.Errorf("port %q: no triple given (%s, e.g. riscv64-linux-gnu)", name, EnvTriple)
	}
	if !tripleRe.MatchString(triple) {
		return fmt.Errorf("port %q: invalid triple %q: want <cpu>-<os>[-<abi>] in lowercase, e.g. riscv64-linux-gnu", name, triple)
	}
	return nil
}

// check validates a Spec after withDefaults.
func (s Spec) check() error {
	if err := checkName(s.Name); err != nil {
		return err
	}
	if err := checkTriple(s.Name, s.Triple); err != nil {
		return err
	}
	if s.QEMU == "" {
		return fmt.Errorf("port %q: no QEMU binary known for %q: give one (%s, e.g. qemu-%s)", s.Name, s.Triple, EnvQEMU, cpuOf(s.Triple))
	}
	if s.Predefined == "" {
		return fmt.Errorf("port %q: no predefined-macro condition known for %q: give one (%s, e.g. defined(__%s__))", s.Name, s.Triple, EnvPredefined, cpuOf(s.Triple))
	}
	if strings.ContainsAny(s.Predefined, "\r\n") {
		return fmt.Errorf("port %q: invalid predefined-macro condition %q: one line", s.Name, s.Predefined)
	}
	if _, err := arch.ParseCondition(s.Predefined); err != nil {
		return fmt.Errorf("port %q: predefined-macro condition %w", s.Name, err)
	}
	fields := []struct{ what, value string }{{"compiler", s.CC}, {"QEMU binary", s.QEMU}, {"QEMU CPU", s.QEMUCPU}}
	for _, p := range s.Packages {
		fields = append(fields, struct{ what, value string }{"package", p})
	}
	for _, n := range s.NativeOn {
		fields = append(fields, struct{ what, value string }{"native_on entry", n})
	}
	for _, r := range s.FPRounding {
		fields = append(fields, struct{ what, value string }{"fp_rounding slot", r})
	}
	for _, f := range fields {
		if f.value == "" || strings.ContainsAny(f.value, " \t\r\n") {
			return fmt.Errorf("port %q: invalid %s %q: one word, no spaces", s.Name, f.what, f.value)
		}
	}
	if strings.ContainsAny(s.ABI, "\r\n") {
		return fmt.Errorf("port %q: invalid ABI %q: one line", s.Name, s.ABI)
	}
	if err := checkStackGrows(s.Name, s.StackGrows); err != nil {
		return err
	}
	return checkImagesWhy(s.Name, s.ToolchainImages, s.ToolchainImagesWhy)
}

// checkStackGrows reads a stack_grows: empty is down.
func checkStackGrows(name, grows string) error {
	if grows != "" && grows != arch.StackDown && grows != arch.StackUp {
		return fmt.Errorf("port %q: invalid stack_grows %q: the direction the stack grows, %s or %s", name, grows, arch.StackDown, arch.StackUp)
	}
	return nil
}

// checkImagesWhy: toolchain images need the reason the host's release
// cannot build the port, and a reason needs images.
func checkImagesWhy(name string, images []string, why string) error {
	switch {
	case len(images) > 0 && why == "":
		return fmt.Errorf("port %q: toolchain_images %s needs a reason: why the host's release cannot build the port (%s)", name, strings.Join(images, ", "), EnvToolchainImagesWhy)
	case len(images) == 0 && why != "":
		return fmt.Errorf("port %q: a reason for toolchain_images (%s) but no image named (%s)", name, EnvToolchainImagesWhy, EnvToolchainImages)
	case strings.ContainsAny(why, "\r\n"):
		return fmt.Errorf("port %q: invalid toolchain_images reason %q: one line", name, why)
	}
	return nil
}

// checkImages: every image named is a toolchain image of root (a folder
// docker/<release>/ with a Dockerfile).
func checkImages(root, name string, images []string) error {
	if len(images) == 0 {
		return nil
	}
	if slices.Contains(images, docker.Host) {
		return fmt.Errorf("port %q: toolchain_images: %q is the host, no toolchain image", name, docker.Host)
	}
	all, err := docker.Images(root)
	if err == nil {
		_, err = docker.Select(all, images)
	}
	if err != nil {
		return fmt.Errorf("port %q: toolchain_images: %w", name, err)
	}
	return nil
}

// Port is the port.json content New writes for s, defaults filled in, with
// Dir unset.
func (s Spec) Port() (arch.Port, error) {
	s = s.withDefaults()
	if err := s.check(); err != nil {
		return arch.Port{}, err
	}
	area, err := checkStackArea(s.Name, s.StackArea)
	if err != nil {
		return arch.Port{}, err
	}
	p := arch.Port{
		Name: s.Name, Triple: s.Triple, CC: s.CC, Packages: s.Packages,
		QEMU: s.QEMU, QEMUCPU: s.QEMUCPU, NativeOn: s.NativeOn, Predefined: s.Predefined, ABI: s.ABI,
		StackArea: &area, FPRounding: s.FPRounding,
	}
	if s.StackGrows == arch.StackUp {
		p.StackGrows = s.StackGrows
	}
	if len(s.ToolchainImages) > 0 {
		p.Images = &arch.Images{Only: s.ToolchainImages, Why: s.ToolchainImagesWhy}
	}
	return p, nil
}

//go:embed templates/*.tmpl
var templateFS embed.FS

var templates = template.Must(template.New("").Option("missingkey=error").ParseFS(templateFS, "templates/*.tmpl"))

// portFiles are the files of a new port, in the order New writes them: the data
// file last, so that a half-written port is never loaded.
var portFiles = arch.Files

// render returns the content of each of portFiles.
func render(p arch.Port) (map[string][]byte, error) {
	files := map[string][]byte{}
	data := struct {
		Name, Triple, ABI string
		FPRounding        []string
	}{p.Name, p.Triple, p.ABI, p.FPRounding}
	for _, name := range portFiles[:len(portFiles)-1] {
		var buf bytes.Buffer
		if err := templates.ExecuteTemplate(&buf, name+".tmpl", data); err != nil {
			return nil, fmt.Errorf("port %q: %s: %w", p.Name, name, err)
		}
		files[name] = buf.Bytes()
	}
	js, err := marshalPort(p)
	if err != nil {
		return nil, fmt.Errorf("port %q: %s: %w", p.Name, arch.DataFile, err)
	}
	files[arch.DataFile] = js
	return files, nil
}

// scalarArray matches an indented JSON array of strings, to be put on one
// line as the existing port.json files have it.
var scalarArray = regexp.MustCompile(`\[\n(\s*"[^"\n]*",?\n)+\s*\]`)

func marshalPort(p arch.Port) ([]byte, error) {
	asm := p.Asm
	p.Asm = nil
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(p); err != nil {
		return nil, err
	}
	out := scalarArray.ReplaceAllFunc(buf.Bytes(), func(a []byte) []byte {
		return []byte("[" + strings.Join(strings.Fields(string(a[1:len(a)-1])), " ") + "]")
	})
	if asm == nil {
		return out, nil
	}
	a, err := marshalAsm(asm)
	if err != nil {
		return nil, err
	}
	out = bytes.TrimSuffix(bytes.TrimSpace(out), []byte("}"))
	out = append(bytes.TrimRight(out, " \n"), ",\n  \"asm\": "...)
	return append(append(out, a...), "\n}\n"...), nil
}

// marshalAsm writes an asm object as the port.json files have it: one
// register set, rule or instruction a line.
func marshalAsm(a *arch.Asm) ([]byte, error) {
	var fields []string
	add := func(key string, v any, keep bool) error {
		if !keep {
			return nil
		}
		js, err := oneLine(v)
		fields = append(fields, fmt.Sprintf("    %q: %s", key, js))
		return err
	}
	list := func(key string, n int, item func(int) any) error {
		if n == 0 {
			return nil
		}
		var lines []string
		for i := range n {
			js, err := oneLine(item(i))
			if err != nil {
				return err
			}
			lines = append(lines, "      "+js)
		}
		fields = append(fields, fmt.Sprintf("    %q: [\n%s\n    ]", key, strings.Join(lines, ",\n")))
		return nil
	}
	table := func(key string, n int, keys []string, item func(string) any) error {
		if n == 0 {
			return nil
		}
		slices.Sort(keys)
		var lines []string
		for _, k := range keys {
			js, err := oneLine(item(k))
			if err != nil {
				return err
			}
			lines = append(lines, fmt.Sprintf("      %q: %s", k, js))
		}
		fields = append(fields, fmt.Sprintf("    %q: {\n%s\n    }", key, strings.Join(lines, ",\n")))
		return nil
	}
	moves := func(m map[string]arch.Move) ([]string, func(string) any) {
		var keys []string
		for k := range m {
			keys = append(keys, k)
		}
		return keys, func(k string) any { return m[k] }
	}
	var transferKeys []string
	for k := range a.Transfers {
		transferKeys = append(transferKeys, k)
	}
	saveKeys, save := moves(a.Saves)
	restoreKeys, restore := moves(a.Restores)
	err := errors.Join(
		add("register_prefix", a.RegisterPrefix, a.RegisterPrefix != ""),
		add("immediate_prefix", a.ImmediatePrefix, a.ImmediatePrefix != ""),
		add("line_comments", a.LineComments, len(a.LineComments) > 0),
		list("registers", len(a.Registers), func(i int) any { return a.Registers[i] }),
		list("canonical", len(a.Canonical), func(i int) any { return a.Canonical[i] }),
		table("saves", len(a.Saves), saveKeys, save),
		table("restores", len(a.Restores), restoreKeys, restore),
		table("transfers", len(a.Transfers), transferKeys, func(k string) any { return a.Transfers[k] }),
		add("returns", a.Returns, true),
	)
	if err != nil {
		return nil, err
	}
	return []byte("{\n" + strings.Join(fields, ",\n") + "\n  }"), nil
}

// oneLine is v as JSON on one line, a blank after each comma and colon.
func oneLine(v any) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	var out strings.Builder
	inString, escaped := false, false
	for _, c := range strings.TrimSpace(buf.String()) {
		out.WriteRune(c)
		switch {
		case escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case c == '"':
			inString = !inString
		case !inString && (c == ',' || c == ':'):
			out.WriteByte(' ')
		}
	}
	return out.String(), nil
}

// writeFile is os.WriteFile; tests replace it to fail a write.
var writeFile = os.WriteFile

// New writes arch/<name>/ under root for spec: port.json, and the switch.S
// and probe.S templates, and rewrites arch/switch.S to know the port. It
// returns the port's folder. It writes nothing when spec is invalid or the
// port exists, and removes the folder again when a write fails.
func New(root string, spec Spec) (dir string, err error) {
	if err := CheckFree(root, spec.Name); err != nil {
		return "", err
	}
	archDir := filepath.Join(root, "arch")
	spec = Guess(root, spec)
	if spec.QEMUCPU == "" {
		spec.QEMUCPU = CPUModel(spec.withDefaults().QEMU, cpuOf(spec.Triple))
	}
	p, err := spec.Port()
	if err != nil {
		return "", err
	}
	if err := checkImages(root, p.Name, spec.ToolchainImages); err != nil {
		return "", err
	}
	p.Asm = asmOf(archDir, spec.Triple)
	dir = filepath.Join(archDir, p.Name)
	files, err := render(p)
	if err != nil {
		return "", err
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		if errors.Is(err, os.ErrExist) {
			return "", fmt.Errorf("port %q already exists in arch/%s", p.Name, p.Name)
		}
		return "", fmt.Errorf("port %q: %w", p.Name, err)
	}
	for _, name := range portFiles {
		if err := writeFile(filepath.Join(dir, name), files[name], 0o644); err != nil {
			os.RemoveAll(dir)
			return "", fmt.Errorf("port %q: writing %s: %w", p.Name, name, err)
		}
	}
	// arch/switch.S picks the port by its predefined macros: it learns the new one.
	ports, err := arch.Load(archDir)
	if err == nil {
		err = writeFile(filepath.Join(archDir, arch.SelectorFile), arch.Selector(ports), 0o644)
	}
	if err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("port %q: rewriting arch/%s: %w", p.Name, arch.SelectorFile, err)
	}
	return dir, nil
}

// sameCPU is the first port under archDir whose triple has the CPU of
// triple: a new port of a known CPU keeps its rounding-mode slots, stack
// area and assembly language.
func sameCPU(archDir, triple string) (arch.Port, bool) {
	ports, err := arch.Load(archDir)
	if err != nil {
		return arch.Port{}, false
	}
	for _, p := range ports {
		if cpuOf(p.Triple) == cpuOf(triple) {
			return p, true
		}
	}
	return arch.Port{}, false
}

// Guess fills in what spec leaves empty and root can tell: fp_rounding and
// stack_area from a port of the same CPU. Ask asks for the rest.
func Guess(root string, spec Spec) Spec {
	if spec.Triple == "" {
		return spec
	}
	if p, ok := sameCPU(filepath.Join(root, "arch"), spec.Triple); ok {
		if len(spec.FPRounding) == 0 {
			spec.FPRounding = slices.Clone(p.FPRounding)
		}
		if spec.StackArea == "" && p.StackArea != nil {
			spec.StackArea = strconv.Itoa(*p.StackArea)
		}
		if spec.StackGrows == "" {
			spec.StackGrows = p.Growth()
		}
		if spec.ToolchainImages == nil && spec.ToolchainImagesWhy == "" && p.Images != nil {
			spec.ToolchainImages, spec.ToolchainImagesWhy = slices.Clone(p.Images.Only), p.Images.Why
		}
	}
	return spec
}

// cpuPreferences are the QEMU CPU models a new port of a CPU takes, best
// first, where its QEMU has no "max" (QEMU 7.2's MIPS and PowerPC): one
// that runs what Debian's cross compiler emits by default, or where "max"
// names none (QEMU 7.2's m68k has "any").
var cpuPreferences = map[string][]string{
	"mips": {"24Kf", "74Kf"}, "mipsel": {"24Kf", "74Kf"},
	"mips64": {"MIPS64R2-generic", "5KEf"}, "mips64el": {"MIPS64R2-generic", "5KEf"},
	"powerpc": {"7457", "7400", "g4", "750", "604"}, "powerpc64": {"power9", "970"}, "powerpc64le": {"power9"},
	"riscv32": {"rv32"}, "riscv64": {"rv64"},
	// QEMU 7.2's m68k "any" and m68060 lack instructions Debian's 68020
	// code uses (SIGILL in glibc's start-up), and ColdFire is another ISA.
	"m68k": {"m68040", "m68030", "m68020"},
}

// cpuHelp runs `<qemu> -cpu help`; tests replace it (the hermetic tier runs
// no QEMU).
var cpuHelp = func(qemu string) (string, error) {
	path, err := exec.LookPath(qemu)
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, "-cpu", "help").Output()
	return string(out), err
}

// CPUModel is the CPU model a new port asks qemu for: "max" where the
// installed qemu has it, else the first of the CPU's preferences it has,
// else (qemu not installed, or none of them listed) the first preference,
// or "max".
func CPUModel(qemu, cpu string) string {
	prefs := append([]string{DefaultQEMUCPU}, cpuPreferences[cpu]...)
	if help, err := cpuHelp(qemu); err == nil {
		models := cpuModels(help)
		for _, m := range prefs {
			if slices.Contains(models, m) {
				return m
			}
		}
	}
	if len(prefs) > 1 {
		return prefs[1]
	}
	return DefaultQEMUCPU
}

// cpuModels reads the model names of `qemu -cpu help`, whose layout
// differs by target: "x86 max  ...", "MIPS '24Kf'", "PowerPC 970  PVR ...",
// an indented list after "Available CPUs:", or one name a line.
func cpuModels(help string) []string {
	var models []string
	for _, line := range strings.Split(help, "\n") {
		fields := strings.Fields(line)
		switch {
		case len(fields) == 0 || strings.HasSuffix(line, ":"):
		case strings.Contains(line, "'"):
			if _, rest, ok := strings.Cut(line, "'"); ok {
				name, _, _ := strings.Cut(rest, "'")
				models = append(models, name)
			}
		case len(fields) == 1 || line[0] == ' ' || line[0] == '\t':
			models = append(models, fields[0])
		default:
			models = append(models, fields[1])
		}
	}
	return models
}

// checkStackArea reads a stack_area.
func checkStackArea(name, text string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(text))
	if err != nil || n < 0 {
		return 0, fmt.Errorf("port %q: invalid stack_area %q: the bytes a callee may write above its caller's stack pointer, 0 or more", name, text)
	}
	return n, nil
}

// starterAsm is the asm object of a new port of a CPU no port has yet: it
// loads, and the mutation check then names each instruction of steps 1 and
// 5 it does not know, for the author to describe.
var starterAsm = arch.Asm{
	Registers: []arch.RegisterSet{{Class: "GPR", Names: "r[0-9]+", Bytes: 8}},
	Saves:     map[string]arch.Move{"st": {Form: "single"}},
	Restores:  map[string]arch.Move{"ld": {Form: "single"}},
	Returns:   []string{"ret"},
}

// asmOf is the asm object of the first port under archDir whose triple has
// the CPU of triple, or a starter.
func asmOf(archDir, triple string) *arch.Asm {
	if p, ok := sameCPU(archDir, triple); ok && p.Asm != nil {
		a := *p.Asm
		return &a
	}
	a := starterAsm
	return &a
}

// CheckFree tells whether name is valid, root is the repository and
// arch/<name> is free, so that nothing is asked for a port that cannot be
// created.
func CheckFree(root, name string) error {
	if err := checkName(name); err != nil {
		return err
	}
	archDir := filepath.Join(root, "arch")
	if fi, err := os.Stat(archDir); err != nil || !fi.IsDir() {
		return fmt.Errorf("no arch/ folder in %s: not the stackslice repository", root)
	}
	if _, err := os.Lstat(filepath.Join(archDir, name)); err == nil {
		return fmt.Errorf("port %q already exists in arch/%s", name, name)
	}
	return nil
}

// Ask prompts on out for what spec leaves empty, reading answers from in:
// the triple, then (after Guess) the compiler, QEMU binary, QEMU CPU (one
// the installed QEMU has: CPUModel), predefined macros, and the stack_area,
// fp_rounding, stack_grows and toolchain_images (with the reason, when an
// image is named) no port of the same CPU tells, with the derived default
// in brackets, which an empty answer accepts. A triple that is not
// shaped like one, and an empty QEMU binary with no default, are asked again.
// End of input accepts the defaults; it is an error only while an answer
// without a default is pending.
func Ask(in io.Reader, out io.Writer, root string, spec Spec) (Spec, error) {
	r := bufio.NewReader(in)
	ask := func(what, prompt, def string, check func(string) error) (string, error) {
		for {
			if def != "" {
				fmt.Fprintf(out, "%s [%s]: ", prompt, def)
			} else {
				fmt.Fprintf(out, "%s: ", prompt)
			}
			line, err := r.ReadString('\n')
			if err != nil && !errors.Is(err, io.EOF) {
				return "", err
			}
			eof := err != nil
			answer := strings.TrimSpace(line)
			if eof && answer == "" {
				fmt.Fprintln(out)
			}
			if answer == "" {
				answer = def
			}
			if answer == "" {
				if eof {
					return "", fmt.Errorf("port %q: no %s given", spec.Name, what)
				}
				fmt.Fprintln(out, "  an answer is needed")
				continue
			}
			if check != nil {
				if cerr := check(answer); cerr != nil {
					if eof {
						return "", cerr
					}
					fmt.Fprintf(out, "  %v\n", cerr)
					continue
				}
			}
			return answer, nil
		}
	}
	var err error
	if spec.Triple == "" {
		spec.Triple, err = ask("triple", "Target triple (e.g. riscv64-linux-gnu)", "", func(t string) error { return checkTriple(spec.Name, t) })
		if err != nil {
			return spec, err
		}
	}
	spec = Guess(root, spec)
	if spec.CC == "" {
		if spec.CC, err = ask("compiler", "C compiler", defaultCC(spec.Triple), nil); err != nil {
			return spec, err
		}
	}
	if spec.QEMU == "" {
		if spec.QEMU, err = ask("QEMU binary", "QEMU user-mode binary", qemuByCPU[cpuOf(spec.Triple)], nil); err != nil {
			return spec, err
		}
	}
	if spec.QEMUCPU == "" {
		if spec.QEMUCPU, err = ask("QEMU CPU", "QEMU CPU model", CPUModel(spec.QEMU, cpuOf(spec.Triple)), nil); err != nil {
			return spec, err
		}
	}
	if spec.Predefined == "" {
		if spec.Predefined, err = ask("predefined-macro condition", "Condition on the compiler's predefined macros",
			predefinedByCPU[cpuOf(spec.Triple)], nil); err != nil {
			return spec, err
		}
	}
	if spec.StackArea == "" {
		if spec.StackArea, err = ask("stack_area", "Bytes a callee may write above its caller's stack pointer (stack_area)", "0",
			func(a string) error { _, err := checkStackArea(spec.Name, a); return err }); err != nil {
			return spec, err
		}
	}
	if len(spec.FPRounding) == 0 {
		slots, err := ask("fp_rounding", "Probe slots that hold the FP rounding mode (fp_rounding, e.g. fcsr; - for none)", "-", nil)
		if err != nil {
			return spec, err
		}
		if slots != "-" {
			spec.FPRounding = slotNames(slots)
		}
	}
	if spec.StackGrows == "" {
		if spec.StackGrows, err = ask("stack_grows", "Direction the stack grows (stack_grows: down or up)", arch.StackDown,
			func(g string) error { return checkStackGrows(spec.Name, g) }); err != nil {
			return spec, err
		}
	}
	if spec.ToolchainImages == nil && spec.ToolchainImagesWhy == "" {
		images, err := ask("toolchain_images", "Toolchain images that alone build the port (toolchain_images, e.g. trixie; - for none: the host's release builds it)", "-",
			func(list string) error {
				if list == "-" {
					return nil
				}
				return checkImages(root, spec.Name, slotNames(list))
			})
		if err != nil {
			return spec, err
		}
		spec.ToolchainImages = imageNames(images)
		if len(spec.ToolchainImages) > 0 {
			if spec.ToolchainImagesWhy, err = ask("toolchain_images reason", "Why the host's release cannot build it", "", nil); err != nil {
				return spec, err
			}
		}
	}
	return spec, nil
}

// CheckExclusive proves that spec's port and the ports under root never
// match the same target, so that arch/switch.S includes each port's switch
// for its own target only (an overlap once made the host's arch/switch.S
// assemble a new port's .error template): the new condition must hold for
// its own target, hold for no existing port's target, and no existing
// port's condition may hold for the new target. predefines gives the
// macros a compiler predefines for a triple (toolchain.Predefines).
//
// A port built only in a toolchain image may have no compiler on this host
// (loongarch64's is not in Debian 12): the check against it is then left
// out, and a note returned for each such port says so.
func CheckExclusive(ctx context.Context, root string, spec Spec, predefines func(ctx context.Context, triple string) (map[string]string, error)) (notes []string, err error) {
	p, err := spec.Port()
	if err != nil {
		return nil, err
	}
	cond, err := arch.ParseCondition(p.Predefined)
	if err != nil {
		return nil, fmt.Errorf("port %q: predefined-macro condition %w", p.Name, err)
	}
	ports, err := arch.Load(filepath.Join(root, "arch"))
	if err != nil {
		return nil, err
	}
	unproven := func(err error) error {
		return fmt.Errorf("port %q: cannot prove its predefined-macro condition apart from the other ports': %w", p.Name, err)
	}
	own, err := predefines(ctx, p.Triple)
	if err != nil {
		return nil, unproven(err)
	}
	if holds, err := cond.Holds(own); err != nil {
		return nil, fmt.Errorf("port %q: predefined-macro condition: %w", p.Name, err)
	} else if !holds {
		return nil, fmt.Errorf("port %q: predefined-macro condition %q does not hold for its own target %s: arch/switch.S would never pick it",
			p.Name, p.Predefined, p.Triple)
	}
	for _, q := range ports {
		qCond, err := arch.ParseCondition(q.Predefined)
		if err != nil {
			return nil, err
		}
		if holds, err := qCond.Holds(own); err != nil || holds {
			return nil, fmt.Errorf("port %q: port %s's predefined-macro condition %q also holds for the new target %s: arch/switch.S would pick %s for it; make the conditions exclusive",
				p.Name, q.Name, q.Predefined, p.Triple, q.Name)
		}
		theirs, err := predefines(ctx, q.Triple)
		if err != nil && !q.BuildsIn("") {
			notes = append(notes, fmt.Sprintf("port %q: not proven apart from port %s on its target %s: %s builds only in toolchain image %s, and this host cannot tell that target's macros: %v",
				p.Name, q.Name, q.Triple, q.Name, strings.Join(q.Images.Only, ", "), err))
			continue
		}
		if err != nil {
			return nil, unproven(err)
		}
		if holds, err := cond.Holds(theirs); err != nil || holds {
			return nil, fmt.Errorf("port %q: predefined-macro condition %q also holds for port %s's target %s: arch/switch.S would assemble one port for the other; make the conditions exclusive",
				p.Name, p.Predefined, q.Name, q.Triple)
		}
	}
	return notes, nil
}
