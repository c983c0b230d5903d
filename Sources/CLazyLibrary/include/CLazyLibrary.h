#ifndef CLAZYLIBRARY_H
#define CLAZYLIBRARY_H
#include <stddef.h>

/* A shared library loaded on first use instead of linked (CCurl, CLibPQ):
 * lib`name` of ABI `version` ("curl", "4": libcurl.so.4, else libcurl.so;
 * libcurl.4.dylib on macOS). NULL when neither loads, with `error` then
 * saying why and which `package` to install. */
void *clazy_open(const char *name, const char *version, const char *package, char *error, size_t size);

/* The address of `symbol` in `lib`; NULL when `library` lacks it (too old),
 * with `error` saying so. */
void *clazy_symbol(void *lib, const char *symbol, const char *library, char *error, size_t size);

#endif
