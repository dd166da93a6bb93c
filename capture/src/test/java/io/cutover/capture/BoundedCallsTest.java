package io.cutover.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BoundedCallsTest {

    @Test
    void forStall_isTwiceTheStallBound() {
        assertThat(BoundedCalls.forStall(Duration.ofSeconds(45))).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void forStall_neverGoesBelowTheMinimum() {
        assertThat(BoundedCalls.forStall(Duration.ofSeconds(10))).isEqualTo(BoundedCalls.MIN);
    }
}
