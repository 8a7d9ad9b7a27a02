package org.superserver.itests.karaf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The features on the other Linux platform than this machine's, as far as an x86_64 machine can
 * show it: the framework is told that its processor is aarch64 ({@code org.osgi.framework.processor}),
 * so its {@code osgi.native} capability is an aarch64 one. Then the aarch64 epoll fragment is the
 * one installed and it resolves, the x86_64 one is not installed, and the server still serves
 * (with NIO, since the aarch64 library cannot load on this processor).
 */
public class KarafOnAarch64IT {

    private static SuperserverInKaraf installed;

    @BeforeClass
    public static void installTheFeaturesIntoAKarafThatSaysItIsAarch64() throws Exception {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        assumeTrue("this test pretends to be aarch64 on an x86_64 Linux; this is "
                + System.getProperty("os.name") + " " + arch,
                System.getProperty("os.name").equals("Linux") && (arch.equals("amd64") || arch.equals("x86_64")));
        installed = SuperserverInKaraf.install(Map.of("org.osgi.framework.processor", "aarch64"));
    }

    @AfterClass
    public static void stopKarafAndDeleteIt() throws Exception {
        if (installed != null) {
            installed.close();
        }
    }

    @Test
    public void theAarch64FragmentIsChosenResolvesAndTheServerServes() throws Exception {
        assertFalse("feature:install failed:\n" + installed.installOutput,
                installed.installOutput.contains("Error executing command"));
        Supplier<String> log = () -> {
            try {
                return "Karaf's log:\n" + KarafFeaturesIT.lines(installed.karaf.log(), "superserver");
            } catch (Exception e) {
                return "Karaf's log cannot be read: " + e;
            }
        };
        assertEquals("served\n", Sockets.echo(installed.echoPort, "served\n", log));
        String bundles = installed.karaf.execute("bundle:list -t 0 -s");
        assertTrue(KarafFeaturesIT.AARCH64_FRAGMENT + " is not attached:\n" + bundles,
                KarafFeaturesIT.hasBundle(bundles, "Resolved", KarafFeaturesIT.AARCH64_FRAGMENT));
        assertFalse(KarafFeaturesIT.X86_64_FRAGMENT + " is installed:\n" + bundles,
                bundles.contains(KarafFeaturesIT.X86_64_FRAGMENT));
        assertTrue("superserver-core is not active:\n" + bundles,
                KarafFeaturesIT.hasBundle(bundles, "Active", "superserver-core"));
        String karafLog = installed.karaf.log();
        assertTrue("the core does not fall back to NIO:\n" + KarafFeaturesIT.lines(karafLog, "transport"),
                karafLog.contains("START transport=nio"));
    }
}
