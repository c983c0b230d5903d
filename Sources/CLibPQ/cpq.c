#include "CLibPQ.h"
#include "CLazyLibrary.h"
#include <pthread.h>
#include <stdio.h>

/* The libpq entry points we call besides PQconnectdb, as (return type, name,
 * parameters, arguments): R returns a value, V nothing. */
#define CPQ_FUNCTIONS(R, V)                                                                                   \
    V(finish, (PGconn *conn), (conn))                                                                         \
    R(ConnStatusType, status, (const PGconn *conn), (conn))                                                   \
    R(char *, errorMessage, (const PGconn *conn), (conn))                                                     \
    R(int, backendPID, (const PGconn *conn), (conn))                                                          \
    R(PQnoticeProcessor, setNoticeProcessor, (PGconn *conn, PQnoticeProcessor proc, void *arg), (conn, proc, arg)) \
    R(PGresult *, exec, (PGconn *conn, const char *query), (conn, query))                                     \
    R(PGresult *, execParams,                                                                                 \
      (PGconn *conn, const char *command, int nParams, const Oid *paramTypes, const char *const *paramValues,  \
       const int *paramLengths, const int *paramFormats, int resultFormat),                                   \
      (conn, command, nParams, paramTypes, paramValues, paramLengths, paramFormats, resultFormat))            \
    R(ExecStatusType, resultStatus, (const PGresult *res), (res))                                             \
    R(char *, resultErrorMessage, (const PGresult *res), (res))                                               \
    R(char *, resultErrorField, (const PGresult *res, int fieldcode), (res, fieldcode))                       \
    R(int, ntuples, (const PGresult *res), (res))                                                             \
    R(int, nfields, (const PGresult *res), (res))                                                             \
    R(char *, fname, (const PGresult *res, int field_num), (res, field_num))                                  \
    R(char *, cmdTuples, (PGresult *res), (res))                                                              \
    R(char *, getvalue, (const PGresult *res, int tup_num, int field_num), (res, tup_num, field_num))         \
    R(int, getisnull, (const PGresult *res, int tup_num, int field_num), (res, tup_num, field_num))           \
    V(clear, (PGresult *res), (res))

static struct {
    PGconn *(*connectdb)(const char *conninfo);
#define FIELD(ret, name, params, args) ret (*name) params;
#define VOID_FIELD(name, params, args) FIELD(void, name, params, args)
    CPQ_FUNCTIONS(FIELD, VOID_FIELD)
#undef VOID_FIELD
#undef FIELD
} api;
static char load_error[256];
static int ready;
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void load(void) {
    void *lib = clazy_open("pq", "5", "libpq5", load_error, sizeof load_error);
    if (!lib) return;
#define RESOLVE(ret, name, params, args) \
    if (!(*(void **)&api.name = clazy_symbol(lib, "PQ" #name, "libpq", load_error, sizeof load_error))) return;
#define VOID_RESOLVE(name, params, args) RESOLVE(void, name, params, args)
    RESOLVE(PGconn *, connectdb, , )
    CPQ_FUNCTIONS(RESOLVE, VOID_RESOLVE)
#undef VOID_RESOLVE
#undef RESOLVE
    ready = 1;
}

const char *cpq_load_error(void) {
    pthread_once(&load_once, load);
    return ready ? NULL : load_error;
}

PGconn *cpq_connectdb(const char *conninfo) { return cpq_load_error() ? NULL : api.connectdb(conninfo); }

/* The rest forward: they take a connection or result, so libpq is loaded. */
#define FORWARD(ret, name, params, args) ret cpq_##name params { return api.name args; }
#define FORWARD_VOID(name, params, args) void cpq_##name params { api.name args; }
CPQ_FUNCTIONS(FORWARD, FORWARD_VOID)
