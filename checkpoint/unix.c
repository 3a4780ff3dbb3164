// SPDX-License-Identifier: GPL-2.0
/*
 * Unix sockets: connected pairs of stream, datagram and seqpacket sockets
 * with the messages waiting in each direction, and bound or listening
 * sockets with their address (abstract or path).
 *
 * A socket is an object of its own, as is its peer: the first socket of a
 * connected pair met by checkpoint names its peer by a new objref, and the
 * peer's record (if the peer is in the tree) has that objref. Each socket
 * saves the messages waiting in its receive queue, copied without taking
 * them off, one DATA record per message. Restart makes a new connected
 * pair (socketpair()) for the first socket and keeps the other end for the
 * peer's record; each socket's messages are sent back to it from its
 * peer, message by message. A peer that is not in the tree (closed, or
 * outside with CHECKPOINT_SUBTREE) is closed again when restart is over,
 * so the socket reads its messages and then end of file.
 *
 * Restart binds a listening or bound socket to its address again: an
 * abstract address as is, a path after removing the socket file left by
 * the checkpointed socket. A pair made by connect() and accept() comes
 * back as a pair made by socketpair(): the data flows as before, but
 * getpeername() no longer shows the listener's address. The pid that
 * SO_PEERCRED gives is restored when it is a process of the tree.
 *
 * Refused by name: file descriptors or credentials in flight
 * (SCM_RIGHTS), out-of-band data, a listening socket with connections not
 * accepted yet, a datagram socket connected to a socket whose own peer is
 * another one, datagrams waiting on an unconnected socket.
 */

#include <linux/checkpoint.h>
#include <linux/err.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/namei.h>
#include <linux/net.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/security.h>
#include <linux/socket.h>
#include <linux/un.h>
#include <net/af_unix.h>
#include <net/sock.h>

/* restart: a socket restored from the image */
struct ckpt_usock {
	struct file *file;
	struct file *partner;		/* its peer, to send its messages from */
	bool given;			/* handed to an FD record */
	pid_t peer_pid;			/* SO_PEERCRED pid: a process of the tree */
};

/**
 * ckpt_usock_free - drop a restored socket (from the object hash)
 * @ptr: the struct ckpt_usock
 */
void ckpt_usock_free(void *ptr)
{
	struct ckpt_usock *us = ptr;

	if (us->file)
		fput(us->file);
	if (us->partner)
		fput(us->partner);
	kfree(us);
}

static struct sock *ckpt_unix_sk(struct file *file)
{
	struct socket *sock = sock_from_file(file);

	if (!sock || !sock->sk || sock->sk->sk_family != AF_UNIX)
		return NULL;
	return sock->sk;
}

static bool ckpt_is_unix(struct file *file)
{
	return ckpt_unix_sk(file);
}

/* The bound address of @sk into @hu; in a path, d_path() of the socket file */
static int ckpt_unix_addr(struct ckpt_ctx *ctx, struct sock *sk, struct ckpt_hdr_unix *hu,
			  unsigned int fd)
{
	struct unix_sock *u = unix_sk(sk);
	struct unix_address *addr;
	const char *p;
	char what[32];
	int len, ret;

	/* pairs with the smp_store_release() of unix_bind() and autobind */
	addr = smp_load_acquire(&u->addr);
	if (!addr)
		return 0;
	len = addr->len - offsetof(struct sockaddr_un, sun_path);
	if (len <= 0 || len > CKPT_UNIX_ADDR_MAX)
		return 0;
	if (!addr->name->sun_path[0]) {		/* abstract */
		memcpy(hu->addr, addr->name->sun_path, len);
		hu->addr_len = len;
		return 0;
	}
	snprintf(what, sizeof(what), "fd %u", fd);
	ret = ckpt_path_of(ctx, &u->path, what, ctx->scratch, PAGE_SIZE, &p);
	if (ret)
		return ret;
	len = strlen(p) + 1;
	if (len > CKPT_UNIX_ADDR_MAX)
		return ckpt_err(ctx, -EOPNOTSUPP, "pid %d fd %u: socket path %s too long",
				ctx->pid, fd, p);
	memcpy(hu->addr, p, len);
	hu->addr_len = len;
	return 0;
}

/* SO_PEERCRED's pid of @sk, if it is a process of the tree, else 0 */
static pid_t ckpt_unix_peer_pid(struct ckpt_ctx *ctx, struct sock *sk)
{
	pid_t nr = 0;
	u32 i;

	spin_lock(&sk->sk_peer_lock);
	if (sk->sk_peer_pid)
		nr = pid_nr_ns(sk->sk_peer_pid, ckpt_tree_ns(ctx));
	spin_unlock(&sk->sk_peer_lock);
	for (i = 0; nr && i < ctx->nr_tasks; i++)
		if (ctx->tasks[i].pid == nr && !ctx->tasks[i].thread)
			return nr;
	return 0;
}

/* Is @nr a process (not a thread) of the tree being restored? */
static bool ckpt_unix_pid_ok(struct ckpt_ctx *ctx, pid_t nr)
{
	void *entry = nr > 0 ? xa_load(&ctx->pid_index, nr) : NULL;

	return entry && ctx->tree[xa_to_value(entry)].vtgid == nr;
}

/* Give a restored socket the SO_PEERCRED pid of the image */
static int restore_unix_peer_pid(struct ckpt_ctx *ctx, void *ptr, u32 objref, u32 users,
				 void *arg)
{
	struct ckpt_usock *us = ptr;
	struct task_struct *t;
	struct pid *pid, *old;
	struct sock *sk;
	void *entry;

	if (!us->file || !us->peer_pid)
		return 0;
	entry = xa_load(&ctx->pid_index, us->peer_pid);
	t = entry ? READ_ONCE(ctx->tasks[xa_to_value(entry)].task) : NULL;
	if (!t)
		return 0;
	pid = get_task_pid(t, PIDTYPE_PID);
	sk = sock_from_file(us->file)->sk;
	spin_lock(&sk->sk_peer_lock);
	old = sk->sk_peer_pid;
	sk->sk_peer_pid = pid;
	spin_unlock(&sk->sk_peer_lock);
	put_pid(old);
	return 0;
}

/**
 * restore_unix_peer_pids - give restored unix sockets their SO_PEERCRED pid
 * @ctx: restart context, whose every task has claimed its pid
 *
 * Only once every process of the tree is the restarting task of its pid
 * does a pid of the image name the process it named: before, another
 * process may hold the number.
 */
void restore_unix_peer_pids(struct ckpt_ctx *ctx)
{
	ckpt_obj_for_each(ctx, CKPT_OBJ_SOCK, restore_unix_peer_pid, NULL);
}

/* Copy the messages waiting for @sk: lengths in @lens, bytes in @data */
static int ckpt_unix_queue(struct ckpt_ctx *ctx, struct sock *sk, unsigned int fd,
			   u32 **lensp, void **datap, u32 *nrp)
{
	struct sk_buff_head *q = &sk->sk_receive_queue;
	u32 nr = 0, n, skip, *lens = NULL;
	size_t total = 0, off;
	struct sk_buff *skb;
	void *data = NULL;
	int ret = 0;

again:
	spin_lock(&q->lock);
	n = 0;
	off = 0;
	skb_queue_walk(q, skb) {
		skip = sk->sk_type == SOCK_STREAM ? UNIXCB(skb).consumed : 0;
		if (UNIXCB(skb).fp) {
			ret = -EOPNOTSUPP;
			break;
		}
		if (skb->len - skip > CKPT_DATA_MAX) {
			ret = -E2BIG;
			break;
		}
		if (n < nr && off + skb->len - skip <= total) {
			lens[n] = skb->len - skip;
			ret = skb_copy_bits(skb, skip, data + off, lens[n]);
			if (ret)
				break;
		}
		n++;
		off += skb->len - skip;
	}
	spin_unlock(&q->lock);
	if (ret == -EOPNOTSUPP)
		ret = ckpt_err(ctx, ret,
			       "pid %d fd %u: unix socket with files in flight (SCM_RIGHTS) not supported",
			       ctx->pid, fd);
	else if (ret == -E2BIG)
		ret = ckpt_err(ctx, -EOPNOTSUPP,
			       "pid %d fd %u: unix socket message over %u bytes not supported",
			       ctx->pid, fd, CKPT_DATA_MAX);
	if (ret)
		goto fail;
	if (n > nr || off > total) {
		/* first pass, or the queue grew: make room and copy again */
		kvfree(lens);
		kvfree(data);
		nr = n;
		total = off;
		lens = kvmalloc_array(max(nr, 1U), sizeof(*lens), GFP_KERNEL_ACCOUNT);
		data = kvmalloc(max_t(size_t, total, 1), GFP_KERNEL_ACCOUNT);
		if (!lens || !data) {
			ret = -ENOMEM;
			goto fail;
		}
		goto again;
	}
	*lensp = lens;
	*datap = data;
	*nrp = n;
	return 0;
fail:
	kvfree(lens);
	kvfree(data);
	return ret;
}

static int checkpoint_unix(struct ckpt_ctx *ctx, struct file *file, unsigned int fd)
{
	struct sock *sk = ckpt_unix_sk(file), *peer;
	struct ckpt_hdr_unix hu = {
		.h.type = CKPT_HDR_UNIX,
		.h.len = sizeof(hu),
	};
	u32 *lens = NULL, i, off;
	void *data = NULL;
	int ret;

	if (!sk)
		return -EBADF;
	if (ckpt_sock_filtered(sk))
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d fd %u: socket filter (SO_ATTACH_FILTER) not supported",
				ctx->pid, fd);
	/*
	 * Met before only as the peer of a socket saved before (a socket has
	 * one open file: it can't be opened again through /proc).
	 */
	ret = ckpt_obj_lookup_add(ctx, sk, CKPT_OBJ_SOCK, &hu.objref);
	if (ret < 0)
		return ckpt_err(ctx, ret, "pid %d fd %u: no room for a socket", ctx->pid, fd);
	ret = 0;
	hu.type = sk->sk_type;
	hu.sndbuf = READ_ONCE(sk->sk_sndbuf);
	hu.rcvbuf = READ_ONCE(sk->sk_rcvbuf);
	hu.shutdown = READ_ONCE(sk->sk_shutdown);
#if IS_ENABLED(CONFIG_AF_UNIX_OOB)
	if (READ_ONCE(unix_sk(sk)->oob_skb))
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d fd %u: unix socket with out-of-band data not supported",
				ctx->pid, fd);
#endif
	unix_state_lock(sk);
	peer = unix_peer(sk);
	if (peer)
		sock_hold(peer);
	unix_state_unlock(sk);
	if (READ_ONCE(sk->sk_state) == TCP_LISTEN) {
		hu.state = CKPT_UNIX_LISTEN;
		hu.backlog = READ_ONCE(sk->sk_max_ack_backlog);
		if (skb_queue_len_lockless(&sk->sk_receive_queue))
			ret = ckpt_err(ctx, -EOPNOTSUPP,
				       "pid %d fd %u: listening unix socket with connections not accepted: not supported",
				       ctx->pid, fd);
	} else if (peer) {
		hu.state = CKPT_UNIX_CONNECTED;
		if (sock_flag(peer, SOCK_DEAD)) {
			hu.peer = 0;
		} else if (sk->sk_type == SOCK_DGRAM && unix_peer(peer) != sk) {
			ret = ckpt_err(ctx, -EOPNOTSUPP,
				       "pid %d fd %u: datagram socket connected to a shared peer not supported",
				       ctx->pid, fd);
		} else {
			ret = ckpt_obj_lookup_add(ctx, peer, CKPT_OBJ_SOCK, &hu.peer);
			ret = ret < 0 ? ret : 0;
		}
	} else if (sk->sk_type == SOCK_STREAM && READ_ONCE(sk->sk_state) == TCP_ESTABLISHED) {
		hu.state = CKPT_UNIX_CONNECTED;		/* peer closed */
	} else {
		hu.state = CKPT_UNIX_UNCONNECTED;
		if (skb_queue_len_lockless(&sk->sk_receive_queue))
			ret = ckpt_err(ctx, -EOPNOTSUPP,
				       "pid %d fd %u: datagrams waiting on an unconnected socket: not supported",
				       ctx->pid, fd);
	}
	if (peer)
		sock_put(peer);
	/* a listener's SO_PEERCRED is its own: what connect() hands on */
	if (hu.state == CKPT_UNIX_CONNECTED)
		hu.peer_pid = ckpt_unix_peer_pid(ctx, sk);
	if (!ret)
		ret = ckpt_unix_addr(ctx, sk, &hu, fd);
	if (!ret && hu.state == CKPT_UNIX_CONNECTED)
		ret = ckpt_unix_queue(ctx, sk, fd, &lens, &data, &hu.nr_msgs);
	if (ret)
		return ret;
	ret = ckpt_write_obj(ctx, &hu.h);
	if (!ret)
		ret = checkpoint_sockopts(ctx, sk, fd);
	for (i = 0, off = 0; i < hu.nr_msgs && !ret; off += lens[i++])
		ret = ckpt_write_data(ctx, off, data + off, lens[i]);
	kvfree(lens);
	kvfree(data);
	return ret;
}

/* Send the messages of the image from @from to its peer, one by one */
static int restore_unix_queue(struct ckpt_ctx *ctx, struct ckpt_hdr_fd *hf,
			      struct ckpt_hdr_unix *hu, struct file *from)
{
	struct socket *sock = from ? sock_from_file(from) : NULL;
	struct sock *sk = sock ? sock->sk : NULL, *peer = NULL;
	u8 sk_shut = 0, peer_shut = 0;
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL };
	struct kvec vec;
	u32 i, off = 0;
	void *buf;
	int n = 0;

	buf = kvmalloc(CKPT_DATA_MAX, GFP_KERNEL_ACCOUNT);
	if (!buf)
		return -ENOMEM;
	if (sk) {
		/* nothing else uses the pair yet: let the messages through */
		unix_state_lock(sk);
		peer = unix_peer(sk);
		sk_shut = sk->sk_shutdown;
		WRITE_ONCE(sk->sk_shutdown, 0);
		if (peer) {
			peer_shut = peer->sk_shutdown;
			WRITE_ONCE(peer->sk_shutdown, 0);
		}
		unix_state_unlock(sk);
	}
	for (i = 0; i < hu->nr_msgs; i++, off += n) {
		n = ckpt_read_data(ctx, off, buf, CKPT_DATA_MAX);
		if (n < 0)
			break;
		if (!sk)
			continue;
		vec.iov_base = buf;
		vec.iov_len = n;
		if (kernel_sendmsg(sock, &msg, &vec, 1, n) != n) {
			n = ckpt_err(ctx, -ENOBUFS,
				     "fd %d: cannot queue message %u (%d bytes) again",
				     hf->fd, i, n);
			break;
		}
	}
	if (sk) {
		unix_state_lock(sk);
		WRITE_ONCE(sk->sk_shutdown, sk_shut);
		if (peer)
			WRITE_ONCE(peer->sk_shutdown, peer_shut);
		unix_state_unlock(sk);
	}
	kvfree(buf);
	return n < 0 ? n : 0;
}

/* A new unix socket of @hu's type, as a file, with @sock set */
static struct file *restore_unix_file(struct ckpt_ctx *ctx, struct socket *sock,
				      struct ckpt_hdr_fd *hf)
{
	struct file *file = sock_alloc_file(sock, hf->f_flags & O_NONBLOCK, NULL);

	if (IS_ERR(file))
		ckpt_err(ctx, PTR_ERR(file), "fd %d: cannot make a socket file", hf->fd);
	return file;
}

/* Bind (and listen) a new socket as @hu says */
static int restore_unix_bind(struct ckpt_ctx *ctx, struct ckpt_hdr_fd *hf,
			     struct ckpt_hdr_unix *hu, struct socket *sock)
{
	struct sockaddr_storage ss = { .ss_family = AF_UNIX };
	struct sockaddr_un *sun = (struct sockaddr_un *)&ss;
	int ret, len;

	if (hu->addr_len) {
		memcpy(sun->sun_path, hu->addr, hu->addr_len);
		len = offsetof(struct sockaddr_un, sun_path) + hu->addr_len;
		if (hu->addr[0]) {
			/*
			 * The socket file of the checkpointed socket is in the
			 * way: removed as unlink(2) by the restored task would
			 * (another kind of file there makes bind(2) fail)
			 */
			ret = unlink_socket_file(hu->addr);
			if (ret && ret != -ENOENT && ret != -EEXIST)
				return ckpt_err(ctx, ret,
						"pid %d fd %d: cannot remove socket file %s",
						ctx->pid, hf->fd, hu->addr);
		}
		/* bind(2) and its security hook */
		ret = __sys_bind_socket(sock, &ss, len);
		if (ret)
			return ckpt_err(ctx, ret, "fd %d: cannot bind unix socket to %s%*pE",
					hf->fd, hu->addr[0] ? "" : "@", (int)hu->addr_len - 1,
					hu->addr + 1);
	}
	if (hu->state == CKPT_UNIX_LISTEN) {
		/* listen(2): the backlog within net.core.somaxconn, the security hook */
		ret = __sys_listen_socket(sock, hu->backlog);
		if (ret)
			return ckpt_err(ctx, ret, "fd %d: cannot listen", hf->fd);
	}
	return 0;
}

/* The socket of the first record of a pair or a lone socket: made now */
static struct ckpt_usock *restore_new_usock(struct ckpt_ctx *ctx, struct ckpt_hdr_fd *hf,
					    struct ckpt_hdr_unix *hu)
{
	struct socket *a = NULL, *b = NULL;
	struct ckpt_usock *us;
	int ret;

	us = kzalloc(sizeof(*us), GFP_KERNEL_ACCOUNT);
	if (!us)
		return ERR_PTR(-ENOMEM);
	ret = sock_create(AF_UNIX, hu->type, 0, &a);
	if (!ret && hu->state == CKPT_UNIX_CONNECTED) {
		ret = sock_create(AF_UNIX, hu->type, 0, &b);
		if (!ret)
			ret = security_socket_socketpair(a, b);
		if (!ret)
			ret = a->ops->socketpair(a, b);
	}
	if (ret) {
		ckpt_err(ctx, ret, "fd %d: cannot make a unix socket of type %u", hf->fd, hu->type);
		goto fail;
	}
	if (hu->state != CKPT_UNIX_CONNECTED) {
		ret = restore_unix_bind(ctx, hf, hu, a);
		if (ret)
			goto fail;
	}
	us->file = restore_unix_file(ctx, a, hf);
	a = NULL;	/* the file has it, or it is released */
	if (IS_ERR(us->file)) {
		ret = PTR_ERR(us->file);
		us->file = NULL;
		goto fail;
	}
	if (b) {
		us->partner = restore_unix_file(ctx, b, hf);
		b = NULL;
		if (IS_ERR(us->partner)) {
			ret = PTR_ERR(us->partner);
			us->partner = NULL;
			goto fail;
		}
	}
	return us;
fail:
	if (a)
		sock_release(a);
	if (b)
		sock_release(b);
	ckpt_usock_free(us);
	return ERR_PTR(ret);
}

static int restore_check_unix(struct ckpt_ctx *ctx, struct ckpt_hdr_fd *hf,
			      struct ckpt_hdr_unix *hu)
{
	bool conn = hu->state == CKPT_UNIX_CONNECTED;

	if ((hu->type != SOCK_STREAM && hu->type != SOCK_DGRAM && hu->type != SOCK_SEQPACKET) ||
	    hu->state < CKPT_UNIX_UNCONNECTED || hu->state > CKPT_UNIX_LISTEN ||
	    hu->shutdown & ~SHUTDOWN_MASK || hu->addr_len > CKPT_UNIX_ADDR_MAX ||
	    (hu->state == CKPT_UNIX_LISTEN && hu->type == SOCK_DGRAM) ||
	    (!conn && (hu->peer || hu->nr_msgs || hu->peer_pid)) || hu->_reserved ||
	    (hu->peer_pid && !ckpt_unix_pid_ok(ctx, hu->peer_pid)) ||
	    (hu->state == CKPT_UNIX_LISTEN && !hu->addr_len) || hu->backlog > S32_MAX ||
	    memchr_inv(hu->addr + hu->addr_len, 0, sizeof(hu->addr) - hu->addr_len) ||
	    (hf->f_flags & ~O_NONBLOCK) != O_RDWR)
		return ckpt_err(ctx, -EINVAL,
				"fd %d: unix socket type %u, state %u, address of %u bytes",
				hf->fd, hu->type, hu->state, hu->addr_len);
	/* a path: NUL terminated, absolute */
	if (hu->addr_len && hu->addr[0] &&
	    (hu->addr[0] != '/' || strnlen(hu->addr, hu->addr_len) != hu->addr_len - 1))
		return ckpt_err(ctx, -EINVAL, "fd %d: bad unix socket path", hf->fd);
	return 0;
}

static struct file *restore_unix(struct ckpt_ctx *ctx, struct ckpt_hdr_fd *hf)
{
	struct ckpt_usock *us = NULL, *pus;
	struct ckpt_hdr_unix *hu;
	struct file *file;
	int ret;

	hu = ckpt_read_obj(ctx, CKPT_HDR_UNIX);
	if (IS_ERR(hu))
		return ERR_CAST(hu);
	ret = restore_check_unix(ctx, hf, hu);
	if (ret)
		goto out;
	if (hu->objref <= ckpt_obj_last(ctx)) {
		/* the peer of a socket restored before */
		ret = ckpt_obj_check_ref(ctx, hu->objref, CKPT_OBJ_SOCK);
		if (ret)
			goto out;
		if (hu->state != CKPT_UNIX_CONNECTED || !hu->peer || hu->peer >= hu->objref) {
			ret = ckpt_err(ctx, -EINVAL, "fd %d: unix socket objref %u: bad peer %u",
				       hf->fd, hu->objref, hu->peer);
			goto out;
		}
		if (ctx->uflags & RESTART_VALIDATE) {
			ret = restore_sockopts(ctx, NULL, hf->fd) ?:
			      restore_unix_queue(ctx, hf, hu, NULL);
			goto out;
		}
		us = ckpt_obj_fetch(ctx, hu->objref, CKPT_OBJ_SOCK);
		pus = ckpt_obj_fetch(ctx, hu->peer, CKPT_OBJ_SOCK);
		if (IS_ERR(us) || IS_ERR(pus) || us->given || !us->partner ||
		    pus->file != us->partner || sock_from_file(us->file)->type != hu->type) {
			ret = ckpt_err(ctx, -EINVAL,
				       "fd %d: unix socket objref %u is not %u's peer",
				       hf->fd, hu->objref, hu->peer);
			goto out;
		}
	} else {
		ret = ckpt_obj_check_new(ctx, hu->objref, CKPT_OBJ_SOCK);
		/* a live peer is new too, right after it */
		if (!ret && hu->peer && hu->peer != hu->objref + 1)
			ret = ckpt_err(ctx, -EINVAL, "fd %d: unix socket objref %u, peer %u",
				       hf->fd, hu->objref, hu->peer);
		if (!ret && hu->peer)
			ret = ckpt_obj_check_new(ctx, hu->peer, CKPT_OBJ_SOCK);
		if (ret)
			goto out;
		if (ctx->uflags & RESTART_VALIDATE) {
			ret = restore_sockopts(ctx, NULL, hf->fd) ?:
			      restore_unix_queue(ctx, hf, hu, NULL);
			goto out;
		}
		us = restore_new_usock(ctx, hf, hu);
		if (IS_ERR(us)) {
			ret = PTR_ERR(us);
			goto out;
		}
		ret = ckpt_obj_fill(ctx, hu->objref, us, CKPT_OBJ_SOCK);
		if (ret) {
			ckpt_usock_free(us);
			goto out;
		}
		if (hu->peer) {
			/* the other end waits for the peer's record */
			pus = kzalloc(sizeof(*pus), GFP_KERNEL_ACCOUNT);
			ret = -ENOMEM;
			if (!pus)
				goto out;
			pus->file = get_file(us->partner);
			pus->partner = get_file(us->file);
			ret = ckpt_obj_fill(ctx, hu->peer, pus, CKPT_OBJ_SOCK);
			if (ret) {
				ckpt_usock_free(pus);
				goto out;
			}
		}
	}
	us->given = true;
	restore_sock_bufs(sock_from_file(us->file)->sk, hu->sndbuf, hu->rcvbuf);
	ret = restore_sockopts(ctx, sock_from_file(us->file), hf->fd);
	if (!ret)
		ret = restore_unix_queue(ctx, hf, hu, us->partner);
	if (!ret) {
		unix_state_lock(sock_from_file(us->file)->sk);
		WRITE_ONCE(sock_from_file(us->file)->sk->sk_shutdown, hu->shutdown);
		unix_state_unlock(sock_from_file(us->file)->sk);
		us->peer_pid = hu->peer_pid;	/* restore_unix_peer_pids() */
	}
out:
	kvfree(hu);
	if (ret || (ctx->uflags & RESTART_VALIDATE))
		return ret ? ERR_PTR(ret) : NULL;
	file = get_file(us->file);
	ret = restore_file_flags(ctx, file, hf, O_NONBLOCK);
	if (ret) {
		fput(file);
		return ERR_PTR(ret);
	}
	return file;
}

static int ckpt_sock_has_file(struct ckpt_ctx *ctx, void *ptr, u32 objref, u32 users,
			      void *arg)
{
	return ckpt_unix_sk(ptr) == arg;
}

static int ckpt_sock_leak(struct ckpt_ctx *ctx, void *ptr, u32 objref, u32 users, void *arg)
{
	if (ckpt_obj_for_each(ctx, CKPT_OBJ_FILE, ckpt_sock_has_file, ptr))
		return 0;
	return ckpt_err(ctx, -EBUSY,
			"a unix socket of the tree is connected to one outside it (objref %u; use CHECKPOINT_SUBTREE)",
			objref);
}

/**
 * checkpoint_check_unix_leaks - refuse sockets connected to the outside
 * @ctx: checkpoint context, after every task's records
 *
 * Without CHECKPOINT_SUBTREE, the peer of a saved socket must be saved too:
 * the connection would be cut at restart.
 *
 * Return: 0 or -EBUSY, logged.
 */
int checkpoint_check_unix_leaks(struct ckpt_ctx *ctx)
{
	return ckpt_obj_for_each(ctx, CKPT_OBJ_SOCK, ckpt_sock_leak, NULL);
}

const struct ckpt_file_ops ckpt_unix_ops = {
	.kind = CKPT_FD_UNIX,
	.match = ckpt_is_unix,
	.checkpoint = checkpoint_unix,
	.restore = restore_unix,
};
