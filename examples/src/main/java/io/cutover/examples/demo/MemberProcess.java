package io.cutover.examples.demo;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One extra instance of the demo's service: a {@link DemoMember} JVM on this JVM's class path,
 * driven by lines on its standard input and answering on its standard output (its log goes to a
 * file). Not thread-safe: one caller drives it.
 */
final class MemberProcess {

    private final String name;
    private final Process process;
    private final Path log;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private MemberProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        Thread reader = new Thread(this::read, name + "-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts a member JVM.
     *
     * @param name the instance's name
     * @param args {@link DemoMember}'s arguments
     * @param env variables to add to its environment (credentials travel here, never in arguments)
     * @param log where its log (standard error) goes
     * @return the running process
     * @throws IOException if the JVM cannot be started
     */
    static MemberProcess launch(String name, List<String> args, Map<String, String> env, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", classpath(), "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS", DemoMember.class.getName()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(log.toFile());
        pb.environment().putAll(env);
        return new MemberProcess(name, pb.start(), log);
    }

    /**
     * The class path for a member JVM: {@code java.class.path}, preceded by the URLs of the class
     * loaders that loaded the demo. Run with {@code mvn exec:java} the project's classes are only in
     * such a loader, while {@code java.class.path} is Maven's own launcher.
     */
    static String classpath() {
        Set<String> entries = new LinkedHashSet<>();
        for (ClassLoader l = DemoMember.class.getClassLoader(); l != null; l = l.getParent()) {
            if (l instanceof URLClassLoader u) {
                for (URL url : u.getURLs()) {
                    if ("file".equals(url.getProtocol())) {
                        try {
                            entries.add(Path.of(url.toURI()).toString());
                        } catch (URISyntaxException | IllegalArgumentException e) {
                            entries.add(url.getPath());
                        }
                    }
                }
            }
        }
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!e.isEmpty()) {
                entries.add(e);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    /** Sends one command line. */
    void send(String command) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /**
     * Waits for the next line that starts with {@code prefix}, skipping others.
     *
     * @return the line
     * @throws IOException if the process ends first or nothing comes within the timeout
     */
    String await(String prefix, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                String line = left <= 0 ? null : lines.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS);
                if (line != null && line.startsWith(prefix)) {
                    return line;
                }
                if (line == null && (left <= 0 || (!process.isAlive() && lines.isEmpty()))) {
                    throw new IOException(name + " (pid " + pid() + ") " + (process.isAlive() ? "did not answer " + prefix
                            + " within " + timeout.toSeconds() + " s" : "exited with " + process.exitValue())
                            + "; see its log " + log.toAbsolutePath());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + name, e);
        }
    }

    /** Closes its standard input (it stops its writers and exits), waits a little, then kills it. */
    void stop(Duration grace) {
        try {
            process.getOutputStream().close();
            if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                return;
            }
        } catch (IOException e) {
            // it is going away anyway; kill it below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        kill();
    }

    /** Kills it at once. */
    void kill() {
        process.destroyForcibly();
    }

    private void read() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lines.add(line);
            }
        } catch (IOException e) {
            // the process ended; await() reports it
        }
    }
}
