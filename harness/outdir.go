package harness

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/stackslice/stackslice/internal/filelock"
	"github.com/stackslice/stackslice/internal/inputfile"
	"github.com/stackslice/stackslice/report"
)

// systemTrees are folders no output directory may be in: a stray SL_OUT
// there would overwrite the system (SL_OUT=/ once put binaries in /usr/bin).
var systemTrees = []string{
	"/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32", "/proc", "/sbin", "/sys",
	"/usr/bin", "/usr/include", "/usr/lib", "/usr/lib32", "/usr/lib64", "/usr/libexec", "/usr/libx32",
	"/usr/sbin", "/usr/share", "/usr/local/bin", "/usr/local/lib", "/usr/local/sbin",
	"/var/cache", "/var/lib", "/var/log", "/var/mail", "/var/spool",
}

// CheckOutDir refuses an output directory that is the root directory, a
// top-level directory (/tmp, /home, /usr...) or inside a system folder, as
// written or once symbolic links are followed.
func CheckOutDir(dir string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("output directory %s: %v", dir, err)
	}
	for _, path := range []string{abs, resolveExisting(abs)} {
		why := ""
		switch {
		case path == "/":
			why = "the root directory"
		case filepath.Dir(path) == "/" || path == "/usr/local":
			why = "a top-level system directory"
		default:
			for _, tree := range systemTrees {
				if path == tree || strings.HasPrefix(path, tree+"/") {
					why = "inside the system directory " + tree
					break
				}
			}
		}
		if why != "" {
			shown := path
			if path != abs {
				shown = abs + " (" + path + ")"
			}
			return fmt.Errorf("refusing output directory %s: it is %s; set SL_OUT to a folder of its own", shown, why)
		}
	}
	return nil
}

// resolveExisting follows the symbolic links of the longest part of path
// that exists, and keeps the rest as written.
func resolveExisting(path string) string {
	rest := ""
	for {
		if resolved, err := filepath.EvalSymlinks(path); err == nil {
			return filepath.Join(resolved, rest)
		}
		parent := filepath.Dir(path)
		if parent == path {
			return filepath.Join(path, rest)
		}
		rest = filepath.Join(filepath.Base(path), rest)
		path = parent
	}
}

// lockFile, in the output directory, is held by the run that uses it.
const lockFile = ".stackslice.lock"

// binMarker marks the folder of binaries as the harness's own.
const binMarker = ".stackslice-bin"

// outDir is an output directory a run holds: checked, locked, cleared of the
// previous run's reports, with a folder of binaries the harness owns.
type outDir struct {
	path    string
	bin     string
	objects string // compiled objects, shared by the run's builds (mutants reuse them)
	lock    *filelock.Lock
}

func (d *outDir) release() { d.lock.Release() }

// lockOutDir takes dir for one command, with the holder's pid in the lock
// file. A second command on the same directory is refused with one line,
// rather than both overwriting each other's files.
func lockOutDir(dir string) (*filelock.Lock, error) {
	if err := CheckOutDir(dir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("output directory %s: %v", dir, unwrapPath(err))
	}
	lock, held, err := filelock.Try(filepath.Join(dir, lockFile))
	var pe *os.PathError
	switch {
	case errors.As(err, &pe):
		return nil, fmt.Errorf("output directory %s is not writable: %v", dir, unwrapPath(err))
	case err != nil:
		return nil, fmt.Errorf("output directory %s: %v; remove it, or set SL_OUT to another folder", dir, err)
	}
	if held {
		holder, _ := inputfile.Read(filepath.Join(dir, lockFile))
		return nil, fmt.Errorf("output directory %s is in use by another run (%s); wait for it to end or set SL_OUT to another folder",
			dir, strings.TrimSpace(string(holder)))
	}
	note := lock.File()
	if err := note.Truncate(0); err == nil {
		_, err = fmt.Fprintf(note, "pid %d", os.Getpid())
	}
	if err != nil {
		lock.Release()
		return nil, fmt.Errorf("output directory %s is not writable: %v", dir, unwrapPath(err))
	}
	return lock, nil
}

// openOutDir takes dir for one run and prepares it.
func openOutDir(dir string) (*outDir, error) {
	lock, err := lockOutDir(dir)
	if err != nil {
		return nil, err
	}
	d := &outDir{path: dir, bin: filepath.Join(dir, "bin"), objects: filepath.Join(dir, "bin", "objects"), lock: lock}
	if err := d.prepare(); err != nil {
		d.release()
		return nil, err
	}
	return d, nil
}

func (d *outDir) prepare() error {
	if err := report.Clear(d.path); err != nil {
		return fmt.Errorf("output directory %s: %v", d.path, err)
	}
	if err := ownBinDir(d.bin); err != nil {
		return err
	}
	// Objects live for one run: the cache stays small and never outlives a
	// change it does not hash.
	if err := os.RemoveAll(d.objects); err != nil {
		return fmt.Errorf("clearing %s: %v", d.objects, unwrapPath(err))
	}
	return nil
}

// ownBinDir makes bin the harness's folder of binaries, or refuses when it
// is something else: a symbolic link, a file, or a folder of other files.
func ownBinDir(bin string) error {
	fi, err := os.Lstat(bin)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := os.Mkdir(bin, 0o755); err != nil {
			return fmt.Errorf("creating %s: %v", bin, unwrapPath(err))
		}
	case err != nil:
		return fmt.Errorf("%s: %v", bin, unwrapPath(err))
	case !fi.IsDir():
		return fmt.Errorf("refusing %s for binaries: it is not a folder of the harness's own; set SL_OUT to another folder", bin)
	default:
		if _, err := os.Lstat(filepath.Join(bin, binMarker)); err != nil && !onlyHarnessFiles(bin) {
			return fmt.Errorf("refusing %s for binaries: it holds files the harness did not make; set SL_OUT to another folder", bin)
		}
	}
	if err := filelock.WriteOwn(filepath.Join(bin, binMarker), []byte("binaries built by the stackslice harness\n")); err != nil {
		return fmt.Errorf("folder of binaries %s: %v", bin, unwrapPath(err))
	}
	return nil
}

// onlyHarnessFiles tells whether bin holds nothing but what earlier
// versions of the harness put there (before the marker existed).
func onlyHarnessFiles(bin string) bool {
	entries, err := os.ReadDir(bin)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), "runner-") && !strings.HasPrefix(e.Name(), "mutant-") && !strings.HasPrefix(e.Name(), "toolchain-") && e.Name() != "objects" {
			return false
		}
	}
	return true
}
