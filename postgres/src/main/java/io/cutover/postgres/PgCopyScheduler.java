package io.cutover.postgres;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a copy's chunks to its workers, a table's chunks only once every table it references on
 * the target is complete, so the target's foreign keys hold at each commit. A failure or a
 * cancellation ends the hand-out for every worker. Thread-safe.
 */
final class PgCopyScheduler {

    private static final Logger LOG = LoggerFactory.getLogger(PgCopyScheduler.class);

    private final Object lock = new Object();
    private final Deque<PgCopyChunk> pending; // guarded by lock
    private final Map<String, Integer> unfinished = new HashMap<>(); // target table -> chunks not done; guarded by lock
    private final Map<String, Set<String>> dependsOn = new HashMap<>();
    private Throwable failure; // guarded by lock
    private boolean cancelled; // guarded by lock

    PgCopyScheduler(List<PgCopyChunk> chunks) {
        this.pending = new ArrayDeque<>(chunks);
        for (PgCopyChunk c : chunks) {
            unfinished.merge(c.table().targetTable(), 1, Integer::sum);
            dependsOn.putIfAbsent(c.table().targetTable(), new HashSet<>(c.table().dependsOn()));
        }
        breakCycles();
    }

    // Foreign keys in a cycle cannot all hold at each commit whatever the order; copy those tables unordered.
    private void breakCycles() {
        Set<String> done = new HashSet<>();
        boolean moved = true;
        while (moved) {
            moved = false;
            for (Map.Entry<String, Set<String>> e : dependsOn.entrySet()) {
                if (!done.contains(e.getKey()) && done.containsAll(e.getValue())) {
                    done.add(e.getKey());
                    moved = true;
                }
            }
        }
        for (Map.Entry<String, Set<String>> e : dependsOn.entrySet()) {
            if (!done.contains(e.getKey())) {
                LOG.warn("target table {} is in a cycle of foreign keys ({}); copying it without waiting for them,"
                        + " which fails if the target checks them at each commit", e.getKey(), e.getValue());
                e.getValue().clear();
            }
        }
    }

    /**
     * Takes the next chunk whose table may be copied now, waiting while every remaining one waits
     * for a table still being copied.
     *
     * @return the chunk, or null when none remain, a worker failed, or the copy was cancelled
     * @throws InterruptedException if interrupted while waiting
     */
    PgCopyChunk next() throws InterruptedException {
        synchronized (lock) {
            while (true) {
                if (failure != null || cancelled || pending.isEmpty()) {
                    return null;
                }
                for (Iterator<PgCopyChunk> it = pending.iterator(); it.hasNext(); ) {
                    PgCopyChunk c = it.next();
                    if (ready(c)) {
                        it.remove();
                        return c;
                    }
                }
                lock.wait();
            }
        }
    }

    private boolean ready(PgCopyChunk chunk) {
        for (String t : dependsOn.get(chunk.table().targetTable())) {
            if (unfinished.getOrDefault(t, 0) > 0) {
                return false;
            }
        }
        return true;
    }

    void done(PgCopyChunk chunk) {
        synchronized (lock) {
            unfinished.merge(chunk.table().targetTable(), -1, Integer::sum);
            lock.notifyAll();
        }
    }

    void failed(Throwable t) {
        synchronized (lock) {
            if (failure == null) {
                failure = t;
            } else if (failure != t) {
                failure.addSuppressed(t);
            }
            lock.notifyAll();
        }
    }

    void cancel() {
        synchronized (lock) {
            cancelled = true;
            lock.notifyAll();
        }
    }

    Throwable failure() {
        synchronized (lock) {
            return failure;
        }
    }
}
