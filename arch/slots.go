package arch

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/stackslice/stackslice/internal/inputfile"
)

// Slots are the names of the register canary slots of the port's probe.S,
// in slot order, each once (a 128-bit register's two halves are one): the
// callee-saved registers and FP control registers the register canary cases
// check. They are read from its `.macro slots` (core/probe.inc): `slot
// <name>, ...` and `sl_slots <list>` lines, `.irp` loops around them, and
// the #defines that name the lists.
func (p Port) Slots() ([]string, error) {
	file := filepath.Join(p.Dir, "probe.S")
	data, err := inputfile.Read(file)
	if err != nil {
		return nil, err
	}
	slots, err := readSlots(string(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return slots, nil
}

var (
	probeDefine = regexp.MustCompile(`^#\s*define\s+([A-Za-z_]\w*)\s+(.*)$`)
	probeBlock  = regexp.MustCompile(`/\*(?s:.*?)\*/`)
)

func readSlots(src string) ([]string, error) {
	src = probeBlock.ReplaceAllStringFunc(src, func(c string) string { return strings.Repeat("\n", strings.Count(c, "\n")) })
	defines := map[string]string{}
	var body []string
	in, done := false, false
	for _, l := range strings.Split(src, "\n") {
		l = strings.TrimSpace(l)
		if m := probeDefine.FindStringSubmatch(l); m != nil {
			defines[m[1]] = m[2]
			continue
		}
		op, args := splitDirective(l)
		switch {
		case op == ".macro" && args == "slots":
			in = true
		case in && op == ".endm":
			in, done = false, true
		case in:
			body = append(body, l)
		}
	}
	if !done {
		return nil, fmt.Errorf("no .macro slots ... .endm")
	}
	list := func(s string) []string {
		var out []string
		for _, item := range strings.Split(s, ",") {
			item = strings.TrimSpace(item)
			if d, ok := defines[item]; ok {
				for _, sub := range strings.Split(d, ",") {
					out = append(out, strings.TrimSpace(sub))
				}
			} else if item != "" {
				out = append(out, item)
			}
		}
		return out
	}
	var slots []string
	add := func(name string) {
		if name != "" && !slices.Contains(slots, name) {
			slots = append(slots, name)
		}
	}
	var read func(lines []string) error
	read = func(lines []string) error {
		for i := 0; i < len(lines); i++ {
			op, args := splitDirective(lines[i])
			switch op {
			case "":
			case ".irp":
				name, items, _ := strings.Cut(args, ",")
				end := i + 1
				for end < len(lines) && !strings.HasPrefix(lines[end], ".endr") {
					end++
				}
				if end == len(lines) {
					return fmt.Errorf(".irp without .endr in .macro slots")
				}
				for _, item := range list(items) {
					var inner []string
					for _, l := range lines[i+1 : end] {
						inner = append(inner, strings.ReplaceAll(l, `\`+strings.TrimSpace(name), item))
					}
					if err := read(inner); err != nil {
						return err
					}
				}
				i = end
			case "slot":
				first, _, _ := strings.Cut(args, ",")
				add(strings.TrimSpace(first))
			case "sl_slots":
				for _, name := range list(args) {
					add(name)
				}
			default:
				return fmt.Errorf("%q in .macro slots: only slot, sl_slots and .irp loops are read", lines[i])
			}
		}
		return nil
	}
	if err := read(body); err != nil {
		return nil, err
	}
	if len(slots) == 0 {
		return nil, fmt.Errorf("no slot in .macro slots")
	}
	return slots, nil
}

// splitDirective splits an assembler line into its first word and the rest.
func splitDirective(l string) (op, args string) {
	l = strings.TrimSpace(l)
	op, args, _ = strings.Cut(strings.ReplaceAll(l, "\t", " "), " ")
	return op, strings.TrimSpace(args)
}
