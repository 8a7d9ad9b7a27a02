package org.superserver.slf4j.simple;

import java.lang.reflect.Field;
import java.text.DateFormat;
import org.slf4j.simple.SimpleLogger;
import org.slf4j.simple.SimpleLoggerConfiguration;
import org.slf4j.simple.SimpleServiceProvider;

/**
 * slf4j-simple's provider, with the time of each line formatted once per second ({@link
 * SecondCachedDateFormat}) instead of once per line. The configuration (the {@code
 * org.slf4j.simpleLogger.*} properties) and the lines are slf4j-simple's, byte for byte.
 *
 * <p>slf4j-simple keeps its date format in a package-private field of its configuration; this
 * fragment bundles one version of slf4j-simple, whose field the tests check. Should the field not
 * be there, the lines are formatted as slf4j-simple formats them.
 */
public final class TunedSimpleServiceProvider extends SimpleServiceProvider {

    @Override
    public void initialize() {
        super.initialize(); // makes slf4j-simple read its configuration
        cacheTheDateFormat();
    }

    /** Wraps the configuration's date format, when slf4j-simple has one, in a {@link SecondCachedDateFormat}. */
    private static void cacheTheDateFormat() {
        try {
            Field config = SimpleLogger.class.getDeclaredField("CONFIG_PARAMS");
            config.setAccessible(true);
            Object params = config.get(null);
            Field formatter = SimpleLoggerConfiguration.class.getDeclaredField("dateFormatter");
            formatter.setAccessible(true);
            if (params != null && formatter.get(params) instanceof DateFormat format) {
                formatter.set(params, SecondCachedDateFormat.of(format));
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // another slf4j-simple: its lines are formatted as it formats them
        }
    }
}
