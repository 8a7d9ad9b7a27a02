package org.superserver.access.xinetd.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Network names, from a networks(5) file: {@code name number [aliases]}, {@code #} comments. A
 * network number becomes a network as xinetd's {@code net_addr} makes it: up to 255 is a /8
 * ({@code 10} is 10.0.0.0/8), up to 65,535 a /16, up to 16,777,215 a /24, and the number is written
 * as inet_network(3) reads it ({@code 192.168.1} is 192.168.1.0/24). Number 0 names nothing, as in
 * xinetd.
 */
final class NetworkNames {

    /** Files larger than this are not read (the system's is a few lines). */
    static final long MAX_BYTES = 1 << 20;

    private NetworkNames() {
    }

    /** The network {@code name} stands for in {@code file}, as {network, prefix length}, or {@code null}. */
    static long[] lookUp(Path file, String name) throws IOException {
        List<String> lines;
        try {
            if (Files.size(file) > MAX_BYTES) {
                return null;
            }
            lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            return null;
        }
        for (String line : lines) {
            int hash = line.indexOf('#');
            String[] f = (hash >= 0 ? line.substring(0, hash) : line).trim().split("\\s+");
            if (f.length < 2) {
                continue;
            }
            boolean named = f[0].equalsIgnoreCase(name);
            for (int i = 2; i < f.length && !named; i++) {
                named = f[i].equalsIgnoreCase(name);
            }
            if (named) {
                return network(f[1]);
            }
        }
        return null;
    }

    /** A network number as inet_network(3) reads it, made a network as xinetd does; null for none. */
    static long[] network(String number) {
        String[] parts = number.split("\\.", -1);
        if (parts.length > 4) {
            return null;
        }
        long n = 0;
        for (String p : parts) {
            long v = AddressParser.inetAton(p);
            if (v < 0 || v > 255) {
                return null;
            }
            n = (n << 8) | v;
        }
        if (n == 0) {
            return null;
        }
        if (n <= 0xffL) {
            return new long[] {n << 24, 8};
        }
        if (n <= 0xffffL) {
            return new long[] {n << 16, 16};
        }
        if (n <= 0xffffffL) {
            return new long[] {n << 8, 24};
        }
        return new long[] {n, 32};
    }
}
