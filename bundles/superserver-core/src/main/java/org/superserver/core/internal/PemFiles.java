package org.superserver.core.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PEM files of a TLS service with the JDK alone: certificate chains and CA bundles, and
 * unencrypted private keys as PKCS#8 ({@code PRIVATE KEY}), PKCS#1 RSA ({@code RSA PRIVATE KEY}) or
 * SEC 1 EC ({@code EC PRIVATE KEY}, as {@code openssl ecparam -genkey} writes it), the last two
 * wrapped into PKCS#8 here. Every failure is an {@link IllegalArgumentException} naming the
 * property and the file.
 */
final class PemFiles {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
    /** AlgorithmIdentifier of rsaEncryption with NULL parameters, as PKCS#8 wraps a PKCS#1 key. */
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
            (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

    /** The OID id-ecPublicKey (1.2.840.10045.2.1), first of a PKCS#8 EC AlgorithmIdentifier. */
    private static final byte[] EC_PUBLIC_KEY = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

    private PemFiles() {
    }

    /** The certificates of {@code file}, in order; at least one. */
    static List<X509Certificate> certificates(String property, String file) {
        String text = read(property, file);
        List<X509Certificate> certs = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Block b : blocks(text)) {
                if (b.type.equals("CERTIFICATE")) {
                    try (InputStream in = new ByteArrayInputStream(b.der)) {
                        for (Certificate c : factory.generateCertificates(in)) {
                            certs.add((X509Certificate) c);
                        }
                    }
                }
            }
        } catch (CertificateException | IOException | IllegalArgumentException e) {
            throw bad(property, file, "is not a valid PEM certificate: " + e.getMessage());
        }
        if (certs.isEmpty()) {
            throw bad(property, file, "holds no -----BEGIN CERTIFICATE----- block; expected a PEM certificate");
        }
        return certs;
    }

    /** The private key of {@code file}: PKCS#8, PKCS#1 RSA or SEC 1 EC, unencrypted. */
    static PrivateKey privateKey(String property, String file) {
        String text = read(property, file);
        for (Block b : blocks(text)) {
            switch (b.type) {
                case "PRIVATE KEY":
                    return pkcs8(property, file, b.der);
                case "RSA PRIVATE KEY":
                    return pkcs8(property, file, wrapRsa(b.der));
                case "ENCRYPTED PRIVATE KEY":
                    throw bad(property, file, "holds an encrypted key; expected an unencrypted one (openssl pkcs8"
                            + " -topk8 -nocrypt)");
                case "EC PRIVATE KEY":
                    return pkcs8(property, file, wrapEc(property, file, b.der));
                default:
                    break;
            }
        }
        throw bad(property, file, "holds no -----BEGIN PRIVATE KEY----- block; expected a PEM private key");
    }

    private static PrivateKey pkcs8(String property, String file, byte[] der) {
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException | RuntimeException e) {
                // the next algorithm
            }
        }
        throw bad(property, file, "holds a private key of no algorithm this JDK reads (RSA, EC, Ed25519, Ed448)");
    }

    /** PKCS#8 PrivateKeyInfo { version 0, rsaEncryption, OCTET STRING { the PKCS#1 key } }. */
    private static byte[] wrapRsa(byte[] pkcs1) {
        return privateKeyInfo(RSA_ALGORITHM, pkcs1);
    }

    /**
     * PKCS#8 PrivateKeyInfo { version 0, { id-ecPublicKey, the named curve }, OCTET STRING { the
     * SEC 1 key } }, the curve taken from the SEC 1 key's own parameters ([0]).
     */
    private static byte[] wrapEc(String property, String file, byte[] sec1) {
        byte[] curve = null;
        try {
            int[] outer = header(sec1, 0);
            if (sec1[0] != 0x30) {
                throw new IllegalArgumentException("not a SEQUENCE");
            }
            for (int at = outer[0]; at < outer[0] + outer[1]; ) {
                int[] element = header(sec1, at);
                if ((sec1[at] & 0xff) == 0xa0) { // [0] ECParameters: the namedCurve OID
                    curve = Arrays.copyOfRange(sec1, element[0], element[0] + element[1]);
                }
                at = element[0] + element[1];
            }
        } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            throw bad(property, file, "holds an EC PRIVATE KEY block that is not a SEC 1 key");
        }
        if (curve == null || curve.length == 0 || curve[0] != 0x06) {
            throw bad(property, file, "holds a SEC 1 EC key that does not name its curve (explicit parameters);"
                    + " write it with the curve's name: openssl ec -in " + file + " -param_enc named_curve");
        }
        return privateKeyInfo(tlv(0x30, concat(EC_PUBLIC_KEY, curve)), sec1);
    }

    /** PKCS#8 PrivateKeyInfo { version 0, {@code algorithm} (a DER AlgorithmIdentifier), OCTET STRING { {@code key} } }. */
    private static byte[] privateKeyInfo(byte[] algorithm, byte[] key) {
        return tlv(0x30, concat(new byte[] {0x02, 0x01, 0x00}, algorithm, tlv(0x04, key)));
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    /** Where the value of the DER element at {@code at} starts, and its length. */
    private static int[] header(byte[] der, int at) {
        int first = der[at + 1] & 0xff;
        if (first < 0x80) {
            return new int[] {at + 2, first};
        }
        int count = first & 0x7f;
        if (count == 0 || count > 3) {
            throw new IllegalArgumentException("bad DER length");
        }
        int length = 0;
        for (int i = 0; i < count; i++) {
            length = length << 8 | der[at + 2 + i] & 0xff;
        }
        if (at + 2 + count + length > der.length) {
            throw new IllegalArgumentException("DER element past the end");
        }
        return new int[] {at + 2 + count, length};
    }

    private static byte[] tlv(int tag, byte[] value) {
        int n = value.length;
        byte[] length = n < 0x80 ? new byte[] {(byte) n}
                : n < 0x100 ? new byte[] {(byte) 0x81, (byte) n}
                : n < 0x10000 ? new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n}
                : new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
        byte[] out = new byte[1 + length.length + n];
        out[0] = (byte) tag;
        System.arraycopy(length, 0, out, 1, length.length);
        System.arraycopy(value, 0, out, 1 + length.length, n);
        return out;
    }

    private static String read(String property, String file) {
        Path path = Path.of(file);
        try {
            return Files.readString(path, StandardCharsets.US_ASCII);
        } catch (java.nio.file.NoSuchFileException e) {
            throw bad(property, file, "does not exist");
        } catch (java.nio.file.AccessDeniedException e) {
            throw bad(property, file, "cannot be read (permission denied)");
        } catch (IOException | RuntimeException e) {
            throw bad(property, file, "cannot be read: " + e);
        }
    }

    private static List<Block> blocks(String text) {
        List<Block> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            blocks.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
        }
        return blocks;
    }

    static IllegalArgumentException bad(String property, String file, String why) {
        return new IllegalArgumentException(property + " " + file + ": " + why);
    }

    private record Block(String type, byte[] der) {
    }
}
