package org.superserver.examples.denyfile;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.superserver.api.Diagnostic;

/**
 * The denied addresses of one deny file, read into sorted, merged ranges so that a decision is a
 * binary search (microseconds for tens of thousands of entries, on the event loop, with no I/O).
 * Immutable.
 */
final class DenyList {

    /** The empty list: nobody is denied. */
    static final DenyList EMPTY = new DenyList(List.of());

    /** Overlapping or adjacent entries joined into one span, with the entries that make it up. */
    private record Span(byte[] first, byte[] last, List<AddressRange> entries) {
    }

    private final Span[] spans;
    private final int entries;

    private DenyList(List<AddressRange> ranges) {
        List<AddressRange> sorted = new ArrayList<>(ranges);
        sorted.sort(Comparator.comparing(AddressRange::first, Arrays::compareUnsigned));
        List<Span> merged = new ArrayList<>();
        for (AddressRange r : sorted) {
            Span last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && Arrays.compareUnsigned(r.first(), last.last()) <= 0) {
                List<AddressRange> members = new ArrayList<>(last.entries());
                members.add(r);
                byte[] end = Arrays.compareUnsigned(r.last(), last.last()) > 0 ? r.last() : last.last();
                merged.set(merged.size() - 1, new Span(last.first(), end, members));
            } else {
                merged.add(new Span(r.first(), r.last(), List.of(r)));
            }
        }
        this.spans = merged.toArray(new Span[0]);
        this.entries = ranges.size();
    }

    /** What reading a file gave: the list of its valid entries, and every problem with its line. */
    record Parsed(DenyList list, List<Diagnostic> problems) {
        Parsed {
            problems = List.copyOf(problems);
        }
    }

    /**
     * Reads a deny file: one address or network per line, {@code #} to the end of the line is a
     * comment, blank lines are ignored. A line that is not an address or a network is reported
     * with its line number and left out; the other lines apply.
     *
     * @param file what to call the file in problems
     */
    static Parsed parse(String file, String text) {
        List<AddressRange> ranges = new ArrayList<>();
        List<Diagnostic> problems = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int hash = line.indexOf('#');
            String entry = (hash < 0 ? line : line.substring(0, hash)).strip();
            if (entry.isEmpty()) {
                continue;
            }
            if (entry.split("\\s+").length > 1) {
                problems.add(Diagnostic.error(file, i + 1, "address", "'" + entry + "' holds more than one entry;"
                        + " write one address or network per line; line ignored"));
                continue;
            }
            try {
                AddressRange.Parsed parsed = AddressRange.parse(entry, i + 1);
                ranges.add(parsed.range());
                if (parsed.warning() != null) {
                    problems.add(Diagnostic.warning(file, i + 1, "address", parsed.warning()));
                }
            } catch (AddressRange.Invalid e) {
                problems.add(Diagnostic.error(file, i + 1, "address", e.getMessage() + "; line ignored"));
            }
        }
        return new Parsed(new DenyList(ranges), problems);
    }

    /** The entry that denies {@code address} (the first in the file, if several do), or empty. */
    Optional<AddressRange> match(InetAddress address) {
        byte[] key = AddressRange.sixteen(address);
        int low = 0;
        int high = spans.length - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            Span span = spans[mid];
            if (Arrays.compareUnsigned(key, span.first()) < 0) {
                high = mid - 1;
            } else if (Arrays.compareUnsigned(key, span.last()) > 0) {
                low = mid + 1;
            } else {
                return span.entries().stream().filter(r -> r.contains(key))
                        .min(Comparator.comparingInt(AddressRange::line));
            }
        }
        return Optional.empty();
    }

    /** How many valid entries the file had. */
    int entries() {
        return entries;
    }
}
