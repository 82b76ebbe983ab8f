package mutants

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Step is a numbered step of a port whose instructions the check reads.
type Step string

const (
	Save    Step = "save"    // step 1
	Restore Step = "restore" // step 5
)

// NotASave is the annotation that lets an instruction of step 1 or step 5
// stand without being mutated: on the instruction's own line as
// "sl:not-a-save: <reason>", or, for every use of some mnemonics, on a
// comment line of its own as "sl:not-a-save <mnemonic>, ...: <reason>".
const NotASave = "sl:not-a-save"

// Reg is a register a save or restore moves, with its class. Name says how
// it reaches the frame: "fpcr (x9)" when through a scratch register.
type Reg struct {
	Name  string
	Class Class
}

// Site is an instruction of step 1 or step 5 that saves or restores
// registers: the check makes one mutant per register it moves.
type Site struct {
	Line int    // 1-based line number in switch.S
	Text string // the instruction as written, without comments
	Step Step
	Regs []Reg

	mnemonic string
	ops      []string
	move     move
	isa      *isa
	// writeback: a pair or list that moves its base register (stp x19,
	// x20, [sp, -160]!; ldp x19, x20, [sp], 160; push {r4-r11}): a pair's
	// mutants keep that move, a list's cannot be made.
	writeback bool
	c         *cSite // set for a site of a C switch source (FindC)
}

// Mutant is switch.S with one register of one site no longer saved or
// restored: the whole line dropped, or for a pair or range of registers,
// the instruction rewritten without that one register.
type Mutant struct {
	Site Site
	Drop int // index in Site.Regs of the register dropped
}

func (m Mutant) String() string {
	if m.Site.Step == Clobber {
		var lines []string
		for _, l := range slices.Sorted(slices.Values(m.Site.c.lines)) {
			lines = append(lines, strconv.Itoa(l))
		}
		return fmt.Sprintf("line %s (clobber %s): dropped from every clobber list", strings.Join(lines, ", "), m.Site.Regs[0].Name)
	}
	return fmt.Sprintf("line %d (%s %s): %s", m.Site.Line, m.Site.Step, m.Site.Regs[m.Drop].Name, m.Site.Text)
}

// Mutants lists every mutant of the sites, in line order.
func Mutants(sites []Site) []Mutant {
	var all []Mutant
	for _, s := range sites {
		for i := range s.Regs {
			all = append(all, Mutant{Site: s, Drop: i})
		}
	}
	return all
}

// line is an instruction line of a step, parsed.
type line struct {
	number    int
	text      string
	mnemonic  string
	ops       []string
	annotated bool // sl:not-a-save on the line, or its mnemonic declared so
	// operandSlot: a memory operand is an operand of a C asm statement
	// (%0 with "=m"), the compiler's address of a variable.
	operandSlot bool
	site        *Site
}

var mnemonicNote = regexp.MustCompile(`^sl:not-a-save\s+([a-z0-9_.]+(?:\s*,\s*[a-z0-9_.]+)*)\s*:\s*(\S.*)$`)

// Find reads a port's switch.S and returns the sites of steps 1 and 5 (the
// numbered step comments every port shares). in is the port's assembly
// language (the asm object of its port.json), which tells register names
// apart (s0 is an FP register on arm, a GPR on riscv64). Every instruction of those steps must be a save
// or restore the check knows, or carry NotASave with a reason: anything
// else is an error naming the line, never skipped in silence.
func Find(src string, in *isa) ([]Site, error) {
	declared, errs := declarations(src, in)
	var steps [][]line
	var current []line
	step := Step("")
	inComment := false
	for i, raw := range strings.Split(src, "\n") {
		code, comment := in.splitComment(raw, &inComment)
		trimmed := strings.TrimSpace(raw)
		switch {
		case strings.HasPrefix(trimmed, "/* 1."):
			step, current = Save, nil
			continue
		case strings.HasPrefix(trimmed, "/* 2."), strings.HasPrefix(trimmed, "/* 3."), strings.HasPrefix(trimmed, "/* 4."),
			strings.HasPrefix(trimmed, "/* 5."), strings.HasPrefix(trimmed, ".size"):
			if step != "" {
				steps = append(steps, current)
			}
			step, current = "", nil
			if strings.HasPrefix(trimmed, "/* 5.") {
				step = Restore
			}
			continue
		}
		code = strings.TrimSpace(code)
		if step == "" || code == "" || strings.HasSuffix(code, ":") {
			continue
		}
		// Every other line of a step is read, or refused: what the check
		// skips it cannot mutate.
		text := strings.Join(strings.Fields(code), " ")
		switch {
		case strings.HasPrefix(code, "#"):
			errs = append(errs, fmt.Errorf("switch.S:%d: %s: a preprocessor line in step 1 or 5 hides what assembles from the check; move it out of the step", i+1, text))
			continue
		case strings.Contains(code, ";"):
			errs = append(errs, fmt.Errorf("switch.S:%d: %s: one instruction per line in steps 1 and 5, so that each is read", i+1, text))
			continue
		}
		mnemonic, ops := splitInstruction(code)
		switch {
		case dataDirectives[mnemonic]:
			errs = append(errs, fmt.Errorf("switch.S:%d: %s: a data directive in step 1 or 5 emits bytes the check cannot read (a save written as .byte is no site); write the instruction", i+1, text))
			continue
		case readsNothing(mnemonic):
			continue
		}
		if step == Restore && in.isReturn(mnemonic) {
			steps = append(steps, current)
			step, current = "", nil
			continue
		}
		l := line{number: i + 1, text: text, mnemonic: mnemonic, ops: ops}
		if _, after, found := strings.Cut(comment, NotASave); found {
			reason, colon := strings.CutPrefix(strings.TrimSpace(after), ":")
			if !colon || strings.TrimSpace(reason) == "" {
				errs = append(errs, fmt.Errorf("switch.S:%d: %s needs a reason: /* %s: <why this is no save or restore> */", l.number, NotASave, NotASave))
				continue
			}
			l.annotated = true
		} else if declared[mnemonic] {
			l.annotated = true
		}
		if !l.annotated {
			site, err := readSite(l, step, in)
			if err == nil && site.writeback {
				// Our own ports allocate the frame first, so that every
				// register of a pair can be dropped at its slot.
				err = errors.New(writebackRefused)
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("switch.S:%d: %s: %v; if it saves or restores a register, describe the instruction or the register in the \"asm\" object of port.json (docs/adding-a-port.md, \"port.json\"); if it saves or restores none, say so on the line: /* %s: <reason> */", l.number, l.text, err, NotASave))
				continue
			}
			l.site = &site
		}
		current = append(current, l)
	}
	if step != "" {
		steps = append(steps, current)
	}
	var sites []Site
	for _, s := range steps {
		followScratch(s, in)
		for _, l := range s {
			if l.site != nil {
				sites = append(sites, *l.site)
			}
		}
	}
	return sites, errors.Join(errs...)
}

// declarations reads the mnemonic-wide NotASave lines. A mnemonic the check
// knows as a save or restore cannot be waved through by name.
func declarations(src string, in *isa) (map[string]bool, []error) {
	declared := map[string]bool{}
	var errs []error
	for i, raw := range strings.Split(src, "\n") {
		text := strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(raw), "/*"), "*/"))
		text = strings.TrimSpace(strings.TrimPrefix(text, "*"))
		m := mnemonicNote.FindStringSubmatch(text)
		if m == nil {
			continue
		}
		for _, mn := range strings.Split(m[1], ",") {
			mn = strings.TrimSpace(mn)
			if _, ok := in.saves[mn]; ok {
				errs = append(errs, fmt.Errorf("switch.S:%d: %s %s: %s is a save instruction; annotate each line that is none instead", i+1, NotASave, mn, mn))
				continue
			}
			if _, ok := in.restores[mn]; ok {
				errs = append(errs, fmt.Errorf("switch.S:%d: %s %s: %s is a restore instruction; annotate each line that is none instead", i+1, NotASave, mn, mn))
				continue
			}
			declared[mn] = true
		}
	}
	return declared, errs
}

// splitComment separates a line's code from its comments: /* */ (which may
// span lines: inComment carries the state), //, and the port's line
// comments (@ on 32-bit arm, # on MIPS) at the line's start or after a
// blank; a # that starts a line is the preprocessor's.
func (in *isa) splitComment(raw string, inComment *bool) (code, comment string) {
	var c, k strings.Builder
	lineComment := func(i int) bool {
		if strings.HasPrefix(raw[i:], "//") {
			return true
		}
		if i > 0 && raw[i-1] != ' ' && raw[i-1] != '\t' {
			return false
		}
		if raw[i] == '#' && strings.TrimSpace(raw[:i]) == "" {
			return false // a preprocessor line, which Find refuses in a step
		}
		for _, marker := range in.lineComments {
			if strings.HasPrefix(raw[i:], marker) {
				return true
			}
		}
		return false
	}
	for i := 0; i < len(raw); i++ {
		switch {
		case *inComment:
			if strings.HasPrefix(raw[i:], "*/") {
				*inComment = false
				i++
				continue
			}
			k.WriteByte(raw[i])
		case strings.HasPrefix(raw[i:], "/*"):
			*inComment = true
			i++
		case lineComment(i):
			k.WriteString(raw[i:])
			return c.String(), k.String()
		default:
			c.WriteByte(raw[i])
		}
	}
	return c.String(), k.String()
}

// splitInstruction splits "stp x19, x20, [sp, #10*8]" into its lowercase
// mnemonic and its operands, keeping bracketed and parenthesized operands
// whole.
func splitInstruction(code string) (string, []string) {
	mnemonic, rest, _ := strings.Cut(strings.Join(strings.Fields(code), " "), " ")
	var ops []string
	depth, start := 0, 0
	for i, r := range rest {
		switch r {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
		case ',':
			if depth == 0 {
				ops = append(ops, strings.TrimSpace(rest[start:i]))
				start = i + 1
			}
		}
	}
	if strings.TrimSpace(rest) != "" {
		ops = append(ops, strings.TrimSpace(rest[start:]))
	}
	return strings.ToLower(mnemonic), ops
}

const writebackRefused = "a pair or range with writeback cannot lose one register and keep the frame; allocate the frame first"

func isMemory(op string) bool { return strings.ContainsAny(op, "([") }

// writesBack tells whether a memory operand moves its base register: arm's
// [sp, #-16]!, m68k's predecrement -(%sp) and postincrement (%sp)+.
func writesBack(op string) bool {
	op = strings.TrimSpace(op)
	return strings.HasSuffix(op, "!") || strings.HasPrefix(op, "-(") || strings.HasSuffix(op, ")+")
}

// readSite recognizes a save (step 1) or restore (step 5).
func readSite(l line, step Step, in *isa) (Site, error) {
	table := in.saves
	if step == Restore {
		table = in.restores
	}
	mv, ok := table[l.mnemonic]
	if !ok {
		table := "asm.saves"
		if step == Restore {
			table = "asm.restores"
		}
		return Site{}, fmt.Errorf("the check does not know %q as a %s instruction (%s)", l.mnemonic, step, table)
	}
	s := Site{Line: l.number, Text: l.text, Step: step, mnemonic: l.mnemonic, ops: l.ops, move: mv, isa: in}
	// The registers moved are named as the move reads a bare number;
	// the operands stay as written, for the mutants.
	regs := func(names ...string) {
		for _, n := range names {
			n = mv.named(n)
			s.Regs = append(s.Regs, Reg{Name: in.regName(n), Class: in.classify(n)})
		}
	}
	isRegister := func(op string) bool { return in.isRegister(mv.named(op)) }
	memoryAt := func(i int) error {
		if i >= len(l.ops) || !isMemory(l.ops[i]) {
			return errors.New("expected a frame slot (a memory operand)")
		}
		if (mv.form == span || mv.form == list) && writesBack(l.ops[i]) {
			return errors.New(writebackRefused)
		}
		return nil
	}
	stack := mv.stackAdjust != ""
	switch mv.form {
	case single:
		if stack && mv.stackSlot == "" {
			if len(l.ops) != 1 || !isRegister(l.ops[0]) {
				return Site{}, errors.New("expected one register")
			}
			regs(l.ops[0])
			break
		}
		if len(l.ops) != 2 {
			return Site{}, errors.New("expected a register and a frame slot")
		}
		reg, mem := 0, 1
		if mv.registerLast {
			reg, mem = 1, 0
		}
		if !isRegister(l.ops[reg]) {
			return Site{}, fmt.Errorf("expected a register, not %q (no asm.registers set names it)", l.ops[reg])
		}
		switch {
		case stack && l.operandSlot && isMemory(l.ops[mem]):
			// A C asm's memory operand (SH's mov.l r14, %0 with "=m"):
			// a plain store to the compiler's slot, which moves no stack,
			// so a mutant drops it whole.
			s.move.stackAdjust, s.move.stackSlot = "", ""
		case stack:
			// A push or pop: its slot is where the stack pointer points,
			// which the mutant's stack move keeps; any other address would
			// lose the register and move the stack as well.
			if !strings.EqualFold(strings.TrimSpace(l.ops[mem]), mv.stackSlot) {
				return Site{}, fmt.Errorf("expected the stack slot %s, not %q", mv.stackSlot, l.ops[mem])
			}
		default:
			if err := memoryAt(mem); err != nil {
				return Site{}, err
			}
		}
		regs(l.ops[reg])
	case implicit:
		// Its operand is the frame slot (stmxcsr 0(%rsp)), or it has none
		// when the instruction finds the memory itself (sparc64's flushw
		// writes every register window to its own frame's save area).
		if len(l.ops) > 1 {
			return Site{}, errors.New("expected a frame slot, or no operand")
		}
		if mv.operand != "" {
			// sparc's ta 3: the operand says what the instruction does.
			if len(l.ops) != 1 || strings.TrimSpace(l.ops[0]) != mv.operand {
				return Site{}, fmt.Errorf("expected the operand %s", mv.operand)
			}
		} else if len(l.ops) == 1 {
			if err := memoryAt(0); err != nil {
				return Site{}, err
			}
		}
		// A control register, unless a set of asm.registers names it.
		class := Control
		if set := in.set(mv.register); set != nil {
			class = set.class
		}
		s.Regs = append(s.Regs, Reg{Name: mv.register, Class: class})
	case indexed:
		if len(l.ops) != 3 || !isRegister(l.ops[0]) || !in.isRegister(l.ops[1]) || !in.isRegister(l.ops[2]) {
			return Site{}, errors.New("expected a register and a base and an index register")
		}
		regs(l.ops[0])
	case based:
		// LoongArch writes a frame slot as two operands, st.d $s0, $sp, 9*8:
		// the base must be a register and the offset none.
		if len(l.ops) != 3 || !isRegister(l.ops[0]) || !in.isRegister(l.ops[1]) || in.isRegister(l.ops[2]) {
			return Site{}, errors.New("expected a register, a base register and an offset")
		}
		regs(l.ops[0])
	case pair:
		// A pair may move its base: pre-index [sp, -160]!, or post-index
		// [sp], 160 (a fourth operand).
		if len(l.ops) < 3 || len(l.ops) > 4 || !isRegister(l.ops[0]) || !isRegister(l.ops[1]) {
			return Site{}, errors.New("expected two registers and a frame slot")
		}
		if !isMemory(l.ops[2]) {
			return Site{}, errors.New("expected a frame slot (a memory operand)")
		}
		s.writeback = len(l.ops) == 4 || writesBack(l.ops[2])
		regs(l.ops[0], l.ops[1])
	case span:
		names, mem, err := s.spanOperands()
		if err != nil {
			return Site{}, err
		}
		if err := memoryAt(mem); err != nil {
			return Site{}, err
		}
		regs(names...)
	case list:
		names, _, mem, err := s.listOperands()
		if err != nil {
			return Site{}, err
		}
		if mv.stack {
			s.writeback = true // the list moves the stack pointer
		} else if err := memoryAt(mem); err != nil {
			return Site{}, err
		}
		regs(names...)
	}
	return s, nil
}

// followScratch names the control registers that reach the frame through a
// scratch register: `mrs x9, fpcr` then `str x9, ...` saves fpcr; `ldr x9,
// ...` then `msr fpcr, x9` restores it.
func followScratch(lines []line, in *isa) {
	rename := func(site *Site, scratch, special string) bool {
		for i, r := range site.Regs {
			if in.canonical(r.Name) == scratch {
				site.Regs[i] = Reg{Name: special + " (" + r.Name + ")", Class: in.classify(special)}
				return true
			}
		}
		return false
	}
	// Saves: the transfer comes first.
	holds := map[string]string{}
	for _, l := range lines {
		if t, ok := in.transfers[l.mnemonic]; ok && l.annotated {
			if scratch, ok := t.scratchOf(l.ops, in); ok {
				holds[in.canonical(scratch)] = t.specialOf(l.ops, in)
			}
			continue
		}
		if l.annotated && len(l.ops) > 0 {
			delete(holds, in.canonical(l.ops[0]))
		}
		if l.site != nil && l.site.Step == Save {
			for scratch, special := range holds {
				if rename(l.site, scratch, special) {
					delete(holds, scratch)
				}
			}
		}
	}
	// Restores: the transfer comes after.
	holds = map[string]string{}
	for i := len(lines) - 1; i >= 0; i-- {
		l := lines[i]
		if t, ok := in.transfers[l.mnemonic]; ok && l.annotated {
			if scratch, ok := t.scratchOf(l.ops, in); ok {
				holds[in.canonical(scratch)] = t.specialOf(l.ops, in)
			}
			continue
		}
		if l.site != nil && l.site.Step == Restore {
			for scratch, special := range holds {
				if rename(l.site, scratch, special) {
					delete(holds, scratch)
				}
			}
		}
	}
}
