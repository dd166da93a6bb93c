package io.cutover.testing;

import java.util.ArrayList;
import java.util.List;

/** The shared, ordered record of what fakes were asked to do. Thread-safe. */
final class Journal {
    private final List<String> entries = new ArrayList<>(); // guarded by this

    synchronized void add(String entry) {
        entries.add(entry);
    }

    synchronized List<String> entries() {
        return List.copyOf(entries);
    }
}
