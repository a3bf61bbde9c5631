/*
 * The control socket: a SOCK_SEQPACKET Unix socket, abstract (scoped to
 * the network namespace) or in the filesystem.  Connections are accepted
 * from root and from members of the allowed group only.  All sockets are
 * non-blocking: a client's requests are read while its output queue has
 * room, and its queue is written as far as its socket takes it.
 */

#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "keyd.h"

/* Requests read from one client before others get a turn. */
#define READ_BATCH		64

/* Supplementary groups checked through SO_PEERGROUPS. */
#define MAX_PEER_GROUPS		1024

/*
 * Send buffer of a client socket.  Linux rejects a SOCK_SEQPACKET message
 * longer than the send buffer with EMSGSIZE.  The default (about 208 KiB)
 * is smaller than the largest message keyd may send, because an error
 * reply echoes a request of up to KEY_MSG_MAXLEN bytes and a promiscuous
 * copy adds a 16-byte header.  The kernel doubles the value set.
 */
#define CLIENT_SNDBUF		(KEY_MSG_MAXLEN + 4096)

static struct log_rate reject_rate;
static struct log_rate msgsize_rate;
static bool accept_paused;

static void
ep_set(struct keyd *k, int op, int fd, uint32_t events, struct ev *ev)
{
	struct epoll_event e;

	memset(&e, 0, sizeof(e));
	e.events = events;
	e.data.ptr = ev;
	if (epoll_ctl(k->epfd, op, fd, &e) == -1 && op != EPOLL_CTL_DEL)
		log_warn("epoll_ctl fd %d", fd);
}

static socklen_t
make_address(const char *name, struct sockaddr_un *sun)
{
	size_t len;

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (name[0] == '@') {
		len = strlen(name + 1);
		if (len == 0 || len >= sizeof(sun->sun_path))
			fatalx("socket name %s is empty or longer than %zu "
			    "bytes", name, sizeof(sun->sun_path) - 1);
		memcpy(sun->sun_path + 1, name + 1, len);
		return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
		    len);
	}
	len = strlen(name);
	if (len == 0 || len >= sizeof(sun->sun_path))
		fatalx("socket path %s is empty or longer than %zu bytes",
		    name, sizeof(sun->sun_path) - 1);
	memcpy(sun->sun_path, name, len);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + 1);
}

/*
 * Removes a filesystem socket left behind by a keyd that is gone: one
 * that refuses connections.  A socket that accepts them belongs to a
 * running keyd.
 */
static void
remove_stale(const char *path, const struct sockaddr_un *sun, socklen_t len)
{
	struct stat st;
	int fd;

	if (lstat(path, &st) == -1 || !S_ISSOCK(st.st_mode))
		return;
	if ((fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0)) == -1)
		fatal("socket");
	if (connect(fd, (const struct sockaddr *)sun, len) == 0)
		fatalx("socket %s is in use: another keyd is running", path);
	if (errno == ECONNREFUSED && unlink(path) == 0)
		log_info("removed stale socket %s", path);
	close(fd);
}

/*
 * Creates the listening socket.  name starting with '@' is an abstract
 * socket; any other name is a path, created with mode 0660 and the
 * allowed group.  Exits when the name is in use.  Returns 0.  The
 * caller adds k->listenfd to the event loop.
 */
int
control_listen(struct keyd *k, const char *name)
{
	struct sockaddr_un sun;
	socklen_t len;
	mode_t old_umask;
	int fd;

	len = make_address(name, &sun);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		fatal("socket");
	if (name[0] != '@')
		remove_stale(name, &sun, len);
	old_umask = umask(0117);
	if (bind(fd, (struct sockaddr *)&sun, len) == -1) {
		if (errno == EADDRINUSE)
			fatalx("socket %s is in use: another keyd is running "
			    "%s", name, name[0] == '@' ?
			    "in this network namespace" : "or the path exists");
		fatal("bind %s", name);
	}
	umask(old_umask);
	if (name[0] != '@') {
		if ((k->sockpath = strdup(name)) == NULL)
			fatal("strdup");
		if (chmod(name, 0660) == -1)
			fatal("chmod %s", name);
		if (k->have_group && chown(name, (uid_t)-1, k->group) == -1)
			fatal("chown %s", name);
	}
	if (listen(fd, 128) == -1)
		fatal("listen %s", name);
	k->listenfd = fd;
	k->sockname = name;
	k->listen_ev.kind = EV_LISTEN;
	return 0;
}

/* Reads the Groups: line of /proc/PID/status; true if gid is in it. */
static bool
proc_has_group(pid_t pid, gid_t gid)
{
	char path[64], line[4096], *p, *end;
	unsigned long g;
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "re")) == NULL)
		return false;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "Groups:", 7) != 0)
			continue;
		for (p = line + 7; *p != '\0'; p = end) {
			errno = 0;
			g = strtoul(p, &end, 10);
			if (end == p)
				break;
			if (errno == 0 && g == gid) {
				found = true;
				break;
			}
		}
		break;
	}
	fclose(f);
	return found;
}

/* Returns true if the peer of fd is a member of gid. */
static bool
peer_in_group(int fd, pid_t pid, gid_t gid)
{
	gid_t groups[MAX_PEER_GROUPS];
	socklen_t len = sizeof(groups);
	size_t i, n;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) == 0) {
		n = len / sizeof(gid_t);
		for (i = 0; i < n; i++)
			if (groups[i] == gid)
				return true;
		return false;
	}
	/* Kernels before 4.13 lack SO_PEERGROUPS. */
	return proc_has_group(pid, gid);
}

/* Accepts root and members of the allowed group, as PF_KEY needs root. */
static bool
peer_allowed(struct keyd *k, int fd, const struct ucred *cred)
{
	if (cred->uid == 0)
		return true;
	if (!k->have_group)
		return false;
	return cred->gid == k->group || peer_in_group(fd, cred->pid, k->group);
}

/* Lets the socket carry the largest message; see CLIENT_SNDBUF. */
static void
set_sndbuf(int fd)
{
	int size = CLIENT_SNDBUF;

	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size,
	    sizeof(size)) == -1 &&
	    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size)) == -1)
		log_warn("SO_SNDBUF fd %d", fd);
}

static void
reject(int fd, const struct ucred *cred)
{
	if (log_ratelimit(&reject_rate, 10, 60)) {
		log_warnx("connection from uid %u pid %d rejected: not root "
		    "and not in the allowed group%s", (unsigned int)cred->uid,
		    (int)cred->pid, reject_rate.suppressed > 0 ?
		    " (more rejections were not logged)" : "");
		reject_rate.suppressed = 0;
	}
	close(fd);
}

void
control_accept(struct keyd *k)
{
	struct ucred cred;
	socklen_t len;
	struct client *c;
	int fd;

	for (;;) {
		fd = accept4(k->listenfd, NULL, NULL,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno == EAGAIN || errno == EINTR ||
			    errno == ECONNABORTED)
				return;
			log_warn("accept");
			if (errno == EMFILE || errno == ENFILE) {
				/* Resumed when a client goes away. */
				ep_set(k, EPOLL_CTL_MOD, k->listenfd, 0,
				    &k->listen_ev);
				accept_paused = true;
			}
			return;
		}
		len = sizeof(cred);
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1) {
			log_warn("SO_PEERCRED");
			close(fd);
			continue;
		}
		if (!peer_allowed(k, fd, &cred)) {
			reject(fd, &cred);
			continue;
		}
		if ((c = client_new(k, fd)) == NULL) {
			log_warn("client");
			close(fd);
			continue;
		}
		c->pid = cred.pid;
		c->uid = cred.uid;
		c->gid = cred.gid;
		set_sndbuf(fd);
		ep_set(k, EPOLL_CTL_ADD, fd, EPOLLIN | EPOLLRDHUP, &c->ev);
		log_debug("client %llu connected: uid %u pid %d",
		    (unsigned long long)c->id, (unsigned int)cred.uid,
		    (int)cred.pid);
	}
}

static void
update_events(struct keyd *k, struct client *c)
{
	uint32_t events = EPOLLRDHUP;

	if (!c->in_paused)
		events |= EPOLLIN;
	if (c->out_armed)
		events |= EPOLLOUT;
	ep_set(k, EPOLL_CTL_MOD, c->fd, events, &c->ev);
}

/* Input waits while a dump runs or the output queue is half full. */
static bool
should_pause(const struct keyd *k, const struct client *c)
{
	return c->dump.kind != DUMP_NONE || c->qbytes >= k->queue_max / 2;
}

/*
 * Tells the end of the stream from an empty message, which both make
 * recvmsg() return 0 on a SOCK_SEQPACKET socket.
 */
static bool
peer_closed(int fd)
{
	struct pollfd pfd;

	pfd.fd = fd;
	pfd.events = POLLRDHUP;
	pfd.revents = 0;
	if (poll(&pfd, 1, 0) == -1)
		return true;
	return (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
}

/*
 * Reads and processes up to READ_BATCH requests from c.  The buffer is
 * wiped after each, since requests may carry keys.
 */
void
control_read(struct keyd *k, struct client *c)
{
	struct iovec iov;
	struct msghdr mh;
	ssize_t n;
	int i;

	for (i = 0; i < READ_BATCH && !c->dead; i++) {
		if (should_pause(k, c)) {
			c->in_paused = true;
			update_events(k, c);
			return;
		}
		iov.iov_base = k->rbuf;
		iov.iov_len = KEY_MSG_MAXLEN;
		memset(&mh, 0, sizeof(mh));
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		n = recvmsg(c->fd, &mh, MSG_DONTWAIT);
		if (n == -1) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			log_debug("client %llu: recv: %s",
			    (unsigned long long)c->id, strerror(errno));
			c->dead = true;
			return;
		}
		if (n == 0 && peer_closed(c->fd)) {
			c->dead = true;
			return;
		}
		if (mh.msg_flags & MSG_TRUNC)
			pfkey_error(k, c, k->rbuf, (size_t)n, EMSGSIZE);
		else
			keyd_dispatch(k, c, k->rbuf, (size_t)n);
		key_wipe(k->rbuf, (size_t)n);
	}
}

/*
 * Writes c's queue to its socket until the socket is full, producing
 * further dump messages as the queue empties.  Returns true if c still
 * has queued messages or dump work that did not fit into this pass
 * although its socket had room: no EPOLLOUT will come for those.
 */
static bool
flush_client(struct keyd *k, struct client *c)
{
	struct qmsg *q;
	ssize_t n;
	int rounds;

	for (rounds = 0; rounds < 4 && !c->dead; rounds++) {
		while ((q = STAILQ_FIRST(&c->queue)) != NULL) {
			n = send(c->fd, q->data, q->len,
			    MSG_DONTWAIT | MSG_NOSIGNAL);
			if (n == -1 && (errno == EAGAIN || errno == EINTR)) {
				if (!c->out_armed) {
					c->out_armed = true;
					update_events(k, c);
				}
				return false;
			}
			if (n == -1 && errno == EMSGSIZE) {
				/* Larger than the socket takes: drop it. */
				c->drops++;
				k->drops++;
				if (log_ratelimit(&msgsize_rate, 10, 60))
					log_warnx("client %llu: message of %zu "
					    "bytes dropped: larger than its "
					    "socket's send buffer",
					    (unsigned long long)c->id, q->len);
			} else if (n == -1) {
				log_debug("client %llu: send: %s",
				    (unsigned long long)c->id,
				    strerror(errno));
				c->dead = true;
				return false;
			}
			STAILQ_REMOVE_HEAD(&c->queue, entry);
			c->qbytes -= q->len;
			key_wipe(q->data, q->len);
			free(q);
		}
		if (c->dump.kind == DUMP_NONE)
			break;
		client_fill(k, c);
	}
	if (c->out_armed) {
		c->out_armed = false;
		update_events(k, c);
	}
	if (c->in_paused && !should_pause(k, c)) {
		c->in_paused = false;
		update_events(k, c);
	}
	return c->dump.kind != DUMP_NONE || !STAILQ_EMPTY(&c->queue);
}

static void
close_client(struct keyd *k, struct client *c)
{
	log_debug("client %llu (pid %d) disconnected, %llu messages dropped",
	    (unsigned long long)c->id, (int)c->pid,
	    (unsigned long long)c->drops);
	ep_set(k, EPOLL_CTL_DEL, c->fd, 0, NULL);
	close(c->fd);
	client_free(k, c);
	if (accept_paused) {
		ep_set(k, EPOLL_CTL_MOD, k->listenfd, EPOLLIN, &k->listen_ev);
		accept_paused = false;
	}
}

/*
 * Moves the queues of all clients with output to their sockets, then
 * closes clients that went away.  Clients with dump work left stay on the
 * dirty list, which makes the event loop poll without waiting.
 */
void
control_flush(struct keyd *k)
{
	struct client_list again;
	struct client *c, *next;
	bool more;

	TAILQ_INIT(&again);
	while ((c = TAILQ_FIRST(&k->dirty)) != NULL) {
		TAILQ_REMOVE(&k->dirty, c, dirty_entry);
		c->dirty = false;
		more = !c->dead && c->fd != -1 && flush_client(k, c);
		/* Queueing dump messages in flush_client() marks c again. */
		if (c->dirty) {
			TAILQ_REMOVE(&k->dirty, c, dirty_entry);
			c->dirty = false;
		}
		if (more) {
			c->dirty = true;
			TAILQ_INSERT_TAIL(&again, c, dirty_entry);
		}
	}
	TAILQ_CONCAT(&k->dirty, &again, dirty_entry);
	for (c = TAILQ_FIRST(&k->clients); c != NULL; c = next) {
		next = TAILQ_NEXT(c, entry);
		if (c->dead && c->fd != -1)
			close_client(k, c);
	}
}

void
control_client_event(struct keyd *k, struct client *c, uint32_t events)
{
	if (c->dead)
		return;
	/*
	 * A hang-up comes with EPOLLIN while requests are still unread, so
	 * control_read() processes them and then reads the end of the stream.
	 * A client whose input is paused cannot take replies any more.
	 */
	if (events & EPOLLIN)
		control_read(k, c);
	if (c->dead)
		return;
	if ((events & EPOLLERR) ||
	    ((events & (EPOLLHUP | EPOLLRDHUP)) && c->in_paused))
		c->dead = true;
	else if (events & EPOLLOUT)
		client_mark_dirty(k, c);
}

/* Closes every client and the listening socket; removes a socket file. */
void
control_close(struct keyd *k)
{
	struct client *c;

	while ((c = TAILQ_FIRST(&k->clients)) != NULL) {
		if (c->fd != -1)
			close(c->fd);
		client_free(k, c);
	}
	if (k->listenfd != -1)
		close(k->listenfd);
	k->listenfd = -1;
	if (k->sockpath != NULL) {
		unlink(k->sockpath);
		free(k->sockpath);
		k->sockpath = NULL;
	}
}
