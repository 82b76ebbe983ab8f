package foreign

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/build"
)

// WriteDeclarations says, for each base port, what a foreign port.json on
// it may declare: the registers not_claimed may name (the FP control and
// status registers its data marks declarable), the callee-saved ones the
// canaries check, which no declaration excuses, and the builds
// unsupported_builds may name. The register names are the slots of the
// base's probe.S, the names the reports use.
func WriteDeclarations(w io.Writer, bases []arch.Port) error {
	var builds []string
	for _, b := range build.Matrix {
		builds = append(builds, b.Name)
	}
	fmt.Fprintf(w, "style: %q (a source defining sl_arch_switch, core/port.h), %q (an SLP-style header defining slp_switch(void)) or %q (a stacklet-style header defining slp_switch(save_state, restore_state, extra))\n", StyleSL, StyleSLP, StyleStacklet)
	fmt.Fprintf(w, "unsupported_builds may name: %s\n", strings.Join(builds, ", "))
	for _, p := range bases {
		slots, err := p.Slots()
		if err != nil {
			return err
		}
		declarable := p.DeclarableSlots()
		var preserved []string
		for _, s := range slots {
			if !slices.Contains(declarable, s) && !slices.Contains(p.FrameRecord, s) {
				preserved = append(preserved, s)
			}
		}
		fmt.Fprintf(w, "\nbase %q: %s, %s\n", p.Name, p.Triple, p.ABI)
		fmt.Fprintf(w, "  not_claimed may name: %s\n", listOr(declarable, "nothing (no control or status register is declarable)"))
		fmt.Fprintf(w, "  callee-saved, to preserve (never declarable): %s\n", listOr(preserved, "none"))
		if len(p.FrameRecord) > 0 {
			fmt.Fprintf(w, "  kept by every caller's frame record (need not be named): %s\n", strings.Join(p.FrameRecord, ", "))
		}
	}
	return nil
}

func listOr(names []string, none string) string {
	if len(names) == 0 {
		return none
	}
	return strings.Join(names, ", ")
}
