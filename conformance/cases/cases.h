/* The registry of conformance cases: cases/list.c names every one. */
#ifndef STACKSLICE_CASES_H
#define STACKSLICE_CASES_H

struct sl_case {
    const char *name;
    void (*run)(void);
};

extern const struct sl_case sl_cases[];
extern const int sl_case_count;

#endif
