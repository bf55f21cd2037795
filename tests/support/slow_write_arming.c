/* Preloaded (LD_PRELOAD) into roomkeys-server by tests that need a race to happen every time:
 * each epoll_ctl(EPOLL_CTL_MOD) that asks for EPOLLOUT returns only after
 * ROOMKEYS_TEST_ARMING_DELAY_MS milliseconds, so what a client sends meanwhile is there, unread,
 * when the server next polls, and its event says "readable" and "writable" at once. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <time.h>

typedef int (*epoll_ctl_fn)(int, int, int, struct epoll_event*);

static epoll_ctl_fn real_epoll_ctl;
static long delay_ms;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void) {
  real_epoll_ctl = (epoll_ctl_fn)dlsym(RTLD_NEXT, "epoll_ctl");
  const char* delay = getenv("ROOMKEYS_TEST_ARMING_DELAY_MS");
  delay_ms = delay != NULL ? strtol(delay, NULL, 10) : 0;
}

int epoll_ctl(int epfd, int op, int fd, struct epoll_event* event) {
  pthread_once(&once, load);
  const int result = real_epoll_ctl(epfd, op, fd, event);
  if (op == EPOLL_CTL_MOD && event != NULL && (event->events & EPOLLOUT) && delay_ms > 0) {
    struct timespec pause = {delay_ms / 1000, (delay_ms % 1000) * 1000000L};
    nanosleep(&pause, NULL);
  }
  return result;
}
