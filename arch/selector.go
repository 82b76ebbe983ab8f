package arch

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
)

// SelectorFile is the file that picks the port the compiler targets, in the
// folder of the ports: a C project builds the core with
// `cc -Icore core/*.c arch/switch.S`.
const SelectorFile = "switch.S"

// Selector is the content of arch/switch.S for ports: an #if chain on each
// port's predefined-macro condition that includes that port's switch.S, and
// one clear #error for a target no port matches.
func Selector(ports []Port) []byte {
	var b bytes.Buffer
	b.WriteString(`// arch/switch.S: the port of the architecture the compiler targets, chosen by
// the compiler's predefined macros, so that a C project builds the core with
// one line:
//
//     cc -Icore core/*.c arch/switch.S
//
// Generated from the "predefined" condition of every arch/<name>/port.json by
// mage port:new and mage port:select (go test ./arch fails when it is stale):
// do not edit.
`)
	for i, p := range ports {
		keyword := "#elif"
		if i == 0 {
			keyword = "#if"
		}
		fmt.Fprintf(&b, "%s %s\n#include \"%s/switch.S\"\n", keyword, p.Predefined, p.Name)
	}
	b.WriteString("#else\n#error \"stackslice has no port for this target: no arch/<name>/port.json matches its predefined macros (docs/ports.md)\"\n#endif\n")
	return b.Bytes()
}

// WriteSelector rewrites archDir/switch.S for the ports under archDir.
func WriteSelector(archDir string) error {
	ports, err := Load(archDir)
	if err != nil {
		return err
	}
	path := filepath.Join(archDir, SelectorFile)
	if err := os.WriteFile(path, Selector(ports), 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
