package io.cutover.testservers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ServerPairTest {

    /** A server that only records whether it was closed. */
    private static class Fake implements EmbeddedServer {
        final CountDownLatch closed = new CountDownLatch(1);
        final String thread = Thread.currentThread().getName();

        @Override
        public String host() {
            return "127.0.0.1";
        }

        @Override
        public int port() {
            return 1;
        }

        @Override
        public void close() {
            closed.countDown();
        }
    }

    @Test
    void start_startsGreenOnAnotherThread_andCloseClosesBoth() {
        ServerPair<Fake> pair = ServerPair.start(Fake::new, Fake::new);
        assertThat(pair.blue().thread).isEqualTo(Thread.currentThread().getName());
        assertThat(pair.green().thread).isNotEqualTo(Thread.currentThread().getName());
        assertThat(pair.both()).containsExactly(pair.blue(), pair.green());
        pair.close();
        assertThat(pair.blue().closed.getCount()).isZero();
        assertThat(pair.green().closed.getCount()).isZero();
    }

    @Test
    void start_whenGreenFails_closesBlue_andThrowsGreensFailure() {
        Fake[] blue = new Fake[1];
        assertThatThrownBy(() -> ServerPair.start(() -> blue[0] = new Fake(), () -> {
            throw new IllegalStateException("green did not boot");
        })).isInstanceOf(IllegalStateException.class).hasMessage("green did not boot");
        assertThat(blue[0].closed.getCount()).isZero();
    }

    @Test
    void start_whenBlueFails_closesGreenOnceItIsUp() throws InterruptedException {
        Fake[] green = new Fake[1];
        CountDownLatch greenMade = new CountDownLatch(1);
        assertThatThrownBy(() -> ServerPair.start(() -> {
            throw new IllegalStateException("blue did not boot");
        }, () -> {
            green[0] = new Fake();
            greenMade.countDown();
            return green[0];
        })).isInstanceOf(IllegalStateException.class).hasMessage("blue did not boot");
        assertThat(greenMade.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(green[0].closed.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void close_closesGreen_evenWhenBlueFailsToClose() {
        Fake green = new Fake();
        ServerPair<EmbeddedServer> pair = ServerPair.start(() -> new Fake() {
            @Override
            public void close() {
                throw new IllegalStateException("stuck");
            }
        }, () -> green);
        assertThatThrownBy(pair::close).hasMessage("stuck");
        assertThat(green.closed.getCount()).isZero();
    }
}
