package org.superserver.examples.denyfile;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Optional;
import org.superserver.api.AddressLiterals;

/**
 * One entry of a deny file: the addresses from {@code first} to {@code last}, both as 16-byte IPv6
 * addresses (an IPv4 address as its IPv4-mapped form {@code ::ffff:a.b.c.d}, so that one table holds
 * both families and an IPv4 client seen on an IPv6 socket matches its IPv4 entry).
 *
 * @param first the lowest address, 16 bytes
 * @param last the highest address, 16 bytes
 * @param line the line of the file it is on
 * @param text the entry as written
 */
record AddressRange(byte[] first, byte[] last, int line, String text) {

    /** An address or network that could not be read: the message says why and what would be right. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message);
        }
    }

    /** What parsing an entry gives: the range, and a warning when it is written unusually, or {@code null}. */
    record Parsed(AddressRange range, String warning) {
    }

    /**
     * Reads {@code text}: an address ({@code 192.0.2.7}, {@code 2001:db8::7}) or a network
     * ({@code 192.0.2.0/24}, {@code 2001:db8::/32}). Names are never looked up.
     *
     * @throws Invalid when it is neither
     */
    static Parsed parse(String text, int line) throws Invalid {
        int slash = text.indexOf('/');
        String addressText = slash < 0 ? text : text.substring(0, slash);
        Optional<InetAddress> address = AddressLiterals.parse(addressText);
        if (address.isEmpty()) {
            throw new Invalid("'" + addressText + "' is not an IPv4 or IPv6 address (names are not looked up);"
                    + " write an address such as 192.0.2.7 or a network such as 192.0.2.0/24");
        }
        boolean v4 = address.get() instanceof Inet4Address;
        int bits = v4 ? 32 : 128;
        int prefix = bits;
        if (slash >= 0) {
            String prefixText = text.substring(slash + 1);
            if (!prefixText.matches("[0-9]{1,3}") || Integer.parseInt(prefixText) > bits) {
                throw new Invalid("'/" + prefixText + "' is not a prefix length of an " + (v4 ? "IPv4" : "IPv6")
                        + " network; write 0 to " + bits);
            }
            prefix = Integer.parseInt(prefixText);
        }
        byte[] bytes = sixteen(address.get());
        int mappedPrefix = v4 ? 96 + prefix : prefix;
        byte[] first = bytes.clone();
        byte[] last = bytes.clone();
        for (int bit = mappedPrefix; bit < 128; bit++) {
            first[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
            last[bit / 8] |= (byte) (0x80 >>> (bit % 8));
        }
        String warning = null;
        if (!Arrays.equals(first, bytes)) {
            warning = "'" + text + "' has bits set beyond its prefix; it denies the whole network "
                    + format(first, v4) + "/" + prefix;
        }
        return new Parsed(new AddressRange(first, last, line, text), warning);
    }

    /** {@code address} as 16 bytes: IPv6 as it is, IPv4 in its IPv4-mapped form. */
    static byte[] sixteen(InetAddress address) {
        byte[] raw = address.getAddress();
        if (raw.length == 16) {
            return raw;
        }
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xFF;
        mapped[11] = (byte) 0xFF;
        System.arraycopy(raw, 0, mapped, 12, 4);
        return mapped;
    }

    private static String format(byte[] sixteen, boolean v4) {
        try {
            return InetAddress.getByAddress(v4 ? Arrays.copyOfRange(sixteen, 12, 16) : sixteen).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code address} (16 bytes) is in this range. */
    boolean contains(byte[] address) {
        return Arrays.compareUnsigned(first, address) <= 0 && Arrays.compareUnsigned(address, last) <= 0;
    }
}
