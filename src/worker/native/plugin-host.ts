// The C source of the plugin host: an N-API addon (built by plugins.ts with the system cc against
// Node's headers, on first use) that loads task plugins with dlopen(3) and calls their
// `int clw_handle_<name>(const char *payload_json)` functions. It runs in whichever process calls
// it: a task child (task.isolation = "fork") or the worker itself ("none"), where a crashing handler
// takes the worker down. While a handler runs, a crash handler writes the lines OpenClaw writes
// ("clw-worker-crash detected ...") to worker.log with write(2) only, then lets the fault happen
// again under the default action, so the kernel still kills the process and dumps its core with the
// handler's frame on top.
export const PLUGIN_HOST_C = `#define NAPI_VERSION 8
#include <node_api.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef int (*clw_handler)(const char *payload);

#define MAX_PLUGINS 256
static void *plugins[MAX_PLUGINS];
static int nplugins;

/* What the crash handler writes: set before a handler is called, read only inside the handler. */
static int crash_fd = -1;
static char crash_prefix[128];
static char crash_task[2048];
static const int CRASH_SIGNALS[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
#define NCRASH (sizeof CRASH_SIGNALS / sizeof CRASH_SIGNALS[0])
static struct sigaction saved[NCRASH];

/* ---- async-signal-safe formatting into a fixed buffer ---- */
struct out { char b[4096]; size_t n; };
static void put(struct out *o, const char *s) {
  while (*s && o->n < sizeof o->b) o->b[o->n++] = *s++;
}
static void put_num(struct out *o, unsigned long long v, unsigned base, int width) {
  char d[32]; int i = 0;
  do { d[i++] = "0123456789abcdef"[v % base]; v /= base; } while (v && i < 32);
  while (i < width && i < 32) d[i++] = '0';
  while (i > 0 && o->n < sizeof o->b) o->b[o->n++] = d[--i];
}
/* ISO 8601 UTC with milliseconds, like the worker's lines (days to civil date: H. Hinnant). */
static void put_time(struct out *o) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  long long z = ts.tv_sec / 86400 + 719468, s = ts.tv_sec % 86400;
  long long era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = (unsigned)(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
  unsigned day = doy - (153 * mp + 2) / 5 + 1, mon = mp < 10 ? mp + 3 : mp - 9;
  long long year = (long long)yoe + era * 400 + (mon <= 2);
  put_num(o, (unsigned long long)year, 10, 4); put(o, "-"); put_num(o, mon, 10, 2); put(o, "-");
  put_num(o, day, 10, 2); put(o, "T"); put_num(o, (unsigned long long)(s / 3600), 10, 2); put(o, ":");
  put_num(o, (unsigned long long)(s / 60 % 60), 10, 2); put(o, ":"); put_num(o, (unsigned long long)(s % 60), 10, 2);
  put(o, "."); put_num(o, (unsigned long long)(ts.tv_nsec / 1000000), 10, 3); put(o, "Z ");
}
static const char *signame(int sig) {
  switch (sig) {
    case SIGSEGV: return "SIGSEGV"; case SIGBUS: return "SIGBUS"; case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL"; case SIGABRT: return "SIGABRT"; default: return "SIGNAL";
  }
}
static void emit(struct out *o) {
  if (crash_fd >= 0) (void)!write(crash_fd, o->b, o->n);
  (void)!write(2, o->b, o->n);
  o->n = 0;
}

static void on_crash(int sig, siginfo_t *si, void *uc) {
  struct out o;
  (void)uc;
  o.n = 0;
  put_time(&o); put(&o, crash_prefix);
  put(&o, "FATAL: clw-worker-crash detected. Exit code: "); put_num(&o, 128u + (unsigned)sig, 10, 1);
  put(&o, ", Signal: "); put_num(&o, (unsigned)sig, 10, 1); put(&o, " ("); put(&o, signame(sig));
  if (sig != SIGABRT) { put(&o, " at 0x"); put_num(&o, (unsigned long long)(uintptr_t)si->si_addr, 16, 1); }
  put(&o, ")\\n");
  emit(&o);
  if (crash_task[0]) {
    put_time(&o); put(&o, crash_prefix); put(&o, "FATAL: "); put(&o, crash_task); put(&o, "\\n");
    emit(&o);
  }
  /* SA_RESETHAND restored the default action: a fault re-runs its instruction and dumps core;
     abort() raises again itself; a signal sent by kill(2) must be raised again here. */
  if (si->si_code <= 0 && sig != SIGABRT) raise(sig);
}

static void arm(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_crash;
  sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
  sigemptyset(&sa.sa_mask);
  for (size_t i = 0; i < NCRASH; i++) sigaction(CRASH_SIGNALS[i], &sa, &saved[i]);
}
static void disarm(void) {
  for (size_t i = 0; i < NCRASH; i++) sigaction(CRASH_SIGNALS[i], &saved[i], 0);
}

/* ---- N-API glue ---- */
static napi_value fail(napi_env env, const char *msg) {
  napi_throw_error(env, 0, msg);
  return 0;
}
static int str_arg(napi_env env, napi_value v, char *buf, size_t size) {
  size_t len;
  return napi_get_value_string_utf8(env, v, buf, size, &len) == napi_ok && len < size - 1;
}

/* open(path) -> handle; throws dlerror()'s text when the loader refuses the file. */
static napi_value js_open(napi_env env, napi_callback_info info) {
  size_t argc = 1; napi_value argv[1], result; char path[4096];
  napi_get_cb_info(env, info, &argc, argv, 0, 0);
  if (argc < 1 || !str_arg(env, argv[0], path, sizeof path)) return fail(env, "open(path): path must be a string");
  if (nplugins >= MAX_PLUGINS) return fail(env, "too many plugins");
  dlerror();
  void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!h) { const char *e = dlerror(); return fail(env, e ? e : "dlopen failed"); }
  plugins[nplugins] = h;
  napi_create_int32(env, nplugins++, &result);
  return result;
}

static void *handler_of(napi_env env, napi_value v, char *sym, size_t size, napi_value name) {
  int32_t h;
  if (napi_get_value_int32(env, v, &h) != napi_ok || h < 0 || h >= nplugins) { fail(env, "not a plugin handle"); return 0; }
  if (!str_arg(env, name, sym, size)) { fail(env, "the handler name must be a string"); return 0; }
  dlerror();
  void *f = dlsym(plugins[h], sym);
  if (!f) { const char *e = dlerror(); fail(env, e ? e : "no such symbol"); }
  return f;
}

/* has(handle, symbol) -> whether dlsym finds it. */
static napi_value js_has(napi_env env, napi_callback_info info) {
  size_t argc = 2; napi_value argv[2], result; char sym[256]; int32_t h;
  napi_get_cb_info(env, info, &argc, argv, 0, 0);
  if (argc < 2 || napi_get_value_int32(env, argv[0], &h) != napi_ok || h < 0 || h >= nplugins || !str_arg(env, argv[1], sym, sizeof sym))
    return fail(env, "has(handle, symbol)");
  napi_get_boolean(env, dlsym(plugins[h], sym) != 0, &result);
  return result;
}

/* call(handle, symbol, payload, logFile, prefix, task) -> the handler's return value. logFile may be
   empty (crash lines then go to stderr only); prefix and task are the crash lines' envelope and text. */
static napi_value js_call(napi_env env, napi_callback_info info) {
  size_t argc = 6; napi_value argv[6], result; char sym[256], log[4096];
  static char payload[1 << 16];
  napi_get_cb_info(env, info, &argc, argv, 0, 0);
  if (argc < 6) return fail(env, "call(handle, symbol, payload, logFile, prefix, task)");
  clw_handler f = (clw_handler)handler_of(env, argv[0], sym, sizeof sym, argv[1]);
  if (!f) return 0;
  if (!str_arg(env, argv[2], payload, sizeof payload)) return fail(env, "the payload must be a string under 64 KiB");
  if (!str_arg(env, argv[3], log, sizeof log) || !str_arg(env, argv[4], crash_prefix, sizeof crash_prefix)
      || !str_arg(env, argv[5], crash_task, sizeof crash_task)) return fail(env, "logFile, prefix and task must be short strings");
  crash_fd = log[0] ? open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644) : -1;
  arm();
  int rc = f(payload);
  disarm();
  if (crash_fd >= 0) close(crash_fd);
  crash_fd = -1;
  napi_create_int32(env, rc, &result);
  return result;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor d[] = {
    { "open", 0, js_open, 0, 0, 0, napi_default, 0 },
    { "has", 0, js_has, 0, 0, 0, napi_default, 0 },
    { "call", 0, js_call, 0, 0, 0, napi_default, 0 },
  };
  napi_define_properties(env, exports, sizeof d / sizeof d[0], d);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
`;
