package org.superserver.core.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/** banner_fail files: read off the caller's thread, kept while unchanged, bounded in size. */
public class BannerFilesTest {

    private Path dir;
    private final BannerFiles banners = new BannerFiles();

    @Before
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("superserver-banners");
    }

    @After
    public void tearDown() throws Exception {
        banners.close();
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    private String read(Path file) throws Exception {
        return new String(banners.read(file.toString()).get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8);
    }

    @Test
    public void aChangedFileIsReadAgainAndAnUnchangedOneComesFromTheCache() throws Exception {
        Path file = Files.writeString(dir.resolve("fail"), "first\n");
        assertEquals("first\n", read(file));
        // read on the banner thread (a dependent stage may run on the caller once the read is done, so
        // that thread is looked for among the live ones)
        banners.read(file.toString()).get(5, TimeUnit.SECONDS);
        assertTrue("a superserver-banners thread reads", Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("superserver-banners")));
        Files.writeString(file, "second, longer\n");
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        assertEquals("second, longer\n", read(file));
    }

    @Test
    public void aMissingFileSendsNothing() throws Exception {
        assertEquals("", read(dir.resolve("absent")));
    }

    @Test
    public void onlyTheFirst64KiBAreSent() throws Exception {
        byte[] big = new byte[BannerFiles.MAX_BYTES + 1000];
        java.util.Arrays.fill(big, (byte) 'x');
        Path file = Files.write(dir.resolve("big"), big);
        byte[] sent = banners.read(file.toString()).get(5, TimeUnit.SECONDS);
        assertEquals(BannerFiles.MAX_BYTES, sent.length);
        assertArrayEquals(java.util.Arrays.copyOf(big, BannerFiles.MAX_BYTES), sent);
    }
}
