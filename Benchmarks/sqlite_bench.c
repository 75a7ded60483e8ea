/*
 * The benchmark's SQLite side, in C against libsqlite3 (no JSON, no Swift): the raw insert ceiling and the filler of
 * the large store the query benchmark reads. Both use blackbox's pragmas (WAL, synchronous=NORMAL, foreign keys)
 * and 10k-row transactions, on a store blackbox created and migrated.
 *
 *   sqlite_bench ceiling STORE ROWS events|samples
 *       Loads pre-built rows (generate.py's tab-separated file) into memory, then times only their insertion by one
 *       prepared statement. Prints {"rows":N,"seconds":S,"cpu_seconds":C}.
 *   sqlite_bench fill STORE CONTAINERS DAYS INTERVAL_S END_NS
 *       Appends samples of CONTAINERS containers every INTERVAL_S seconds over DAYS days up to END_NS, and a
 *       health-check exec (3 engine events, about 600 bytes of JSON each) per container every 5 minutes.
 *       Containers are named bench-svc-N; ids are 64 hex digits; each has an inspect event and a running row in the
 *       containers projection (what a recorder would have written at its start). Prints {"samples":N,"events":M,"seconds":S}.
 *
 * Build: cc -O2 -o sqlite_bench sqlite_bench.c -lsqlite3
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define BATCH 10000

static void check(sqlite3 *db, int rc, const char *what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        fprintf(stderr, "sqlite_bench: %s: %s\n", what, sqlite3_errmsg(db));
        exit(1);
    }
}

static sqlite3 *open_store(const char *path) {
    sqlite3 *db;
    check(NULL, sqlite3_open(path, &db), "open");
    check(db, sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;", 0, 0, 0), "pragmas");
    return db;
}

static double now_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static double cpu_seconds(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
}

static const char *EVENT_SQL =
    "INSERT INTO events (ts_ns, kind, type, action, actor_id, container_id, container_name, image, compose_project,"
    " compose_service, exit_code, signal, dedup_key, payload) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
    " ON CONFLICT (dedup_key) DO NOTHING";
static const char *SAMPLE_SQL =
    "INSERT INTO samples (container_key, ts_ns, cpu_pct, cpu_pct_of_limit, cpu_throttled_periods, mem_usage_bytes,"
    " mem_working_set_bytes, mem_limit_bytes, pids, net_rx_bytes, net_tx_bytes, blk_read_bytes, blk_write_bytes)"
    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (container_key, ts_ns) DO NOTHING";

/* Columns of events that are integers (ts_ns, exit_code); the others are text. */
static int event_integer(int column) { return column == 0 || column == 10; }
/* Columns of samples that are reals (cpu_pct, cpu_pct_of_limit); the others are integers. */
static int sample_real(int column) { return column == 2 || column == 3; }

static int ceiling(const char *store, const char *rows_path, int samples) {
    FILE *file = fopen(rows_path, "rb");
    if (!file) { perror(rows_path); return 1; }
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fseek(file, 0, SEEK_SET);
    char *text = malloc(size + 1);
    if (fread(text, 1, size, file) != (size_t)size) { perror(rows_path); return 1; }
    text[size] = 0;
    fclose(file);
    int columns = samples ? 13 : 14;
    long count = 0;
    for (long i = 0; i < size; i++) if (text[i] == '\n') count++;
    /* Pre-built rows: text fields as pointers into the buffer, numbers parsed once. */
    char **fields = malloc(sizeof(char *) * count * columns);
    long long *integers = malloc(sizeof(long long) * count * columns);
    double *reals = malloc(sizeof(double) * count * columns);
    char *cursor = text;
    for (long row = 0; row < count; row++) {
        for (int c = 0; c < columns; c++) {
            char *end = cursor + strcspn(cursor, "\t\n");
            *end = 0;
            long slot = row * columns + c;
            fields[slot] = strcmp(cursor, "\\N") == 0 ? NULL : cursor;
            integers[slot] = fields[slot] ? atoll(cursor) : 0;
            reals[slot] = fields[slot] ? atof(cursor) : 0;
            cursor = end + 1;
        }
    }
    sqlite3 *db = open_store(store);
    if (samples) {
        for (int key = 1; key <= 30; key++) {
            char sql[128];
            snprintf(sql, sizeof sql, "INSERT OR IGNORE INTO container_keys (key, container_id) VALUES (%d, 'ceiling-%d')", key, key);
            check(db, sqlite3_exec(db, sql, 0, 0, 0), "container_keys");
        }
    }
    sqlite3_stmt *statement;
    check(db, sqlite3_prepare_v2(db, samples ? SAMPLE_SQL : EVENT_SQL, -1, &statement, 0), "prepare");
    double start = now_seconds(), cpu_start = cpu_seconds();
    check(db, sqlite3_exec(db, "BEGIN", 0, 0, 0), "begin");
    for (long row = 0; row < count; row++) {
        for (int c = 0; c < columns; c++) {
            long slot = row * columns + c;
            if (!fields[slot]) sqlite3_bind_null(statement, c + 1);
            else if (samples && sample_real(c)) sqlite3_bind_double(statement, c + 1, reals[slot]);
            else if (samples || event_integer(c)) sqlite3_bind_int64(statement, c + 1, integers[slot]);
            else sqlite3_bind_text(statement, c + 1, fields[slot], -1, SQLITE_STATIC);
        }
        check(db, sqlite3_step(statement), "insert");
        sqlite3_reset(statement);
        if ((row + 1) % BATCH == 0) check(db, sqlite3_exec(db, "COMMIT; BEGIN", 0, 0, 0), "commit");
    }
    check(db, sqlite3_exec(db, "COMMIT", 0, 0, 0), "commit");
    double seconds = now_seconds() - start, cpu = cpu_seconds() - cpu_start;
    sqlite3_finalize(statement);
    sqlite3_close(db);
    printf("{\"rows\":%ld,\"seconds\":%.4f,\"cpu_seconds\":%.4f}\n", count, seconds, cpu);
    return 0;
}

static void container_id(int index, char out[65]) {
    unsigned long long x = 0x9E3779B97F4A7C15ULL * (index + 1);
    for (int i = 0; i < 64; i++) {
        x ^= x >> 27; x *= 0x94D049BB133111EBULL; x ^= x >> 31;
        out[i] = "0123456789abcdef"[x & 15];
    }
    out[64] = 0;
}

static int fill(const char *store, int containers, int days, int interval, long long end_ns) {
    sqlite3 *db = open_store(store);
    char ids[containers][65], names[containers][32];
    for (int c = 0; c < containers; c++) {
        container_id(c, ids[c]);
        snprintf(names[c], sizeof names[c], "bench-svc-%d", c + 1);
        char sql[1024];
        snprintf(sql, sizeof sql,
                 "INSERT INTO container_keys (container_id) VALUES ('%s');"
                 "INSERT INTO events (ts_ns, kind, container_id, container_name, image, payload) VALUES (%lld, 'inspect', '%s', '%s',"
                 " 'ghcr.io/acme/api:2.14.1', '{\"Id\":\"%s\",\"Name\":\"/%s\",\"State\":{\"Status\":\"running\",\"Running\":true}}');"
                 "INSERT INTO containers (container_id, name, image, status, state_ns, last_event_seq)"
                 " VALUES ('%s', '%s', 'ghcr.io/acme/api:2.14.1', 'running', %lld, last_insert_rowid())",
                 ids[c], end_ns - (long long)days * 86400LL * 1000000000LL, ids[c], names[c], ids[c], names[c], ids[c], names[c],
                 end_ns - (long long)days * 86400LL * 1000000000LL);
        check(db, sqlite3_exec(db, sql, 0, 0, 0), "container rows");
    }
    sqlite3_stmt *sample, *event;
    check(db, sqlite3_prepare_v2(db, SAMPLE_SQL, -1, &sample, 0), "prepare");
    check(db, sqlite3_prepare_v2(db, EVENT_SQL, -1, &event, 0), "prepare");
    long long step = (long long)interval * 1000000000LL;
    long long start_ns = end_ns - (long long)days * 86400LL * 1000000000LL;
    long long health_every = 300LL * 1000000000LL;
    long rows = 0, samples = 0, events = 0;
    unsigned long long counter[containers][5];
    memset(counter, 0, sizeof counter);
    srand(6);
    double start = now_seconds();
    check(db, sqlite3_exec(db, "BEGIN", 0, 0, 0), "begin");
    for (long long ns = start_ns; ns <= end_ns; ns += step) {
        for (int c = 0; c < containers; c++) {
            unsigned long long *k = counter[c];
            k[0] += rand() % 3; k[1] += rand() % 40000; k[2] += rand() % 30000; k[3] += rand() % 8192; k[4] += rand() % 65536;
            long long usage = (40 + rand() % 860) * 1048576LL;
            double cpu = (rand() % 3500) / 100.0;
            sqlite3_bind_int64(sample, 1, c + 1);
            sqlite3_bind_int64(sample, 2, ns + c * 1000003LL);
            sqlite3_bind_double(sample, 3, cpu);
            sqlite3_bind_double(sample, 4, cpu / 2);
            sqlite3_bind_int64(sample, 5, k[0]);
            sqlite3_bind_int64(sample, 6, usage);
            sqlite3_bind_int64(sample, 7, usage - (rand() % 30) * 1048576LL);
            sqlite3_bind_int64(sample, 8, 1073741824LL);
            sqlite3_bind_int64(sample, 9, 1 + rand() % 40);
            sqlite3_bind_int64(sample, 10, k[1]);
            sqlite3_bind_int64(sample, 11, k[2]);
            sqlite3_bind_int64(sample, 12, k[3]);
            sqlite3_bind_int64(sample, 13, k[4]);
            check(db, sqlite3_step(sample), "sample");
            sqlite3_reset(sample);
            samples++;
            if (++rows % BATCH == 0) check(db, sqlite3_exec(db, "COMMIT; BEGIN", 0, 0, 0), "commit");
            if ((ns - start_ns) % health_every >= step) continue;
            static const char *actions[3] = {"exec_create: /bin/sh -c wget -qO- http://localhost:8080/healthz",
                                             "exec_start: /bin/sh -c wget -qO- http://localhost:8080/healthz", "exec_die"};
            for (int a = 0; a < 3; a++) {
                long long ts = ns + c * 1000003LL + a * 20000000LL;
                char payload[1024], dedup[256];
                snprintf(payload, sizeof payload,
                         "{\"status\":\"%s\",\"id\":\"%s\",\"from\":\"ghcr.io/acme/api:2.14.1\",\"Type\":\"container\",\"Action\":\"%s\","
                         "\"Actor\":{\"ID\":\"%s\",\"Attributes\":{\"com.docker.compose.container-number\":\"1\","
                         "\"com.docker.compose.oneoff\":\"False\",\"com.docker.compose.project\":\"bench\","
                         "\"com.docker.compose.service\":\"%s\",\"com.docker.compose.version\":\"2.24.5\",%s"
                         "\"image\":\"ghcr.io/acme/api:2.14.1\",\"name\":\"%s\"}},\"scope\":\"local\",\"time\":%lld,\"timeNano\":%lld}",
                         actions[a], ids[c], actions[a], ids[c], names[c], a == 2 ? "\"exitCode\":\"0\"," : "", names[c],
                         ts / 1000000000LL, ts);
                snprintf(dedup, sizeof dedup, "%lld|container|%s|%s", ts, actions[a], ids[c]);
                sqlite3_bind_int64(event, 1, ts);
                sqlite3_bind_text(event, 2, "engine", -1, SQLITE_STATIC);
                sqlite3_bind_text(event, 3, "container", -1, SQLITE_STATIC);
                sqlite3_bind_text(event, 4, actions[a], -1, SQLITE_STATIC);
                sqlite3_bind_text(event, 5, ids[c], -1, SQLITE_STATIC);
                sqlite3_bind_text(event, 6, ids[c], -1, SQLITE_STATIC);
                sqlite3_bind_text(event, 7, names[c], -1, SQLITE_STATIC);
                sqlite3_bind_text(event, 8, "ghcr.io/acme/api:2.14.1", -1, SQLITE_STATIC);
                sqlite3_bind_text(event, 9, "bench", -1, SQLITE_STATIC);
                sqlite3_bind_text(event, 10, names[c], -1, SQLITE_STATIC);
                sqlite3_bind_null(event, 11);
                sqlite3_bind_null(event, 12);
                sqlite3_bind_text(event, 13, dedup, -1, SQLITE_TRANSIENT);
                sqlite3_bind_text(event, 14, payload, -1, SQLITE_TRANSIENT);
                check(db, sqlite3_step(event), "event");
                sqlite3_reset(event);
                events++;
                if (++rows % BATCH == 0) check(db, sqlite3_exec(db, "COMMIT; BEGIN", 0, 0, 0), "commit");
            }
        }
    }
    check(db, sqlite3_exec(db, "COMMIT", 0, 0, 0), "commit");
    sqlite3_finalize(sample);
    sqlite3_finalize(event);
    sqlite3_close(db);
    printf("{\"samples\":%ld,\"events\":%ld,\"seconds\":%.2f}\n", samples, events, now_seconds() - start);
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 5 && strcmp(argv[1], "ceiling") == 0) return ceiling(argv[2], argv[3], strcmp(argv[4], "samples") == 0);
    if (argc == 7 && strcmp(argv[1], "fill") == 0) return fill(argv[2], atoi(argv[3]), atoi(argv[4]), atoi(argv[5]), atoll(argv[6]));
    fprintf(stderr, "usage: sqlite_bench ceiling STORE ROWS events|samples | fill STORE CONTAINERS DAYS INTERVAL_S END_NS\n");
    return 2;
}
