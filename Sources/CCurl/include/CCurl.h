#ifndef CCURL_H
#define CCURL_H
#include <curl/curl.h>

/* libcurl, loaded with dlopen on the first call instead of at process start.
 * Linked, libcurl brings OpenSSL, gnutls, krb5, LDAP, ssh2… into every
 * process, ~6 MiB resident, while a plan from the observation cache, a
 * validate or a status never sends a request. Each function below loads it
 * once (and runs curl_global_init) and then forwards. When it cannot be
 * loaded, ccurl_easy_init returns NULL and ccurl_init_error says why.
 * curl_easy_setopt/getinfo are variadic, which Swift cannot call: typed wrappers. */

/* NULL once libcurl is loaded; else why it is not (loading it if not tried yet). */
const char *ccurl_load_error(void);
/* Why ccurl_easy_init returned NULL: libcurl not loadable, or its own failure. */
const char *ccurl_init_error(void);

CURL *ccurl_easy_init(void);
void ccurl_easy_cleanup(CURL *h);
/* Options back to their defaults; the handle keeps its live connections. */
void ccurl_easy_reset(CURL *h);
CURLcode ccurl_easy_perform(CURL *h);
const char *ccurl_easy_strerror(CURLcode code);
struct curl_slist *ccurl_slist_append(struct curl_slist *list, const char *s);
void ccurl_slist_free_all(struct curl_slist *list);

CURLcode ccurl_setopt_long(CURL *h, CURLoption o, long v);
CURLcode ccurl_setopt_string(CURL *h, CURLoption o, const char *v);
CURLcode ccurl_setopt_pointer(CURL *h, CURLoption o, void *v);
CURLcode ccurl_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v);
typedef size_t (*ccurl_io_callback)(char *buffer, size_t size, size_t nitems, void *userdata);
CURLcode ccurl_setopt_read_function(CURL *h, ccurl_io_callback cb);
CURLcode ccurl_setopt_write_function(CURL *h, ccurl_io_callback cb);
CURLcode ccurl_setopt_header_function(CURL *h, ccurl_io_callback cb);
typedef int (*ccurl_debug_callback)(CURL *h, curl_infotype type, char *data, size_t size, void *userdata);
CURLcode ccurl_setopt_debug_function(CURL *h, ccurl_debug_callback cb);
CURLcode ccurl_getinfo_long(CURL *h, CURLINFO i, long *out);

/* The DNS cache and TLS sessions shared by easy handles on any thread, with
 * its own locks. Not connections: libcurl does not support sharing those
 * between concurrent threads, so a kept connection stays with its handle. */
typedef struct ccurl_caches ccurl_caches;
ccurl_caches *ccurl_caches_new(void);
void ccurl_caches_free(ccurl_caches *caches);
CURLcode ccurl_setopt_caches(CURL *h, ccurl_caches *caches);

/* A flag another thread raises to abort a transfer in flight (Swift task
 * cancellation): the transfer then ends with CURLE_ABORTED_BY_CALLBACK. */
typedef struct ccurl_abort ccurl_abort;
ccurl_abort *ccurl_abort_new(void);
void ccurl_abort_raise(ccurl_abort *flag);
void ccurl_abort_free(ccurl_abort *flag);
CURLcode ccurl_setopt_abort(CURL *h, ccurl_abort *flag);

#endif
