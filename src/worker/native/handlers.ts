// The C source of the native task handlers, shipped as a string so the package needs no extra files;
// native.ts writes it out and builds it with the system cc on first use. Built with -g -O0 so a core
// names the handler's function and line.
export const HANDLERS_C = `#include <assert.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct record { int id; };

/* Reports the faulting address the way a crash handler would, then lets the fault happen again:
   SA_RESETHAND restored the default action, so returning re-runs the instruction and the kernel
   kills the process with a core whose top frame is still the handler that faulted. */
static void on_fault(int sig, siginfo_t *si, void *uc) {
  char buf[64];
  (void)sig; (void)uc;
  int n = snprintf(buf, sizeof buf, "clw-native: fault_addr=0x%lx\\n", (unsigned long)si->si_addr);
  if (n > 0) (void)!write(2, buf, (size_t)n);
}

static int clw_handle_parse_record(struct record *r) {
  return r->id; /* SEGV_LINE */
}

static void clw_handle_check_budget(int left) {
  assert(left > 0 && "task budget exhausted");
}

/* Streams an export into a pipe whose reader is already gone. SIGPIPE is at its default action
   (libuv resets every signal in the processes it spawns; this says which), so write() kills us. */
static void clw_handle_stream_export(void) {
  static const char rows[] = "id,total\\n1,42\\n";
  struct sigaction old;
  int fds[2];
  if (pipe(fds) != 0) { perror("pipe"); _exit(1); }
  close(fds[0]); /* the reader exited before the first row */
  sigaction(SIGPIPE, 0, &old);
  fprintf(stderr, "clw-native: peer=pipe sigpipe=%s\\n", old.sa_handler == SIG_IGN ? "ignored" : "default");
  if (write(fds[1], rows, sizeof rows - 1) < 0) { perror("write"); _exit(1); }
}

int main(int argc, char **argv) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_fault;
  sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
  sigaction(SIGSEGV, &sa, 0);
  const char *what = argc > 1 ? argv[1] : "";
  if (strcmp(what, "segv") == 0) {
    struct record *r = NULL;
    printf("%d\\n", clw_handle_parse_record(r));
  } else if (strcmp(what, "abort") == 0) {
    clw_handle_check_budget(0);
  } else if (strcmp(what, "sigpipe") == 0) {
    clw_handle_stream_export();
  } else if (strcmp(what, "ok") == 0) {
    return 0;
  } else {
    fprintf(stderr, "usage: %s segv|abort|sigpipe|ok\\n", argv[0]);
    return 2;
  }
  return 0;
}
`;
