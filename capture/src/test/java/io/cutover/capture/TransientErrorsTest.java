package io.cutover.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.cutover.CutoverException;
import io.cutover.Phase;
import io.cutover.PreflightException;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.SocketException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TransientErrorsTest {

    @ParameterizedTest
    @ValueSource(strings = {"08001", "08006", "08S01", "57P01", "57P02", "57P03", "40001", "40P01", "55P03", "55006"})
    void sqlStates_ofLostConnectionsRestartsAndLockConflicts_areTransient(String state) {
        assertThat(TransientErrors.reason(new SQLException("boom", state))).isPresent();
    }

    @Test
    void adminShutdown_wrappedByTheApply_isTransient_andSaysTheServersWords() {
        SQLException pg = new SQLException("FATAL: terminating connection due to administrator command", "57P01");
        Throwable wrapped = new TargetApplyException("stream 'orders': applying 12 changes on the target failed", pg);
        assertThat(TransientErrors.reason(wrapped)).contains("FATAL: terminating connection due to administrator command");
    }

    @Test
    void connectionReset_deepInsideDebeziumsWrappers_isTransient_andTheDeepestCauseIsTheReason() {
        Throwable e = new RuntimeException("org.apache.kafka.connect.errors.ConnectException: An exception occurred",
                new IllegalStateException("Error while reading", new SocketException("Connection reset")));
        assertThat(TransientErrors.reason(e)).contains("Connection reset");
    }

    @Test
    void mariaDbErrorCodes_forLockWaitAndGoneAway_areTransient() {
        assertThat(TransientErrors.reason(new SQLException("Lock wait timeout exceeded", "HY000", 1205))).isPresent();
        assertThat(TransientErrors.reason(new SQLException("Server shutdown in progress", "HY000", 1053))).isPresent();
    }

    @Test
    void ioExceptions_areTransient() {
        assertThat(TransientErrors.reason(new ConnectException("Connection refused"))).contains("Connection refused");
        assertThat(TransientErrors.reason(new EOFException())).contains("EOFException");
    }

    @Test
    void missingPrivileges_aDroppedSlotAndBadLogins_areFatal_evenInsideATransientLookingWrapper() {
        assertThat(TransientErrors.reason(new SQLException("permission denied for table orders", "42501"))).isEmpty();
        assertThat(TransientErrors.reason(new RuntimeException("Connection reset while reading",
                new SQLException("replication slot \"cutover_blue\" does not exist", "42704")))).isEmpty();
        assertThat(TransientErrors.reason(new SQLException("password authentication failed", "28P01"))).isEmpty();
    }

    @Test
    void errorsWithoutATransientSign_areFatal() {
        assertThat(TransientErrors.reason(new PreflightException(java.util.List.of("table orders has no primary key; add one")))).isEmpty();
        assertThat(TransientErrors.reason(new IllegalArgumentException("unknown setting 'slot.nmae'"))).isEmpty();
        assertThat(TransientErrors.reason(new CutoverException(Phase.CATCH_UP, "connector stopped unexpectedly"))).isEmpty();
    }

    @Test
    void aPreflightFailure_causedByARefusedConnection_isTransient() {
        PreflightException e = new PreflightException("stream 'orders': cannot read offsets on the target: Connection refused",
                new SQLException("Connection to localhost:5433 refused", "08001"));
        assertThat(TransientErrors.reason(e)).contains("Connection to localhost:5433 refused");
    }

    @Test
    void aResumeTimeout_isTransient() {
        CutoverException e = new CutoverException(Phase.CATCH_UP, "stream 'orders' did not resume within 60000 ms",
                new java.util.concurrent.TimeoutException("resuming timed out"));
        assertThat(TransientErrors.reason(e)).isPresent();
    }

    @Test
    void aStatementClosedUnderTheApplier_byAServerRestart_isTransient() {
        Throwable e = new TargetApplyException("applying 6 changes on the target failed: No operations allowed after statement closed.",
                new SQLException("No operations allowed after statement closed.", "S1009"));
        assertThat(TransientErrors.reason(e)).isPresent();
    }

    @Test
    void aLostConnectionSuppressedByAClean_up_isTransient() {
        IllegalStateException cleanup = new IllegalStateException("rollback failed");
        cleanup.addSuppressed(new SQLException("Communications link failure", "08S01"));
        assertThat(TransientErrors.reason(cleanup)).contains("Communications link failure");
    }
}
