/* Every conformance case, in the order the runner runs them. */
#include "cases.h"

void case_switch_ping_pong(void);
void case_switch_return_to_parent(void);
void case_switch_dead_goes_to_parent(void);
void case_switch_to_self(void);
void case_switch_errors(void);
void case_throw_into_suspended(void);
void case_throw_into_new(void);
void case_throw_into_dead(void);
void case_parents_reparent_and_cycles(void);
void case_memory_many_coroutines_bounded(void);
void case_memory_failed_save_changes_nothing(void);
void case_memory_buffer_reuse_grow_shrink(void);
void case_memory_enomem_with_kept_buffer(void);
void case_memory_free_with_kept_buffer(void);
void case_memory_many_kept_buffers(void);
void case_memory_return_enomem_stays_with_parent(void);
void case_nesting_deep_chain(void);
void case_nesting_siblings(void);
void case_stack_random_switching(void);
void case_stack_resume_depths(void);
void case_stack_megabyte_frames(void);
void case_stack_switch_at_every_level(void);
void case_threads_concurrent(void);
void case_threads_cross_thread_refused(void);
void case_threads_exit_ends_coroutines(void);
void case_signals_timer_storm(void);
void case_signals_alternate_stack(void);
void case_registers_canaries(void);
void case_registers_canaries_direct(void);
void case_fp_rounding_per_coroutine(void);
void case_fp_new_inherits_starter(void);
void case_alignment_entry_and_resume(void);
void case_model_random_programs(void);
void case_model_random_programs_threads(void);
void case_model_failure_injection(void);

const struct sl_case sl_cases[] = {
    {"switch_ping_pong", case_switch_ping_pong},
    {"switch_return_to_parent", case_switch_return_to_parent},
    {"switch_dead_goes_to_parent", case_switch_dead_goes_to_parent},
    {"switch_to_self", case_switch_to_self},
    {"switch_errors", case_switch_errors},
    {"throw_into_suspended", case_throw_into_suspended},
    {"throw_into_new", case_throw_into_new},
    {"throw_into_dead", case_throw_into_dead},
    {"parents_reparent_and_cycles", case_parents_reparent_and_cycles},
    {"memory_many_coroutines_bounded", case_memory_many_coroutines_bounded},
    {"memory_failed_save_changes_nothing", case_memory_failed_save_changes_nothing},
    {"memory_buffer_reuse_grow_shrink", case_memory_buffer_reuse_grow_shrink},
    {"memory_enomem_with_kept_buffer", case_memory_enomem_with_kept_buffer},
    {"memory_free_with_kept_buffer", case_memory_free_with_kept_buffer},
    {"memory_many_kept_buffers", case_memory_many_kept_buffers},
    {"memory_return_enomem_stays_with_parent", case_memory_return_enomem_stays_with_parent},
    {"nesting_deep_chain", case_nesting_deep_chain},
    {"nesting_siblings", case_nesting_siblings},
    {"stack_random_switching", case_stack_random_switching},
    {"stack_resume_depths", case_stack_resume_depths},
    {"stack_megabyte_frames", case_stack_megabyte_frames},
    {"stack_switch_at_every_level", case_stack_switch_at_every_level},
    {"threads_concurrent", case_threads_concurrent},
    {"threads_cross_thread_refused", case_threads_cross_thread_refused},
    {"threads_exit_ends_coroutines", case_threads_exit_ends_coroutines},
    {"signals_timer_storm", case_signals_timer_storm},
    {"signals_alternate_stack", case_signals_alternate_stack},
    {"registers_canaries", case_registers_canaries},
    {"registers_canaries_direct", case_registers_canaries_direct},
    {"fp_rounding_per_coroutine", case_fp_rounding_per_coroutine},
    {"fp_new_inherits_starter", case_fp_new_inherits_starter},
    {"alignment_entry_and_resume", case_alignment_entry_and_resume},
    {"model_random_programs", case_model_random_programs},
    {"model_random_programs_threads", case_model_random_programs_threads},
    {"model_failure_injection", case_model_failure_injection},
};

const int sl_case_count = sizeof sl_cases / sizeof sl_cases[0];
