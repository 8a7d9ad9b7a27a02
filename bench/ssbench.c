/*
 * ssbench - a small load generator for Superserver's built-in services (loopback only).
 *
 *   ssbench conn   -p PORT [-t THREADS] [-d SECONDS] [-s PAYLOAD]   connect, send PAYLOAD bytes + CRLF,
 *                                                                   read them back and compare (or, with
 *                                                                   -s 0, read to EOF), close; prints
 *                                                                   conn/s and latency
 *   ssbench stream -p PORT -m read|write [-d SECONDS]               one connection: read (chargen) or
 *                                                                   write (discard) as fast as possible: MB/s
 *   ssbench udp    -p PORT [-t THREADS] [-d SECONDS] [-s PAYLOAD]   request/response datagrams: req/s (a
 *                                                                   reply must carry its request's sequence
 *                                                                   number; a late one is not counted)
 *   ssbench idle   -p PORT -k COUNT [-H SECONDS] [-S SOURCES] [-C INFLIGHT] [-c SAMPLE] [-d OPEN_SECONDS]
 *                  open COUNT connections with epoll (at most INFLIGHT connecting at once, default 256),
 *                  check each echoes one byte, print a READY line, hold them until HOLD seconds have
 *                  passed or SIGUSR1 arrives, then check SAMPLE of them (evenly spread; default 0 = all)
 *                  still echo, and close them. SOURCES binds the client sockets to several source
 *                  addresses in turn (127.0.0.2-127.0.0.9, or a comma list), so that more connections
 *                  than one address has ephemeral ports fit. SIGTERM/SIGINT: close at once, no check.
 *   ssbench waitport -P PORT[,PORT...] [-A PORT] [-Z EPOCH_SECONDS] [-d SECONDS] [-i MICROSECONDS]
 *                  connect in a tight loop (every -i us, default 1000) until every port accepts;
 *                  prints the milliseconds from EPOCH_SECONDS (e.g. bash's $EPOCHREALTIME taken just
 *                  before the server was launched; default: ssbench's own start) to the first and to
 *                  the last port accepting; with -A (one of the ports, a service that answers at once:
 *                  daytime, time), also to the first byte of an answer on the first connection it
 *                  accepted: a port may accept before its service answers (a socket bound early, or
 *                  passed by a service manager, queues the connections until the service is up)
 *
 * Every mode talks to 127.0.0.1 only (sources must be in 127.0.0.0/8) and stops by itself (a
 * watchdog ends it if it overruns). The last line of output is "key=value ..." so scripts can pick
 * figures out of it.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

static int port, threads = 8, payload = 16, count = 1000, inflight_max = 256, sample;
static double duration = 3.0, hold = 5.0, since = -1, interval_us = 1000;
static int answer_port = 0;
static int duration_given;
static const char *mode_rw = "read", *port_list;
static volatile int stop;
static volatile sig_atomic_t release_flag, abort_flag;
#define MAX_SOURCES 256
static struct in_addr sources[MAX_SOURCES];
static int nsources;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double wall(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct sockaddr_in target_port(int p) {
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short) p);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

static struct sockaddr_in target(void) { return target_port(port); }

static int connect_tcp(void) {
    struct sockaddr_in a = target();
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct timeval tv = {5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv); /* bounds connect() too */
    if (connect(fd, (struct sockaddr *) &a, sizeof a) < 0) { close(fd); return -1; }
    return fd;
}

/* ---------------------------------------------------------------- conn */
#define MAXLAT 4000000
struct conn_stats { long ok, errors; int nlat; float *lat; };

static void *conn_worker(void *arg) {
    struct conn_stats *st = arg;
    char *msg = malloc(payload + 2), *back = malloc(payload + 2), buf[65536];
    for (int i = 0; i < payload; i++) msg[i] = (char) ('a' + (i * 7 + (int) ((uintptr_t) st >> 6)) % 26);
    memcpy(msg + payload, "\r\n", 2);
    int want = payload > 0 ? payload + 2 : 0;
    while (!stop) {
        double t0 = now();
        int fd = connect_tcp(), good = 0;
        if (fd >= 0) {
            if (want == 0) {
                long got = 0; ssize_t n;
                while ((n = read(fd, buf, sizeof buf)) > 0) got += n;
                good = n == 0 && got > 0;
            } else if (write(fd, msg, want) == want) {
                int got = 0; ssize_t n = 1;
                while (got < want && (n = read(fd, back + got, want - got)) > 0) got += n;
                good = got == want && memcmp(back, msg, want) == 0;
            }
            close(fd);
        }
        if (good) {
            st->ok++;
            if (st->nlat < MAXLAT / threads) st->lat[st->nlat++] = (float) ((now() - t0) * 1000.0);
        } else {
            st->errors++;
            usleep(1000);
        }
    }
    free(msg);
    free(back);
    return NULL;
}

static int cmpf(const void *a, const void *b) {
    float x = *(const float *) a, y = *(const float *) b;
    return x < y ? -1 : x > y;
}

static int run_conn(void) {
    pthread_t tid[256];
    static struct conn_stats st[256];
    if (threads > 256) threads = 256;
    for (int i = 0; i < threads; i++) {
        st[i].lat = malloc(sizeof(float) * (MAXLAT / threads));
        pthread_create(&tid[i], NULL, conn_worker, &st[i]);
    }
    double t0 = now();
    usleep((useconds_t) (duration * 1e6));
    stop = 1;
    for (int i = 0; i < threads; i++) pthread_join(tid[i], NULL);
    double el = now() - t0;
    long ok = 0, err = 0; int n = 0;
    for (int i = 0; i < threads; i++) { ok += st[i].ok; err += st[i].errors; n += st[i].nlat; }
    float *all = malloc(sizeof(float) * (n + 1));
    int k = 0;
    for (int i = 0; i < threads; i++) { memcpy(all + k, st[i].lat, sizeof(float) * st[i].nlat); k += st[i].nlat; }
    qsort(all, n, sizeof(float), cmpf);
    printf("mode=conn rate=%.0f ok=%ld errors=%ld p50_ms=%.3f p99_ms=%.3f max_ms=%.3f elapsed_s=%.2f\n", ok / el, ok,
           err, n ? all[n / 2] : 0.0, n ? all[(int) (n * 0.99)] : 0.0, n ? all[n - 1] : 0.0, el);
    return ok > 0 ? 0 : 1;
}

/* ---------------------------------------------------------------- stream */
static int run_stream(void) {
    int fd = connect_tcp();
    if (fd < 0) { perror("connect"); printf("mode=stream dir=%s rate=0 bytes=0 errors=1\n", mode_rw); return 1; }
    static char buf[262144];
    memset(buf, 'x', sizeof buf);
    int reading = strcmp(mode_rw, "read") == 0;
    long total = 0, errors = 0;
    double t0 = now(), end = t0 + duration;
    while (now() < end) {
        ssize_t n = reading ? read(fd, buf, sizeof buf) : write(fd, buf, sizeof buf);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue; /* EAGAIN: a 5 s send/receive timeout */
        if (n <= 0) { errors = 1; break; }
        total += n;
    }
    double el = now() - t0;
    close(fd);
    printf("mode=stream dir=%s rate=%.1f bytes=%ld errors=%ld\n", mode_rw, total / el / 1e6, total, errors);
    return total > 0 ? 0 : 1;
}

/* ---------------------------------------------------------------- udp */
struct udp_stats { long ok, lost, late; };

static void *udp_worker(void *arg) {
    struct udp_stats *st = arg;
    struct sockaddr_in a = target();
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct timeval tv = {0, 200000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    connect(fd, (struct sockaddr *) &a, sizeof a);
    char msg[2048], buf[2048];
    memset(msg, 'u', sizeof msg);
    int len = payload < 8 ? 8 : payload;
    uint64_t seq = 0;
    while (!stop) {
        seq++;
        memcpy(msg, &seq, sizeof seq);
        if (send(fd, msg, len, 0) != len) { st->lost++; usleep(1000); continue; }
        for (;;) {
            ssize_t n = recv(fd, buf, sizeof buf, 0);
            if (n < 0) { st->lost++; if (errno != EAGAIN && errno != EINTR) usleep(1000); break; }
            uint64_t rs;
            if (n < (ssize_t) sizeof rs) continue;
            memcpy(&rs, buf, sizeof rs);
            if (rs != seq) { st->late++; continue; } /* the reply to a request already counted lost */
            if (n == len && memcmp(buf, msg, len) == 0) st->ok++; else st->lost++;
            break;
        }
    }
    close(fd);
    return NULL;
}

static int run_udp(void) {
    pthread_t tid[64];
    static struct udp_stats st[64];
    if (threads > 64) threads = 64;
    for (int i = 0; i < threads; i++) pthread_create(&tid[i], NULL, udp_worker, &st[i]);
    double t0 = now();
    usleep((useconds_t) (duration * 1e6));
    stop = 1;
    for (int i = 0; i < threads; i++) pthread_join(tid[i], NULL);
    double el = now() - t0;
    long ok = 0, lost = 0, late = 0;
    for (int i = 0; i < threads; i++) { ok += st[i].ok; lost += st[i].lost; late += st[i].late; }
    printf("mode=udp rate=%.0f ok=%ld lost=%ld late=%ld errors=%ld\n", ok / el, ok, lost, late, lost);
    return ok > 0 ? 0 : 1;
}

/* ---------------------------------------------------------------- idle (epoll) */
enum { I_NEW, I_CONNECTING, I_PINGING, I_IDLE, I_FAILED, I_DROPPED, I_CHECKING, I_ALIVE, I_DEAD };
struct iconn { int fd; unsigned char st; double t0; };

static void on_release(int sig) { (void) sig; release_flag = 1; }
static void on_abort(int sig) { (void) sig; abort_flag = 1; }

static int run_idle(void) {
    struct iconn *c = calloc(count, sizeof *c);
    struct epoll_event evs[1024];
    int ep = epoll_create1(EPOLL_CLOEXEC);
    int next = 0, inflight = 0, ok = 0, failed = 0, dropped = 0;
    int e_addr = 0, e_refused = 0, e_timeout = 0, e_files = 0, e_other = 0;
    const double tmo = 10.0;
    double t0 = now(), deadline = t0 + duration, sweep = t0 + 0.5;
    struct sockaddr_in dst = target();
    for (int i = 0; i < count; i++) c[i].fd = -1;

#define IFAIL(i, e) do { \
        int e_ = (e); \
        if (e_ == EADDRNOTAVAIL || e_ == EADDRINUSE) e_addr++; else if (e_ == ECONNREFUSED) e_refused++; \
        else if (e_ == ETIMEDOUT) e_timeout++; else if (e_ == EMFILE || e_ == ENFILE) e_files++; else e_other++; \
        if (c[i].fd >= 0) close(c[i].fd); \
        if (c[i].st == I_CONNECTING || c[i].st == I_PINGING) inflight--; \
        c[i].fd = -1; c[i].st = I_FAILED; failed++; \
    } while (0)

    while ((next < count || inflight > 0) && !abort_flag) {
        double t = now();
        if (t > deadline) break;
        while (next < count && inflight < inflight_max) {
            int i = next++;
            c[i].t0 = t;
            int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            if (fd < 0) { IFAIL(i, errno); continue; }
            c[i].fd = fd;
            int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            if (nsources) {
                struct sockaddr_in src = {0};
                src.sin_family = AF_INET;
                src.sin_addr = sources[i % nsources];
                /* the port is chosen at connect() for the whole 4-tuple, not reserved at bind() */
                setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
                if (bind(fd, (struct sockaddr *) &src, sizeof src) < 0) { IFAIL(i, errno); continue; }
            }
            struct epoll_event ev = {0};
            ev.data.u32 = (uint32_t) i;
            if (connect(fd, (struct sockaddr *) &dst, sizeof dst) == 0) {
                if (write(fd, "i", 1) != 1) { IFAIL(i, errno); continue; }
                c[i].st = I_PINGING;
                ev.events = EPOLLIN | EPOLLRDHUP;
            } else if (errno == EINPROGRESS) {
                c[i].st = I_CONNECTING;
                ev.events = EPOLLOUT;
            } else { IFAIL(i, errno); continue; }
            inflight++;
            epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
        }
        int n = epoll_wait(ep, evs, 1024, 50);
        for (int k = 0; k < n; k++) {
            int i = (int) evs[k].data.u32;
            if (c[i].st == I_CONNECTING) {
                int soerr = 0; socklen_t sl = sizeof soerr;
                getsockopt(c[i].fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
                if (soerr) { IFAIL(i, soerr); continue; }
                if (write(c[i].fd, "i", 1) != 1) { IFAIL(i, errno); continue; }
                c[i].st = I_PINGING;
                struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.u32 = (uint32_t) i};
                epoll_ctl(ep, EPOLL_CTL_MOD, c[i].fd, &ev);
            } else if (c[i].st == I_PINGING) {
                char b;
                ssize_t r = read(c[i].fd, &b, 1);
                if (r < 0 && (errno == EAGAIN || errno == EINTR)) continue;
                if (r != 1 || b != 'i') { IFAIL(i, r == 0 ? ECONNRESET : errno); continue; }
                c[i].st = I_IDLE; ok++; inflight--;
            } else if (c[i].st == I_IDLE) { /* the server closed it or sent something unasked */
                close(c[i].fd); c[i].fd = -1; c[i].st = I_DROPPED; dropped++;
            }
        }
        if (t > sweep) {
            sweep = t + 0.5;
            for (int i = 0; i < next; i++)
                if ((c[i].st == I_CONNECTING || c[i].st == I_PINGING) && t - c[i].t0 > tmo) IFAIL(i, ETIMEDOUT);
        }
    }
    for (int i = 0; i < count; i++)
        if (c[i].st == I_NEW || c[i].st == I_CONNECTING || c[i].st == I_PINGING) IFAIL(i, ETIMEDOUT);
    double open_s = now() - t0;
    printf("idle connections ready: %d of %d\n", ok, count);
    printf("READY opened=%d verified=%d failed=%d open_s=%.2f err_addr=%d err_refused=%d err_timeout=%d"
           " err_files=%d err_other=%d\n", ok + dropped, ok, failed, open_s, e_addr, e_refused, e_timeout, e_files,
           e_other);
    fflush(stdout);

    /* hold: until -H seconds pass, SIGUSR1 (check, then close) or SIGTERM/SIGINT (close at once) */
    double end = now() + hold;
    while (!release_flag && !abort_flag && now() < end) {
        int n = epoll_wait(ep, evs, 1024, 100);
        for (int k = 0; k < n; k++) {
            int i = (int) evs[k].data.u32;
            if (c[i].st == I_IDLE) { close(c[i].fd); c[i].fd = -1; c[i].st = I_DROPPED; dropped++; }
        }
    }
    int checked = 0, alive = 0;
    if (!abort_flag) {
        int idle = 0;
        for (int i = 0; i < count; i++) if (c[i].st == I_IDLE) idle++;
        int want = sample > 0 && sample < idle ? sample : idle;
        double step = want > 0 ? (double) idle / want : 1, pick = 0;
        int seen = 0;
        for (int i = 0; i < count && checked < want; i++) {
            if (c[i].st != I_IDLE) continue;
            if (seen++ < (int) pick) continue;
            pick += step;
            checked++;
            if (write(c[i].fd, "j", 1) == 1) c[i].st = I_CHECKING; else c[i].st = I_DEAD;
        }
        double dl = now() + tmo;
        int pending = 0;
        for (int i = 0; i < count; i++) if (c[i].st == I_CHECKING) pending++;
        while (pending > 0 && now() < dl && !abort_flag) {
            int n = epoll_wait(ep, evs, 1024, 100);
            for (int k = 0; k < n; k++) {
                int i = (int) evs[k].data.u32;
                if (c[i].st != I_CHECKING) continue;
                char b;
                ssize_t r = read(c[i].fd, &b, 1);
                if (r < 0 && (errno == EAGAIN || errno == EINTR)) continue;
                c[i].st = (r == 1 && b == 'j') ? I_ALIVE : I_DEAD;
                pending--;
                if (c[i].st == I_ALIVE) alive++;
            }
        }
    }
    for (int i = 0; i < count; i++) if (c[i].fd >= 0) close(c[i].fd);
    printf("mode=idle ok=%d alive=%d checked=%d count=%d failed=%d dropped=%d open_s=%.2f\n", ok, alive, checked,
           count, failed, dropped, open_s);
    return ok == count && alive == checked ? 0 : 1;
}

/* ---------------------------------------------------------------- waitport */
static int run_waitport(void) {
    int ports[64], np = 0, up[64] = {0}, nup = 0;
    char *list = strdup(port_list), *save = NULL;
    for (char *p = strtok_r(list, ",", &save); p && np < 64; p = strtok_r(NULL, ",", &save)) {
        int v = atoi(p);
        if (v <= 0 || v > 65535) { fprintf(stderr, "bad port %s\n", p); return 2; }
        ports[np++] = v;
    }
    double base = since >= 0 ? since : wall(), first = -1, last = -1, answered = -1;
    int first_port = 0, afd = -1; /* afd: the first connection to answer_port, read until it answers */
    double deadline = now() + duration;
    while ((nup < np || (afd >= 0 && answered < 0)) && now() < deadline) {
        for (int k = 0; k < np; k++) {
            if (up[k]) continue;
            struct sockaddr_in a = target_port(ports[k]);
            int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            if (fd < 0) continue;
            if (connect(fd, (struct sockaddr *) &a, sizeof a) == 0) {
                double t = (wall() - base) * 1000.0;
                up[k] = 1; nup++;
                if (first < 0) { first = t; first_port = ports[k]; }
                last = t;
                if (ports[k] == answer_port) { afd = fd; continue; }
            }
            close(fd);
        }
        if (afd >= 0 && answered < 0) {
            char b[64];
            ssize_t n = recv(afd, b, sizeof b, MSG_DONTWAIT);
            if (n > 0) answered = (wall() - base) * 1000.0;
            else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) { close(afd); afd = -1; } /* reset: ask again */
            if (afd < 0) for (int k = 0; k < np; k++) if (ports[k] == answer_port) { up[k] = 0; nup--; }
        }
        if (nup < np || (afd >= 0 && answered < 0)) usleep((useconds_t) interval_us);
    }
    if (afd >= 0) close(afd);
    printf("mode=waitport first_ms=%.1f all_ms=%.1f answer_ms=%.1f first_port=%d up=%d ports=%d\n", first,
           nup == np ? last : -1.0, answered, first_port, nup, np);
    return nup == np && (answer_port == 0 || answered >= 0) ? 0 : 1;
}

/* ---------------------------------------------------------------- main */
static int parse_sources(const char *s) {
    char *copy = strdup(s), *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *dash = strchr(tok, '-');
        struct in_addr a, b;
        if (dash) *dash = 0;
        if (inet_pton(AF_INET, tok, &a) != 1) return -1;
        if (dash) { if (inet_pton(AF_INET, dash + 1, &b) != 1) return -1; } else b = a;
        uint32_t lo = ntohl(a.s_addr), hi = ntohl(b.s_addr);
        if ((lo >> 24) != 127 || (hi >> 24) != 127 || hi < lo) return -1; /* loopback only */
        for (uint32_t x = lo; x <= hi; x++) {
            if (nsources >= MAX_SOURCES) return -1;
            sources[nsources++].s_addr = htonl(x);
        }
    }
    free(copy);
    return nsources > 0 ? 0 : -1;
}

static void watchdog(int sig) {
    (void) sig;
    static const char m[] = "mode=watchdog errors=1\n";
    (void) !write(1, m, sizeof m - 1);
    _exit(3);
}

static void usage(void) {
    fprintf(stderr, "usage: ssbench conn|stream|udp|idle|waitport -p PORT [-t THREADS] [-d SECONDS] [-s PAYLOAD]"
                    " [-m read|write] [-k COUNT] [-H HOLD_SECONDS] [-S SOURCES] [-C INFLIGHT] [-c SAMPLE]"
                    " [-P PORT,...] [-Z EPOCH_SECONDS] [-i MICROSECONDS]\n");
    exit(2);
}

int main(int argc, char **argv) {
    if (argc < 2) usage();
    const char *mode = argv[1];
    int c;
    optind = 2;
    while ((c = getopt(argc, argv, "p:t:d:s:m:k:H:S:C:c:P:Z:i:A:")) != -1) {
        switch (c) {
            case 'p': port = atoi(optarg); break;
            case 't': threads = atoi(optarg); break;
            case 'd': duration = atof(optarg); duration_given = 1; break;
            case 's': payload = atoi(optarg); break;
            case 'm': mode_rw = optarg; break;
            case 'k': count = atoi(optarg); break;
            case 'H': hold = atof(optarg); break;
            case 'S': if (parse_sources(optarg)) { fprintf(stderr, "sources must be IPv4 in 127.0.0.0/8\n"); return 2; } break;
            case 'C': inflight_max = atoi(optarg); break;
            case 'c': sample = atoi(optarg); break;
            case 'P': port_list = optarg; break;
            case 'Z': since = atof(optarg); break;
            case 'i': interval_us = atof(optarg); break;
            case 'A': answer_port = atoi(optarg); break;
            default: usage();
        }
    }
    int is_idle = !strcmp(mode, "idle"), is_wait = !strcmp(mode, "waitport");
    if (!duration_given && is_idle) duration = 300; /* idle: -d bounds the opening */
    if (!duration_given && is_wait) duration = 60;
    if (is_wait) { if (!port_list) usage(); }
    else if (port <= 0 || port > 65535) usage();
    if (duration <= 0 || duration > 600 || payload < 0 || payload > 2000 || count < 1 || count > 1000000
        || hold < 0 || hold > 3600 || inflight_max < 1 || threads < 1 || interval_us < 0) usage();
    struct rlimit rl;
    rlim_t need = (rlim_t) (is_idle ? count : 0) + 4096;
    if (need < 65536) need = 65536;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < need) {
        struct rlimit want = {need, rl.rlim_max > need ? rl.rlim_max : need};
        if (setrlimit(RLIMIT_NOFILE, &want) != 0) { /* not root: as far as the hard limit allows */
            want.rlim_cur = want.rlim_max = rl.rlim_max;
            setrlimit(RLIMIT_NOFILE, &want);
        }
    }
    signal(SIGPIPE, SIG_IGN);
    signal(SIGALRM, watchdog);
    alarm((unsigned) (duration + (is_idle ? hold + 60 : 0) + 30));
    if (!strcmp(mode, "conn")) return run_conn();
    if (!strcmp(mode, "stream")) return run_stream();
    if (!strcmp(mode, "udp")) return run_udp();
    if (is_idle) {
        struct sigaction sa = {0};
        sa.sa_handler = on_release;
        sigaction(SIGUSR1, &sa, NULL);
        sa.sa_handler = on_abort;
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGINT, &sa, NULL);
        return run_idle();
    }
    if (is_wait) return run_waitport();
    usage();
    return 2;
}
