/*
 * Logging: to stderr in the foreground, to syslog(3) as LOG_DAEMON
 * otherwise.  Every function preserves errno.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "keyd.h"

static int log_to_stderr = 1;
static int log_verbosity;

static void vlog(int, const char *, va_list)
    __attribute__((format(printf, 2, 0)));
static void logit(int, const char *, ...)
    __attribute__((format(printf, 2, 3)));

void
log_init(int foreground, int verbosity)
{
	log_to_stderr = foreground;
	log_verbosity = verbosity;
	if (!foreground)
		openlog("keyd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

int
log_getverbose(void)
{
	return log_verbosity;
}

static void
vlog(int pri, const char *fmt, va_list ap)
{
	int saved_errno = errno;

	if (log_to_stderr) {
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
		fflush(stderr);
	} else
		vsyslog(pri, fmt, ap);
	errno = saved_errno;
}

static void
logit(int pri, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(pri, fmt, ap);
	va_end(ap);
}

/* Logs a warning followed by the text of errno. */
void
log_warn(const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int saved_errno = errno;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	logit(LOG_WARNING, "%s: %s", msg, strerror(saved_errno));
	errno = saved_errno;
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap);
	va_end(ap);
}

/* Logs unless the verbosity is negative, which in-process tests use. */
void
log_info(const char *fmt, ...)
{
	va_list ap;

	if (log_verbosity < 0)
		return;
	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap);
	va_end(ap);
}

/* Logs only with -v or more. */
void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (log_verbosity < 1)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap);
	va_end(ap);
}

/* Logs an error with the text of errno and exits with status 1. */
void
fatal(const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int saved_errno = errno;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	logit(LOG_CRIT, "fatal: %s: %s", msg, strerror(saved_errno));
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	logit(LOG_CRIT, "fatal: %s", msg);
	exit(1);
}

/*
 * Returns true when a rate-limited message may be logged now: at most
 * burst messages per interval seconds.  *suppressed counts the ones that
 * were held back, for the caller to report with the next one.
 */
bool
log_ratelimit(struct log_rate *r, unsigned int burst, unsigned int interval)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (r->start == 0 || (uint64_t)ts.tv_sec - r->start >= interval) {
		r->start = (uint64_t)ts.tv_sec;
		r->count = 0;
	}
	if (r->count >= burst) {
		r->suppressed++;
		return false;
	}
	r->count++;
	return true;
}
