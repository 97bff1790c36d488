/*
 * The tiny test harness of the C programs in tests/c: CHECK a condition,
 * CHECK_OK a call that must return 0, then REPORT() "N passed, M failed" and
 * return non-zero from main when anything failed.  Header-only (static), one
 * test program per executable.
 */
#ifndef MX_TESTS_C_CHECK_H_
#define MX_TESTS_C_CHECK_H_

#include <stdio.h>

#include "mx/c_api.h"

static int num_passed, num_failed;

static int check(int ok, int line, const char* what) {
  if (ok) {
    num_passed++;
  } else {
    num_failed++;
    printf("FAIL line %d: %s\n", line, what);
  }
  return ok;
}

/* A call that must succeed; on failure shows libmx's error. */
static int check_ok(int rc, int line, const char* call) {
  if (rc == 0) return check(1, line, call);
  printf("FAIL line %d: %s\n  returned %d: [kind %d] %s\n", line, call, rc,
         MXGetLastErrorKind(), MXGetLastError());
  num_failed++;
  return 0;
}

#define CHECK(cond) check((cond) != 0, __LINE__, #cond)
#define CHECK_OK(call) check_ok((call), __LINE__, #call)

/* The closing line and main's exit status. */
#define REPORT() (printf("%d passed, %d failed\n", num_passed, num_failed), num_failed > 0)

#endif /* MX_TESTS_C_CHECK_H_ */
