#include "CCurl.h"
#include "CLazyLibrary.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

/* The libcurl entry points we call, resolved once from the loaded library. */
static struct {
    CURLcode (*global_init)(long);
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *);
    void (*easy_reset)(CURL *);
    CURLcode (*easy_perform)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
    CURLSH *(*share_init)(void);
    CURLSHcode (*share_setopt)(CURLSH *, CURLSHoption, ...);
    CURLSHcode (*share_cleanup)(CURLSH *);
} api;
static char load_error[256];
static int ready;
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void load(void) {
    void *lib = clazy_open("curl", "4", "libcurl4", load_error, sizeof load_error);
    if (!lib) return;
#define RESOLVE(field, symbol) \
    if (!(*(void **)&api.field = clazy_symbol(lib, symbol, "libcurl", load_error, sizeof load_error))) return;
    RESOLVE(global_init, "curl_global_init")
    RESOLVE(easy_init, "curl_easy_init")
    RESOLVE(easy_cleanup, "curl_easy_cleanup")
    RESOLVE(easy_reset, "curl_easy_reset")
    RESOLVE(easy_perform, "curl_easy_perform")
    RESOLVE(easy_strerror, "curl_easy_strerror")
    RESOLVE(easy_setopt, "curl_easy_setopt")
    RESOLVE(easy_getinfo, "curl_easy_getinfo")
    RESOLVE(slist_append, "curl_slist_append")
    RESOLVE(slist_free_all, "curl_slist_free_all")
    RESOLVE(share_init, "curl_share_init")
    RESOLVE(share_setopt, "curl_share_setopt")
    RESOLVE(share_cleanup, "curl_share_cleanup")
#undef RESOLVE
    if (api.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        snprintf(load_error, sizeof load_error, "curl_global_init failed");
        return;
    }
    ready = 1;
}

/* True once libcurl is usable (pthread_once also publishes `api`). */
static int loaded(void) {
    pthread_once(&load_once, load);
    return ready;
}

const char *ccurl_load_error(void) { return loaded() ? NULL : load_error; }
const char *ccurl_init_error(void) { return loaded() ? "curl_easy_init failed" : load_error; }

CURL *ccurl_easy_init(void) { return loaded() ? api.easy_init() : NULL; }
/* Handles exist only once libcurl is loaded, so these need not check. */
void ccurl_easy_cleanup(CURL *h) { if (h) api.easy_cleanup(h); }
void ccurl_easy_reset(CURL *h) { api.easy_reset(h); }
CURLcode ccurl_easy_perform(CURL *h) { return api.easy_perform(h); }
const char *ccurl_easy_strerror(CURLcode code) { return loaded() ? api.easy_strerror(code) : load_error; }
struct curl_slist *ccurl_slist_append(struct curl_slist *list, const char *s) {
    return loaded() ? api.slist_append(list, s) : NULL;
}
void ccurl_slist_free_all(struct curl_slist *list) { if (list) api.slist_free_all(list); }

CURLcode ccurl_setopt_long(CURL *h, CURLoption o, long v) { return api.easy_setopt(h, o, v); }
CURLcode ccurl_setopt_string(CURL *h, CURLoption o, const char *v) { return api.easy_setopt(h, o, v); }
CURLcode ccurl_setopt_pointer(CURL *h, CURLoption o, void *v) { return api.easy_setopt(h, o, v); }
CURLcode ccurl_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return api.easy_setopt(h, o, v); }
CURLcode ccurl_setopt_read_function(CURL *h, ccurl_io_callback cb) { return api.easy_setopt(h, CURLOPT_READFUNCTION, cb); }
CURLcode ccurl_setopt_write_function(CURL *h, ccurl_io_callback cb) { return api.easy_setopt(h, CURLOPT_WRITEFUNCTION, cb); }
CURLcode ccurl_setopt_header_function(CURL *h, ccurl_io_callback cb) { return api.easy_setopt(h, CURLOPT_HEADERFUNCTION, cb); }
CURLcode ccurl_setopt_debug_function(CURL *h, ccurl_debug_callback cb) { return api.easy_setopt(h, CURLOPT_DEBUGFUNCTION, cb); }
CURLcode ccurl_getinfo_long(CURL *h, CURLINFO i, long *out) { return api.easy_getinfo(h, i, out); }

struct ccurl_caches {
    CURLSH *share;
    pthread_mutex_t locks[CURL_LOCK_DATA_LAST];
};

static void caches_lock(CURL *h, curl_lock_data data, curl_lock_access access, void *user) {
    (void)h; (void)access;
    pthread_mutex_lock(&((ccurl_caches *)user)->locks[data]);
}

static void caches_unlock(CURL *h, curl_lock_data data, void *user) {
    (void)h;
    pthread_mutex_unlock(&((ccurl_caches *)user)->locks[data]);
}

ccurl_caches *ccurl_caches_new(void) {
    if (!loaded()) return NULL;
    ccurl_caches *caches = calloc(1, sizeof *caches);
    if (!caches) return NULL;
    if (!(caches->share = api.share_init())) { free(caches); return NULL; }
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++) pthread_mutex_init(&caches->locks[i], NULL);
    api.share_setopt(caches->share, CURLSHOPT_LOCKFUNC, caches_lock);
    api.share_setopt(caches->share, CURLSHOPT_UNLOCKFUNC, caches_unlock);
    api.share_setopt(caches->share, CURLSHOPT_USERDATA, caches);
    api.share_setopt(caches->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    api.share_setopt(caches->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    return caches;
}

/* Only when no handle uses the caches any more (libcurl refuses otherwise). */
void ccurl_caches_free(ccurl_caches *caches) {
    if (!caches) return;
    api.share_cleanup(caches->share);
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++) pthread_mutex_destroy(&caches->locks[i]);
    free(caches);
}

CURLcode ccurl_setopt_caches(CURL *h, ccurl_caches *caches) { return api.easy_setopt(h, CURLOPT_SHARE, caches ? caches->share : NULL); }

struct ccurl_abort { atomic_int raised; };

ccurl_abort *ccurl_abort_new(void) { return calloc(1, sizeof(ccurl_abort)); }
void ccurl_abort_raise(ccurl_abort *flag) { atomic_store(&flag->raised, 1); }
void ccurl_abort_free(ccurl_abort *flag) { free(flag); }

static int abort_check(void *user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow) {
    (void)dltotal; (void)dlnow; (void)ultotal; (void)ulnow;
    return atomic_load(&((ccurl_abort *)user)->raised);
}

CURLcode ccurl_setopt_abort(CURL *h, ccurl_abort *flag) {
    if (!flag) return CURLE_OK;
    CURLcode rc = api.easy_setopt(h, CURLOPT_XFERINFOFUNCTION, abort_check);
    if (rc == CURLE_OK) rc = api.easy_setopt(h, CURLOPT_XFERINFODATA, flag);
    if (rc == CURLE_OK) rc = api.easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    return rc;
}
