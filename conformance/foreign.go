package conformance

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/internal/text"
)

// RoundingRegisters are the probe slots that hold the FP rounding mode on
// some arch: the fp_* cases depend on them, so a foreign port that declares
// one of them not claimed has those cases' failures excused as known.
var RoundingRegisters = []string{"mxcsr", "x87cw", "fpcr", "fpscr", "fcsr", "fpc"}

// FPCasePrefix starts the names of the cases that check FP control state.
const FPCasePrefix = "fp_"

// gapLine is what the register canary cases print for each declared
// register (conformance/cases/registers.c).
var gapLine = regexp.MustCompile(`(?m)^sl-gap: (\S+) (changed|preserved)$`)

// judgeForeign applies a foreign port's declarations to its run: the
// declared registers the canaries saw change become gaps, those they saw
// preserved in every round become notes (the declaration can go), the fp_*
// failures a declared rounding register explains become known failures,
// and a build declared unsupported makes the run unsupported, noting what
// it did.
func judgeForeign(run *Run, p arch.Port) {
	f := p.Foreign
	run.Switch, run.SwitchSHA256 = f.SwitchFile, f.SHA256
	changed, reported := map[string]bool{}, map[string]bool{}
	for _, c := range run.Cases {
		for _, m := range gapLine.FindAllStringSubmatch(c.Output, -1) {
			reg, _, _ := strings.Cut(m[1], ".") // v20.hi counts for v20 too
			for _, r := range []string{m[1], reg} {
				reported[r] = true
				changed[r] = changed[r] || m[2] == "changed"
			}
		}
	}
	for _, reg := range sortedKeys(f.NotClaimed) {
		switch {
		case changed[reg]:
			run.Gaps = append(run.Gaps, fmt.Sprintf("%s: not preserved across a switch (declared in not_claimed: %s)", reg, f.NotClaimed[reg]))
		case reported[reg]:
			run.Notes = append(run.Notes, fmt.Sprintf("%s is declared in not_claimed of %s, but the register canaries saw it preserved in every round: the declaration can go",
				reg, f.Data))
		}
	}
	var excuses []string
	for _, reg := range RoundingRegisters {
		if why, ok := f.NotClaimed[reg]; ok {
			excuses = append(excuses, fmt.Sprintf("%s (%s)", reg, why))
		}
	}
	for i, c := range run.Cases {
		if len(excuses) > 0 && c.Status == Fail && strings.HasPrefix(c.Name, FPCasePrefix) {
			run.Cases[i].Status = KnownFailure
			run.Cases[i].Reason = fmt.Sprintf("declared gap %s: %s", strings.Join(excuses, ", "), c.Reason)
		}
	}
	why, unsupported := f.UnsupportedBuilds[run.Build]
	if !unsupported {
		return
	}
	observed := "every case passed: if it works now, remove the build from unsupported_builds"
	passed, failed := run.Counts()
	switch {
	case run.Err != nil:
		observed = text.FirstLine(run.Err.Error())
	case !run.OK():
		observed = fmt.Sprintf("%d passed, %d failed", passed, failed)
		if i := slices.IndexFunc(run.Cases, func(c CaseResult) bool { return c.Status == Fail }); i >= 0 {
			observed += fmt.Sprintf(" (%s: %s)", run.Cases[i].Name, text.FirstLine(run.Cases[i].Reason))
		}
	}
	run.Unsupported = why
	run.Notes = append(run.Notes, fmt.Sprintf("declared unsupported in %s (%s); this run: %s", f.Data, why, observed))
	run.Err, run.Cases, run.Gaps = nil, nil, nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
