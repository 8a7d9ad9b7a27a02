package org.superserver.slf4j.simple;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ServiceLoader;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.simple.SimpleLogger;
import org.slf4j.simple.SimpleLoggerConfiguration;
import org.slf4j.spi.SLF4JServiceProvider;
import org.junit.Test;

public class TunedSimpleServiceProviderTest {

    @Test
    public void theBundledSlf4jSimpleFormatsItsLinesTimeOncePerSecondAndWritesTheSameLines() throws Exception {
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "true");
        System.setProperty("org.slf4j.simpleLogger.showShortLogName", "true");
        PrintStream err = System.err;
        ByteArrayOutputStream lines = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(lines, true, StandardCharsets.UTF_8));
            SLF4JServiceProvider provider = ServiceLoader.load(SLF4JServiceProvider.class).findFirst().orElseThrow();
            assertEquals("the fragment's services file names this provider",
                    TunedSimpleServiceProvider.class, provider.getClass());
            provider.initialize();
            Field config = SimpleLogger.class.getDeclaredField("CONFIG_PARAMS");
            config.setAccessible(true);
            Field formatter = SimpleLoggerConfiguration.class.getDeclaredField("dateFormatter");
            formatter.setAccessible(true);
            assertTrue("initialize() reached slf4j-simple's date format and cached it",
                    formatter.get(config.get(null)) instanceof SecondCachedDateFormat);
            Logger log = provider.getLoggerFactory().getLogger("org.superserver.core.internal.ConnectionLog");
            for (int i = 0; i < 3; i++) {
                log.info("START service={} pid={}", "cat", i);
            }
        } finally {
            System.setErr(err);
        }
        String[] written = lines.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(lines.toString(StandardCharsets.UTF_8), 3, written.length);
        Pattern line = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) \\[main\\] INFO "
                + "ConnectionLog - START service=cat pid=[0-2]");
        for (String text : written) {
            assertTrue(text, line.matcher(text).matches());
        }
    }
}
