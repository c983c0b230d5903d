#include "CLazyLibrary.h"
#include <dlfcn.h>
#include <stdio.h>

void *clazy_open(const char *name, const char *version, const char *package, char *error, size_t size) {
    char versioned[128], plain[128];
#ifdef __APPLE__
    snprintf(versioned, sizeof versioned, "lib%s.%s.dylib", name, version);
    snprintf(plain, sizeof plain, "lib%s.dylib", name);
#else
    snprintf(versioned, sizeof versioned, "lib%s.so.%s", name, version);
    snprintf(plain, sizeof plain, "lib%s.so", name);
#endif
    void *lib = dlopen(versioned, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        const char *why = dlerror();
        snprintf(error, size, "%s could not be loaded (%s); install %s", versioned, why ? why : "not found", package);
        lib = dlopen(plain, RTLD_NOW | RTLD_LOCAL);
    }
    if (lib) error[0] = '\0';
    return lib;
}

void *clazy_symbol(void *lib, const char *symbol, const char *library, char *error, size_t size) {
    void *address = dlsym(lib, symbol);
    if (!address) snprintf(error, size, "%s has no %s: it is too old", library, symbol);
    return address;
}
