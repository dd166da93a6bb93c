package io.cutover.examples.demo;

import java.io.PrintStream;

/**
 * The Cutover demo: two PostgreSQL servers, a service writing continuously, a cutover from blue to
 * green under that load, a check that every acknowledged write arrived, a rollback, the same check
 * again, and an HTML report. Exits 0 only if every cutover flipped and every check held.
 *
 * <pre>
 * mvn -B -q -Pdemo -pl examples -am package -DskipTests
 * mvn -B -q -Pdemo -pl examples -am package -DskipTests -Ddemo.args="--cutovers 2 --rate 1000"
 * mvn -B -q -Pdemo -pl examples -am package -DskipTests -Ddemo.args="--instances 3"
 * </pre>
 *
 * <p>With {@code --instances N} the service runs as N instances in one fleet: this JVM and N-1
 * {@link DemoMember} processes, each with its own switcher; every cutover pauses and flips them all,
 * the checks count every instance's writes, and the summary shows each instance's own pause.
 *
 * See {@link DemoOptions#USAGE} for the flags, including real servers instead of embedded ones.
 */
public final class Demo {

    private Demo() {
    }

    /**
     * Runs the demo and exits the JVM with 0 on success, 1 on a failed check, 2 on bad flags.
     *
     * @param args flags, see {@link DemoOptions#USAGE}
     */
    public static void main(String[] args) {
        PrintStream out = System.out;
        DemoOptions options;
        try {
            if (args.length == 1 && ("--help".equals(args[0]) || "-h".equals(args[0]))) {
                out.println(DemoOptions.USAGE);
                System.exit(0);
                return;
            }
            options = DemoOptions.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        int code;
        try {
            DemoResult result = new DemoRun(options, out).run();
            int expected = 2 * options.cutovers();
            code = result.succeeded(expected) ? 0 : 1;
            out.println();
            out.println(code == 0 ? "DEMO PASSED: every acknowledged write was on the new side after each cutover."
                    : "DEMO FAILED" + (result.failure() == null ? ": see the checks above" : ": " + result.failure()));
        } catch (Exception e) {
            System.err.println("demo failed: " + e);
            e.printStackTrace();
            code = 1;
        }
        out.flush();
        System.exit(code);
    }
}
