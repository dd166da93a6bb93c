package io.cutover.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cutover.CutoverException;
import io.cutover.DrainTimeoutException;
import io.cutover.WritePauser;
import io.cutover.WritesPausedException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SemaphoreWritePauserTest {
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "writer-" + System.nanoTime() % 1000);
        t.setDaemon(true);
        return t;
    });
    private final WritePauser pauser = WritePauser.builder().name("orders").maxWaitWhilePaused(Duration.ofSeconds(5)).build();

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    @Test
    void enter_countsLeaseInFlightUntilClosed() {
        WritePauser.Lease a = pauser.enter();
        WritePauser.Lease b = pauser.enter();
        assertThat(pauser.inFlight()).isEqualTo(2);
        a.close();
        assertThat(pauser.inFlight()).isEqualTo(1);
        b.close();
        assertThat(pauser.inFlight()).isZero();
    }

    @Test
    void lease_closeIsIdempotent() {
        WritePauser.Lease a = pauser.enter();
        a.close();
        a.close();
        assertThat(pauser.inFlight()).isZero();
        // a double close must not hand out an extra permit: a pause still drains instantly
        assertThat(pauser.tryPause(Duration.ofMillis(50))).isTrue();
        pauser.resume();
    }

    @Test
    void lease_mayBeClosedOnAnotherThread() throws Exception {
        WritePauser.Lease lease = pauser.enter();
        threads.submit(lease::close).get(5, TimeUnit.SECONDS);
        assertThat(pauser.inFlight()).isZero();
        assertThat(pauser.tryPause(Duration.ofMillis(100))).isTrue();
        pauser.resume();
    }

    @Test
    void pause_waitsForLeasesInFlight() throws Exception {
        WritePauser.Lease lease = pauser.enter();
        Future<?> pausing = threads.submit(() -> pauser.pause(Duration.ofSeconds(10)));
        await().atMost(Duration.ofSeconds(5)).until(pauser::isPaused);
        assertThat(pausing.isDone()).isFalse();
        lease.close();
        pausing.get(5, TimeUnit.SECONDS);
        assertThat(pauser.isPaused()).isTrue();
        assertThat(pauser.inFlight()).isZero();
        pauser.resume();
        assertThat(pauser.isPaused()).isFalse();
    }

    @Test
    void pause_pastBudget_namesHolderAndLeavesWritesResumed() throws Exception {
        CountDownLatch taken = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = new Thread(() -> {
            try (WritePauser.Lease lease = pauser.enter()) {
                taken.countDown();
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "billing-7");
        holder.start();
        taken.await();
        assertThatThrownBy(() -> pauser.pause(Duration.ofMillis(50)))
                .isInstanceOf(DrainTimeoutException.class)
                .hasMessageContaining("cutover 'orders': 1 write still in flight after 50 ms")
                .hasMessageContaining("by thread \"billing-7\"")
                .hasMessageContaining("writes resumed")
                .satisfies(e -> assertThat(((DrainTimeoutException) e).inFlight()).isEqualTo(1));
        assertThat(pauser.isPaused()).isFalse();
        // new writers go straight through
        pauser.enter().close();
        release.countDown();
        holder.join(5000);
    }

    @Test
    void tryPause_pastBudget_returnsFalseAndWritesGoOn() {
        WritePauser.Lease lease = pauser.enter();
        assertThat(pauser.tryPause(Duration.ofMillis(20))).isFalse();
        assertThat(pauser.isPaused()).isFalse();
        pauser.enter().close();
        lease.close();
        assertThat(pauser.tryPause(Duration.ofMillis(20))).isTrue();
        pauser.resume();
    }

    @Test
    void enter_duringPause_waitsAndProceedsAfterResume() throws Exception {
        pauser.pause(Duration.ofMillis(100));
        CompletableFuture<WritePauser.Lease> writer = CompletableFuture.supplyAsync(pauser::enter, threads);
        // it must still be waiting while paused: give it a bounded chance to (wrongly) complete
        assertThatThrownBy(() -> writer.get(100, TimeUnit.MILLISECONDS))
                .isInstanceOf(java.util.concurrent.TimeoutException.class);
        pauser.resume();
        writer.get(5, TimeUnit.SECONDS).close();
        assertThat(pauser.inFlight()).isZero();
    }

    @Test
    void enter_whilePausedPastItsBound_failsClearly() {
        WritePauser quick = WritePauser.builder().name("orders").maxWaitWhilePaused(Duration.ofMillis(30)).build();
        quick.pause(Duration.ofMillis(100));
        assertThatThrownBy(quick::enter)
                .isInstanceOf(WritesPausedException.class)
                .hasMessageContaining("paused for longer than 30 ms")
                .hasMessageContaining("nothing was written");
        assertThat(quick.inFlight()).isZero();
        quick.resume();
        quick.enter().close();
    }

    @Test
    void enter_interrupted_restoresFlagAndHoldsNoLease() throws Exception {
        pauser.pause(Duration.ofMillis(100));
        Future<Boolean> interrupted = threads.submit(() -> {
            Thread.currentThread().interrupt();
            try {
                pauser.enter();
                return false;
            } catch (CutoverException e) {
                return Thread.currentThread().isInterrupted() && e.getMessage().contains("interrupted");
            }
        });
        assertThat(interrupted.get(5, TimeUnit.SECONDS)).isTrue();
        pauser.resume();
        assertThat(pauser.inFlight()).isZero();
    }

    @Test
    void pause_whilePaused_isIllegalState() {
        pauser.pause(Duration.ofMillis(100));
        assertThatThrownBy(() -> pauser.pause(Duration.ofMillis(100)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("expected state OPEN but was PAUSED");
        pauser.resume();
    }

    @Test
    void resume_withoutPause_isIllegalState() {
        assertThatThrownBy(pauser::resume)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("expected state PAUSED but was OPEN");
    }

    @Test
    void pause_rejectsNonPositiveBudget() {
        assertThatThrownBy(() -> pauser.pause(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("drainBudget");
        assertThatThrownBy(() -> pauser.tryPause(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("drainBudget");
        assertThat(pauser.isPaused()).isFalse();
    }

    @Test
    void build_rejectsBadValuesNamingTheField() {
        assertThatThrownBy(() -> WritePauser.builder().maxWaitWhilePaused(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxWaitWhilePaused");
        assertThatThrownBy(() -> WritePauser.builder().maxWaitWhilePaused(null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("maxWaitWhilePaused");
        assertThatThrownBy(() -> WritePauser.builder().name(null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("name");
        assertThatThrownBy(() -> WritePauser.builder().name(" "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
    }
}
