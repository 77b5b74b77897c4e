/* The C ABI's error paths, in one process (a server and a client of its own):
 * NULL arguments and NULL frees, double frees made harmless, frees refused
 * inside callbacks, calls after close, a panic surfacing as DUBBO_E_PANIC,
 * bad JSON and UTF-8, requests taken and answered later, answered twice, or not
 * at all, a closure's drop running once, and a handle used after fork().
 * Prints `c-api: N passed, M failed`. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#ifdef __cplusplus
extern "C" {
#endif
/* Test hook exported by libdubbo but left out of the header. */
dubbo_status dubbo_test_panic(dubbo_error **err);
#ifdef __cplusplus
}
#endif

static dubbo_runtime *rt = NULL;
static dubbo_server *server = NULL;
static dubbo_client *client = NULL;

/* What the handler saw, checked by main. */
static int free_server_in_callback = 0;
static int free_runtime_in_callback = 0;
static int drops = 0;
static int reply_twice = 0;

struct later {
  dubbo_request *req;
};

static void *reply_later(void *arg) {
  struct later *l = (struct later *)arg;
  struct timespec ts = {0, 20 * 1000000L};
  nanosleep(&ts, NULL);
  dubbo_request_reply(l->req, "\"later\"", 7, NULL);
  dubbo_request_free(l->req);
  free(l);
  return NULL;
}

static void on_call(void *context, dubbo_request *req) {
  (void)context;
  size_t len = 0;
  const char *m = dubbo_request_method(req, &len);
  if (len == 4 && !memcmp(m, "free", 4)) {
    free_server_in_callback = dubbo_server_free(server);
    free_runtime_in_callback = dubbo_runtime_free(rt);
    dubbo_request_reply(req, "true", 4, NULL);
  } else if (len == 5 && !memcmp(m, "twice", 5)) {
    dubbo_request_reply(req, "1", 1, NULL);
    dubbo_error *err = NULL;
    reply_twice = dubbo_request_reply(req, "2", 1, &err);
    dubbo_error_free(err);
  } else if (len == 5 && !memcmp(m, "later", 5)) {
    struct later *l = (struct later *)malloc(sizeof *l);
    if (dubbo_request_take(req, &l->req, NULL) == DUBBO_OK) {
      pthread_t t;
      pthread_create(&t, NULL, reply_later, l);
      pthread_detach(t);
    } else {
      free(l);
    }
  } else if (len == 6 && !memcmp(m, "ignore", 6)) {
    /* returns without answering: libdubbo fails the call */
  } else {
    dubbo_request_reply(req, "\"hi\"", 4, NULL);
  }
}

static void on_drop(void *context) {
  (void)context;
  drops++;
}

/* Cancelled calls: the callback still runs once, with DUBBO_E_CANCELLED. */
struct cancel_state {
  pthread_mutex_t lock;
  pthread_cond_t cond;
  int calls;
  dubbo_status kind;
};

static void on_cancelled(void *ud, const char *json, size_t len, const dubbo_error *err) {
  struct cancel_state *st = (struct cancel_state *)ud;
  (void)json;
  (void)len;
  pthread_mutex_lock(&st->lock);
  st->calls++;
  st->kind = err ? dubbo_error_kind(err) : DUBBO_OK;
  pthread_cond_signal(&st->cond);
  pthread_mutex_unlock(&st->lock);
}

static int wait_calls(struct cancel_state *st, int n) {
  struct timespec deadline;
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_sec += 5;
  pthread_mutex_lock(&st->lock);
  while (st->calls < n && pthread_cond_timedwait(&st->cond, &st->lock, &deadline) == 0) {
  }
  int got = st->calls;
  pthread_mutex_unlock(&st->lock);
  return got;
}

/* In a completion callback: blocking calls and frees are refused. */
struct cb_state {
  pthread_mutex_t lock;
  pthread_cond_t cond;
  int calls;
  dubbo_status sync_in_callback;
  dubbo_status free_in_callback;
  const dubbo_reference *ref;
};

static void on_complete(void *ud, const char *json, size_t len, const dubbo_error *err) {
  struct cb_state *st = (struct cb_state *)ud;
  (void)json;
  (void)len;
  (void)err;
  dubbo_bytes out = {NULL, 0, 0};
  dubbo_status s = dubbo_reference_call_sync(st->ref, "hello", 5, "[]", 2, NULL, &out, NULL, NULL);
  dubbo_bytes_free(&out);
  dubbo_status f = dubbo_client_free(client);
  pthread_mutex_lock(&st->lock);
  st->calls++;
  st->sync_in_callback = s;
  st->free_in_callback = f;
  pthread_cond_signal(&st->cond);
  pthread_mutex_unlock(&st->lock);
}

static dubbo_status call(dubbo_reference *ref, const char *method, dubbo_bytes *out, dubbo_error **err) {
  return dubbo_reference_call_sync(ref, method, strlen(method), "[]", 2, NULL, out, NULL, err);
}

int main(void) {
  dubbo_error *err = NULL;
  dubbo_status s;

  /* versions and names */
  CHECK("version", dubbo_version() != NULL && strlen(dubbo_version()) >= 5);
  CHECK("abi_version", dubbo_abi_version() == DUBBO_ABI_VERSION);
  CHECK("status_name", !strcmp(dubbo_status_name(DUBBO_E_FORKED), "DUBBO_E_FORKED") && !strcmp(dubbo_status_name(7), "DUBBO_E_UNKNOWN"));

  /* NULL arguments are DUBBO_E_NULL, NULL frees are no-ops */
  s = dubbo_runtime_new(NULL, NULL, &err);
  CHECK("null#out", s == DUBBO_E_NULL && dubbo_error_kind(err) == DUBBO_E_NULL);
  dubbo_error_free(err);
  err = NULL;
  dubbo_client *c = NULL;
  s = dubbo_client_new(NULL, NULL, &c, NULL); /* a NULL err slot is allowed too */
  CHECK("null#runtime", s == DUBBO_E_NULL && c == NULL);
  dubbo_bytes out = {NULL, 0, 0};
  s = dubbo_reference_call_sync(NULL, "m", 1, "[]", 2, NULL, &out, NULL, NULL);
  CHECK("null#reference", s == DUBBO_E_NULL);
  CHECK("null#getters", dubbo_error_kind(NULL) == DUBBO_E_NULL && dubbo_error_message(NULL, NULL) == NULL && dubbo_server_port(NULL) == 0);
  dubbo_error_free(NULL);
  dubbo_bytes_free(NULL);
  dubbo_request_free(NULL);
  dubbo_reference_free(NULL);
  dubbo_client_close(NULL);
  dubbo_server_close(NULL);
  CHECK("null#free", dubbo_runtime_free(NULL) == DUBBO_OK && dubbo_client_free(NULL) == DUBBO_OK && dubbo_server_free(NULL) == DUBBO_OK);

  /* a panic inside libdubbo is a status, and the library still works after it */
  s = dubbo_test_panic(&err);
  CHECK("panic#status", s == DUBBO_E_PANIC && dubbo_error_kind(err) == DUBBO_E_PANIC);
  dubbo_error_free(err);
  err = NULL;

  dubbo_runtime_options ro;
  dubbo_runtime_options_default(&ro);
  ro.threads = 2;
  s = dubbo_runtime_new(&ro, &rt, &err);
  CHECK("runtime_new", s == DUBBO_OK && rt != NULL);
  s = dubbo_server_new(rt, NULL, &server, &err);
  CHECK("server_new", s == DUBBO_OK);
  dubbo_service_options so;
  dubbo_service_options_default(&so);
  so.interface = DUBBO_STR("org.example.Push");
  dubbo_handler h = {on_call, on_drop, NULL};
  s = dubbo_server_export(server, &so, &h, &err);
  CHECK("export#push", s == DUBBO_OK);
  so.interface = DUBBO_STR("org.example.Pull");
  s = dubbo_server_export(server, &so, NULL, &err);
  CHECK("export#pull", s == DUBBO_OK);
  dubbo_handler no_call = {NULL, NULL, NULL};
  so.interface = DUBBO_STR("org.example.Bad");
  s = dubbo_server_export(server, &so, &no_call, &err);
  CHECK("export#null_call", s == DUBBO_E_NULL);
  dubbo_error_free(err);
  err = NULL;

  char url[64];
  snprintf(url, sizeof url, "dubbo://127.0.0.1:%u", (unsigned)dubbo_server_port(server));
  s = dubbo_client_new(rt, NULL, &client, &err);
  dubbo_reference_options o;
  dubbo_reference_options_default(&o);
  o.interface = DUBBO_STR("org.example.Push");
  o.url = DUBBO_STR(url);
  dubbo_reference *push = NULL, *pull = NULL;
  if (s == DUBBO_OK) s = dubbo_reference_new(client, &o, &push, &err);
  o.interface = DUBBO_STR("org.example.Pull");
  if (s == DUBBO_OK) s = dubbo_reference_new(client, &o, &pull, &err);
  CHECK("references", s == DUBBO_OK);
  if (s != DUBBO_OK) {
    print_error("setup", s, err);
    return check_summary("c-api");
  }

  /* bad input */
  s = dubbo_reference_call_sync(push, "hello", 5, "[1,", 3, NULL, &out, NULL, &err);
  CHECK("bad#json", s == DUBBO_E_INVALID_ARG);
  dubbo_error_free(err);
  err = NULL;
  s = dubbo_reference_call_sync(push, "\xff\xfe", 2, "[]", 2, NULL, &out, NULL, &err);
  CHECK("bad#utf8", s == DUBBO_E_INVALID_ARG);
  dubbo_error_free(err);
  err = NULL;
  s = dubbo_reference_call_sync(push, "hello", 5, "[{\"$nope\":1}]", 13, NULL, &out, NULL, &err);
  CHECK("bad#wrapper", s == DUBBO_E_INVALID_ARG);
  dubbo_error_free(err);
  err = NULL;
  dubbo_reference *bad = NULL;
  o.url = DUBBO_STR("http://127.0.0.1:1");
  s = dubbo_reference_new(client, &o, &bad, &err);
  CHECK("bad#url", s == DUBBO_E_INVALID_ARG && bad == NULL);
  dubbo_error_free(err);
  err = NULL;

  /* push handler paths */
  s = call(push, "hello", &out, &err);
  CHECK("push#reply", s == DUBBO_OK && bytes_eq(&out, "\"hi\""));
  dubbo_bytes_free(&out);
  dubbo_bytes_free(&out); /* a second free is harmless: the first zeroed it */
  CHECK("bytes#double_free", out.ptr == NULL && out.len == 0);
  s = call(push, "free", &out, &err);
  CHECK("callback#free_refused", s == DUBBO_OK && free_server_in_callback == DUBBO_E_IN_CALLBACK && free_runtime_in_callback == DUBBO_E_IN_CALLBACK);
  dubbo_bytes_free(&out);
  s = call(push, "twice", &out, &err);
  CHECK("request#reply_twice", s == DUBBO_OK && bytes_eq(&out, "1") && reply_twice == DUBBO_E_INVALID_ARG);
  dubbo_bytes_free(&out);
  s = call(push, "later", &out, &err);
  CHECK("request#take_reply_later", s == DUBBO_OK && bytes_eq(&out, "\"later\""));
  dubbo_bytes_free(&out);
  s = call(push, "ignore", &out, &err);
  {
    size_t clen = 0;
    const char *cls = dubbo_error_java_class(err, &clen);
    CHECK("request#unanswered", s == DUBBO_E_REMOTE_EXCEPTION && clen == 26 && !memcmp(cls, "java.lang.RuntimeException", 26));
  }
  dubbo_error_free(err);
  err = NULL;

  /* completion callbacks: exactly once; blocking calls and frees refused inside */
  struct cb_state st;
  pthread_mutex_init(&st.lock, NULL);
  pthread_cond_init(&st.cond, NULL);
  st.calls = 0;
  st.sync_in_callback = DUBBO_OK;
  st.free_in_callback = DUBBO_OK;
  st.ref = push;
  s = dubbo_reference_call(push, "hello", 5, "[]", 2, NULL, on_complete, &st, &err);
  struct timespec deadline;
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_sec += 5;
  pthread_mutex_lock(&st.lock);
  while (st.calls == 0 && pthread_cond_timedwait(&st.cond, &st.lock, &deadline) == 0) {
  }
  pthread_mutex_unlock(&st.lock);
  {
    struct timespec ts = {0, 100 * 1000000L};
    nanosleep(&ts, NULL); /* a second completion would show now */
  }
  CHECK("async#once", s == DUBBO_OK && st.calls == 1);
  CHECK("async#sync_refused", st.sync_in_callback == DUBBO_E_IN_CALLBACK);
  CHECK("async#free_refused", st.free_in_callback == DUBBO_E_IN_CALLBACK);
  s = dubbo_reference_call(push, "hello", 5, "[", 1, NULL, on_complete, &st, &err);
  CHECK("async#bad_args_no_callback", s == DUBBO_E_INVALID_ARG && st.calls == 1);
  dubbo_error_free(err);
  err = NULL;
  s = dubbo_reference_call(push, "hello", 5, "[]", 2, NULL, NULL, NULL, &err);
  CHECK("async#null_callback", s == DUBBO_E_NULL);
  dubbo_error_free(err);
  err = NULL;

  /* cancellation tokens */
  {
    struct cancel_state cs;
    pthread_mutex_init(&cs.lock, NULL);
    pthread_cond_init(&cs.cond, NULL);
    cs.calls = 0;
    cs.kind = DUBBO_OK;
    dubbo_cancel_token *token = NULL;
    s = dubbo_cancel_token_new(&token, &err);
    dubbo_call_options co;
    dubbo_call_options_default(&co);
    co.cancel = token;
    dubbo_status started = dubbo_reference_call(push, "later", 5, "[]", 2, &co, on_cancelled, &cs, &err);
    dubbo_cancel_token_cancel(token);
    CHECK("cancel#running", s == DUBBO_OK && started == DUBBO_OK && wait_calls(&cs, 1) == 1 && cs.kind == DUBBO_E_CANCELLED);
    started = dubbo_reference_call(push, "hello", 5, "[]", 2, &co, on_cancelled, &cs, &err);
    CHECK("cancel#already_cancelled", started == DUBBO_OK && wait_calls(&cs, 2) == 2 && cs.kind == DUBBO_E_CANCELLED);
    dubbo_cancel_token_free(token);
    dubbo_cancel_token_free(NULL);
    dubbo_cancel_token_cancel(NULL);
    { /* the taken "later" request is answered by its thread within 20 ms */
      struct timespec ts = {0, 100 * 1000000L};
      nanosleep(&ts, NULL);
    }
    CHECK("cancel#once", cs.calls == 2);
    pthread_cond_destroy(&cs.cond);
    pthread_mutex_destroy(&cs.lock);
  }

  /* pull: timeout, a request, reply after close */
  dubbo_request *req = NULL;
  s = dubbo_server_next_call(server, 50, &req, &err);
  CHECK("pull#timeout", s == DUBBO_E_TIMEOUT && req == NULL);
  dubbo_error_free(err);
  err = NULL;
  struct cb_state st2;
  pthread_mutex_init(&st2.lock, NULL);
  pthread_cond_init(&st2.cond, NULL);
  st2.calls = 0;
  st2.ref = pull;
  s = dubbo_reference_call(pull, "hello", 5, "[\"x\"]", 5, NULL, on_complete, &st2, &err);
  dubbo_status got = dubbo_server_next_call(server, 5000, &req, &err);
  size_t mlen = 0;
  const char *m = dubbo_request_method(req, &mlen);
  CHECK("pull#next_call", s == DUBBO_OK && got == DUBBO_OK && mlen == 5 && !memcmp(m, "hello", 5));
  dubbo_bytes args = {NULL, 0, 0};
  CHECK("pull#args", dubbo_request_args(req, &args, NULL) == DUBBO_OK && bytes_eq(&args, "[\"x\"]"));
  dubbo_bytes_free(&args);

  dubbo_server_close(server);
  s = dubbo_request_reply(req, "1", 1, &err);
  CHECK("pull#reply_after_close", s == DUBBO_E_CLOSED);
  dubbo_error_free(err);
  err = NULL;
  dubbo_request_free(req);
  s = dubbo_server_next_call(server, 50, &req, &err);
  CHECK("pull#next_after_close", s == DUBBO_E_CLOSED);
  dubbo_error_free(err);
  err = NULL;
  CHECK("handler#drop_once", drops == 1);
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_sec += 5;
  pthread_mutex_lock(&st2.lock);
  while (st2.calls == 0 && pthread_cond_timedwait(&st2.cond, &st2.lock, &deadline) == 0) {
  }
  pthread_mutex_unlock(&st2.lock);
  CHECK("pull#caller_completed", st2.calls == 1);

  /* fork: the parent's runtime refuses to serve the child */
  /* (The child answers through a pipe: under valgrind its exit status is valgrind's.) */
  fflush(stdout);
  int fds[2];
  char verdict = 'n';
  if (pipe(fds) == 0) {
    pid_t pid = fork();
    if (pid == 0) {
      dubbo_client *child = NULL;
      dubbo_status fs = dubbo_client_new(rt, NULL, &child, NULL);
      char v = fs == DUBBO_E_FORKED ? 'y' : 'n';
      if (write(fds[1], &v, 1) != 1) v = 'n';
      _exit(0);
    }
    close(fds[1]);
    if (read(fds[0], &verdict, 1) != 1) verdict = 'n';
    close(fds[0]);
    waitpid(pid, NULL, 0);
  }
  CHECK("fork#forked", verdict == 'y');

  /* calls after close */
  dubbo_client_close(client);
  s = call(push, "hello", &out, &err);
  CHECK("client#closed", s == DUBBO_E_CLOSED);
  dubbo_error_free(err);
  err = NULL;

  dubbo_reference_free(push);
  dubbo_reference_free(pull);
  CHECK("free#client", dubbo_client_free(client) == DUBBO_OK);
  CHECK("free#server", dubbo_server_free(server) == DUBBO_OK);
  CHECK("free#runtime", dubbo_runtime_free(rt) == DUBBO_OK);
  pthread_cond_destroy(&st.cond);
  pthread_mutex_destroy(&st.lock);
  pthread_cond_destroy(&st2.cond);
  pthread_mutex_destroy(&st2.lock);
  return check_summary("c-api");
}
