/*
 * relaytarget - the far end for the redirect benchmark (loopback only): one process, one thread
 * per service, so that what is measured is the relay in front of it, not the target.
 *
 *   relaytarget PORT      echo on 127.0.0.1:PORT (epoll, non-blocking: any number of short
 *                         connections), chargen on PORT+1 (writes as fast as it can to each client),
 *                         discard on PORT+2 (reads and drops); runs until killed.
 *
 * Prints "ready" once the three sockets listen.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

static int listen_on(int port, int nonblocking) {
    int fd = socket(AF_INET, SOCK_STREAM | (nonblocking ? SOCK_NONBLOCK : 0), 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short) port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *) &a, sizeof a) < 0 || listen(fd, 4096) < 0) {
        perror("bind/listen");
        exit(1);
    }
    return fd;
}

/* echo: one epoll loop for the listener and every connection */
static void *echo(void *arg) {
    int lfd = listen_on(*(int *) arg, 1);
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = lfd};
    epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
    struct epoll_event events[256];
    char buf[65536];
    for (;;) {
        int n = epoll_wait(ep, events, 256, -1);
        for (int i = 0; i < n; i++) {
            int fd = events[i].data.fd;
            if (fd == lfd) {
                int c;
                while ((c = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    struct epoll_event cev = {.events = EPOLLIN | EPOLLRDHUP, .data.fd = c};
                    epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev);
                }
                continue;
            }
            ssize_t r = read(fd, buf, sizeof buf);
            if (r > 0) {
                ssize_t off = 0;
                while (off < r) { /* short replies: blocking is not expected on loopback */
                    ssize_t w = write(fd, buf + off, r - off);
                    if (w < 0 && errno != EAGAIN) break;
                    if (w > 0) off += w;
                }
            } else if (r == 0 || (r < 0 && errno != EAGAIN)) {
                close(fd);
            }
        }
    }
    return NULL;
}

static void *chargen_client(void *arg) {
    int fd = (int) (long) arg;
    char buf[65536];
    memset(buf, 'x', sizeof buf);
    while (write(fd, buf, sizeof buf) > 0) {
    }
    close(fd);
    return NULL;
}

static void *discard_client(void *arg) {
    int fd = (int) (long) arg;
    char buf[65536];
    while (read(fd, buf, sizeof buf) > 0) {
    }
    close(fd);
    return NULL;
}

static void serve_threads(int port, void *(*fn)(void *)) {
    int lfd = listen_on(port, 0);
    for (;;) {
        int c = accept(lfd, NULL, NULL);
        if (c < 0) continue;
        pthread_t t;
        pthread_create(&t, NULL, fn, (void *) (long) c);
        pthread_detach(t);
    }
}

static void *chargen(void *arg) { serve_threads(*(int *) arg, chargen_client); return NULL; }
static void *discard(void *arg) { serve_threads(*(int *) arg, discard_client); return NULL; }

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: relaytarget PORT (echo PORT, chargen PORT+1, discard PORT+2 on 127.0.0.1)\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    static int ports[3];
    ports[0] = atoi(argv[1]);
    ports[1] = ports[0] + 1;
    ports[2] = ports[0] + 2;
    pthread_t t[3];
    pthread_create(&t[0], NULL, echo, &ports[0]);
    pthread_create(&t[1], NULL, chargen, &ports[1]);
    pthread_create(&t[2], NULL, discard, &ports[2]);
    usleep(200000);
    printf("ready\n");
    fflush(stdout);
    pthread_join(t[0], NULL);
    return 0;
}
