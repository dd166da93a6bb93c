/**
 * Optional Micrometer metrics for Cutover: {@link io.cutover.micrometer.CutoverMetrics} binds a
 * stream's gauges to a {@code MeterRegistry} and records each cutover it hears as a
 * {@link io.cutover.CutoverListener}.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"}) // Micrometer ships no module descriptor, only an Automatic-Module-Name
module io.cutover.micrometer {
    requires transitive io.cutover.core;
    requires transitive micrometer.core;
    requires org.slf4j;

    exports io.cutover.micrometer;
}
