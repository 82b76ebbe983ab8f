/* The registry of conformance cases. Every `void case_<name>(void) {` a
 * file of this folder defines is one: the harness derives sl_cases from the
 * files when it builds the runner (conformance/cases.go), so a new file
 * needs no list. */
#ifndef STACKSLICE_CASES_H
#define STACKSLICE_CASES_H

struct sl_case {
    const char *name;
    void (*run)(void);
};

extern const struct sl_case sl_cases[];
extern const int sl_case_count;

#endif
