package conformance

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/stackslice/stackslice/arch"
	"github.com/stackslice/stackslice/build"
	"github.com/stackslice/stackslice/internal/text"
)

// FPCasePrefix starts the names of the cases that check FP control state.
const FPCasePrefix = "fp_"

// roundingFailure is how an fp_* case reports a rounding mode other than
// the one it expected (EXPECT_ROUNDING in conformance/cases/fpcontrol.c),
// and expectationsFailed the reason the runner gives a case that failed
// its expectations without crashing or hanging.
var roundingFailure = regexp.MustCompile(`^\S+:\d+: .*rounding mode -?\d+, want -?\d+$`)

const expectationsFailed = "expectations failed"

// onlyRounding tells whether a failed case's only cause, as the case
// reports it, is a rounding mode: it failed its expectations (no crash,
// no timeout) and every line it printed says so. Output cut short hides
// lines, so it is never only.
func onlyRounding(c CaseResult) bool {
	if c.Status != Fail || c.Reason != expectationsFailed || strings.TrimSpace(c.Output) == "" {
		return false
	}
	for _, l := range strings.Split(strings.TrimSpace(c.Output), "\n") {
		if !roundingFailure.MatchString(l) {
			return false
		}
	}
	return true
}

// gapLine is what the register canary cases print for each declared
// register (conformance/cases/registers.c).
var gapLine = regexp.MustCompile(`(?m)^sl-gap: (\S+) (changed|preserved)$`)

// judgeForeign applies a foreign port's declarations to its run: the
// declared registers the canaries saw change become gaps, those they saw
// preserved in every round become notes (the declaration can go), the fp_*
// failures whose only cause is the rounding mode (onlyRounding) become
// known failures when the port declares a register that holds it (its
// base's fp_rounding in port.json),
// (a build declared unsupported: judgeUnsupported).
func judgeForeign(run *Run, p arch.Port) {
	f := p.Foreign
	run.Switch, run.SwitchSHA256 = f.SwitchFile, f.SHA256
	run.Inputs, run.CFlags, run.InputsSHA256 = f.Provenance, f.CFlags, f.InputsSHA256
	judgeClaims(run, p)
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
	for _, reg := range p.NotClaimed() {
		switch {
		case changed[reg]:
			run.Gaps = append(run.Gaps, fmt.Sprintf("%s: not preserved across a switch (declared in not_claimed: %s)", reg, f.NotClaimed[reg]))
		case reported[reg]:
			run.Notes = append(run.Notes, fmt.Sprintf("%s is declared in not_claimed of %s, but the register canaries saw it preserved in every round: the declaration can go",
				reg, f.Data))
		}
	}
	var excuses []string
	for _, reg := range p.FPRounding {
		if why, ok := f.NotClaimed[reg]; ok {
			excuses = append(excuses, fmt.Sprintf("%s (%s)", reg, why))
		}
	}
	for i, c := range run.Cases {
		if len(excuses) > 0 && strings.HasPrefix(c.Name, FPCasePrefix) && onlyRounding(c) {
			run.Cases[i].Status = KnownFailure
			run.Cases[i].Reason = fmt.Sprintf("declared gap %s: %s", strings.Join(excuses, ", "), c.Reason)
		}
	}
}

// judgeUnsupported makes the run of a build the port declares unsupported
// (its own unsupported_builds, or a foreign port's) unsupported, noting
// what it did: never a pass, never a failure.
func judgeUnsupported(run *Run, p arch.Port) {
	why, data, unsupported := p.Unsupported(run.Build)
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
	run.Notes = append(run.Notes, fmt.Sprintf("declared unsupported in %s (%s); this run: %s", data, why, observed))
	run.Err, run.Cases, run.Gaps = nil, nil, nil
}

// CheckBuildNames fails when builds (an unsupported_builds declaration)
// names no build or gives no reason.
func CheckBuildNames(builds map[string]string) error {
	known := build.Names()
	for _, build := range sortedKeys(builds) {
		if !slices.Contains(known, build) {
			return fmt.Errorf("unsupported_builds names %q, which is no build (builds: %s)", build, strings.Join(known, ", "))
		}
		if strings.TrimSpace(builds[build]) == "" {
			return fmt.Errorf("unsupported_builds: %q needs a reason", build)
		}
	}
	return nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// ClaimsCase names the check, added to a foreign port's run beside its
// register canary cases, that its switch source claims every callee-saved
// register: a register it forgets is lost in the builds whose compiler
// leaves it alone, and kept, unseen by any canary, in those whose compiler
// uses it and so saves it for itself (clang-O2 keeping an address in x28
// across the shift). The claim makes the verdict the same in every build.
const ClaimsCase = "registers_claimed"

// judgeClaims adds ClaimsCase to a run in which the register canary cases
// ran: a failure naming each register the source does not claim
// (arch.Foreign.Unclaimed), or that its saves could not be read; a pass
// otherwise.
func judgeClaims(run *Run, p arch.Port) {
	if !slices.ContainsFunc(run.Cases, func(c CaseResult) bool { return strings.HasPrefix(c.Name, "registers_canaries") }) {
		return
	}
	f := p.Foreign
	c := CaseResult{Name: ClaimsCase, Iteration: 1, Status: Pass}
	switch {
	case f.ClaimsUnread != "":
		c.Status, c.Reason = Fail, "the switch source's saves cannot be read"
		c.Output = fmt.Sprintf("%s: %s; no register can be vouched for", f.SwitchFile, f.ClaimsUnread)
	case len(f.Unclaimed) > 0:
		c.Status, c.Reason = Fail, "callee-saved register(s) not claimed by the switch source: "+strings.Join(f.Unclaimed, ", ")
		var lines []string
		for _, reg := range f.Unclaimed {
			lines = append(lines, fmt.Sprintf("register %s not claimed: a callee-saved register of %s that %s neither names in a clobber list nor saves; it survives a switch only where the compiler saves it for its own use",
				reg, p.ABI, f.SwitchFile))
		}
		c.Output = strings.Join(lines, "\n")
	}
	run.Cases = append(run.Cases, c)
}
