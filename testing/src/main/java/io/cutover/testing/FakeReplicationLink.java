package io.cutover.testing;

import io.cutover.CutoverException;
import io.cutover.FinishOptions;
import io.cutover.FinishReport;
import io.cutover.Phase;
import io.cutover.PreflightException;
import io.cutover.Side;
import io.cutover.spi.KeyHandoff;
import io.cutover.spi.Teardown;
import io.cutover.ReplicationLink;
import io.cutover.spi.WriteGuard;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A {@link ReplicationLink} with no database: a {@link FakeReplicationStream}, a
 * {@link FakeWriteGuard} on each side (shared with the reverse link, as real guards are), a
 * scripted key hand-off and preflight, and a {@link #journal()} of every step in order. A cutover
 * over it runs every step of a real one, so a service's own tests can check it survives a
 * cutover, an abort and a rollback with no database:
 *
 * <pre>{@code
 * ConnectionSwitcher switcher = ConnectionSwitcher.between(blueDs, greenDs);
 * FakeReplicationLink link = FakeReplicationLink.from(Side.BLUE);
 * link.stream().start();
 * Cutover cutover = Cutover.builder().switcher(switcher).link(link).build();
 * cutover.execute();
 * assertThat(switcher.current()).isEqualTo(Side.GREEN);
 * assertThat(link.guard(Side.BLUE).engaged()).isTrue();
 * Cutover.builder().switcher(switcher).link(cutover.reverseLink().orElseThrow()).build().execute(); // roll back
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class FakeReplicationLink implements ReplicationLink {
    private final Side source;
    private final FakeReplicationStream stream;
    private final FakeWriteGuard sourceGuard;
    private final FakeWriteGuard targetGuard;
    private final Journal journal;
    private List<String> preflightProblems = List.of(); // guarded by this
    private List<String> handoffLines = List.of(); // guarded by this
    private List<String> prepareLines = List.of(); // guarded by this
    private List<String> checkLines = List.of(); // guarded by this
    private RuntimeException reverseFailure; // guarded by this
    private List<String> warmUpLines = List.of(); // guarded by this
    private RuntimeException warmUpFailure; // guarded by this
    private int warmUps; // guarded by this
    private java.util.concurrent.CountDownLatch reverseGate; // guarded by this
    private final List<FakeReplicationLink> reverses = new ArrayList<>(); // guarded by this
    private boolean closed; // guarded by this
    // The links of one migration (this one, its reverses, theirs) not closed yet, and whether it was finished.
    private final Family family;

    /** What the links of one migration share for {@link #finish(FinishOptions)}. */
    private static final class Family {
        final java.util.Set<FakeReplicationLink> open = new java.util.LinkedHashSet<>(); // guarded by this
        boolean finished; // guarded by this
    }

    /**
     * Creates a link from {@code source} to the other side, with a stream in state NEW.
     *
     * @param source where changes come from
     * @return the link
     * @throws NullPointerException if source is null
     */
    public static FakeReplicationLink from(Side source) {
        Journal journal = new Journal();
        return new FakeReplicationLink(source, new FakeWriteGuard(source, journal),
                new FakeWriteGuard(source.other(), journal), journal, new Family());
    }

    private FakeReplicationLink(Side source, FakeWriteGuard sourceGuard, FakeWriteGuard targetGuard, Journal journal,
            Family family) {
        this.source = Objects.requireNonNull(source, "source");
        this.sourceGuard = sourceGuard;
        this.targetGuard = targetGuard;
        this.journal = journal;
        this.stream = new FakeReplicationStream(source + "->" + source.other(), journal);
        this.family = family;
        synchronized (family) {
            family.open.add(this);
        }
    }

    /**
     * Scripts preflight to fail with these problems.
     *
     * @param problems the problems, each with its fix
     * @return this link
     */
    public synchronized FakeReplicationLink preflightFails(String... problems) {
        this.preflightProblems = List.of(problems);
        return this;
    }

    /**
     * Scripts what the key hand-off reports.
     *
     * @param lines one line per counter moved
     * @return this link
     */
    public synchronized FakeReplicationLink handoffReports(String... lines) {
        this.handoffLines = List.of(lines);
        return this;
    }

    /**
     * Scripts what the key hand-off's {@link KeyHandoff#prepare() prepare step} (before the
     * pause) reports; once set, the journal records "keys prepared blue -> green" when it runs.
     *
     * @param lines the report lines; none (the default) for a hand-off with nothing to prepare
     * @return this link
     */
    public synchronized FakeReplicationLink prepareReports(String... lines) {
        this.prepareLines = List.of(lines);
        return this;
    }

    /**
     * Scripts what {@link #checks()} reports after preflight, such as an accepted lossy reverse.
     *
     * @param lines the report lines
     * @return this link
     */
    public synchronized FakeReplicationLink checksReport(String... lines) {
        this.checkLines = List.of(lines);
        return this;
    }

    /**
     * Scripts what {@link #warmUp()} reports.
     *
     * @param lines the report lines
     * @return this link
     */
    public synchronized FakeReplicationLink warmUpReports(String... lines) {
        this.warmUpLines = List.of(lines);
        return this;
    }

    /**
     * Makes {@link #warmUp()} throw, as when a side cannot be reached at the end of preflight.
     *
     * @param failure what it throws, usually a {@link io.cutover.PreflightException}
     * @return this link
     */
    public synchronized FakeReplicationLink failToWarmUp(RuntimeException failure) {
        this.warmUpFailure = Objects.requireNonNull(failure, "failure");
        return this;
    }

    /**
     * Returns how many times {@link #warmUp()} ran.
     *
     * @return the count
     */
    public synchronized int warmUps() {
        return warmUps;
    }

    /**
     * Counts the call and returns the scripted lines (none by default), or throws the scripted
     * failure; changes nothing.
     */
    @Override
    public synchronized List<String> warmUp() {
        warmUps++;
        if (warmUpFailure != null) {
            throw warmUpFailure;
        }
        return warmUpLines;
    }

    /**
     * Makes {@link #prepareReverse()} fail, as when the target cannot create a slot.
     *
     * @return this link
     */
    public synchronized FakeReplicationLink failToPrepareReverse() {
        this.reverseFailure = new CutoverException(Phase.REVERSE, "reverse capture on " + source.other()
                + " could not be set up (scripted by the test)");
        return this;
    }

    /**
     * Makes {@link #prepareReverse()} wait until the latch opens, as slot creation does behind a
     * long transaction on the target: a cutover must give up on it within its budget.
     *
     * @param gate opened by the test to let the reverse be prepared
     * @return this link
     */
    public synchronized FakeReplicationLink holdPrepareReverseUntil(java.util.concurrent.CountDownLatch gate) {
        this.reverseGate = Objects.requireNonNull(gate, "gate");
        return this;
    }

    /**
     * Returns the guard on one side.
     *
     * @param side blue or green
     * @return that side's guard
     */
    public FakeWriteGuard guard(Side side) {
        return side == source ? sourceGuard : targetGuard;
    }

    /**
     * Returns every step the link, its stream, its guards and its reverse links were asked to take, in order.
     *
     * @return an immutable copy
     */
    public List<String> journal() {
        return journal.entries();
    }

    /**
     * Tells whether the link was closed.
     *
     * @return true after {@link #close()}
     */
    public synchronized boolean isClosed() {
        return closed;
    }

    /**
     * Returns the reverse links prepared so far.
     *
     * @return an immutable copy, oldest first
     */
    public synchronized List<FakeReplicationLink> reverses() {
        return List.copyOf(reverses);
    }

    @Override
    public Side source() {
        return source;
    }

    @Override
    public FakeReplicationStream stream() {
        return stream;
    }

    @Override
    public void preflight() {
        List<String> problems;
        synchronized (this) {
            problems = preflightProblems;
        }
        if (!problems.isEmpty()) {
            throw new PreflightException(problems);
        }
    }

    @Override
    public synchronized List<String> checks() {
        return checkLines;
    }

    @Override
    public WriteGuard sourceGuard() {
        return sourceGuard;
    }

    @Override
    public WriteGuard targetGuard() {
        return targetGuard;
    }

    @Override
    public KeyHandoff keyHandoff() {
        return new KeyHandoff() {
            @Override
            public List<String> prepare() {
                List<String> lines;
                synchronized (FakeReplicationLink.this) {
                    lines = prepareLines;
                }
                if (!lines.isEmpty()) {
                    journal.add("keys prepared " + source + " -> " + source.other());
                }
                return lines;
            }

            @Override
            public List<String> handOff() {
                List<String> lines;
                synchronized (FakeReplicationLink.this) {
                    lines = handoffLines;
                }
                journal.add("keys handed off " + source + " -> " + source.other());
                return lines;
            }
        };
    }

    // How often a reverse was prepared before the pause, and discarded unused; guarded by this.
    private int reversesPreparedEarly;
    private int reversesDiscarded;
    private boolean reversePending;

    /**
     * Counts the call; the fake has nothing to create before the pause.
     *
     * @return no report lines
     */
    @Override
    public synchronized List<String> prepareReverseBeforePause() {
        reversesPreparedEarly++;
        reversePending = true;
        return List.of();
    }

    /** Counts the call when a reverse prepared before the pause was not taken by {@link #prepareReverse()}. */
    @Override
    public synchronized void discardReverse() {
        if (reversePending) {
            reversePending = false;
            reversesDiscarded++;
        }
    }

    /**
     * Returns how many times a reverse was prepared before the pause, and how many of those were
     * discarded without being taken by {@link #prepareReverse()} (an abort, a refusal, a rehearsal).
     *
     * @return {prepared, discarded}
     */
    public synchronized int[] earlyReverses() {
        return new int[] {reversesPreparedEarly, reversesDiscarded};
    }

    @Override
    public ReplicationLink prepareReverse() {
        java.util.concurrent.CountDownLatch gate;
        synchronized (this) {
            gate = reverseGate;
        }
        if (gate != null) {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CutoverException(Phase.REVERSE, "interrupted while held", e);
            }
        }
        FakeReplicationLink reverse;
        synchronized (this) {
            if (reverseFailure != null) {
                throw reverseFailure;
            }
            reverse = new FakeReplicationLink(source.other(), targetGuard, sourceGuard, journal, family);
            reverses.add(reverse);
            reversePending = false;
        }
        journal.add("reverse " + reverse.source + " -> " + source + " prepared");
        return reverse;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        stream.close();
        synchronized (family) {
            family.open.remove(this);
        }
        journal.add("link " + source + " -> " + source.other() + " closed");
    }

    /**
     * Ends the migration as a real link does, with nothing on a server: refuses while another link
     * of the migration (a reverse link, or the link a reverse was prepared from) is open, closes this
     * link, releases the guard on its source if engaged and the one on its target when asked
     * (reporting it left in place otherwise), and reports the migration's capture removed the first
     * time; a second finish reports nothing removed. Journals {@code "finished <source> -> <target>"}.
     */
    @Override
    public FinishReport finish(FinishOptions options) {
        Objects.requireNonNull(options, "options");
        synchronized (family) {
            Teardown.checkNoOtherLinkOpen(this, isClosed(), family.open.stream().filter(l -> l != this).toList());
            close();
            java.util.Map<Side, List<String>> removed = new java.util.EnumMap<>(Side.class);
            removed.put(Side.BLUE, new ArrayList<>());
            removed.put(Side.GREEN, new ArrayList<>());
            List<String> kept = new ArrayList<>();
            if (!family.finished) {
                family.finished = true;
                removed.get(source).add("fake capture " + stream.name());
            }
            if (sourceGuard.engaged()) {
                sourceGuard.release();
                removed.get(source).add("guard");
            }
            if (targetGuard.engaged()) {
                if (options.makeOldSideWritable()) {
                    targetGuard.release();
                    removed.get(source.other()).add("guard");
                } else {
                    kept.add(source.other() + ": guard (FinishOptions.makeOldSideWritable(true) lifts it)");
                }
            }
            journal.add("finished " + source + " -> " + source.other());
            return new FinishReport(stream.name(), removed.get(Side.BLUE), removed.get(Side.GREEN), kept);
        }
    }

    @Override
    public String toString() {
        return "FakeReplicationLink[" + source + " -> " + source.other() + ", " + stream.state() + "]";
    }
}
