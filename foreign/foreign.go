// Package foreign is the registry of foreign ports: someone else's switch
// (greenlet's slp_switch headers, another library's assembly) run through
// the conformance suite on top of our port of its arch. Each is a folder
// with a port.json, under the repository's foreign/ or a folder of
// SL_FOREIGN_PATH; none is ever part of test:all.
package foreign

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
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
	"strings"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/conformance"
	"github.com/stackslice/stackslice/internal/inputfile"
	"github.com/stackslice/stackslice/internal/text"
	"github.com/stackslice/stackslice/mutants"
)

// PathVariable names the colon-separated folders of ports kept outside the
// repository: each holds <name>/port.json folders, or is one itself.
const PathVariable = "SL_FOREIGN_PATH"

// The styles of switch source a foreign port may have.
const (
	// StyleSL defines int sl_arch_switch(void *area) itself (core/port.h).
	StyleSL = "sl"
	// StyleSLP is an SLP-style header defining slp_switch() with
	// SLP_SAVE_STATE and SLP_RESTORE_STATE: foreign/adapter makes it a port.
	StyleSLP = "slp"
	// StyleStacklet is a callback-style header (PyPy's stacklet) defining
	// slp_switch(save_state, restore_state, extra): foreign/adapter makes
	// it a port, on the SLP trampoline.
	StyleStacklet = "stacklet"
)

// Spec is a foreign port's port.json.
type Spec struct {
	Name string `json:"name"`
	// Base is our port whose triple, compilers, QEMU, probe and emulator
	// bugs it inherits.
	Base string `json:"base"`
	// Switch is the switch source, relative to Source when that is a
	// folder, else to the data file's folder; empty when Source is the file.
	Switch string `json:"switch,omitempty"`
	Style  string `json:"style"`
	// CFlags are added when compiling the switch source; the paths they
	// name (-I, -iquote, -isystem, -idirafter, -include, -imacros) are
	// relative to the data file's folder.
	CFlags []string `json:"cflags,omitempty"`
	// Source is a folder or file outside the repository (a checkout of
	// greenlet), relative to the data file's folder unless absolute.
	Source string `json:"source,omitempty"`
	// NotClaimed maps a register it does not preserve to why.
	NotClaimed map[string]string `json:"not_claimed,omitempty"`
	// UnsupportedBuilds maps a build it cannot work in to why.
	UnsupportedBuilds map[string]string `json:"unsupported_builds,omitempty"`
	// Description says what it is, for people.
	Description string `json:"description,omitempty"`
}

// Dirs are the folders foreign ports are looked up in: root's foreign/,
// then each folder of path (SL_FOREIGN_PATH's value), in order.
func Dirs(root, path string) []string {
	dirs := []string{filepath.Join(root, "foreign")}
	for _, d := range strings.Split(path, ":") {
		if d != "" {
			dirs = append(dirs, d)
		}
	}
	return dirs
}

var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// Load reads every foreign port under dirs (see Dirs) and resolves each
// against the ports of archDir, sorted by name. A name found twice, a base
// that is not a port, a style, build or register declaration that cannot
// be right, or a switch source that is missing is an error naming the
// data file.
func Load(archDir string, dirs []string) ([]arch.Port, error) {
	bases, err := arch.Load(archDir)
	if err != nil {
		return nil, err
	}
	var ports []arch.Port
	where := map[string]string{}
	for i, dir := range dirs {
		files, err := dataFiles(dir, i == 0)
		if err != nil {
			return nil, err
		}
		for _, file := range files {
			p, err := load(file, bases)
			if err != nil {
				return nil, err
			}
			if other, dup := where[p.Name]; dup {
				return nil, fmt.Errorf("foreign port %q is defined twice: %s and %s", p.Name, other, file)
			}
			where[p.Name] = file
			ports = append(ports, p)
		}
	}
	sort.Slice(ports, func(i, j int) bool { return ports[i].Name < ports[j].Name })
	return ports, nil
}

// dataFiles lists the port.json of dir itself, or else of its folders. The
// repository's foreign/ may be missing; a folder of SL_FOREIGN_PATH may not.
func dataFiles(dir string, optional bool) ([]string, error) {
	if _, err := os.Stat(filepath.Join(dir, arch.DataFile)); err == nil {
		return []string{filepath.Join(dir, arch.DataFile)}, nil
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) && optional {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("foreign ports (%s): %w", PathVariable, err)
	}
	var files []string
	for _, e := range entries {
		file := filepath.Join(dir, e.Name(), arch.DataFile)
		if _, err := os.Stat(file); e.IsDir() && err == nil {
			files = append(files, file)
		}
	}
	return files, nil
}

func load(file string, bases []arch.Port) (arch.Port, error) {
	data, err := inputfile.Read(file)
	if err != nil {
		return arch.Port{}, err
	}
	var s Spec
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return arch.Port{}, fmt.Errorf("%s: %w", file, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return arch.Port{}, fmt.Errorf("%s: trailing data after the JSON object", file)
	}
	p, err := resolve(s, filepath.Dir(file), bases)
	if err != nil {
		return arch.Port{}, fmt.Errorf("%s: %w", file, err)
	}
	p.Foreign.Data = file
	return p, nil
}

// resolve checks s, read from dir, and turns it into the port the harness
// runs: its base, with the switch sources replaced.
func resolve(s Spec, dir string, bases []arch.Port) (arch.Port, error) {
	switch {
	case s.Name == "":
		return arch.Port{}, errors.New("missing name")
	case !nameRE.MatchString(s.Name):
		return arch.Port{}, fmt.Errorf("name %q: use lower-case letters, digits, '.', '_' and '-'", s.Name)
	case s.Name != filepath.Base(dir):
		return arch.Port{}, fmt.Errorf("name %q differs from its folder %q", s.Name, filepath.Base(dir))
	}
	i := slices.IndexFunc(bases, func(b arch.Port) bool { return b.Name == s.Base })
	if i < 0 {
		return arch.Port{}, fmt.Errorf("base %q is not a port (ports: %s)", s.Base, strings.Join(arch.Names(bases), ", "))
	}
	// The reports name a run by its port: a foreign name that is a port's
	// (any, not only its base's) would pass its runs off as that arch's.
	if slices.Contains(arch.Names(bases), s.Name) || s.Name == "all" {
		return arch.Port{}, fmt.Errorf("name %q is our own port's (or a word the harness reserves): pick another, e.g. %q", s.Name, s.Name+"-foreign")
	}
	file, err := switchFile(s, dir)
	if err != nil {
		return arch.Port{}, err
	}
	if err := checkNotClaimed(s.NotClaimed, bases[i]); err != nil {
		return arch.Port{}, err
	}
	if err := conformance.CheckBuildNames(s.UnsupportedBuilds); err != nil {
		return arch.Port{}, err
	}
	cflags, err := parseCFlags(s.CFlags, dir)
	if err != nil {
		return arch.Port{}, err
	}
	data, err := inputfile.Read(file)
	if err != nil {
		return arch.Port{}, fmt.Errorf("switch source: %w", err)
	}
	sum := sha256.Sum256(data)
	p := bases[i]
	p.Name = s.Name
	p.Foreign = &arch.Foreign{
		Base: s.Base, SwitchFile: file, SHA256: hex.EncodeToString(sum[:]),
		NotClaimed: s.NotClaimed, UnsupportedBuilds: s.UnsupportedBuilds, Flags: map[string][]string{},
	}
	// Someone else's code: its warnings are not our errors. The switch is
	// left uninstrumented in the sanitizer build, like our switch.S: its
	// frame moves with the stack, under the sanitizers' shadow.
	flags := append([]string{"-Wno-error", "-fno-sanitize=all"}, cflags.flags...)
	switch s.Style {
	case StyleSL:
		p.Foreign.Switch = []string{file}
		p.Foreign.Flags[file] = flags
	case StyleSLP, StyleStacklet:
		root := filepath.Dir(filepath.Dir(p.Dir)) // arch/<base> → the repository
		c, tramp := filepath.Join(root, "foreign", "adapter", s.Style+".c"), filepath.Join(p.Dir, arch.SLPFile)
		if _, err := os.Stat(tramp); err != nil {
			return arch.Port{}, fmt.Errorf("style %q: no SLP trampoline for %s: add arch/%s/%s (docs/adding-a-port.md)", s.Style, s.Base, s.Base, arch.SLPFile)
		}
		p.Foreign.Switch = []string{c, tramp}
		if s.Style == StyleSLP {
			p.Foreign.Flags[c] = append(flags, fmt.Sprintf("-DSL_SLP_HEADER=%q", file), fmt.Sprintf("-DSL_SLP_AREA=%d", *p.StackArea))
		} else {
			p.Foreign.Flags[c] = append(flags, fmt.Sprintf("-DSL_STACKLET_HEADER=%q", file))
		}
		p.Foreign.Inputs = []string{file}
	default:
		return arch.Port{}, fmt.Errorf("style %q: use %q (it defines sl_arch_switch), %q (an SLP-style header defining slp_switch(void)) or %q (a stacklet-style header defining slp_switch(save_state, restore_state, extra))", s.Style, StyleSL, StyleSLP, StyleStacklet)
	}
	if err := recordProvenance(&p, s, dir, cflags); err != nil {
		return arch.Port{}, err
	}
	// What the source claims to save is read once, as the mutation check
	// reads it; every run of the port is judged on it (conformance).
	if p.Foreign.Unclaimed, err = mutants.Unclaimed(p); err != nil {
		p.Foreign.ClaimsUnread = text.FirstLine(err.Error())
	}
	return p, nil
}

// checkNotClaimed lets a foreign port declare only what a switch may leave
// shared: the control and status registers its base's data marks as
// declarable. A callee-saved register that a switch does not preserve is an
// ABI break, which no declaration excuses.
func checkNotClaimed(notClaimed map[string]string, base arch.Port) error {
	if len(notClaimed) == 0 {
		return nil
	}
	slots, err := base.Slots()
	if err != nil {
		return fmt.Errorf("not_claimed: %w", err)
	}
	declarable := base.DeclarableSlots()
	only := "none can be declared"
	if len(declarable) > 0 {
		only = "only " + strings.Join(declarable, ", ") + " can be declared"
	}
	for _, reg := range slices.Sorted(maps.Keys(notClaimed)) {
		switch {
		case !nameRE.MatchString(reg) || strings.TrimSpace(notClaimed[reg]) == "":
			return fmt.Errorf("not_claimed: %q needs a register name and a reason", reg)
		case slices.Contains(declarable, reg):
		case slices.Contains(slots, reg):
			return fmt.Errorf("not_claimed: %s is a callee-saved register of %s: a switch must preserve it, and no declaration excuses that (%s: the control and status registers arch/%s/port.json lists in fp_rounding and declarable)",
				reg, base.ABI, only, base.Name)
		default:
			return fmt.Errorf("not_claimed: %q is no register the canaries check (the slots of arch/%s/probe.S); %s", reg, base.Name, only)
		}
	}
	return nil
}

// switchFile finds the switch source s names, and checks its kind fits the style.
func switchFile(s Spec, dir string) (string, error) {
	file := s.Switch
	if s.Source != "" {
		src := s.Source
		if !filepath.IsAbs(src) {
			src = filepath.Join(dir, src)
		}
		info, err := os.Stat(src)
		if err != nil {
			return "", fmt.Errorf("source: %w", err)
		}
		switch {
		case info.IsDir() && file == "":
			return "", errors.New("source is a folder: name the switch source in it with \"switch\"")
		case info.IsDir():
			file = filepath.Join(src, file)
		case file != "":
			return "", errors.New("source is a file: it is the switch source, so leave \"switch\" out")
		default:
			file = src
		}
	} else if file == "" {
		return "", errors.New("missing switch (or source)")
	} else if !filepath.IsAbs(file) {
		file = filepath.Join(dir, file)
	}
	file, err := filepath.Abs(file)
	if err != nil {
		return "", err
	}
	if info, err := os.Stat(file); err != nil || info.IsDir() {
		return "", fmt.Errorf("switch source %s: not a file", file)
	}
	ext := filepath.Ext(file)
	ok := map[string][]string{StyleSL: {".S", ".s", ".c"}, StyleSLP: {".h", ".c"}, StyleStacklet: {".h", ".c"}}[s.Style]
	if ok != nil && !slices.Contains(ok, ext) {
		return "", fmt.Errorf("switch source %s: style %q takes %s", file, s.Style, strings.Join(ok, ", "))
	}
	return file, nil
}

// Select returns the named foreign ports; every one for "all" or no name.
// An unknown name lists the known ones.
func Select(ports []arch.Port, names []string) ([]arch.Port, error) {
	if len(names) == 0 || (len(names) == 1 && names[0] == "all") {
		if len(ports) == 0 {
			return nil, fmt.Errorf("no foreign ports (foreign/<name>/port.json, or folders in %s)", PathVariable)
		}
		return ports, nil
	}
	if len(ports) == 0 {
		return nil, fmt.Errorf("unknown foreign port %q: there are none (foreign/<name>/port.json, or folders in %s)", names[0], PathVariable)
	}
	sel, err := arch.Select(ports, names)
	if err != nil {
		return nil, fmt.Errorf("foreign: %w", err)
	}
	return sel, nil
}
