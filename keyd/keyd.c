/*
 * keyd: command line, daemon set-up and the event loop.
 */

#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "keyd.h"

#define PIDFILE_DIR		"/run"
#define MAX_EVENTS		64
#define POLL_US_DEFAULT		100
#define POLL_US_MAX		10000
#define POLL_IDLE_NS		1000000	/* sleep that starts a poll window */

/* Prints the usage message, to stdout for -h and to stderr otherwise. */
static void __attribute__((noreturn))
usage(int status)
{
	fprintf(status == 0 ? stdout : stderr,
	    "usage: keyd [-Fhv] [-b poll-usec] [-g group] [-M max-policies]\n"
	    "            [-m max-sas] [-p pidfile] [-q queue-bytes] "
	    "[-s socket]\n"
	    "            [foreground]\n");
	exit(status);
}

/*
 * Returns the number arg, which must lie from min to max.  Any other
 * value prints the expected range and exits.
 */
static size_t
parse_size(const char *arg, const char *what, size_t min, size_t max)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(arg, &end, 0);
	if (errno != 0 || end == arg || *end != '\0' || arg[0] == '-' ||
	    v < min || v > max) {
		fprintf(stderr, "keyd: invalid %s: %s (expected a number from "
		    "%zu to %zu)\n", what, arg, min, max);
		exit(1);
	}
	return (size_t)v;
}

static gid_t
parse_group(const char *arg)
{
	struct group *gr;
	unsigned long v;
	char *end;

	if ((gr = getgrnam(arg)) != NULL)
		return gr->gr_gid;
	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || v > UINT_MAX - 1) {
		fprintf(stderr, "keyd: unknown group: %s\n", arg);
		exit(1);
	}
	return (gid_t)v;
}

/*
 * Returns the default pid file: /run/keyd.pid for the default socket,
 * /run/keyd-NAME.pid for another one, with NAME the socket's name without
 * '@' or directories and characters other than letters, digits, '-', '_'
 * and '.' replaced by '_'.
 */
static char *
default_pidfile(const char *sockname)
{
	const char *name, *slash;
	char *path, *p;

	if (strcmp(sockname, KEY_SOCKET_DEFAULT) == 0)
		name = NULL;
	else if (sockname[0] == '@')
		name = sockname + 1;
	else if ((slash = strrchr(sockname, '/')) != NULL)
		name = slash + 1;
	else
		name = sockname;
	if (name == NULL || *name == '\0') {
		if ((path = strdup(PIDFILE_DIR "/keyd.pid")) == NULL)
			fatal("strdup");
		return path;
	}
	if (asprintf(&path, PIDFILE_DIR "/keyd-%s.pid", name) == -1)
		fatal("asprintf");
	for (p = path + strlen(PIDFILE_DIR "/keyd-"); *p != '\0' &&
	    strcmp(p, ".pid") != 0; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' &&
		    *p != '.')
			*p = '_';
	return path;
}

static void
write_pidfile(const char *path)
{
	char buf[32];
	int fd, len;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    0644);
	if (fd == -1)
		fatal("pid file %s", path);
	len = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (write(fd, buf, (size_t)len) != len)
		fatal("pid file %s", path);
	close(fd);
}

/* Keeps keys out of core files and away from ptrace by other users. */
static void
harden(void)
{
	struct rlimit rl = { 0, 0 };

	if (setrlimit(RLIMIT_CORE, &rl) == -1)
		fatal("setrlimit RLIMIT_CORE");
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		fatal("prctl PR_SET_DUMPABLE");
}

static void
setup_signals(struct keyd *k)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) == -1)
		fatal("sigprocmask");
	if ((k->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) == -1)
		fatal("signalfd");
	k->signal_ev.kind = EV_SIGNAL;
}

static void
setup_timer(struct keyd *k)
{
	struct itimerspec its;

	k->timerfd = timerfd_create(CLOCK_MONOTONIC,
	    TFD_NONBLOCK | TFD_CLOEXEC);
	if (k->timerfd == -1)
		fatal("timerfd_create");
	memset(&its, 0, sizeof(its));
	its.it_value.tv_sec = 1;
	its.it_interval.tv_sec = 1;
	if (timerfd_settime(k->timerfd, 0, &its, NULL) == -1)
		fatal("timerfd_settime");
	k->timer_ev.kind = EV_TIMER;
}

static void
add_fd(struct keyd *k, int fd, struct ev *ev)
{
	struct epoll_event e;

	memset(&e, 0, sizeof(e));
	e.events = EPOLLIN;
	e.data.ptr = ev;
	if (epoll_ctl(k->epfd, EPOLL_CTL_ADD, fd, &e) == -1)
		fatal("epoll_ctl");
}

static void
handle_signal(struct keyd *k)
{
	struct signalfd_siginfo si;

	while (read(k->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			log_info("SIGHUP ignored: keyd has no configuration "
			    "to reload");
			continue;
		}
		log_info("received %s, shutting down",
		    strsignal((int)si.ssi_signo));
		k->quit = true;
	}
}

static void
handle_timer(struct keyd *k)
{
	uint64_t expirations;

	if (read(k->timerfd, &expirations, sizeof(expirations)) !=
	    (ssize_t)sizeof(expirations))
		return;
	keyd_tick(k);
}

/*
 * Overwrites 64 KiB of the dead stack below the caller.  OpenSSL's AES-NI
 * code leaves round keys, the first of which is the key itself, in the
 * vector registers, and the dynamic linker's lazy binding saves those
 * registers on the stack with xsave, so a key can outlive its SA there.
 */
static void __attribute__((noinline))
scrub_stack(void)
{
	uint8_t buf[64 * 1024];

	explicit_bzero(buf, sizeof(buf));
}

/* Returns CLOCK_MONOTONIC in nanoseconds. */
static uint64_t
mono_ns(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
}

/*
 * Returns epoll_wait()'s timeout: 0 while clients have output to move or
 * the busy-poll window ending at *poll_until is open, else -1.  A window
 * that has ended is cleared.
 */
static int
wait_timeout(const struct keyd *k, uint64_t *poll_until)
{
	if (*poll_until != 0 && mono_ns() >= *poll_until)
		*poll_until = 0;
	if (!TAILQ_EMPTY(&k->dirty) || *poll_until != 0)
		return 0;
	return -1;
}

/*
 * The event loop.  With busy polling on (-b), a packet sent after at
 * least POLL_IDLE_NS of sleep opens a window of k->poll_ns in which keyd
 * polls instead of sleeping, giving the CPU to other runnable tasks on
 * each empty poll.  The window closes early when a packet comes in.  The
 * reply to what was sent (the other half of a ping, a TCP handshake) then
 * finds keyd awake, which saves a wake-up: tens of microseconds on a
 * virtual machine.  Steady traffic never sleeps that long, so it is not
 * affected, and sparse traffic costs at most one window per idle period.
 */
static void
event_loop(struct keyd *k)
{
	struct epoll_event events[MAX_EVENTS];
	struct ev *ev;
	uint64_t serial, sleep_start = 0, poll_until = 0;
	size_t nsa;
	int n, i, timeout;
	bool sent, received;

	while (!k->quit) {
		/*
		 * An SA removed in this pass lowers the count or, with an
		 * addition in the same pass, moves the serial.
		 */
		nsa = k->sad.count;
		serial = k->sad.next_serial;
		timeout = wait_timeout(k, &poll_until);
		if (timeout == -1 && k->poll_ns > 0)
			sleep_start = mono_ns();
		n = epoll_wait(k->epfd, events, MAX_EVENTS, timeout);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			fatal("epoll_wait");
		}
		if (n == 0 && poll_until != 0)
			(void)sched_yield();
		keyd_clock(k);
		sent = received = false;
		for (i = 0; i < n; i++) {
			ev = events[i].data.ptr;
			switch (ev->kind) {
			case EV_LISTEN:
				control_accept(k);
				break;
			case EV_TIMER:
				handle_timer(k);
				break;
			case EV_SIGNAL:
				handle_signal(k);
				break;
			case EV_CLIENT:
				control_client_event(k, ev->client,
				    events[i].events);
				break;
			case EV_TAP:
				ifnet_tap_event(k, ev->data,
				    events[i].events);
				sent = true;
				break;
			case EV_RAW:
				dataplane_raw_event(k, ev == &k->raw4_ev ?
				    k->raw4 : k->raw6);
				received = true;
				break;
			}
		}
		if (timeout == -1 && sent && k->poll_ns > 0) {
			uint64_t now = mono_ns();

			if (now - sleep_start >= POLL_IDLE_NS)
				poll_until = now + k->poll_ns;
		} else if (received) {
			poll_until = 0;
		}
		ifnet_reap(k);
		control_flush(k);
		if (k->sad.count != nsa || k->sad.next_serial != serial)
			scrub_stack();
	}
}

int
main(int argc, char *argv[])
{
	struct keyd k;
	const char *sockname = NULL, *group = NULL;
	char *pidfile = NULL;
	size_t max_sas = KEYD_MAX_SAS_DEFAULT;
	size_t max_policies = KEYD_MAX_POLICIES_DEFAULT;
	size_t queue_max = KEYD_QUEUE_MAX_DEFAULT;
	size_t poll_us = POLL_US_DEFAULT;
	int ch, foreground = 0, verbose = 0;

	while ((ch = getopt(argc, argv, "b:Fg:hM:m:p:q:s:v")) != -1) {
		switch (ch) {
		case 'b':
			poll_us = parse_size(optarg, "busy-poll time", 0,
			    POLL_US_MAX);
			break;
		case 'F':
			foreground = 1;
			break;
		case 'g':
			group = optarg;
			break;
		case 'h':
			usage(0);
		case 'M':
			max_policies = parse_size(optarg, "maximum policies",
			    1, SIZE_MAX);
			break;
		case 'm':
			max_sas = parse_size(optarg, "maximum SAs", 1,
			    SIZE_MAX);
			break;
		case 'p':
			pidfile = optarg;
			break;
		case 'q':
			queue_max = parse_size(optarg, "queue size",
			    KEYD_QUEUE_MAX_MIN, SIZE_MAX);
			break;
		case 's':
			sockname = optarg;
			break;
		case 'v':
			verbose++;
			break;
		default:
			usage(1);
		}
	}
	for (; optind < argc; optind++) {
		if (strcmp(argv[optind], "foreground") != 0)
			usage(1);
		foreground = 1;
	}

	/*
	 * A daemon keeps none of the descriptors its caller left open, such
	 * as a shell's pipe.  daemon() points 0 to 2 at /dev/null.
	 */
	if (!foreground)
		(void)close_range(3, ~0U, 0);
	harden();
	log_init(1, verbose);
	if (sockname == NULL) {
		sockname = getenv(KEY_SOCKET_ENV);
		if (sockname == NULL || *sockname == '\0')
			sockname = KEY_SOCKET_DEFAULT;
	}

	keyd_init(&k, max_sas, max_policies, queue_max);
	k.poll_ns = (uint64_t)poll_us * 1000;
	if (group != NULL) {
		k.group = parse_group(group);
		k.have_group = true;
	}
	if ((k.rbuf = malloc(KEY_MSG_MAXLEN)) == NULL)
		fatal("malloc");
	control_listen(&k, sockname);

	/*
	 * Daemonise before creating the signalfd and the epoll instance: an
	 * epoll set made by the parent is not woken by signals queued to
	 * the child.
	 */
	if (!foreground) {
		if (pidfile == NULL)
			pidfile = default_pidfile(sockname);
		if (daemon(0, 0) == -1)
			fatal("daemon");
		log_init(0, verbose);
	}
	if ((k.epfd = epoll_create1(EPOLL_CLOEXEC)) == -1)
		fatal("epoll_create1");
	setup_signals(&k);
	setup_timer(&k);
	add_fd(&k, k.sigfd, &k.signal_ev);
	add_fd(&k, k.timerfd, &k.timer_ev);
	add_fd(&k, k.listenfd, &k.listen_ev);
	netio_open(&k);
	host_open(&k);
	if (pidfile != NULL)
		write_pidfile(pidfile);
	log_info("keyd started: socket %s, pid %d", sockname, (int)getpid());

	event_loop(&k);

	keyd_shutdown(&k);
	scrub_stack();
	netio_close(&k);
	host_close(&k);
	control_close(&k);
	if (pidfile != NULL)
		unlink(pidfile);
	if (k.drops > 0)
		log_info("%llu messages were dropped for full client queues",
		    (unsigned long long)k.drops);
	log_info("keyd stopped: all SAs deleted and their keys wiped");
	key_wipe(k.rbuf, KEY_MSG_MAXLEN);
	free(k.rbuf);
	return 0;
}
