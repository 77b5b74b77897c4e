/* The C client's dubbo2 round trips: echoString("0123456789" x 10) with N
 * calls in flight on one reference (one shared connection), each completion
 * sending the next call from its callback. Warm-up as the Java peer's bench
 * (at least WARMUP s and 20,000 calls, at most 15 s), then SECONDS measured.
 *   bench_client dubbo://127.0.0.1:PORT N WARMUP SECONDS
 * Prints the peer's BENCH line format. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dubbo.h"

#define MAX_SAMPLES (4 * 1024 * 1024)

static char ARGS[128]; /* ["0123456789" x 10] */
static char want[128];
static size_t want_len;
static dubbo_reference *ref;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t idle = PTHREAD_COND_INITIALIZER;
static int outstanding = 0;
static int stopping = 0;
static int64_t t_measure_start = -1, t_measure_end = -1; /* ns */
static uint64_t calls = 0, errors = 0, total = 0;
static uint32_t *samples; /* latencies in 0.1 us */
static size_t nsamples = 0;
static int64_t last_reply = 0;

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

struct slot {
  int64_t sent;
};

static void send_call(struct slot *s);

static void on_done(void *ud, const char *json, size_t len, const dubbo_error *err) {
  struct slot *s = (struct slot *)ud;
  int64_t t = now_ns();
  int ok = err == NULL && len == want_len && memcmp(json, want, len) == 0;
  pthread_mutex_lock(&lock);
  total++;
  if (t_measure_start >= 0 && s->sent >= t_measure_start && s->sent < t_measure_end) {
    calls++;
    if (!ok) errors++;
    if (nsamples < MAX_SAMPLES) samples[nsamples++] = (uint32_t)((t - s->sent) / 100);
    last_reply = t;
  }
  int again = !stopping;
  if (!again) {
    outstanding--;
    pthread_cond_broadcast(&idle);
  }
  pthread_mutex_unlock(&lock);
  if (again) send_call(s);
}

static void send_call(struct slot *s) {
  s->sent = now_ns();
  dubbo_status st = dubbo_reference_call(ref, "echoString", 10, ARGS, strlen(ARGS), NULL, on_done, s, NULL);
  if (st != DUBBO_OK) {
    pthread_mutex_lock(&lock);
    errors++;
    outstanding--;
    pthread_cond_broadcast(&idle);
    pthread_mutex_unlock(&lock);
  }
}

static int cmp(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

int main(int argc, char **argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: bench_client URL N WARMUP SECONDS\n");
    return 2;
  }
  int n = atoi(argv[2]), warmup = atoi(argv[3]), seconds = atoi(argv[4]);
  strcpy(ARGS, "[\"");
  for (int i = 0; i < 10; i++) strcat(ARGS, "0123456789");
  strcat(ARGS, "\"]");
  snprintf(want, sizeof want, "%.*s", (int)(strlen(ARGS) - 2), ARGS + 1);
  want_len = strlen(want);
  samples = (uint32_t *)malloc(sizeof(uint32_t) * MAX_SAMPLES);
  dubbo_runtime *rt = NULL;
  dubbo_client *client = NULL;
  dubbo_runtime_options ro;
  dubbo_runtime_options_default(&ro);
  ro.threads = 2;
  dubbo_client_options co;
  dubbo_client_options_default(&co);
  co.timeout_ms = 3000;
  dubbo_reference_options o;
  dubbo_reference_options_default(&o);
  o.interface = DUBBO_STR("org.example.Greeter");
  o.url = DUBBO_STR(argv[1]);
  o.methods_json = DUBBO_STR("[{\"name\":\"echoString\",\"types\":[\"java.lang.String\"]}]");
  if (dubbo_runtime_new(&ro, &rt, NULL) || dubbo_client_new(rt, &co, &client, NULL) || dubbo_reference_new(client, &o, &ref, NULL)) {
    fprintf(stderr, "setup failed\n");
    return 1;
  }
  struct slot *slots = (struct slot *)calloc((size_t)n, sizeof *slots);
  outstanding = n;
  int64_t start = now_ns();
  for (int i = 0; i < n; i++) send_call(&slots[i]);
  /* warm-up: >= WARMUP s and 20,000 calls, <= 15 s */
  for (;;) {
    sleep_ms(50);
    int64_t el = now_ns() - start;
    pthread_mutex_lock(&lock);
    uint64_t done = total;
    pthread_mutex_unlock(&lock);
    if ((el >= (int64_t)warmup * 1000000000LL && done >= 20000) || el >= 15000000000LL) break;
  }
  pthread_mutex_lock(&lock);
  t_measure_start = now_ns();
  t_measure_end = t_measure_start + (int64_t)seconds * 1000000000LL;
  pthread_mutex_unlock(&lock);
  sleep_ms((long)seconds * 1000);
  pthread_mutex_lock(&lock);
  stopping = 1;
  struct timespec deadline;
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_sec += 10;
  while (outstanding > 0 && pthread_cond_timedwait(&idle, &lock, &deadline) == 0) {
  }
  int left = outstanding;
  pthread_mutex_unlock(&lock);
  qsort(samples, nsamples, sizeof(uint32_t), cmp);
  double secs = (double)(last_reply - t_measure_start) / 1e9;
  double p50 = nsamples ? samples[nsamples / 2] / 10.0 : 0, p99 = nsamples ? samples[(nsamples * 99) / 100] / 10.0 : 0;
  printf("BENCH kind=string100 inflight=%d calls=%llu seconds=%.2f calls_per_s=%.0f p50_us=%.1f p99_us=%.1f errors=%llu\n", n,
         (unsigned long long)calls, secs, secs > 0 ? calls / secs : 0, p50, p99, (unsigned long long)(errors + (uint64_t)left));
  fflush(stdout);
  if (left == 0) {
    dubbo_reference_free(ref);
    dubbo_client_free(client);
    dubbo_runtime_free(rt);
    free(slots);
  }
  free(samples);
  return errors == 0 && left == 0 ? 0 : 1;
}
