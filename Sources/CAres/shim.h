// c-ares (Debian libc-ares-dev) with the two helpers Swift cannot write
// itself: options set through a struct with a mask, and the select loop
// that drives several channels (one per nameserver) from one thread.
#ifndef RECONCILE_CARES_SHIM_H
#define RECONCILE_CARES_SHIM_H
#include <ares.h>
#include <arpa/nameser.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/select.h>
#include <string.h>

/// A channel that asks one server, never appends search domains, and hands
/// SERVFAIL/REFUSED answers to the callback at once (the Swift side decides
/// where to retry); it asks for recursion only when `recurse` (a resolver,
/// not an authoritative server). Returns an ARES_ status.
static inline int creconcile_ares_channel(ares_channel *out, const char *server_csv,
                                          int timeout_ms, int tries, int recurse) {
    struct ares_options o;
    memset(&o, 0, sizeof o);
    o.flags = (recurse ? 0 : ARES_FLAG_NORECURSE) | ARES_FLAG_NOSEARCH | ARES_FLAG_EDNS | ARES_FLAG_NOCHECKRESP;
    o.timeout = timeout_ms;
    o.tries = tries;
    o.ednspsz = 1232;
    o.lookups = (char *)"b";
    int mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_EDNSPSZ | ARES_OPT_LOOKUPS;
    int rc = ares_init_options(out, &o, mask);
    if (rc != ARES_SUCCESS) return rc;
    rc = ares_set_servers_ports_csv(*out, server_csv);
    if (rc != ARES_SUCCESS) { ares_destroy(*out); *out = NULL; }
    return rc;
}

/// Runs every channel until none has a query in flight. Callbacks run on
/// this thread and may submit further queries.
static inline void creconcile_ares_run(ares_channel *channels, int count) {
    for (;;) {
        fd_set r, w;
        FD_ZERO(&r); FD_ZERO(&w);
        int nfds = 0;
        for (int i = 0; i < count; i++) {
            int n = ares_fds(channels[i], &r, &w);
            if (n > nfds) nfds = n;
        }
        if (nfds == 0) return;
        struct timeval tv, *tvp = NULL;
        for (int i = 0; i < count; i++) {
            struct timeval t;
            struct timeval *got = ares_timeout(channels[i], tvp, &t);
            if (got) { tv = *got; tvp = &tv; }
        }
        select(nfds, &r, &w, NULL, tvp);
        for (int i = 0; i < count; i++) ares_process(channels[i], &r, &w);
    }
}

/// The first answer's rcode, for messages the parsers do not cover.
static inline int creconcile_dns_rcode(const unsigned char *abuf, int alen) {
    return alen >= 4 ? (abuf[3] & 0x0F) : -1;
}
#endif
