package org.superserver.examples.denyfile;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.superserver.api.ConnectionInfo;
import org.superserver.api.Diagnostic;
import org.superserver.api.Protocol;
import org.superserver.api.access.Decision;
import org.superserver.api.access.PolicyInspector;

public class DenyFilePolicyTest {

    private Path dir;
    private Path file;

    @Before
    public void createDirectory() throws Exception {
        dir = Files.createTempDirectory("denyfile-test");
        file = dir.resolve("deny");
    }

    @After
    public void removeDirectory() throws Exception {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.delete(p);
            }
        }
    }

    /** A policy whose clock says the file was written long ago, so a change is noticed by its stamp alone. */
    private DenyFilePolicy policy() {
        DenyFilePolicy policy = new DenyFilePolicy(file, () -> TimeUnit.DAYS.toNanos(365 * 1000L));
        policy.reloadIfChanged();
        return policy;
    }

    private static Decision decision(DenyFilePolicy policy, String client) throws Exception {
        ConnectionInfo connection = new ConnectionInfo("test", "echo", Protocol.TCP,
                new InetSocketAddress("127.0.0.1", 7), new InetSocketAddress(InetAddress.getByName(client), 40000),
                Instant.now());
        CompletableFuture<Decision> stage = policy.check(connection, null).toCompletableFuture();
        assertTrue("the decision is complete when returned: nothing waits on the event loop", stage.isDone());
        return stage.get();
    }

    private void write(String text, int secondsAgo) throws Exception {
        Files.writeString(file, text);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(secondsAgo)));
    }

    @Test
    public void aListedClientIsDeniedNamingFileAndLineAndOthersAreAllowed() throws Exception {
        write("# test\n127.0.0.2\n", 60);
        DenyFilePolicy policy = policy();
        Decision denied = decision(policy, "127.0.0.2");
        assertFalse(denied.isAllowed());
        assertEquals(file + ":2 127.0.0.2", denied.reason());
        assertTrue(decision(policy, "127.0.0.3").isAllowed());
    }

    @Test
    public void aChangedFileIsReadAgainByTheNextCheck() throws Exception {
        write("127.0.0.2\n", 60);
        DenyFilePolicy policy = policy();
        assertTrue(decision(policy, "127.0.0.3").isAllowed());
        assertFalse("nothing changed, nothing read", policy.reloadIfChanged());

        write("127.0.0.2\n127.0.0.3\n", 30);
        assertTrue("decisions use what was read until the file is read again", decision(policy, "127.0.0.3").isAllowed());
        assertTrue(policy.reloadIfChanged());
        assertFalse(decision(policy, "127.0.0.3").isAllowed());
    }

    @Test
    public void aFileReadRightAfterAChangeIsReadAgainNextTime() throws Exception {
        write("127.0.0.2\n", 0);
        DenyFilePolicy policy = new DenyFilePolicy(file, () -> TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis()));
        assertTrue(policy.reloadIfChanged());
        assertTrue("modified within the last two seconds: it may change again unseen", policy.reloadIfChanged());
    }

    @Test
    public void aMissingFileDeniesNobodyAndAnUnreadableOneDeniesEverybody() throws Exception {
        DenyFilePolicy policy = policy();
        assertTrue(decision(policy, "127.0.0.2").isAllowed());

        Files.createDirectory(file);
        policy.reloadIfChanged();
        Decision denied = decision(policy, "127.0.0.3");
        assertFalse(denied.isAllowed());
        assertEquals(file + " is a directory, not a file; everybody is denied", denied.reason());
        assertEquals(List.of(file + ": error: is a directory, not a file; everybody is denied"),
                policy.check().stream().map(Diagnostic::toString).collect(Collectors.toList()));
    }

    @Test
    public void theInspectorExplainsADecisionAndChecksTheFileAsItIsNow() throws Exception {
        write("127.0.0.2\nnot-an-address\n", 60);
        DenyFilePolicy policy = policy();
        PolicyInspector.Explanation denied = policy.explain("echo", "127.0.0.2");
        assertFalse(denied.allowed());
        assertEquals(file + ":1", denied.rule());
        assertTrue(policy.explain("echo", "someone@127.0.0.9").allowed());
        assertEquals(List.of(file + ":2: error: address: 'not-an-address' is not an IPv4 or IPv6 address"
                        + " (names are not looked up); write an address such as 192.0.2.7 or a network such as"
                        + " 192.0.2.0/24; line ignored"),
                policy.check().stream().map(Diagnostic::toString).collect(Collectors.toList()));
        try {
            policy.explain("echo", "host.example");
            throw new AssertionError("a host name was accepted");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("addresses only"));
        }
    }
}
