/* Tiny check helpers shared by the C tests: `ok <label>` / `FAIL <label>: why`
 * lines and a closing `<suite>: N passed, M failed` line the suite counts. */
#ifndef DUBBO_TEST_CHECK_H
#define DUBBO_TEST_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dubbo.h"

static int check_passed = 0;
static int check_failed = 0;

#define CHECK(label, cond)                                                    \
  do {                                                                        \
    if (cond) {                                                               \
      check_passed++;                                                         \
      printf("ok %s\n", (label));                                             \
    } else {                                                                  \
      check_failed++;                                                         \
      printf("FAIL %s: %s (%s:%d)\n", (label), #cond, __FILE__, __LINE__);    \
    }                                                                         \
    fflush(stdout);                                                           \
  } while (0)

/* Prints an error's kind and message (for FAIL diagnostics). */
static inline void print_error(const char *what, dubbo_status s, const dubbo_error *e) {
  size_t len = 0;
  const char *msg = dubbo_error_message(e, &len);
  fprintf(stderr, "%s: %s: %.*s\n", what, dubbo_status_name(s), (int)(msg ? len : 0), msg ? msg : "");
}

/* True when the bytes equal the C string. */
static inline int bytes_eq(const dubbo_bytes *b, const char *want) {
  size_t n = strlen(want);
  return b->len == n && (n == 0 || memcmp(b->ptr, want, n) == 0);
}

/* True when the bytes contain the C string. */
static inline int bytes_has(const dubbo_bytes *b, const char *part) {
  size_t n = strlen(part);
  if (n == 0) return 1;
  for (size_t i = 0; i + n <= b->len; i++) {
    if (memcmp(b->ptr + i, part, n) == 0) return 1;
  }
  return 0;
}

static inline int check_summary(const char *suite) {
  printf("%s: %d passed, %d failed\n", suite, check_passed, check_failed);
  fflush(stdout);
  return check_failed == 0 && check_passed > 0 ? 0 : 1;
}

#endif
