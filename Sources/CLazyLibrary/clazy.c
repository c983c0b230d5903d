#include "CLazyLibrary.h"
#include <dlfcn.h>
#include <stdio.h>

void *clazy_open(const char *const *names, size_t count, const char *package, char *error, size_t size) {
    void *lib = NULL;
    for (size_t i = 0; i < count && !lib; i++) lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        const char *why = dlerror();
        snprintf(error, size, "%s could not be loaded (%s); install %s", names[0], why ? why : "not found", package);
    }
    return lib;
}

void *clazy_symbol(void *lib, const char *symbol, const char *library, char *error, size_t size) {
    void *address = dlsym(lib, symbol);
    if (!address) snprintf(error, size, "%s has no %s: it is too old", library, symbol);
    return address;
}
