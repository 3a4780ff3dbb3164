// SPDX-License-Identifier: GPL-2.0
/*
 * TCP and UDP sockets that carry no connection: a TCP socket closed or
 * listening, a UDP socket bound or with a default destination. Their
 * address, port, listen backlog, SO_REUSEADDR, SO_REUSEPORT, IPV6_V6ONLY
 * and buffer sizes are saved; restart makes a new socket in the
 * restarter's network namespace, sets the options, binds it to the same
 * address and port, and listens or connects again.
 *
 * A connected TCP socket would need its sequence numbers, windows and
 * queues restored behind the peer's back (what TCP_REPAIR does for CRIU);
 * it is refused by name, as are a listener with connections not accepted
 * yet and a UDP socket with datagrams waiting, whose senders restart could
 * not pretend to be.
 */

#include <linux/checkpoint.h>
#include <linux/err.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/net.h>
#include <linux/skbuff.h>
#include <linux/security.h>
#include <linux/socket.h>
#include <net/inet_connection_sock.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/tcp_states.h>

static struct sock *ckpt_inet_sk(struct file *file)
{
	struct socket *sock = sock_from_file(file);
	struct sock *sk = sock ? sock->sk : NULL;

	if (!sk || (sk->sk_family != AF_INET && sk->sk_family != AF_INET6))
		return NULL;
	return sk;
}

static bool ckpt_is_inet(struct file *file)
{
	return ckpt_inet_sk(file);
}

static const char *const ckpt_tcp_states[] = {
	[TCP_ESTABLISHED] = "ESTABLISHED", [TCP_SYN_SENT] = "SYN_SENT",
	[TCP_SYN_RECV] = "SYN_RECV", [TCP_FIN_WAIT1] = "FIN_WAIT1",
	[TCP_FIN_WAIT2] = "FIN_WAIT2", [TCP_TIME_WAIT] = "TIME_WAIT",
	[TCP_CLOSE] = "CLOSE", [TCP_CLOSE_WAIT] = "CLOSE_WAIT",
	[TCP_LAST_ACK] = "LAST_ACK", [TCP_LISTEN] = "LISTEN", [TCP_CLOSING] = "CLOSING",
};

static int checkpoint_inet(struct ckpt_ctx *ctx, struct file *file, unsigned int fd)
{
	struct sock *sk = ckpt_inet_sk(file);
	struct ckpt_hdr_inet hi = {
		.h.type = CKPT_HDR_INET,
		.h.len = sizeof(hi),
	};
	struct inet_sock *inet;
	int state;

	if (!sk)
		return -EBADF;
	if (ckpt_sock_filtered(sk))
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d fd %u: socket filter (SO_ATTACH_FILTER) not supported",
				ctx->pid, fd);
	inet = inet_sk(sk);
	if (!(sk->sk_type == SOCK_STREAM && sk->sk_protocol == IPPROTO_TCP) &&
	    !(sk->sk_type == SOCK_DGRAM && sk->sk_protocol == IPPROTO_UDP))
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d fd %u: socket of family %u type %u protocol %u not supported",
				ctx->pid, fd, sk->sk_family, sk->sk_type, sk->sk_protocol);
	lock_sock(sk);
	state = sk->sk_state;
	hi.family = sk->sk_family;
	hi.type = sk->sk_type;
	hi.protocol = sk->sk_protocol;
	hi.flags = (sk->sk_reuse ? CKPT_INET_REUSEADDR : 0) |
		   (sk->sk_reuseport ? CKPT_INET_REUSEPORT : 0) |
		   (sk->sk_family == AF_INET6 && sk->sk_ipv6only ? CKPT_INET_V6ONLY : 0);
	hi.sndbuf = sk->sk_sndbuf;
	hi.rcvbuf = sk->sk_rcvbuf;
	hi.port = inet->inet_num;
	if (sk->sk_family == AF_INET) {
		memcpy(hi.addr, &inet->inet_rcv_saddr, 4);
		memcpy(hi.peer, &inet->inet_daddr, 4);
#if IS_ENABLED(CONFIG_IPV6)
	} else {
		memcpy(hi.addr, &sk->sk_v6_rcv_saddr, 16);
		memcpy(hi.peer, &sk->sk_v6_daddr, 16);
#endif
	}
	hi.peer_port = ntohs(inet->inet_dport);
	hi.backlog = READ_ONCE(sk->sk_max_ack_backlog);
	release_sock(sk);

	if (state == TCP_LISTEN && sk->sk_type == SOCK_STREAM) {
		hi.state = CKPT_INET_LISTEN;
		if (READ_ONCE(sk->sk_ack_backlog) || inet_csk_reqsk_queue_len(sk))
			return ckpt_err(ctx, -EOPNOTSUPP,
					"pid %d fd %u: listening TCP socket with connections not accepted: not supported",
					ctx->pid, fd);
	} else if (state == TCP_CLOSE) {
		hi.state = CKPT_INET_CLOSED;
		memset(hi.peer, 0, sizeof(hi.peer));
		hi.peer_port = 0;
	} else if (state == TCP_ESTABLISHED && sk->sk_type == SOCK_DGRAM) {
		hi.state = CKPT_INET_CONNECTED;
	} else {
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d fd %u: connected TCP socket (state %s) not supported",
				ctx->pid, fd, state < ARRAY_SIZE(ckpt_tcp_states) &&
				ckpt_tcp_states[state] ? ckpt_tcp_states[state] : "?");
	}
	if (sk->sk_type == SOCK_DGRAM && skb_queue_len_lockless(&sk->sk_receive_queue))
		return ckpt_err(ctx, -EOPNOTSUPP,
				"pid %d fd %u: UDP socket with datagrams waiting not supported",
				ctx->pid, fd);
	return ckpt_write_obj(ctx, &hi.h) ?: checkpoint_sockopts(ctx, sk, fd);
}

/* @addr, @port of @hi as a sockaddr; its length */
static int ckpt_inet_sockaddr(struct ckpt_hdr_inet *hi, const u8 *addr, u16 port,
			      struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (hi->family == AF_INET) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		memcpy(&sin->sin_addr, addr, 4);
		return sizeof(*sin);
	}
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
	memcpy(&sin6->sin6_addr, addr, 16);
	return sizeof(*sin6);
}

static int restore_inet_sock(struct ckpt_ctx *ctx, struct ckpt_hdr_fd *hf,
			     struct ckpt_hdr_inet *hi, struct socket *sock)
{
	struct sock *sk = sock->sk;
	struct sockaddr_storage ss;
	int len, ret;

	/* the options first: some change what bind() accepts (IP_FREEBIND) */
	ret = restore_sockopts(ctx, sock, hf->fd);
	if (ret)
		return ret;
	if (hi->flags & CKPT_INET_REUSEADDR)
		sock_set_reuseaddr(sk);
	if (hi->flags & CKPT_INET_REUSEPORT)
		sock_set_reuseport(sk);
#if IS_ENABLED(CONFIG_IPV6)
	if (hi->flags & CKPT_INET_V6ONLY)
		ret = ip6_sock_set_v6only(sk);
#endif
	restore_sock_bufs(sk, hi->sndbuf, hi->rcvbuf);
	if (!ret && hi->port) {
		len = ckpt_inet_sockaddr(hi, hi->addr, hi->port, &ss);
		/* bind(2) and its security hook */
		ret = __sys_bind_socket(sock, &ss, len);
		if (ret)
			return ckpt_err(ctx, ret, "fd %d: cannot bind to port %u again", hf->fd,
					hi->port);
	}
	if (!ret && hi->state == CKPT_INET_LISTEN) {
		/* listen(2): the backlog within net.core.somaxconn, the security hook */
		ret = __sys_listen_socket(sock, hi->backlog);
		if (ret)
			return ckpt_err(ctx, ret, "fd %d: cannot listen on port %u again", hf->fd,
					hi->port);
	}
	if (!ret && hi->state == CKPT_INET_CONNECTED) {
		len = ckpt_inet_sockaddr(hi, hi->peer, hi->peer_port, &ss);
		ret = security_socket_connect(sock, (struct sockaddr *)&ss, len);
		if (!ret)
			ret = kernel_connect(sock, (struct sockaddr *)&ss, len, 0);
		if (ret)
			return ckpt_err(ctx, ret, "fd %d: cannot connect to port %u again", hf->fd,
					hi->peer_port);
	}
	return ret;
}

static struct file *restore_inet(struct ckpt_ctx *ctx, struct ckpt_hdr_fd *hf)
{
	struct ckpt_hdr_inet *hi;
	struct socket *sock;
	struct file *file = NULL;
	int ret;

	hi = ckpt_read_obj(ctx, CKPT_HDR_INET);
	if (IS_ERR(hi))
		return ERR_CAST(hi);
	if ((hi->family != AF_INET && !(IS_ENABLED(CONFIG_IPV6) && hi->family == AF_INET6)) ||
	    !((hi->type == SOCK_STREAM && hi->protocol == IPPROTO_TCP) ||
	      (hi->type == SOCK_DGRAM && hi->protocol == IPPROTO_UDP)) ||
	    hi->state < CKPT_INET_CLOSED || hi->state > CKPT_INET_CONNECTED ||
	    (hi->state == CKPT_INET_LISTEN && (hi->type != SOCK_STREAM || !hi->port)) ||
	    (hi->state == CKPT_INET_CONNECTED && (hi->type != SOCK_DGRAM || !hi->peer_port)) ||
	    hi->flags & ~CKPT_INET_FLAGS_ALL || hi->backlog > S32_MAX || hi->_reserved ||
	    (hi->family == AF_INET && (memchr_inv(hi->addr + 4, 0, 12) ||
				       memchr_inv(hi->peer + 4, 0, 12))) ||
	    (hf->f_flags & ~O_NONBLOCK) != O_RDWR) {
		file = ERR_PTR(ckpt_err(ctx, -EINVAL, "fd %d: socket family %u type %u state %u",
					hf->fd, hi->family, hi->type, hi->state));
		goto out;
	}
	if (ctx->uflags & RESTART_VALIDATE) {
		ret = restore_sockopts(ctx, NULL, hf->fd);
		file = ret ? ERR_PTR(ret) : NULL;
		goto out;
	}
	ret = sock_create(hi->family, hi->type, hi->protocol, &sock);
	if (ret) {
		file = ERR_PTR(ckpt_err(ctx, ret, "fd %d: cannot make a socket", hf->fd));
		goto out;
	}
	ret = restore_inet_sock(ctx, hf, hi, sock);
	if (ret) {
		sock_release(sock);
		file = ERR_PTR(ret);
		goto out;
	}
	file = sock_alloc_file(sock, hf->f_flags & O_NONBLOCK, NULL);
	if (IS_ERR(file))
		ckpt_err(ctx, PTR_ERR(file), "fd %d: cannot make a socket file", hf->fd);
out:
	kvfree(hi);
	return file;
}

const struct ckpt_file_ops ckpt_inet_ops = {
	.kind = CKPT_FD_INET,
	.match = ckpt_is_inet,
	.checkpoint = checkpoint_inet,
	.restore = restore_inet,
};
