/* A provider and a consumer in one process, from C through dubbo.h: the server
 * exports org.example.Greeter (sayHello, and fail, which throws a declared Java
 * exception), the client calls it over loopback, once blocking, once async.
 *
 *   bash examples/c/run.sh */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <dubbo.h>

/* The handler: runs on a libdubbo thread for each call. */
static void greet(void *context, dubbo_request *req) {
  (void)context;
  size_t len = 0;
  const char *method = dubbo_request_method(req, &len);
  dubbo_bytes args = {NULL, 0, 0};
  dubbo_request_args(req, &args, NULL); /* e.g. ["C"] */
  if (len == 8 && memcmp(method, "sayHello", 8) == 0 && args.len > 4) {
    char reply[256];
    /* args is ["name"]: answer "Hello name" (a JSON string). */
    int n = snprintf(reply, sizeof reply, "\"Hello %.*s", (int)(args.len - 3), (const char *)args.ptr + 2);
    dubbo_request_reply(req, reply, (size_t)n, NULL);
  } else {
    dubbo_request_fail(req, "org.example.GreeterException", 28, "on purpose", 10, "{\"code\":42}", 11, NULL);
  }
  dubbo_bytes_free(&args);
}

/* The async completion: runs once, on a libdubbo thread. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done = PTHREAD_COND_INITIALIZER;
static int completed = 0;

static void on_reply(void *user_data, const char *json, size_t len, const dubbo_error *err) {
  (void)user_data;
  if (err == NULL) printf("async sayHello -> %.*s\n", (int)len, json);
  pthread_mutex_lock(&lock);
  completed = 1;
  pthread_cond_signal(&done);
  pthread_mutex_unlock(&lock);
}

static int fail(const char *what, dubbo_status s, dubbo_error *err) {
  size_t len = 0;
  const char *msg = dubbo_error_message(err, &len);
  fprintf(stderr, "%s: %s %.*s\n", what, dubbo_status_name(s), (int)len, msg ? msg : "");
  dubbo_error_free(err);
  return 1;
}

int main(void) {
  dubbo_runtime *rt = NULL;
  dubbo_server *server = NULL;
  dubbo_client *client = NULL;
  dubbo_reference *greeter = NULL;
  dubbo_error *err = NULL;
  dubbo_status s;
  printf("libdubbo %s\n", dubbo_version());

  if ((s = dubbo_runtime_new(NULL, &rt, &err)) != DUBBO_OK) return fail("runtime", s, err);

  /* The provider, on a free loopback port. */
  if ((s = dubbo_server_new(rt, NULL, &server, &err)) != DUBBO_OK) return fail("server", s, err);
  dubbo_service_options service;
  dubbo_service_options_default(&service);
  service.interface = DUBBO_STR("org.example.Greeter");
  service.methods_json = DUBBO_STR("[{\"name\":\"sayHello\",\"types\":[\"java.lang.String\"]},"
                                   "{\"name\":\"fail\",\"types\":[\"java.lang.String\"]}]");
  dubbo_handler handler = {greet, NULL, NULL};
  if ((s = dubbo_server_export(server, &service, &handler, &err)) != DUBBO_OK) return fail("export", s, err);
  char url[64];
  snprintf(url, sizeof url, "dubbo://127.0.0.1:%u", (unsigned)dubbo_server_port(server));
  printf("provider listening on %s\n", url);

  /* The consumer. */
  if ((s = dubbo_client_new(rt, NULL, &client, &err)) != DUBBO_OK) return fail("client", s, err);
  dubbo_reference_options ref;
  dubbo_reference_options_default(&ref);
  ref.interface = DUBBO_STR("org.example.Greeter");
  ref.url = DUBBO_STR(url);
  ref.methods_json = service.methods_json;
  if ((s = dubbo_reference_new(client, &ref, &greeter, &err)) != DUBBO_OK) return fail("reference", s, err);

  dubbo_bytes value = {NULL, 0, 0};
  if ((s = dubbo_reference_call_sync(greeter, "sayHello", 8, "[\"C\"]", 5, NULL, &value, NULL, &err)) != DUBBO_OK)
    return fail("sayHello", s, err);
  printf("sayHello(\"C\") -> %.*s\n", (int)value.len, (const char *)value.ptr);
  dubbo_bytes_free(&value);

  s = dubbo_reference_call_sync(greeter, "fail", 4, "[\"x\"]", 5, NULL, &value, NULL, &err);
  size_t clen = 0, jlen = 0;
  const char *cls = dubbo_error_java_class(err, &clen);
  const char *exc = dubbo_error_exception_json(err, &jlen);
  printf("fail(\"x\") -> %s %.*s %.*s\n", dubbo_status_name(s), (int)clen, cls, (int)jlen, exc);
  dubbo_error_free(err);
  err = NULL;

  if ((s = dubbo_reference_call(greeter, "sayHello", 8, "[\"async C\"]", 11, NULL, on_reply, NULL, &err)) != DUBBO_OK)
    return fail("async", s, err);
  pthread_mutex_lock(&lock);
  while (!completed) pthread_cond_wait(&done, &lock);
  pthread_mutex_unlock(&lock);

  dubbo_server_shutdown(server, NULL);
  dubbo_reference_free(greeter);
  dubbo_client_free(client);
  dubbo_server_free(server);
  dubbo_runtime_free(rt);
  printf("done\n");
  return 0;
}
