#!/usr/bin/env python3
"""Sends MB megabytes through a TLS echo-like service (cat) and reads them back, both directions at
once from one non-blocking socket (openssl s_client blocks its reads while it writes, so it
deadlocks once the buffers are full). Prints mb_per_s=N. Loopback only; no certificate check.

usage: tlsrelay.py PORT MB
"""
import selectors
import socket
import ssl
import sys
import time

port, mb = int(sys.argv[1]), int(sys.argv[2])
total = mb * 1024 * 1024
context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE
raw = socket.create_connection(("127.0.0.1", port), timeout=10)
sock = context.wrap_socket(raw, server_hostname="localhost")
sock.setblocking(False)
chunk = b"\0" * 65536
sent = received = 0
start = time.monotonic()
selector = selectors.DefaultSelector()
selector.register(sock, selectors.EVENT_READ | selectors.EVENT_WRITE)
deadline = start + 120
while received < total and time.monotonic() < deadline:
    for _key, events in selector.select(timeout=1):
        if events & selectors.EVENT_WRITE and sent < total:
            try:
                sent += sock.send(chunk[: min(len(chunk), total - sent)])
            except (ssl.SSLWantWriteError, ssl.SSLWantReadError):
                pass
        try:
            while True:
                data = sock.recv(262144)
                if not data:
                    break
                received += len(data)
        except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
            pass
    if sent >= total:
        selector.modify(sock, selectors.EVENT_READ)
elapsed = time.monotonic() - start
sock.close()
if received < total:
    print("mb_per_s=- received=%d of %d" % (received, total))
    sys.exit(1)
print("mb_per_s=%.1f" % (mb / elapsed))
