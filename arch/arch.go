// Package arch is the registry of ports: one folder per architecture under
// arch/, each described by its port.json. Adding a port means adding a
// folder; no Go code changes.
package arch

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/stackslice/stackslice/internal/inputfile"
)

// DataFile is the name of the file that describes a port inside arch/<name>/.
const DataFile = "port.json"

// SLPFile is the port's trampoline for foreign SLP-style switch headers
// (foreign/adapter/slp.c): it exports sl_arch_switch and calls the header's
// slp_switch, saving no register itself.
const SLPFile = "slp.S"

// Files are the files every port folder holds.
var Files = []string{"switch.S", "probe.S", SLPFile, DataFile}

// Port describes one architecture port.
type Port struct {
	// Name is the architecture in Go's GOARCH spelling, and the folder name.
	Name string `json:"name"`
	// Triple is the GNU target triple, also used as clang's --target.
	Triple string `json:"triple"`
	// CC is the GCC (cross) compiler that builds static binaries for it.
	CC string `json:"cc"`
	// Packages are the Debian packages a cross build needs: the compiler and
	// its C library headers (a gcc-<triple> package only recommends them). On
	// a host of the port's own arch, the host's gcc and libc6-dev serve
	// instead (package toolchain).
	Packages []string `json:"packages"`
	// QEMU is the QEMU user-mode binary, and QEMUCPU the CPU model it emulates.
	QEMU    string `json:"qemu"`
	QEMUCPU string `json:"qemu_cpu"`
	// NativeOn lists host GOARCHes, besides Name itself, that may execute
	// its binaries: a claim, which qemu.Probe proves on each host before
	// qemu.For runs a binary natively on it (a kernel without IA32
	// emulation runs no 386 binary).
	NativeOn []string `json:"native_on,omitempty"`
	// Predefined is the C preprocessor condition, on the compiler's
	// predefined macros, that holds exactly when the compiler targets the
	// port: arch/switch.S picks the port with it.
	Predefined string `json:"predefined"`
	// ABI names the document the port follows.
	ABI string `json:"abi"`
	// StackArea is the bytes a callee may write above its caller's stack
	// pointer (core/port.h step 2: 32 on ppc64le, the linkage area; 160 on
	// s390x, the register save area; 4 on 386, the argument slot of
	// sl_core_save), which the SLP adapter gets as SL_SLP_AREA.
	StackArea *int `json:"stack_area"`
	// StackGrows is the direction the stack grows: "down" (the default,
	// when absent) or "up" (hppa). Every compile of the core gets it as
	// -DSL_STACK_GROWS (core/port.h), and so does the SLP adapter; the port's
	// stack_area then lies below its caller's stack pointer.
	StackGrows string `json:"stack_grows,omitempty"`
	// AreaBytes is the size of a coroutine's register area, where the port
	// saves its registers (core/port.h): -DSL_AREA_BYTES for every compile
	// of the core. Unset, the core's default fits every port.
	AreaBytes int `json:"area_bytes,omitempty"`
	// EmulatorBugs maps a case name to the QEMU bug that fails it under
	// emulation only; such a failure is reported as known, with the reason,
	// and a pass is still a pass.
	EmulatorBugs map[string]string `json:"emulator_bugs,omitempty"`
	// FPRounding are the probe slots (names of probe.S) that hold the FP
	// rounding mode, which the fp_* cases check: a foreign port that
	// declares one of them not claimed has those cases' rounding failures
	// reported as known.
	FPRounding []string `json:"fp_rounding,omitempty"`
	// Images, when set, are the only toolchain images (docker/<release>/)
	// whose compilers build the port: the host's release packages none
	// that works. Elsewhere its runs are skipped, with Images.Why, and a
	// run on the host starts the first image for it where a Docker engine
	// answers.
	Images *Images `json:"toolchain_images,omitempty"`
	// UnsupportedBuilds maps a build (by name) that cannot work for the
	// port to why: it still builds and runs, and is reported unsupported,
	// never passed (package conformance checks the names).
	UnsupportedBuilds map[string]string `json:"unsupported_builds,omitempty"`
	// CFlags and LDFlags map a flag that every compile (CFlags) or every
	// link (LDFlags) of the port's programs needs to why: the runner, the
	// benchmark, the doctor's program, the library and its examples. alpha
	// compiles with -mfp-rounding-mode=d (gcc's default writes
	// round-to-nearest into each FP instruction, so fesetround changed no
	// arithmetic) and links with -Wl,--no-relax (binutils 2.40 relaxed
	// glibc's __ehdr_start to 0, and every static binary crashed at start).
	CFlags  map[string]string `json:"cflags,omitempty"`
	LDFlags map[string]string `json:"ldflags,omitempty"`
	// Asm is what the mutation check must know of the port's assembly.
	Asm *Asm `json:"asm,omitempty"`
	// Declarable are the probe slots, besides FPRounding, that hold control
	// or status state a switch may legitimately leave shared among
	// coroutines (ppc64le's vscr). Those and FPRounding are the only
	// registers a foreign port may declare not claimed: any other slot is a
	// callee-saved register, which a switch that breaks the ABI forgets.
	Declarable []string `json:"declarable,omitempty"`
	// FrameRecord are the probe slots every function that calls saves in
	// its frame record, in every build (arm64's x29): a foreign switch
	// keeps them without naming them.
	FrameRecord []string `json:"frame_record,omitempty"`

	// Dir is the port's folder, set when it is loaded.
	Dir string `json:"-"`

	// Foreign is set for a port of the foreign registry (package foreign):
	// someone else's switch on top of our port of its arch.
	Foreign *Foreign `json:"-"`
}

// Foreign is what a foreign port changes in the port of its base arch:
// the switch sources, and what it declares it does not do.
type Foreign struct {
	// Base is the arch: our port it inherits triple, compilers, QEMU,
	// probe and emulator bugs from.
	Base string
	// Data is its data file as people know it.
	Data string
	// Switch are the sources compiled in place of switch.S; Flags adds
	// compiler flags by source, and Inputs are the files those sources read
	// besides themselves (a header the adapter includes), for the object
	// cache's key.
	Switch []string
	Flags  map[string][]string
	Inputs []string
	// SwitchFile is the switch source its data file names, and SHA256 its
	// digest, for the reports.
	SwitchFile, SHA256 string
	// Provenance is every file its switch's build reads besides the base
	// port's and the core's: the switch source, what it includes from
	// outside the toolchain, the files its cflags force in, and our adapter
	// around it. CFlags are its data file's cflags as written, and
	// InputsSHA256 one digest of all of them with its style and base, which
	// any change of an input changes: what a verdict judged, exactly.
	Provenance   []InputFile
	CFlags       []string
	InputsSHA256 string
	// Unclaimed are the callee-saved registers (probe slots) its switch
	// source neither saves nor names in a clobber list: kept, if at all,
	// only where the compiler saves them for its own use. ClaimsUnread
	// says why the source's saves could not be read, when they could not.
	Unclaimed    []string
	ClaimsUnread string
	// NotClaimed maps a register (a probe slot name) it does not preserve
	// to why; UnsupportedBuilds maps a build it cannot work in to why.
	NotClaimed        map[string]string
	UnsupportedBuilds map[string]string
}

// InputFile is a file a foreign switch's build reads, what part it plays
// (the Role* constants) and its SHA-256.
type InputFile struct {
	Path, Role, SHA256 string
}

// The parts an InputFile plays in a foreign switch's build.
const (
	// RoleSwitch is the switch source the data file names.
	RoleSwitch = "switch"
	// RoleInclude is a file a switch source or a forced include includes,
	// found beside it or in the folders its cflags name (-I, -iquote, ...).
	RoleInclude = "include"
	// RoleForced is a file its cflags force into the compile (-include,
	// -imacros).
	RoleForced = "forced include"
	// RoleAdapter is our source compiled around the switch source (the SLP
	// adapter, the base's trampoline).
	RoleAdapter = "adapter"
)

// Arch is the architecture the port targets: its name, or a foreign
// port's base.
func (p Port) Arch() string {
	if p.Foreign != nil {
		return p.Foreign.Base
	}
	return p.Name
}

// DataPath is the port's data file as people know it: arch/<name>/port.json.
func (p Port) DataPath() string {
	if p.Foreign != nil {
		return p.Foreign.Data
	}
	return filepath.Join(filepath.Base(filepath.Dir(p.Dir)), filepath.Base(p.Dir), DataFile)
}

// ArchDataPath is the data file of the port's arch as people know it,
// arch/<arch>/port.json: its own for our port, its base's for a foreign
// one, which inherits what that file says (emulator_bugs,
// unsupported_builds) and whose own port.json cannot say it.
func (p Port) ArchDataPath() string {
	return filepath.Join(filepath.Base(filepath.Dir(p.Dir)), p.Arch(), DataFile)
}

// Sources are the port's assembly files, in link order.
func (p Port) Sources() []string {
	if p.Foreign != nil {
		return append(slices.Clone(p.Foreign.Switch), filepath.Join(p.Dir, "probe.S"))
	}
	return []string{filepath.Join(p.Dir, "switch.S"), filepath.Join(p.Dir, "probe.S")}
}

// SwitchSource is the file that holds the port's switch: switch.S, or a
// foreign port's switch source (what the mutation check mutates).
func (p Port) SwitchSource() string {
	if p.Foreign != nil {
		return p.Foreign.SwitchFile
	}
	return filepath.Join(p.Dir, "switch.S")
}

// SourceFlags are the compiler flags the port adds to src: a foreign
// port's flags for its switch sources, else none.
func (p Port) SourceFlags(src string) []string {
	if p.Foreign == nil {
		return nil
	}
	return p.Foreign.Flags[src]
}

// Inputs are the files the port's sources read besides themselves and its
// folder (a foreign adapter's SLP header), sorted: the object cache keys
// on them.
func (p Port) Inputs() []string {
	if p.Foreign == nil {
		return nil
	}
	return slices.Sorted(slices.Values(p.Foreign.Inputs))
}

// NotClaimed are the registers the port declares it does not preserve
// (a foreign port's not_claimed), sorted; none for ours.
func (p Port) NotClaimed() []string {
	if p.Foreign == nil {
		return nil
	}
	return slices.Sorted(maps.Keys(p.Foreign.NotClaimed))
}

// Base is a foreign port's arch (our port it runs on), which its name need
// not say; "" for ours, whose name is its arch.
func (p Port) Base() string {
	if p.Foreign == nil {
		return ""
	}
	return p.Foreign.Base
}

// WithSwitch is p in dir with its switch source replaced by file: for a foreign
// port, every source, flag and input that names the original names file
// (a mutant of it).
func (p Port) WithSwitch(dir, file string) Port {
	p.Dir = dir
	if p.Foreign == nil {
		return p
	}
	f := *p.Foreign
	old := f.SwitchFile
	swap := func(s string) string {
		if s == old {
			return file
		}
		return strings.ReplaceAll(s, strconv.Quote(old), strconv.Quote(file))
	}
	f.SwitchFile = file
	f.Switch, f.Inputs = nil, nil
	for _, s := range p.Foreign.Switch {
		f.Switch = append(f.Switch, swap(s))
	}
	for _, s := range p.Foreign.Inputs {
		f.Inputs = append(f.Inputs, swap(s))
	}
	f.Flags = map[string][]string{}
	for src, flags := range p.Foreign.Flags {
		var out []string
		for _, fl := range flags {
			out = append(out, swap(fl))
		}
		f.Flags[swap(src)] = out
	}
	p.Foreign = &f
	return p
}

// CompileFlags are the flags of CFlags, sorted.
func (p Port) CompileFlags() []string { return slices.Sorted(maps.Keys(p.CFlags)) }

// LinkFlags are the flags of LDFlags, sorted.
func (p Port) LinkFlags() []string { return slices.Sorted(maps.Keys(p.LDFlags)) }

// Unsupported tells whether build cannot work for the port, why, and which
// data file says so: a foreign port's own declaration, else that of our
// port of its arch (which a foreign port inherits).
func (p Port) Unsupported(build string) (why, data string, ok bool) {
	if p.Foreign != nil {
		if why, ok := p.Foreign.UnsupportedBuilds[build]; ok {
			return why, p.Foreign.Data, true
		}
	}
	why, ok = p.UnsupportedBuilds[build]
	return why, p.ArchDataPath(), ok
}

// Images are the toolchain images a port is built in, and why only there.
type Images struct {
	Only []string `json:"only"`
	Why  string   `json:"why"`
}

// String says where the port builds and why only there, as every skip of
// such a port begins: "builds only in toolchain image trixie (why)".
func (im Images) String() string {
	return fmt.Sprintf("builds only in toolchain image %s (%s)", strings.Join(im.Only, ", "), im.Why)
}

// BuildsIn tells whether the port is built with the toolchain named ("" for
// the host, else a toolchain image's release): any, unless its data names
// the only images that can.
func (p Port) BuildsIn(toolchain string) bool {
	return p.Images == nil || slices.Contains(p.Images.Only, toolchain)
}

// RunsNativelyOn tells whether a host of the given GOARCH may execute the
// port's binaries, as its data claims (qemu.For decides).
func (p Port) RunsNativelyOn(hostArch string) bool {
	if hostArch == p.Arch() {
		return true
	}
	for _, a := range p.NativeOn {
		if a == hostArch {
			return true
		}
	}
	return false
}

var imageName = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

func (p Port) validate() error {
	missing := []string{}
	for field, value := range map[string]string{
		"name": p.Name, "triple": p.Triple, "cc": p.CC, "qemu": p.QEMU, "qemu_cpu": p.QEMUCPU, "abi": p.ABI, "predefined": p.Predefined,
	} {
		if value == "" {
			missing = append(missing, field)
		}
	}
	if len(p.Packages) == 0 {
		missing = append(missing, "packages")
	}
	if p.StackArea == nil {
		missing = append(missing, "stack_area")
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return fmt.Errorf("missing %s", strings.Join(missing, ", "))
	}
	if strings.ContainsAny(p.Predefined, "\n\r") {
		return errors.New("predefined must be one line")
	}
	if _, err := ParseCondition(p.Predefined); err != nil {
		return fmt.Errorf("predefined: %w", err)
	}
	for build, why := range p.UnsupportedBuilds {
		if strings.TrimSpace(why) == "" {
			return fmt.Errorf("unsupported_builds: %q needs a reason", build)
		}
	}
	for _, f := range []struct {
		field string
		flags map[string]string
	}{{"cflags", p.CFlags}, {"ldflags", p.LDFlags}} {
		for _, flag := range slices.Sorted(maps.Keys(f.flags)) {
			if !strings.HasPrefix(flag, "-") || strings.ContainsAny(flag, " \t\n\r") {
				return fmt.Errorf("%s: %q is no compiler flag (one word starting with -)", f.field, flag)
			}
			if strings.TrimSpace(f.flags[flag]) == "" {
				return fmt.Errorf("%s: %q needs a reason", f.field, flag)
			}
		}
	}
	if im := p.Images; im != nil {
		if len(im.Only) == 0 || strings.TrimSpace(im.Why) == "" {
			return errors.New("toolchain_images: name the images in \"only\" and say in \"why\" why the host's release cannot build the port")
		}
		for _, name := range im.Only {
			if !imageName.MatchString(name) || name == "host" {
				return fmt.Errorf("toolchain_images: %q is no toolchain image (a folder name of docker/)", name)
			}
		}
	}
	if p.StackGrows != "" && p.StackGrows != StackDown && p.StackGrows != StackUp {
		return fmt.Errorf("stack_grows %q: the direction the stack grows, %q or %q (absent: %q)", p.StackGrows, StackDown, StackUp, StackDown)
	}
	if p.AreaBytes != 0 && (p.AreaBytes < 16 || p.AreaBytes%16 != 0 || p.AreaBytes > MaxAreaBytes) {
		return fmt.Errorf("area_bytes %d: the size of a coroutine's register area, a multiple of 16 from 16 to %d", p.AreaBytes, MaxAreaBytes)
	}
	if *p.StackArea < 0 {
		return fmt.Errorf("stack_area %d: the bytes a callee may write above its caller's stack pointer, 0 or more", *p.StackArea)
	}
	if err := p.Asm.validate(); err != nil {
		return err
	}
	if p.Name != filepath.Base(p.Dir) {
		return fmt.Errorf("name %q differs from its folder %q", p.Name, filepath.Base(p.Dir))
	}
	for field, regs := range map[string][]string{"fp_rounding": p.FPRounding, "declarable": p.Declarable, "frame_record": p.FrameRecord} {
		if len(regs) == 0 {
			continue
		}
		slots, err := p.Slots()
		if err != nil {
			return fmt.Errorf("%s: %w", field, err)
		}
		for _, reg := range regs {
			if !slices.Contains(slots, reg) {
				return fmt.Errorf("%s names %q, which is no slot of probe.S (a line \"slot %s, ...\" of its .macro slots)", field, reg, reg)
			}
		}
	}
	return nil
}

// The directions a stack grows in (port.json stack_grows).
const (
	StackDown = "down"
	StackUp   = "up"
)

// Growth is the direction p's stack grows: StackDown or StackUp.
func (p Port) Growth() string {
	if p.StackGrows == "" {
		return StackDown
	}
	return p.StackGrows
}

// MaxAreaBytes is the largest register area a port may declare: the core's
// default SL_AREA_BYTES (core/port.h), which fits every port.
const MaxAreaBytes = 640

// CoreDefines are the -D flags (without the -D) every compile of the core
// and of what includes core/port.h gets for p: the direction its stack
// grows, and the size of its register area where it declares one.
func (p Port) CoreDefines() []string {
	defines := []string{"SL_STACK_GROWS=" + p.Growth()}
	if p.AreaBytes > 0 {
		defines = append(defines, fmt.Sprintf("SL_AREA_BYTES=%d", p.AreaBytes))
	}
	return defines
}

// DeclarableSlots are the probe slots a foreign port on p may declare in
// not_claimed: the FP rounding mode's and the other control and status
// registers p's data names (fp_rounding, declarable), never a callee-saved
// register.
func (p Port) DeclarableSlots() []string {
	return append(slices.Clone(p.FPRounding), p.Declarable...)
}

// Load reads every port under archDir (the repository's arch/ folder),
// sorted by name.
func Load(archDir string) ([]Port, error) {
	entries, err := os.ReadDir(archDir)
	if err != nil {
		return nil, fmt.Errorf("reading ports: %w", err)
	}
	var ports []Port
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		dir := filepath.Join(archDir, e.Name())
		data, err := inputfile.Read(filepath.Join(dir, DataFile))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("port %s: %w", e.Name(), err)
		}
		p, err := parse(data)
		if err != nil {
			return nil, fmt.Errorf("port %s: %s: %w", e.Name(), DataFile, err)
		}
		p.Dir = dir
		if err := p.validate(); err != nil {
			return nil, fmt.Errorf("port %s: %s: %w", e.Name(), DataFile, err)
		}
		ports = append(ports, p)
	}
	if len(ports) == 0 {
		return nil, fmt.Errorf("no ports found under %s", archDir)
	}
	return ports, nil
}

// parse reads one data file: a single JSON object with known fields only.
func parse(data []byte) (Port, error) {
	var p Port
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return Port{}, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return Port{}, errors.New("trailing data after the JSON object")
	}
	return p, nil
}

// Names lists the ports' names.
func Names(ports []Port) []string {
	names := make([]string, len(ports))
	for i, p := range ports {
		names[i] = p.Name
	}
	return names
}

// Select returns the named ports, in the order given; all of them when names
// is empty. An unknown name is an error that lists the known ports.
func Select(ports []Port, names []string) ([]Port, error) {
	if len(names) == 0 {
		return ports, nil
	}
	byName := map[string]Port{}
	for _, p := range ports {
		byName[p.Name] = p
	}
	selected := make([]Port, 0, len(names))
	for _, n := range names {
		p, ok := byName[n]
		if !ok {
			return nil, fmt.Errorf("unknown port %q (known ports: %s)", n, strings.Join(Names(ports), ", "))
		}
		selected = append(selected, p)
	}
	return selected, nil
}
