// SPDX-License-Identifier: GPL-2.0
/*
 * Socket options: the options a program sets on its sockets with
 * setsockopt(2) at the socket, IP, IPv6 and TCP levels, saved with the
 * getters getsockopt(2) uses and set again at restart through
 * do_sock_setsockopt(), with every check and security hook of
 * setsockopt(2) and the credentials of the restored task. An option whose
 * value a new socket already has is not set again, so a default that only
 * a privileged caller could set (SO_MARK 0, say) needs no privilege.
 *
 * The options are a fixed table; those outside it are either kept in the
 * UNIX or INET record (buffers, addresses, SO_REUSEADDR...) or not saved
 * (see Documentation/checkpoint/objects.rst).
 */

#include <linux/checkpoint.h>
#include <linux/in.h>
#include <linux/net.h>
#include <linux/slab.h>
#include <linux/sockptr.h>
#include <linux/tcp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/tcp.h>

/* One option: its level, name, the most bytes of its value */
struct ckpt_sockopt_desc {
	int level;
	int name;
	u32 len;
};

/* in the order they are set: IP_TOS sets SO_PRIORITY, which may differ */
static const struct ckpt_sockopt_desc ckpt_sockopts[] = {
	{ SOL_IP, IP_TOS, sizeof(int) },
	{ SOL_SOCKET, SO_KEEPALIVE, sizeof(int) },
	{ SOL_SOCKET, SO_BROADCAST, sizeof(int) },
	{ SOL_SOCKET, SO_DONTROUTE, sizeof(int) },
	{ SOL_SOCKET, SO_OOBINLINE, sizeof(int) },
	{ SOL_SOCKET, SO_LINGER, sizeof(struct linger) },
	{ SOL_SOCKET, SO_PRIORITY, sizeof(int) },
	{ SOL_SOCKET, SO_RCVLOWAT, sizeof(int) },
	{ SOL_SOCKET, SO_RCVTIMEO_NEW, sizeof(struct __kernel_sock_timeval) },
	{ SOL_SOCKET, SO_SNDTIMEO_NEW, sizeof(struct __kernel_sock_timeval) },
	{ SOL_SOCKET, SO_PASSCRED, sizeof(int) },
	{ SOL_SOCKET, SO_MARK, sizeof(int) },
	{ SOL_SOCKET, SO_BUF_LOCK, sizeof(int) },
	{ SOL_TCP, TCP_NODELAY, sizeof(int) },
	{ SOL_TCP, TCP_CORK, sizeof(int) },
	{ SOL_TCP, TCP_KEEPIDLE, sizeof(int) },
	{ SOL_TCP, TCP_KEEPINTVL, sizeof(int) },
	{ SOL_TCP, TCP_KEEPCNT, sizeof(int) },
	{ SOL_TCP, TCP_SYNCNT, sizeof(int) },
	{ SOL_TCP, TCP_LINGER2, sizeof(int) },
	{ SOL_TCP, TCP_USER_TIMEOUT, sizeof(int) },
	{ SOL_TCP, TCP_NOTSENT_LOWAT, sizeof(int) },
	{ SOL_TCP, TCP_MAXSEG, sizeof(int) },
	{ SOL_TCP, TCP_CONGESTION, CKPT_SOCKOPT_MAX },
	{ SOL_IP, IP_TTL, sizeof(int) },
	{ SOL_IP, IP_FREEBIND, sizeof(int) },
	{ SOL_IP, IP_TRANSPARENT, sizeof(int) },
	{ SOL_IP, IP_BIND_ADDRESS_NO_PORT, sizeof(int) },
	{ SOL_IP, IP_MTU_DISCOVER, sizeof(int) },
	{ SOL_IP, IP_RECVERR, sizeof(int) },
	{ SOL_IP, IP_PKTINFO, sizeof(int) },
	{ SOL_IP, IP_MULTICAST_TTL, sizeof(int) },
	{ SOL_IP, IP_MULTICAST_LOOP, sizeof(int) },
	{ SOL_IPV6, IPV6_UNICAST_HOPS, sizeof(int) },
	{ SOL_IPV6, IPV6_RECVPKTINFO, sizeof(int) },
	{ SOL_IPV6, IPV6_TCLASS, sizeof(int) },
};

static const struct ckpt_sockopt_desc *ckpt_sockopt_desc(int level, int name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ckpt_sockopts); i++)
		if (ckpt_sockopts[i].level == level && ckpt_sockopts[i].name == name)
			return &ckpt_sockopts[i];
	return NULL;
}

/* Does option @d apply to @sk? */
static bool ckpt_sockopt_applies(struct sock *sk, const struct ckpt_sockopt_desc *d)
{
	switch (d->level) {
	case SOL_SOCKET:
		return true;
	case SOL_TCP:
		return sk_is_tcp(sk);
	case SOL_IP:
		return sk->sk_family == AF_INET || sk->sk_family == AF_INET6;
	case SOL_IPV6:
		return IS_BUILTIN(CONFIG_IPV6) && sk->sk_family == AF_INET6;
	}
	return false;
}

/* getsockopt(2) of @d on @sk, into @val: its length, or a negative errno */
static int ckpt_sockopt_get(struct sock *sk, const struct ckpt_sockopt_desc *d, void *val)
{
	int len = d->len, ret = -ENOPROTOOPT;
	sockptr_t optval = KERNEL_SOCKPTR(val), optlen = KERNEL_SOCKPTR(&len);

	memset(val, 0, CKPT_SOCKOPT_MAX);
	if (!ckpt_sockopt_applies(sk, d))
		return -ENOPROTOOPT;
	switch (d->level) {
	case SOL_SOCKET:
		ret = sk_getsockopt(sk, d->level, d->name, optval, optlen);
		break;
	case SOL_TCP:
		ret = do_tcp_getsockopt(sk, d->level, d->name, optval, optlen);
		break;
	case SOL_IP:
		ret = do_ip_getsockopt(sk, d->level, d->name, optval, optlen);
		break;
#if IS_BUILTIN(CONFIG_IPV6)
	case SOL_IPV6:
		ret = do_ipv6_getsockopt(sk, d->level, d->name, optval, optlen);
		break;
#endif
	}
	if (ret)
		return ret;
	return len < 0 || len > d->len ? -EINVAL : len;
}

/**
 * checkpoint_sockopts - write the SOCKOPTS record of a socket
 * @ctx: checkpoint context
 * @sk: the socket, of a frozen task
 * @fd: its fd, for messages
 *
 * Return: 0 or a negative errno.
 */
int checkpoint_sockopts(struct ckpt_ctx *ctx, struct sock *sk, unsigned int fd)
{
	struct ckpt_hdr_sockopts *hs;
	struct ckpt_sockopt *o;
	unsigned int i;
	int len, ret;

	hs = ckpt_hdr_alloc(CKPT_HDR_SOCKOPTS, struct_size(hs, opts, ARRAY_SIZE(ckpt_sockopts)));
	if (!hs)
		return ckpt_err(ctx, -ENOMEM, "pid %d fd %u: no memory for socket options",
				ctx->pid, fd);
	for (i = 0; i < ARRAY_SIZE(ckpt_sockopts); i++) {
		o = &hs->opts[hs->nr];
		len = ckpt_sockopt_get(sk, &ckpt_sockopts[i], o->val);
		if (len == -ENOPROTOOPT || len == -EOPNOTSUPP)
			continue;
		if (len < 0) {
			kfree(hs);
			return ckpt_err(ctx, len, "pid %d fd %u: cannot read socket option %d/%d",
					ctx->pid, fd, ckpt_sockopts[i].level,
					ckpt_sockopts[i].name);
		}
		o->level = ckpt_sockopts[i].level;
		o->name = ckpt_sockopts[i].name;
		o->len = len;
		hs->nr++;
	}
	hs->h.len = struct_size(hs, opts, hs->nr);
	ret = ckpt_write_obj(ctx, &hs->h);
	kfree(hs);
	return ret;
}

/**
 * restore_sockopts - read the SOCKOPTS record of a socket and set its options
 * @ctx: restart context
 * @sock: the new socket, or NULL when validating
 * @fd: its fd, for messages
 *
 * Each option whose value the new socket does not have already is set
 * with do_sock_setsockopt(), as setsockopt(2) would set it for current.
 *
 * Return: 0 or a negative errno, logged.
 */
int restore_sockopts(struct ckpt_ctx *ctx, struct socket *sock, int fd)
{
	const struct ckpt_sockopt_desc *d;
	u8 now[CKPT_SOCKOPT_MAX];
	struct ckpt_hdr_sockopts *hs;
	struct ckpt_sockopt *o;
	int ret = 0, len;
	u32 i;

	hs = ckpt_read_obj(ctx, CKPT_HDR_SOCKOPTS);
	if (IS_ERR(hs))
		return PTR_ERR(hs);
	if (hs->_reserved || hs->nr > ARRAY_SIZE(ckpt_sockopts) ||
	    hs->h.len != struct_size(hs, opts, hs->nr)) {
		ret = ckpt_err(ctx, -EINVAL, "pid %d fd %d: SOCKOPTS nr %u in %u bytes", ctx->pid,
			       fd, hs->nr, hs->h.len);
		goto out;
	}
	for (i = 0; i < hs->nr && !ret; i++) {
		o = &hs->opts[i];
		d = ckpt_sockopt_desc(o->level, o->name);
		if (!d || o->_reserved || !o->len || o->len > d->len ||
		    memchr_inv(o->val + o->len, 0, sizeof(o->val) - o->len)) {
			ret = ckpt_err(ctx, -EINVAL,
				       "pid %d fd %d: SOCKOPTS opts[%u] level %d name %d len %u",
				       ctx->pid, fd, i, o->level, o->name, o->len);
			break;
		}
		if (!sock)
			continue;
		len = ckpt_sockopt_get(sock->sk, d, now);
		if (len == o->len && !memcmp(now, o->val, len))
			continue;
		ret = do_sock_setsockopt(sock, false, o->level, o->name, KERNEL_SOCKPTR(o->val),
					 o->len);
		if (ret)
			ckpt_err(ctx, ret,
				 "pid %d fd %d: SOCKOPTS level %d name %d: setsockopt(2) refuses it",
				 ctx->pid, fd, o->level, o->name);
	}
out:
	kvfree(hs);
	return ret;
}
