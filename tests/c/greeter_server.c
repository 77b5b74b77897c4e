/* org.example.Greeter served from C through dubbo.h, behaving as
 * tests/interop/java's GreeterImpl (its README has the table), so that the Java
 * consumer's checks and the C client's hold against it.
 *
 *   greeter_server push|pull [seconds]
 *
 * push: a handler closure answers on libdubbo's threads; `slow` is taken and
 * answered later from a thread of our own. pull: four threads of our own drain
 * dubbo_server_next_call. Prints `READY <port>`, serves until SIGTERM/SIGINT
 * (or `seconds`, default 300), then shuts down gracefully and frees everything. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "json_args.h"

static const char *METHODS =
    "[{\"name\":\"sayHello\",\"types\":[\"java.lang.String\"]},"
    "{\"name\":\"add\",\"types\":[\"int\",\"int\"]},"
    "{\"name\":\"addBoxed\",\"types\":[\"java.lang.Integer\",\"java.lang.Integer\"]},"
    "{\"name\":\"echoLong\",\"types\":[\"long\"]},"
    "{\"name\":\"echoDouble\",\"types\":[\"double\"]},"
    "{\"name\":\"echoFloat\",\"types\":[\"float\"]},"
    "{\"name\":\"echoBool\",\"types\":[\"boolean\"]},"
    "{\"name\":\"echoBytes\",\"types\":[\"[B\"]},"
    "{\"name\":\"echoInts\",\"types\":[\"[I\"]},"
    "{\"name\":\"echoStrings\",\"types\":[\"[Ljava.lang.String;\"]},"
    "{\"name\":\"echoList\",\"types\":[\"java.util.List\"]},"
    "{\"name\":\"echoMap\",\"types\":[\"java.util.Map\"]},"
    "{\"name\":\"echoSet\",\"types\":[\"java.util.Set\"]},"
    "{\"name\":\"echoUser\",\"types\":[\"org.example.User\"]},"
    "{\"name\":\"echoUsers\",\"types\":[\"java.util.List\"]},"
    "{\"name\":\"echoNode\",\"types\":[\"org.example.Node\"]},"
    "{\"name\":\"echoDecimal\",\"types\":[\"java.math.BigDecimal\"]},"
    "{\"name\":\"echoTime\",\"types\":[\"java.time.LocalDateTime\"]},"
    "{\"name\":\"echoDate\",\"types\":[\"java.time.LocalDate\"]},"
    "{\"name\":\"echoUtilDate\",\"types\":[\"java.util.Date\"]},"
    "{\"name\":\"echoEnum\",\"types\":[\"org.example.Color\"]},"
    "{\"name\":\"wrap\",\"types\":[\"org.example.User\"]},"
    "{\"name\":\"overloaded\",\"types\":[\"java.lang.String\"]},"
    "{\"name\":\"overloaded\",\"types\":[\"int\"]},"
    "{\"name\":\"doNothing\",\"types\":[]},"
    "{\"name\":\"returnNull\",\"types\":[]},"
    "{\"name\":\"fail\",\"types\":[\"java.lang.String\"]},"
    "{\"name\":\"failRuntime\",\"types\":[\"java.lang.String\"]},"
    "{\"name\":\"slow\",\"types\":[\"int\"]},"
    "{\"name\":\"attachment\",\"types\":[\"java.lang.String\"]},"
    "{\"name\":\"echoString\",\"types\":[\"java.lang.String\"]},"
    "{\"name\":\"echoPayload\",\"types\":[\"org.example.Payload\"]},"
    "{\"name\":\"echoResponseAttachment\",\"types\":[\"java.lang.String\",\"java.lang.String\"]},"
    "{\"name\":\"remember\",\"types\":[\"java.lang.String\"]},"
    "{\"name\":\"recalled\",\"types\":[]}]";

static pthread_mutex_t memory_lock = PTHREAD_MUTEX_INITIALIZER;
static char *memory = NULL; /* remember's value as JSON, NULL for none */

static void reply_text(dubbo_request *req, const char *json, size_t len) {
  dubbo_error *err = NULL;
  dubbo_status s = dubbo_request_reply(req, json, len, &err);
  if (s != DUBBO_OK) print_error("reply", s, err);
  dubbo_error_free(err);
}

static void reply_str(dubbo_request *req, const char *json) { reply_text(req, json, strlen(json)); }

/* slow(millis): answered by a thread of our own, after the sleep. */
struct slow_job {
  dubbo_request *req;
  long millis;
};

static void *slow_thread(void *arg) {
  struct slow_job *job = (struct slow_job *)arg;
  struct timespec ts = {job->millis / 1000, (job->millis % 1000) * 1000000L};
  nanosleep(&ts, NULL);
  reply_str(job->req, "\"slept\"");
  dubbo_request_free(job->req);
  free(job);
  return NULL;
}

/* Answers one Greeter call; `owned` when the request may be kept (pull mode
 * owns every request; push mode must take it first). */
static void handle(dubbo_request *req, int owned) {
  size_t mlen = 0;
  const char *m = dubbo_request_method(req, &mlen);
  char method[64] = {0};
  if (!m || mlen >= sizeof method) {
    reply_str(req, "null");
    return;
  }
  memcpy(method, m, mlen);
  dubbo_bytes args = {NULL, 0, 0};
  dubbo_error *err = NULL;
  if (dubbo_request_args(req, &args, &err) != DUBBO_OK) {
    dubbo_request_fail(req, NULL, 0, "cannot read the arguments", 25, NULL, 0, NULL);
    dubbo_error_free(err);
    return;
  }
  const char *json = (const char *)args.ptr;
  const char *a0 = NULL, *a1 = NULL;
  size_t l0 = 0, l1 = 0;
  int has0 = json_array_item(json, args.len, 0, &a0, &l0) == 0;
  int has1 = json_array_item(json, args.len, 1, &a1, &l1) == 0;
  char buf[512];
  char text[256];

  if (!strcmp(method, "sayHello") && has0 && a0[0] == '"') {
    /* "Hello " + the string, escapes kept as they came. */
    size_t n = l0 + 7;
    char *out = (char *)malloc(n);
    memcpy(out, "\"Hello ", 7);
    memcpy(out + 7, a0 + 1, l0 - 1);
    reply_text(req, out, n - 1);
    free(out);
  } else if ((!strcmp(method, "add") || !strcmp(method, "addBoxed")) && has0 && has1) {
    if (!strncmp(a0, "null", 4) || !strncmp(a1, "null", 4)) {
      reply_str(req, "null");
    } else {
      long long sum = strtoll(a0, NULL, 10) + strtoll(a1, NULL, 10);
      snprintf(buf, sizeof buf, "%d", (int)(unsigned)sum);
      reply_str(req, buf);
    }
  } else if (!strcmp(method, "wrap") && has0) {
    const char *head = "{\"$class\":\"org.example.Response\",\"code\":200,\"message\":\"ok\",\"data\":";
    size_t hl = strlen(head), n = hl + l0 + 1;
    char *out = (char *)malloc(n);
    memcpy(out, head, hl);
    memcpy(out + hl, a0, l0);
    out[n - 1] = '}';
    reply_text(req, out, n);
    free(out);
  } else if (!strcmp(method, "overloaded") && has0) {
    dubbo_bytes types = {NULL, 0, 0};
    int is_int = dubbo_request_parameter_types(req, &types, NULL) == DUBBO_OK && bytes_eq(&types, "[\"int\"]");
    dubbo_bytes_free(&types);
    if (is_int) {
      snprintf(buf, sizeof buf, "\"int:%lld\"", strtoll(a0, NULL, 10));
    } else {
      snprintf(buf, sizeof buf, "\"string:%.*s", (int)(l0 > 400 ? 400 : l0 - 1), a0 + 1);
    }
    reply_str(req, buf);
  } else if (!strcmp(method, "doNothing") || !strcmp(method, "returnNull")) {
    reply_str(req, "null");
  } else if (!strcmp(method, "fail") && has0 && json_plain_string(a0, l0, text, sizeof text) == 0) {
    dubbo_request_fail(req, "org.example.GreeterException", 28, text, strlen(text), "{\"code\":42}", 11, NULL);
  } else if (!strcmp(method, "failRuntime") && has0 && json_plain_string(a0, l0, text, sizeof text) == 0) {
    dubbo_request_fail(req, "java.lang.IllegalStateException", 31, text, strlen(text), NULL, 0, NULL);
  } else if (!strcmp(method, "slow") && has0) {
    long millis = strtol(a0, NULL, 10);
    if (millis < 0) millis = 0;
    if (millis > 10000) millis = 10000;
    struct slow_job *job = (struct slow_job *)malloc(sizeof *job);
    job->millis = millis;
    job->req = NULL;
    if (owned) {
      job->req = req; /* the caller gave it to us: the thread frees it */
    } else if (dubbo_request_take(req, &job->req, NULL) != DUBBO_OK) {
      free(job);
      reply_str(req, "null");
      dubbo_bytes_free(&args);
      return;
    }
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_create(&t, &attr, slow_thread, job);
    pthread_attr_destroy(&attr);
    dubbo_bytes_free(&args);
    return; /* not ours any more */
  } else if (!strcmp(method, "attachment") && has0 && json_plain_string(a0, l0, text, sizeof text) == 0) {
    dubbo_bytes v = {NULL, 0, 0};
    if (dubbo_request_attachment(req, text, strlen(text), &v, NULL) == DUBBO_OK) {
      reply_text(req, (const char *)v.ptr, v.len);
    } else {
      reply_str(req, "null");
    }
    dubbo_bytes_free(&v);
  } else if (!strcmp(method, "echoResponseAttachment") && has0 && has1 && json_plain_string(a0, l0, text, sizeof text) == 0) {
    dubbo_request_set_attachment(req, text, strlen(text), a1, l1, NULL);
    reply_text(req, a1, l1);
  } else if (!strcmp(method, "remember") && has0) {
    pthread_mutex_lock(&memory_lock);
    free(memory);
    memory = (char *)malloc(l0 + 1);
    memcpy(memory, a0, l0);
    memory[l0] = 0;
    pthread_mutex_unlock(&memory_lock);
    reply_str(req, "null");
  } else if (!strcmp(method, "recalled")) {
    pthread_mutex_lock(&memory_lock);
    reply_str(req, memory ? memory : "null");
    pthread_mutex_unlock(&memory_lock);
  } else if (!strncmp(method, "echo", 4) && has0) {
    reply_text(req, a0, l0);
  } else {
    snprintf(buf, sizeof buf, "no method %s", method);
    dubbo_request_fail(req, NULL, 0, buf, strlen(buf), NULL, 0, NULL);
  }
  dubbo_bytes_free(&args);
  if (owned) dubbo_request_free(req);
}

static void on_call(void *context, dubbo_request *req) {
  (void)context;
  handle(req, 0);
}

static int dropped = 0;
static void on_drop(void *context) {
  (void)context;
  dropped++;
}

struct puller {
  dubbo_server *server;
  pthread_t thread;
};

static void *pull_loop(void *arg) {
  struct puller *p = (struct puller *)arg;
  for (int i = 0; i < 10000000; i++) { /* bounded: the server closes long before */
    dubbo_request *req = NULL;
    dubbo_error *err = NULL;
    dubbo_status s = dubbo_server_next_call(p->server, 100, &req, &err);
    dubbo_error_free(err);
    if (s == DUBBO_OK) {
      handle(req, 1);
    } else if (s != DUBBO_E_TIMEOUT) {
      break; /* DUBBO_E_CLOSED */
    }
  }
  return NULL;
}

int main(int argc, char **argv) {
  int pull = argc > 1 && !strcmp(argv[1], "pull");
  int seconds = argc > 2 ? atoi(argv[2]) : 300;
  const char *version = argc > 3 ? argv[3] : "";
  const char *group = argc > 4 ? argv[4] : "";
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, NULL); /* every thread started from here on too */

  dubbo_runtime *rt = NULL;
  dubbo_server *server = NULL;
  dubbo_error *err = NULL;
  dubbo_status s = dubbo_runtime_new(NULL, &rt, &err);
  if (s == DUBBO_OK) s = dubbo_server_new(rt, NULL, &server, &err);
  if (s != DUBBO_OK) {
    print_error("start", s, err);
    return 1;
  }
  dubbo_service_options svc;
  dubbo_service_options_default(&svc);
  svc.interface = DUBBO_STR("org.example.Greeter");
  svc.version = DUBBO_STR(version);
  svc.group = DUBBO_STR(group);
  svc.methods_json = DUBBO_STR(METHODS);
  dubbo_handler handler = {on_call, on_drop, NULL};
  s = dubbo_server_export(server, &svc, pull ? NULL : &handler, &err);
  if (s != DUBBO_OK) {
    print_error("export", s, err);
    return 1;
  }
  struct puller pullers[4];
  if (pull) {
    for (int i = 0; i < 4; i++) {
      pullers[i].server = server;
      pthread_create(&pullers[i].thread, NULL, pull_loop, &pullers[i]);
    }
  }
  printf("READY %u\n", (unsigned)dubbo_server_port(server));
  fflush(stdout);

  struct timespec limit = {seconds, 0};
  sigtimedwait(&signals, NULL, &limit);

  s = dubbo_server_shutdown(server, &err);
  if (s != DUBBO_OK) print_error("shutdown", s, err);
  dubbo_error_free(err);
  if (pull) {
    for (int i = 0; i < 4; i++) pthread_join(pullers[i].thread, NULL);
  }
  dubbo_server_free(server);
  dubbo_runtime_free(rt);
  free(memory);
  printf("greeter_server: stopped (%s mode, handler dropped %d time(s))\n", pull ? "pull" : "push", dropped);
  return pull || dropped == 1 ? 0 : 1;
}
