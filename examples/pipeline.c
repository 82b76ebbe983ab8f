/* A producer and a consumer passing values: the producer makes words, the
 * consumer counts their letters and sends a running total back, each side
 * keeping its own state on its own part of the stack.
 *
 * Build with the library and its pkg-config file, for example:
 *   cc $(pkg-config --cflags stackslice) pipeline.c $(pkg-config --libs --static stackslice) */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "slice.h"

static sl_coro *producer;

static void *consume(void *first) {
    size_t total = 0;
    char last[64] = "";
    for (const char *word = first; word; ) {
        total += strlen(word);
        snprintf(last, sizeof last, "%s", word);
        void *next = NULL;
        if (sl_switch(producer, (void *)(uintptr_t)total, &next) != 0) return NULL;
        word = next;
    }
    printf("consumer: last word \"%s\"\n", last);
    return (void *)(uintptr_t)total;
}

int main(void) {
    static const char *words[] = {"stack", "slicing", "keeps", "every", "frame", "at", "its", "address"};
    producer = sl_current();
    sl_coro *consumer = sl_new(consume, NULL);
    if (!consumer) {
        perror("sl_new");
        return 1;
    }
    void *total = NULL;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        if (sl_switch(consumer, (void *)words[i], &total) != 0) return 1;
        printf("producer: sent \"%s\", %lu letters so far\n", words[i], (unsigned long)(uintptr_t)total);
    }
    /* NULL ends the stream; the consumer's return value comes back here. */
    if (sl_switch(consumer, NULL, &total) != 0 || sl_state(consumer) != SL_DEAD) return 1;
    printf("producer: %lu letters in all\n", (unsigned long)(uintptr_t)total);
    return sl_free(consumer) == 0 ? 0 : 1;
}
