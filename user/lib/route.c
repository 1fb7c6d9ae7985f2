// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* One RTM_GETROUTE over rtnetlink, as `ip route get` does. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "route.h"

struct route_req {
	struct nlmsghdr nh;
	struct rtmsg rt;
	char attrs[64];
};

static int route_request(int fd, int family, const void *addr)
{
	size_t alen = family == AF_INET ? 4 : 16;
	struct route_req req = {0};
	struct rtattr *rta;

	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.rt));
	req.nh.nlmsg_type = RTM_GETROUTE;
	req.nh.nlmsg_flags = NLM_F_REQUEST;
	req.rt.rtm_family = (unsigned char)family;
	req.rt.rtm_dst_len = (unsigned char)(alen * 8);
	rta = (struct rtattr *)((char *)&req + NLMSG_ALIGN(req.nh.nlmsg_len));
	rta->rta_type = RTA_DST;
	rta->rta_len = (unsigned short)RTA_LENGTH(alen);
	memcpy(RTA_DATA(rta), addr, alen);
	req.nh.nlmsg_len =
		NLMSG_ALIGN(req.nh.nlmsg_len) + RTA_ALIGN(rta->rta_len);
	return send(fd, &req, req.nh.nlmsg_len, 0) < 0 ? -errno : 0;
}

/* RTA_OIF of the RTM_NEWROUTE answer, or the error netlink sent. */
static int route_answer_oif(const char *buf, ssize_t len)
{
	const struct nlmsghdr *nh = (const struct nlmsghdr *)buf;

	for (; NLMSG_OK(nh, (unsigned int)len); nh = NLMSG_NEXT(nh, len)) {
		const struct rtmsg *rt = NLMSG_DATA(nh);
		const struct rtattr *rta = RTM_RTA(rt);
		int alen = (int)RTM_PAYLOAD(nh);

		if (nh->nlmsg_type == NLMSG_ERROR)
			return ((const struct nlmsgerr *)NLMSG_DATA(nh))->error;
		if (nh->nlmsg_type != RTM_NEWROUTE)
			continue;
		for (; RTA_OK(rta, alen); rta = RTA_NEXT(rta, alen))
			if (rta->rta_type == RTA_OIF)
				return *(const int *)RTA_DATA(rta);
	}
	return -ENOENT;
}

int route_oif(int family, const void *addr)
{
	char buf[4096];
	ssize_t n;
	int fd, err;

	if (family != AF_INET && family != AF_INET6)
		return -EAFNOSUPPORT;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	err = route_request(fd, family, addr);
	if (!err) {
		n = recv(fd, buf, sizeof(buf), 0);
		err = n < 0 ? -errno : route_answer_oif(buf, n);
	}
	close(fd);
	return err;
}
