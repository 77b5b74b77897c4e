/* A C consumer of org.example.Greeter through dubbo.h: run against the C
 * greeter_server and against the Java Dubbo provider (tests/interop/java).
 *
 *   greeter_client dubbo://127.0.0.1:PORT
 *
 * Prints `ok <label>` / `FAIL <label>` lines and `c-client: N passed, M failed`. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static const char *METHODS =
    "[{\"name\":\"sayHello\",\"types\":[\"java.lang.String\"]},"
    "{\"name\":\"add\",\"types\":[\"int\",\"int\"]},"
    "{\"name\":\"echoLong\",\"types\":[\"long\"]},"
    "{\"name\":\"echoDouble\",\"types\":[\"double\"]},"
    "{\"name\":\"echoBytes\",\"types\":[\"[B\"]},"
    "{\"name\":\"echoUser\",\"types\":[\"org.example.User\"]},"
    "{\"name\":\"echoNode\",\"types\":[\"org.example.Node\"]},"
    "{\"name\":\"echoDecimal\",\"types\":[\"java.math.BigDecimal\"]},"
    "{\"name\":\"echoUtilDate\",\"types\":[\"java.util.Date\"]},"
    "{\"name\":\"echoEnum\",\"types\":[\"org.example.Color\"]},"
    "{\"name\":\"echoMap\",\"types\":[\"java.util.Map\"]},"
    "{\"name\":\"returnNull\",\"types\":[]},"
    "{\"name\":\"fail\",\"types\":[\"java.lang.String\"]},"
    "{\"name\":\"slow\",\"types\":[\"int\"]},"
    "{\"name\":\"attachment\",\"types\":[\"java.lang.String\"]},"
    "{\"name\":\"echoResponseAttachment\",\"types\":[\"java.lang.String\",\"java.lang.String\"]},"
    "{\"name\":\"remember\",\"types\":[\"java.lang.String\"]},"
    "{\"name\":\"recalled\",\"types\":[]}]";

static dubbo_reference *ref = NULL;

/* A sync call; returns its status, the value in *out (caller frees). */
static dubbo_status call(const char *method, const char *args, const dubbo_call_options *opts, dubbo_bytes *out, dubbo_error **err) {
  return dubbo_reference_call_sync(ref, method, strlen(method), args, strlen(args), opts, out, NULL, err);
}

/* Calls and compares the JSON answer with `want` exactly. */
static void expect(const char *label, const char *method, const char *args, const char *want) {
  dubbo_bytes out = {NULL, 0, 0};
  dubbo_error *err = NULL;
  dubbo_status s = call(method, args, NULL, &out, &err);
  int good = s == DUBBO_OK && bytes_eq(&out, want);
  if (!good) {
    if (s != DUBBO_OK) print_error(label, s, err);
    else fprintf(stderr, "%s: got %.*s, want %s\n", label, (int)out.len, (const char *)out.ptr, want);
  }
  CHECK(label, good);
  dubbo_bytes_free(&out);
  dubbo_error_free(err);
}

/* Calls and checks that the JSON answer contains each of the parts. */
static void expect_has(const char *label, const char *method, const char *args, const char *part1, const char *part2) {
  dubbo_bytes out = {NULL, 0, 0};
  dubbo_error *err = NULL;
  dubbo_status s = call(method, args, NULL, &out, &err);
  int good = s == DUBBO_OK && bytes_has(&out, part1) && bytes_has(&out, part2);
  if (!good) {
    if (s != DUBBO_OK) print_error(label, s, err);
    else fprintf(stderr, "%s: got %.*s\n", label, (int)out.len, (const char *)out.ptr);
  }
  CHECK(label, good);
  dubbo_bytes_free(&out);
  dubbo_error_free(err);
}

/* Async calls: a countdown the completions decrement. */
struct pending {
  pthread_mutex_t lock;
  pthread_cond_t done;
  int left;
  int right;
  int completions;
};

struct one_call {
  struct pending *p;
  int want;
};

static void on_done(void *ud, const char *json, size_t len, const dubbo_error *err) {
  struct one_call *c = (struct one_call *)ud;
  char want[32];
  snprintf(want, sizeof want, "%d", c->want);
  int good = err == NULL && json != NULL && len == strlen(want) && memcmp(json, want, len) == 0;
  pthread_mutex_lock(&c->p->lock);
  c->p->completions++;
  if (good) c->p->right++;
  if (--c->p->left == 0) pthread_cond_signal(&c->p->done);
  pthread_mutex_unlock(&c->p->lock);
}

static void async_calls(int n) {
  struct pending p;
  pthread_mutex_init(&p.lock, NULL);
  pthread_cond_init(&p.done, NULL);
  p.left = n;
  p.right = 0;
  p.completions = 0;
  struct one_call *calls = (struct one_call *)calloc((size_t)n, sizeof *calls);
  int started = 0;
  for (int i = 0; i < n; i++) {
    char args[64];
    snprintf(args, sizeof args, "[%d, 1]", i);
    calls[i].p = &p;
    calls[i].want = i + 1;
    dubbo_error *err = NULL;
    dubbo_status s = dubbo_reference_call(ref, "add", 3, args, strlen(args), NULL, on_done, &calls[i], &err);
    if (s == DUBBO_OK) {
      started++;
    } else {
      print_error("async add", s, err);
      pthread_mutex_lock(&p.lock);
      p.left--;
      pthread_mutex_unlock(&p.lock);
    }
    dubbo_error_free(err);
  }
  struct timespec deadline;
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_sec += 10;
  pthread_mutex_lock(&p.lock);
  while (p.left > 0) {
    if (pthread_cond_timedwait(&p.done, &p.lock, &deadline) != 0) break;
  }
  int left = p.left, right = p.right, completions = p.completions;
  pthread_mutex_unlock(&p.lock);
  char label[64];
  snprintf(label, sizeof label, "async#%d", n);
  CHECK(label, started == n && left == 0 && right == n && completions == n);
  if (left == 0) { /* every callback ran: nothing refers to the state now */
    free(calls);
    pthread_cond_destroy(&p.done);
    pthread_mutex_destroy(&p.lock);
  }
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: greeter_client dubbo://127.0.0.1:PORT\n");
    return 2;
  }
  CHECK("abi_version", (dubbo_abi_version() >> 16) == DUBBO_VERSION_MAJOR && dubbo_abi_version() >= DUBBO_ABI_VERSION);
  dubbo_runtime *rt = NULL;
  dubbo_client *client = NULL;
  dubbo_error *err = NULL;
  dubbo_client_options copts;
  dubbo_client_options_default(&copts);
  copts.application = DUBBO_STR("c-greeter-client");
  copts.timeout_ms = 3000;
  dubbo_status s = dubbo_runtime_new(NULL, &rt, &err);
  if (s == DUBBO_OK) s = dubbo_client_new(rt, &copts, &client, &err);
  dubbo_reference_options ropts;
  dubbo_reference_options_default(&ropts);
  ropts.interface = DUBBO_STR("org.example.Greeter");
  ropts.url = DUBBO_STR(argv[1]);
  ropts.methods_json = DUBBO_STR(METHODS);
  if (s == DUBBO_OK) s = dubbo_reference_new(client, &ropts, &ref, &err);
  if (s != DUBBO_OK) {
    print_error("setup", s, err);
    return 1;
  }

  expect("sayHello", "sayHello", "[\"world\"]", "\"Hello world\"");
  expect("sayHello#unicode", "sayHello", "[\"h\\u00e9llo \\u2713\"]", "\"Hello h\xc3\xa9llo \xe2\x9c\x93\"");
  expect("add", "add", "[2, 3]", "5");
  expect("echoLong", "echoLong", "[9223372036854775807]", "9223372036854775807");
  expect("echoLong#typed", "echoLong", "[{\"$type\":\"long\",\"value\":-7}]", "{\"$type\":\"long\",\"value\":-7}");
  expect("echoDouble", "echoDouble", "[2.5]", "2.5");
  expect("echoBytes", "echoBytes", "[{\"$bytes\":\"AAEC/w==\"}]", "{\"$bytes\":\"AAEC/w==\"}");
  expect_has("echoUser", "echoUser", "[{\"$class\":\"org.example.User\",\"name\":\"Bob\",\"age\":14}]",
             "\"$class\":\"org.example.User\"", "\"name\":\"Bob\"");
  expect_has("echoNode#cycle", "echoNode",
             "[{\"$class\":\"org.example.Node\",\"name\":\"a\",\"next\":{\"$class\":\"org.example.Node\",\"name\":\"b\",\"next\":{\"$ref\":0}}}]",
             "{\"$ref\":0}", "\"name\":\"b\"");
  expect_has("echoDecimal", "echoDecimal", "[{\"$class\":\"java.math.BigDecimal\",\"value\":\"12.50\"}]", "java.math.BigDecimal", "\"12.50\"");
  expect("echoUtilDate", "echoUtilDate", "[{\"$date\":1700000000123}]", "{\"$date\":1700000000123}");
  expect_has("echoEnum", "echoEnum", "[{\"$class\":\"org.example.Color\",\"name\":\"RED\"}]", "org.example.Color", "\"RED\"");
  expect_has("echoMap", "echoMap", "[{\"s\":\"str\",\"i\":7,\"nil\":null}]", "\"s\":\"str\"", "\"i\":7");
  expect("returnNull", "returnNull", "[]", "null");

  { /* a declared Java exception, with its field */
    dubbo_bytes out = {NULL, 0, 0};
    dubbo_error *e = NULL;
    s = call("fail", "[\"boom\"]", NULL, &out, &e);
    size_t clen = 0, jlen = 0, mlen = 0;
    const char *cls = dubbo_error_java_class(e, &clen);
    const char *js = dubbo_error_exception_json(e, &jlen);
    const char *msg = dubbo_error_message(e, &mlen);
    dubbo_bytes exc = {(const uint8_t *)js, jlen, 0};
    dubbo_bytes m = {(const uint8_t *)msg, mlen, 0};
    CHECK("fail#exception", s == DUBBO_E_REMOTE_EXCEPTION && dubbo_error_kind(e) == DUBBO_E_REMOTE_EXCEPTION);
    CHECK("fail#class", cls && clen == 28 && !memcmp(cls, "org.example.GreeterException", 28));
    CHECK("fail#field", bytes_has(&exc, "\"code\":42") && bytes_has(&m, "boom"));
    dubbo_error_free(e);
  }
  { /* request attachments out, response attachments back */
    dubbo_call_options o;
    dubbo_call_options_default(&o);
    o.attachments_json = DUBBO_STR("{\"trace-id\":\"abc\"}");
    dubbo_bytes out = {NULL, 0, 0};
    dubbo_error *e = NULL;
    s = call("attachment", "[\"trace-id\"]", &o, &out, &e);
    CHECK("attachment", s == DUBBO_OK && bytes_eq(&out, "\"abc\""));
    dubbo_bytes_free(&out);
    dubbo_error_free(e);
    e = NULL;
    dubbo_bytes att = {NULL, 0, 0};
    const char *args = "[\"resp-key\", \"v1\"]";
    s = dubbo_reference_call_sync(ref, "echoResponseAttachment", 22, args, strlen(args), NULL, &out, &att, &e);
    CHECK("echoResponseAttachment", s == DUBBO_OK && bytes_eq(&out, "\"v1\"") && bytes_has(&att, "\"resp-key\":\"v1\""));
    dubbo_bytes_free(&out);
    dubbo_bytes_free(&att);
    dubbo_error_free(e);
  }
  { /* parameter types pinned per call: overloaded(int) */
    dubbo_call_options o;
    dubbo_call_options_default(&o);
    o.parameter_types_json = DUBBO_STR("[\"int\"]");
    dubbo_bytes out = {NULL, 0, 0};
    dubbo_error *e = NULL;
    s = call("overloaded", "[7]", &o, &out, &e);
    CHECK("overloaded(int)", s == DUBBO_OK && bytes_eq(&out, "\"int:7\""));
    dubbo_bytes_free(&out);
    dubbo_error_free(e);
    e = NULL;
    s = call("overloaded", "[\"x\"]", NULL, &out, &e);
    CHECK("overloaded(String)", s == DUBBO_OK && bytes_eq(&out, "\"string:x\""));
    dubbo_bytes_free(&out);
    dubbo_error_free(e);
  }
  { /* a deadline */
    dubbo_call_options o;
    dubbo_call_options_default(&o);
    o.timeout_ms = 300;
    dubbo_bytes out = {NULL, 0, 0};
    dubbo_error *e = NULL;
    s = call("slow", "[1500]", &o, &out, &e);
    CHECK("slow#timeout", s == DUBBO_E_TIMEOUT && dubbo_error_kind(e) == DUBBO_E_TIMEOUT);
    dubbo_error_free(e);
    e = NULL;
    s = call("slow", "[20]", NULL, &out, &e);
    CHECK("slow", s == DUBBO_OK && bytes_eq(&out, "\"slept\""));
    dubbo_bytes_free(&out);
    dubbo_error_free(e);
  }
  { /* a method the provider lacks: Dubbo's error status */
    dubbo_bytes out = {NULL, 0, 0};
    dubbo_error *e = NULL;
    s = call("noSuchMethod", "[\"x\"]", NULL, &out, &e);
    CHECK("unknown#method", s == DUBBO_E_REMOTE_SERVER && dubbo_error_remote_status(e) != 0);
    dubbo_error_free(e);
  }
  { /* oneway, then read back */
    dubbo_error *e = NULL;
    char args[64];
    snprintf(args, sizeof args, "[\"c-%d\"]", (int)getpid());
    s = dubbo_reference_oneway(ref, "remember", 8, args, strlen(args), NULL, &e);
    dubbo_error_free(e);
    int seen = 0;
    char want[64];
    snprintf(want, sizeof want, "\"c-%d\"", (int)getpid());
    for (int i = 0; i < 40 && !seen && s == DUBBO_OK; i++) {
      dubbo_bytes out = {NULL, 0, 0};
      e = NULL;
      if (call("recalled", "[]", NULL, &out, &e) == DUBBO_OK && bytes_eq(&out, want)) seen = 1;
      dubbo_bytes_free(&out);
      dubbo_error_free(e);
      if (!seen) {
        struct timespec ts = {0, 50 * 1000000L};
        nanosleep(&ts, NULL);
      }
    }
    CHECK("remember#oneway", s == DUBBO_OK && seen);
  }
  { /* generic $invoke */
    dubbo_bytes out = {NULL, 0, 0};
    dubbo_error *e = NULL;
    const char *types = "[\"java.lang.String\"]", *args = "[\"generic\"]";
    s = dubbo_reference_invoke_generic_sync(ref, "sayHello", 8, types, strlen(types), args, strlen(args), NULL, &out, &e);
    if (s != DUBBO_OK) print_error("generic", s, e);
    CHECK("generic#sayHello", s == DUBBO_OK && bytes_eq(&out, "\"Hello generic\""));
    dubbo_bytes_free(&out);
    dubbo_error_free(e);
  }
  { /* raw Hessian2 in and out: "world" is 0x05 w o r l d */
    const uint8_t args[] = {0x05, 'w', 'o', 'r', 'l', 'd'};
    dubbo_bytes out = {NULL, 0, 0};
    dubbo_error *e = NULL;
    s = dubbo_reference_call_hessian(ref, "sayHello", 8, args, sizeof args, NULL, &out, &e);
    const uint8_t want[] = {0x0b, 'H', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd'};
    CHECK("hessian#sayHello", s == DUBBO_OK && out.len == sizeof want && !memcmp(out.ptr, want, sizeof want));
    dubbo_bytes_free(&out);
    dubbo_error_free(e);
  }
  async_calls(1);
  async_calls(64);

  dubbo_client_close(client);
  {
    dubbo_bytes out = {NULL, 0, 0};
    dubbo_error *e = NULL;
    s = call("sayHello", "[\"late\"]", NULL, &out, &e);
    CHECK("closed#call", s == DUBBO_E_CLOSED);
    dubbo_error_free(e);
  }
  dubbo_reference_free(ref);
  CHECK("client_free", dubbo_client_free(client) == DUBBO_OK);
  CHECK("runtime_free", dubbo_runtime_free(rt) == DUBBO_OK);
  return check_summary("c-client");
}
