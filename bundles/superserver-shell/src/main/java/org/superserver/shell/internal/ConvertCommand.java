package org.superserver.shell.internal;

import java.util.List;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.superserver.api.ConfigFormat;

/**
 * {@code inetd:convert --from inetd|xinetd --to xinetd|cfg [--force] FILE [DIR]}: an inetd.conf
 * into xinetd.d files (as xinetd's itox did), or either format into Configuration Admin
 * {@code .cfg} files, through the {@link ConfigFormat} services the config-format bundles
 * register. Prints the result, or writes one file per service into DIR.
 */
@Component(service = ConvertCommand.class, property = {
        "osgi.command.scope=inetd",
        "osgi.command.function=convert"})
public final class ConvertCommand {

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile List<ConfigFormat> formats = List.of();

    /** {@code inetd:convert ARGS}: see {@link Conversion#USAGE}. */
    @Descriptor("converts an inetd.conf into xinetd.d files (as xinetd's itox did), or either format into"
            + " Configuration Admin .cfg files: convert --from inetd|xinetd --to xinetd|cfg [--force] FILE [DIR];"
            + " prints the result, or writes one file per service into DIR")
    public String convert(@Descriptor("--from inetd|xinetd --to xinetd|cfg [--force] FILE [DIR]") String... args) {
        Conversion conversion;
        try {
            conversion = Conversion.parse(args);
        } catch (IllegalArgumentException e) {
            return "convert: " + e.getMessage() + "\n" + Conversion.USAGE;
        }
        List<ConfigFormat> current = formats;
        return conversion.run(name -> {
            for (ConfigFormat f : current) {
                if (f.name().equals(name)) {
                    return f;
                }
            }
            return null;
        }).text;
    }
}
