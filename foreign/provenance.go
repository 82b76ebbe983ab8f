package foreign

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/internal/inputfile"
)

// The compiler options of cflags whose argument is a path, joined (-Iinc)
// or the next argument (-I inc): where headers are looked up, and the files
// forced into the compile. Longest first, so -imacros is never read as a
// joined -i option.
var (
	includeDirOptions = []string{"-idirafter", "-iquote", "-isystem", "-I"}
	pathOptions       = append([]string{"-imacros", "-include"}, includeDirOptions...)
)

// compileFlags are a foreign port's cflags with the paths they name made
// absolute from its data file's folder: the compiler runs in the object
// cache, and a port.json means the same from any working directory.
type compileFlags struct {
	// flags are the cflags, their paths resolved.
	flags []string
	// dirs are the include folders by option, in order.
	dirs map[string][]string
	// forced are the files -include and -imacros name, as given after
	// resolving: a path that is no file beside the data file stays as
	// written, for the compiler to look up in the include folders.
	forced []string
}

// parseCFlags resolves the paths of cflags against dir, the data file's
// folder. An include folder that is not one, a forced file given by an
// absolute path that is not one, or an option missing its path is an error.
func parseCFlags(cflags []string, dir string) (compileFlags, error) {
	c := compileFlags{dirs: map[string][]string{}}
	for i := 0; i < len(cflags); i++ {
		opt, arg, ok := pathOption(cflags[i])
		if !ok {
			c.flags = append(c.flags, cflags[i])
			continue
		}
		joined := arg != ""
		if !joined {
			if i+1 == len(cflags) {
				return c, fmt.Errorf("cflags: %s needs a path after it", opt)
			}
			i++
			arg = cflags[i]
		}
		path := arg
		// "=dir" and "$SYSROOT/dir" are the sysroot's (the toolchain's),
		// "-I-" no path at all.
		ours := !strings.HasPrefix(arg, "=") && !strings.HasPrefix(arg, "$") && arg != "-"
		relative := ours && !filepath.IsAbs(arg)
		if relative {
			// Absolute even when the data file's folder is not (a
			// relative SL_FOREIGN_PATH): the compiler runs elsewhere.
			abs, err := filepath.Abs(filepath.Join(dir, arg))
			if err != nil {
				return c, fmt.Errorf("cflags: %s %s: %w", opt, arg, err)
			}
			path = abs
		}
		switch {
		case !ours:
		case slices.Contains(includeDirOptions, opt):
			if info, err := os.Stat(path); err != nil || !info.IsDir() {
				return c, fmt.Errorf("cflags: %s %s: %s is no folder (a relative path is from the port.json's folder)", opt, arg, path)
			}
			c.dirs[opt] = append(c.dirs[opt], path)
		default:
			info, err := os.Stat(path)
			isFile := err == nil && info.Mode().IsRegular()
			switch {
			case filepath.IsAbs(arg) && !isFile:
				return c, fmt.Errorf("cflags: %s %s: no such file", opt, arg)
			case relative && !isFile:
				path = arg // the compiler looks it up in the include folders
			}
			c.forced = append(c.forced, path)
		}
		if joined {
			c.flags = append(c.flags, opt+path)
		} else {
			c.flags = append(c.flags, opt, path)
		}
	}
	return c, nil
}

// pathOption splits a flag that takes a path into the option and its joined
// argument ("" when the path is the next flag).
func pathOption(flag string) (opt, arg string, ok bool) {
	for _, opt := range pathOptions {
		if strings.HasPrefix(flag, opt) {
			return opt, flag[len(opt):], true
		}
	}
	return "", "", false
}

// searchPath are the folders an include is looked up in, in the
// compiler's order: for "..." the includer's folder first, then -iquote,
// then as for <...>: -I, -isystem, -idirafter. The toolchain's own folders
// come before -idirafter; what is found in none of these is the
// toolchain's, which the reports name by its compiler and version.
func (c compileFlags) searchPath(includer string, quoted bool) []string {
	var dirs []string
	if quoted {
		if includer != "" {
			dirs = append(dirs, filepath.Dir(includer))
		}
		dirs = append(dirs, c.dirs["-iquote"]...)
	}
	for _, opt := range []string{"-I", "-isystem", "-idirafter"} {
		dirs = append(dirs, c.dirs[opt]...)
	}
	return dirs
}

// includeLine is a preprocessor include of a named header. An include
// under a false #if is listed too: the list may hold a file the compile
// skips, never miss one it reads. A computed include (#include MACRO) is
// not followed.
var includeLine = regexp.MustCompile(`(?m)^[ \t]*#[ \t]*include(?:_next)?[ \t]*([<"])([^>"\r\n]+)[>"]`)

// find looks name up in dirs: the first regular file, or "".
func find(name string, dirs []string) string {
	if filepath.IsAbs(name) {
		dirs = []string{""}
	}
	for _, d := range dirs {
		path := filepath.Join(d, name)
		if info, err := os.Stat(path); err == nil && info.Mode().IsRegular() {
			abs, err := filepath.Abs(path)
			if err == nil {
				return abs
			}
		}
	}
	return ""
}

// provenance lists the files p's switch build reads that are not the base
// port's or the core's, each with its SHA-256: the switch source, our
// adapter sources compiled around it (p.Foreign.Switch), the files cflags
// force in and every file these include from the includer's folder or the
// cflags' include folders, followed transitively.
func provenance(p arch.Port, c compileFlags) ([]arch.InputFile, error) {
	var files []arch.InputFile
	seen := map[string]bool{}
	var queue []arch.InputFile
	add := func(path, role string) {
		if !seen[path] {
			seen[path] = true
			queue = append(queue, arch.InputFile{Path: path, Role: role})
		}
	}
	add(p.Foreign.SwitchFile, arch.RoleSwitch)
	for _, src := range p.Foreign.Switch {
		add(src, arch.RoleAdapter)
	}
	for _, f := range c.forced {
		if !filepath.IsAbs(f) {
			if f = find(f, c.searchPath("", true)); f == "" {
				continue // the toolchain's (-include stdint.h)
			}
		}
		add(f, arch.RoleForced)
	}
	for len(queue) > 0 {
		f := queue[0]
		queue = queue[1:]
		data, err := inputfile.Read(f.Path)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Role, err)
		}
		sum := sha256.Sum256(data)
		f.SHA256 = hex.EncodeToString(sum[:])
		files = append(files, f)
		if f.Role == arch.RoleAdapter {
			continue // ours: what it includes is the core's
		}
		for _, m := range includeLine.FindAllStringSubmatch(string(data), -1) {
			if found := find(m[2], c.searchPath(f.Path, m[1] == `"`)); found != "" {
				add(found, arch.RoleInclude)
			}
		}
	}
	return files, nil
}

// inputsDigest is one SHA-256 of everything a foreign switch's build takes
// from its port: style, base, cflags as written, and each input's role,
// name and content. A user's file is named relative to the data file's
// folder (dir) and ours relative to the tree (root), so the same inputs
// give the same digest wherever the checkout lies.
func inputsDigest(s Spec, files []arch.InputFile, dir, root string) string {
	for _, d := range []*string{&dir, &root} {
		if abs, err := filepath.Abs(*d); err == nil {
			*d = abs // as the files' paths are
		}
	}
	h := sha256.New()
	fmt.Fprintf(h, "stackslice foreign inputs 1\nstyle %q\nbase %q\n", s.Style, s.Base)
	for _, f := range s.CFlags {
		fmt.Fprintf(h, "cflag %q\n", f)
	}
	for _, f := range files {
		from := dir
		if f.Role == arch.RoleAdapter {
			from = root
		}
		path, err := filepath.Abs(f.Path)
		if err != nil {
			path = f.Path
		}
		name, err := filepath.Rel(from, path)
		if err != nil {
			name = f.Path
		}
		fmt.Fprintf(h, "file %q %q %s\n", f.Role, filepath.ToSlash(name), f.SHA256)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// recordProvenance sets what p's reports say of its inputs (Provenance,
// CFlags, InputsSHA256) and keys the object cache and the toolchain
// images' mounts on every file of a user's it reads (Inputs).
func recordProvenance(p *arch.Port, s Spec, dir string, c compileFlags) error {
	files, err := provenance(*p, c)
	if err != nil {
		return err
	}
	f := p.Foreign
	f.Provenance, f.CFlags = files, slices.Clone(s.CFlags)
	root := filepath.Dir(filepath.Dir(p.Dir)) // arch/<base> → the tree
	f.InputsSHA256 = inputsDigest(s, files, dir, root)
	for _, in := range files {
		if in.Role != arch.RoleAdapter && !slices.Contains(f.Inputs, in.Path) {
			f.Inputs = append(f.Inputs, in.Path)
		}
	}
	return nil
}
