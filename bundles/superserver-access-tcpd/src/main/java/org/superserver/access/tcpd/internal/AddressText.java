package org.superserver.access.tcpd.internal;

/**
 * Address and number text as tcpd reads the parts of a net/mask pattern. {@link #dotQuad} is
 * tcpd's {@code dot_quad_addr}: exactly four runs of characters between dots, read by the C
 * library's {@code inet_addr}, whose parts may be decimal, octal ({@code 0177}) or hex
 * ({@code 0x7f}), and whose error value is also the value of {@code 255.255.255.255}, so that
 * address never reads. {@link #atoi} is the C library's {@code atoi}: blanks, a sign, then the
 * digits up to the first other character; no digits read as 0.
 */
final class AddressText {

    /** What {@link #dotQuad} gives for text that does not read as an address. */
    static final long NONE = -1;

    private static final long ALL_ONES = 0xffffffffL;

    private AddressText() {
    }

    /** The IPv4 address {@code text} spells as tcpd's {@code dot_quad_addr} reads it, or {@link #NONE}. */
    static long dotQuad(String text) {
        int runs = 0;
        boolean inRun = false;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '.') {
                inRun = false;
            } else if (!inRun) {
                inRun = true;
                runs++;
            }
        }
        if (runs != 4) {
            return NONE;
        }
        long address = inetAton(text);
        return address == ALL_ONES ? NONE : address;
    }

    /**
     * {@code inet_aton}: one to four parts separated by dots, each decimal, octal after a 0 or hex
     * after 0x; the last part fills the bytes the others leave ({@code 10.1} is 10.0.0.1); the text
     * may end at a blank. {@link #NONE} when the text is not such an address.
     */
    static long inetAton(String text) {
        long[] parts = new long[3];
        int count = 0;
        int i = 0;
        int n = text.length();
        long value;
        while (true) {
            if (i >= n || !isDigit(text.charAt(i))) {
                return NONE;
            }
            int base = 10;
            if (text.charAt(i) == '0') {
                base = 8;
                if (i + 2 < n && (text.charAt(i + 1) == 'x' || text.charAt(i + 1) == 'X')
                        && digit(text.charAt(i + 2), 16) >= 0) {
                    base = 16;
                    i += 2;
                }
            }
            value = 0;
            int d;
            while (i < n && (d = digit(text.charAt(i), base)) >= 0) {
                value = value * base + d;
                if (value > ALL_ONES) {
                    return NONE;
                }
                i++;
            }
            if (i < n && text.charAt(i) == '.') {
                if (count > 2 || value > 0xff) {
                    return NONE;
                }
                parts[count++] = value;
                i++;
            } else {
                break;
            }
        }
        if (i < n && !isSpace(text.charAt(i))) {
            return NONE;
        }
        if (value > (ALL_ONES >>> (8 * count))) {
            return NONE;
        }
        long address = value;
        for (int p = 0; p < count; p++) {
            address |= parts[p] << (8 * (3 - p));
        }
        return address;
    }

    /** The C library's {@code atoi}: {@code (int) strtol(text, NULL, 10)}. */
    static int atoi(String text) {
        int i = 0;
        int n = text.length();
        while (i < n && isSpace(text.charAt(i))) {
            i++;
        }
        boolean negative = false;
        if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
            negative = text.charAt(i) == '-';
            i++;
        }
        long magnitude = 0;
        boolean overflow = false;
        while (i < n && isDigit(text.charAt(i))) {
            if (!overflow) {
                try {
                    magnitude = Math.addExact(Math.multiplyExact(magnitude, 10), text.charAt(i) - '0');
                } catch (ArithmeticException e) {
                    overflow = true;
                }
            }
            i++;
        }
        // strtol saturates at the ends of long; atoi keeps the low 32 bits
        long value = overflow ? (negative ? Long.MIN_VALUE : Long.MAX_VALUE) : negative ? -magnitude : magnitude;
        return (int) value;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static int digit(char c, int base) {
        return c < 128 ? Character.digit(c, base) : -1;
    }

    /** The C locale's {@code isspace}. */
    private static boolean isSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }
}
