/* The i-th element of a JSON array, as raw text: enough JSON for the C test
 * server, which echoes values and reads a few scalars. */
#ifndef DUBBO_TEST_JSON_ARGS_H
#define DUBBO_TEST_JSON_ARGS_H

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Finds element `index` of the array in `json` (`len` bytes); writes its start
 * and length. Returns 0 when found. */
static inline int json_array_item(const char *json, size_t len, int index, const char **start, size_t *item_len) {
  size_t i = 0;
  while (i < len && json[i] != '[') i++;
  if (i == len) return -1;
  i++;
  int depth = 0, in_string = 0, current = 0;
  size_t begin = i;
  for (; i < len; i++) {
    char c = json[i];
    if (in_string) {
      if (c == '\\') i++;
      else if (c == '"') in_string = 0;
      continue;
    }
    if (c == '"') in_string = 1;
    else if (c == '[' || c == '{') depth++;
    else if ((c == ']' || c == '}') && depth > 0) depth--;
    else if ((c == ',' && depth == 0) || (c == ']' && depth == 0)) {
      if (current == index) {
        while (begin < i && (json[begin] == ' ' || json[begin] == '\n')) begin++;
        if (begin == i) return -1;
        *start = json + begin;
        *item_len = i - begin;
        return 0;
      }
      current++;
      begin = i + 1;
      if (c == ']') return -1;
    }
  }
  return -1;
}

/* A JSON string without escapes, unquoted into `out` (size `cap`); 0 on success. */
static inline int json_plain_string(const char *s, size_t len, char *out, size_t cap) {
  if (len < 2 || s[0] != '"' || s[len - 1] != '"' || len - 2 >= cap) return -1;
  memcpy(out, s + 1, len - 2);
  out[len - 2] = 0;
  return memchr(out, '\\', len - 2) ? -1 : 0;
}

#endif
