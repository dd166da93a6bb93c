package io.cutover.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One member JVM of {@link FleetScenario} and the file its standard output goes to: what it
 * acknowledged ({@code ACK <tag>}) and what was refused ({@code ERR <tag> <why>}), read back from
 * that file (see {@link FleetMemberLoop}).
 *
 * @param id the member id
 * @param process the JVM
 * @param out its standard output
 */
public record MemberJvm(String id, Process process, Path out) {

    /**
     * Starts a JVM on this JVM's class path.
     *
     * @param id the member id
     * @param mainAndArgs the main class, then its arguments
     * @param stem the start of its output files' names, under {@code target/fleet-it}
     * @return the running member
     * @throws IOException if it cannot be started
     */
    static MemberJvm start(String id, List<String> mainAndArgs, String stem) throws IOException {
        Path dir = Path.of("target", "fleet-it");
        Files.createDirectories(dir);
        Path out = dir.resolve(stem + "-" + System.nanoTime() + ".out");
        Path err = dir.resolve(stem + "-" + System.nanoTime() + ".log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS"));
        command.addAll(mainAndArgs);
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        return new MemberJvm(id, p, out);
    }

    /** Every line it printed so far. */
    List<String> lines() {
        try {
            return Files.readAllLines(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The tags of its acknowledged writes. */
    Set<String> acked() {
        return lines().stream().filter(l -> l.startsWith("ACK ")).map(l -> l.substring(4)).collect(Collectors.toSet());
    }

    /** Its refused writes, one line each. */
    List<String> errors() {
        return lines().stream().filter(l -> l.startsWith("ERR ")).toList();
    }

    /** Tells a member started with {@link FleetMemberLoop#JOIN_ON_SIGNAL} to join now. */
    void signalJoin() {
        try {
            process.getOutputStream().write('\n');
            process.getOutputStream().flush();
        } catch (IOException e) {
            throw new IllegalStateException("could not signal " + id + " to join", e);
        }
    }

    /** Sends a signal with {@code kill}, e.g. {@code -STOP}. */
    void signal(String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", signal, String.valueOf(process.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    /** Closes the standard input of every running member (they stop) and waits for them all. */
    static void stopAll(List<MemberJvm> members) throws Exception {
        for (MemberJvm m : members) {
            if (m.process().isAlive()) {
                m.process().getOutputStream().close();
            }
        }
        for (MemberJvm m : members) {
            assertThat(m.process().waitFor(30, TimeUnit.SECONDS)).as(m.id() + " stopped").isTrue();
        }
    }
}
