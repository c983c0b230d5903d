#ifndef CLIBPQ_H
#define CLIBPQ_H
/* Debian's libpq-dev puts the header under postgresql/; naming the directory
 * here keeps pkg-config (and with it a link-time -lpq) out of the build. */
#include <postgresql/libpq-fe.h>

/* libpq, loaded with dlopen on the first connection instead of at process
 * start: linked, it loads OpenSSL, krb5 and LDAP into every process, while
 * only a PostgreSQL state uses it. cpq_connectdb returns NULL when libpq
 * cannot be loaded, and cpq_load_error says why. The rest take a connection
 * or result, which exist only once it is loaded. Same signatures as PQ*. */
const char *cpq_load_error(void);

PGconn *cpq_connectdb(const char *conninfo);
void cpq_finish(PGconn *conn);
ConnStatusType cpq_status(const PGconn *conn);
char *cpq_errorMessage(const PGconn *conn);
int cpq_backendPID(const PGconn *conn);
PQnoticeProcessor cpq_setNoticeProcessor(PGconn *conn, PQnoticeProcessor proc, void *arg);
PGresult *cpq_exec(PGconn *conn, const char *query);
PGresult *cpq_execParams(PGconn *conn, const char *command, int nParams, const Oid *paramTypes,
                         const char *const *paramValues, const int *paramLengths, const int *paramFormats,
                         int resultFormat);
ExecStatusType cpq_resultStatus(const PGresult *res);
char *cpq_resultErrorMessage(const PGresult *res);
char *cpq_resultErrorField(const PGresult *res, int fieldcode);
int cpq_ntuples(const PGresult *res);
int cpq_nfields(const PGresult *res);
char *cpq_fname(const PGresult *res, int field_num);
char *cpq_cmdTuples(PGresult *res);
char *cpq_getvalue(const PGresult *res, int tup_num, int field_num);
int cpq_getisnull(const PGresult *res, int tup_num, int field_num);
void cpq_clear(PGresult *res);

#endif
