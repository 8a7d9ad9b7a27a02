/*
 * ssbench - a small load generator for Superserver's built-in services (loopback only).
 *
 *   ssbench conn   -p PORT [-t THREADS] [-d SECONDS] [-s PAYLOAD]   connect, send PAYLOAD bytes + CRLF,
 *                                                                   read them back (or, with -s 0, read
 *                                                                   to EOF), close; prints conn/s and latency
 *   ssbench stream -p PORT -m read|write [-d SECONDS]               one connection: read (chargen) or
 *                                                                   write (discard) as fast as possible: MB/s
 *   ssbench udp    -p PORT [-t THREADS] [-d SECONDS] [-s PAYLOAD]   request/response datagrams: req/s
 *   ssbench idle   -p PORT -k COUNT [-H SECONDS]                    open COUNT connections, check each
 *                                                                   echoes one byte, hold them open
 *
 * Every mode talks to 127.0.0.1 only and stops by itself. The last line of output is
 * "key=value ..." so scripts can pick figures out of it.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int port, threads = 8, payload = 16, count = 1000;
static double duration = 3.0, hold = 5.0;
static const char *mode_rw = "read";
static volatile int stop;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct sockaddr_in target(void) {
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short) port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

static int connect_tcp(void) {
    struct sockaddr_in a = target();
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct timeval tv = {5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *) &a, sizeof a) < 0) { close(fd); return -1; }
    return fd;
}

/* ---------------------------------------------------------------- conn */
#define MAXLAT 4000000
struct conn_stats { long ok, errors; int nlat; float *lat; };

static void *conn_worker(void *arg) {
    struct conn_stats *st = arg;
    char *msg = malloc(payload + 2), buf[65536];
    memset(msg, 'x', payload);
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
                while (got < want && (n = read(fd, buf, sizeof buf)) > 0) got += n;
                good = got >= want;
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
    return NULL;
}

static int cmpf(const void *a, const void *b) {
    float x = *(const float *) a, y = *(const float *) b;
    return x < y ? -1 : x > y;
}

static int run_conn(void) {
    pthread_t tid[256];
    struct conn_stats st[256] = {{0}};
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
    printf("mode=conn rate=%.0f ok=%ld errors=%ld p50_ms=%.3f p99_ms=%.3f max_ms=%.3f\n", ok / el, ok, err,
           n ? all[n / 2] : 0.0, n ? all[(int) (n * 0.99)] : 0.0, n ? all[n - 1] : 0.0);
    return ok > 0 ? 0 : 1;
}

/* ---------------------------------------------------------------- stream */
static int run_stream(void) {
    int fd = connect_tcp();
    if (fd < 0) { perror("connect"); return 1; }
    static char buf[262144];
    memset(buf, 'x', sizeof buf);
    int reading = strcmp(mode_rw, "read") == 0;
    long total = 0;
    double t0 = now(), end = t0 + duration;
    while (now() < end) {
        ssize_t n = reading ? read(fd, buf, sizeof buf) : write(fd, buf, sizeof buf);
        if (n <= 0) break;
        total += n;
    }
    double el = now() - t0;
    close(fd);
    printf("mode=stream dir=%s rate=%.1f bytes=%ld\n", mode_rw, total / el / 1e6, total);
    return total > 0 ? 0 : 1;
}

/* ---------------------------------------------------------------- udp */
struct udp_stats { long ok, lost; };

static void *udp_worker(void *arg) {
    struct udp_stats *st = arg;
    struct sockaddr_in a = target();
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct timeval tv = {0, 200000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    connect(fd, (struct sockaddr *) &a, sizeof a);
    char msg[2048], buf[2048];
    memset(msg, 'u', sizeof msg);
    while (!stop) {
        if (send(fd, msg, payload, 0) != payload) { st->lost++; usleep(1000); continue; }
        if (recv(fd, buf, sizeof buf, 0) > 0) st->ok++; else st->lost++;
    }
    close(fd);
    return NULL;
}

static int run_udp(void) {
    pthread_t tid[64];
    struct udp_stats st[64] = {{0}};
    if (threads > 64) threads = 64;
    for (int i = 0; i < threads; i++) pthread_create(&tid[i], NULL, udp_worker, &st[i]);
    double t0 = now();
    usleep((useconds_t) (duration * 1e6));
    stop = 1;
    for (int i = 0; i < threads; i++) pthread_join(tid[i], NULL);
    double el = now() - t0;
    long ok = 0, lost = 0;
    for (int i = 0; i < threads; i++) { ok += st[i].ok; lost += st[i].lost; }
    printf("mode=udp rate=%.0f ok=%ld lost=%ld\n", ok / el, ok, lost);
    return ok > 0 ? 0 : 1;
}

/* ---------------------------------------------------------------- idle */
static int run_idle(void) {
    int *fds = calloc(count, sizeof(int)), ok = 0;
    for (int i = 0; i < count; i++) {
        fds[i] = connect_tcp();
        if (fds[i] < 0) continue;
        char c = 'i';
        if (write(fds[i], &c, 1) == 1 && read(fds[i], &c, 1) == 1) ok++;
    }
    printf("idle connections ready: %d of %d\n", ok, count);
    fflush(stdout);
    usleep((useconds_t) (hold * 1e6));
    int alive = 0;
    for (int i = 0; i < count; i++) {
        if (fds[i] < 0) continue;
        char c = 'j';
        if (write(fds[i], &c, 1) == 1 && read(fds[i], &c, 1) == 1) alive++;
        close(fds[i]);
    }
    printf("mode=idle ok=%d alive=%d count=%d\n", ok, alive, count);
    return ok == count ? 0 : 1;
}

static void usage(void) {
    fprintf(stderr, "usage: ssbench conn|stream|udp|idle -p PORT [-t THREADS] [-d SECONDS] [-s PAYLOAD]"
                    " [-m read|write] [-k COUNT] [-H HOLD_SECONDS]\n");
    exit(2);
}

int main(int argc, char **argv) {
    if (argc < 2) usage();
    const char *mode = argv[1];
    int c;
    optind = 2;
    while ((c = getopt(argc, argv, "p:t:d:s:m:k:H:")) != -1) {
        switch (c) {
            case 'p': port = atoi(optarg); break;
            case 't': threads = atoi(optarg); break;
            case 'd': duration = atof(optarg); break;
            case 's': payload = atoi(optarg); break;
            case 'm': mode_rw = optarg; break;
            case 'k': count = atoi(optarg); break;
            case 'H': hold = atof(optarg); break;
            default: usage();
        }
    }
    if (port <= 0 || port > 65535 || duration <= 0 || duration > 600 || payload < 0 || payload > 2000) usage();
    struct rlimit rl = {65536, 65536};
    setrlimit(RLIMIT_NOFILE, &rl);
    if (!strcmp(mode, "conn")) return run_conn();
    if (!strcmp(mode, "stream")) return run_stream();
    if (!strcmp(mode, "udp")) return run_udp();
    if (!strcmp(mode, "idle")) return run_idle();
    usage();
    return 2;
}
