/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Which NIC the kernel would send to an address: the one a peer's packets
 * most likely arrive on. */
#ifndef EDGEXDP_ROUTE_H
#define EDGEXDP_ROUTE_H

/* The output ifindex of the route to `addr` (4 or 16 bytes by family
 * AF_INET/AF_INET6), or -errno. */
int route_oif(int family, const void *addr);

#endif /* EDGEXDP_ROUTE_H */
