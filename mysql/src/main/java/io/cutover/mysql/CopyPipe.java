package io.cutover.mysql;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Hands chunks from a copy's reading thread to one writing thread with its own target
 * connection, so that reading the source and writing the target overlap. At most
 * {@value #DEPTH} chunks wait, which bounds memory. A write failure reaches the reader at its
 * next {@link #put}. The reader's methods are for one thread; the writer is internal.
 */
final class CopyPipe implements AutoCloseable {
    private static final int DEPTH = 2;

    /** One chunk's write on the target. */
    interface Chunk {
        /**
         * Writes the chunk.
         *
         * @param target the writer's connection, in auto-commit mode
         * @throws SQLException if the target refuses
         */
        void write(Connection target) throws SQLException;
    }

    private static final Chunk END = target -> { };

    private final BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(DEPTH);
    private final Connection target;
    private final Thread writer;
    private volatile Throwable failure;

    /**
     * Starts the writer.
     *
     * @param target the writer's connection; closed with the pipe
     * @param name the writer thread's name
     */
    CopyPipe(Connection target, String name) {
        this.target = target;
        this.writer = new Thread(this::drain, name);
        this.writer.setDaemon(true);
        this.writer.start();
    }

    private void drain() {
        try {
            while (true) {
                Chunk c = queue.take();
                if (c == END) {
                    return;
                }
                c.write(target);
            }
        } catch (InterruptedException e) {
            failure = e;
        } catch (SQLException | RuntimeException e) {
            failure = e;
            queue.clear(); // unblock the reader, which then sees the failure
        }
    }

    /**
     * Queues a chunk, waiting while the writer is {@value #DEPTH} chunks behind.
     *
     * @param chunk the chunk
     * @throws SQLException if the writer failed
     * @throws InterruptedException if interrupted while waiting
     */
    void put(Chunk chunk) throws SQLException, InterruptedException {
        while (!queue.offer(chunk, 50, TimeUnit.MILLISECONDS)) {
            rethrow();
        }
        rethrow();
    }

    /**
     * Waits until every queued chunk is written.
     *
     * @throws SQLException if the writer failed
     * @throws InterruptedException if interrupted while waiting
     */
    void finish() throws SQLException, InterruptedException {
        put(END);
        writer.join();
        rethrow();
    }

    private void rethrow() throws SQLException {
        Throwable t = failure;
        if (t instanceof SQLException e) {
            throw e;
        }
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t != null) {
            throw new SQLException("the copy's writer stopped: " + t, t);
        }
    }

    /** Stops the writer (mid-chunk if need be) and closes its connection. Idempotent. */
    @Override
    public void close() {
        if (writer.isAlive()) {
            writer.interrupt();
            try {
                writer.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            target.close();
        } catch (SQLException ignored) {
            // broken already; nothing to release
        }
    }
}
