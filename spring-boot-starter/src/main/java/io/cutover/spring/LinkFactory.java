package io.cutover.spring;

import io.cutover.ReplicationLink;
import io.cutover.spi.DialectBuilder;
import java.util.List;
import java.util.Objects;
import org.springframework.util.ClassUtils;

/**
 * Builds the blue-to-green {@link ReplicationLink} from the properties and the application's
 * transforms, with the dialect's builder. The dialect classes are touched only for the dialect in
 * use, so the other dialect's module may be absent. Thread-safe: each call builds a new link.
 */
final class LinkFactory {

    private final CutoverProperties props;
    private final Dialect dialect;
    private final List<CutoverTransform> transforms;

    /**
     * Checks that the settings can build a link, so that a mistake fails the context's start.
     *
     * @param props the settings
     * @param transforms the application's transforms
     * @param classLoader where to look for the dialect's module
     * @throws IllegalStateException if a setting is missing, the dialect cannot be told, or its
     *     module is not on the classpath
     */
    LinkFactory(CutoverProperties props, List<CutoverTransform> transforms, ClassLoader classLoader) {
        this.props = Objects.requireNonNull(props, "props");
        this.transforms = List.copyOf(transforms);
        require(props.getBlue().getUrl(), "cutover.blue.url");
        require(props.getBlue().getUser(), "cutover.blue.user");
        require(props.getGreen().getUrl(), "cutover.green.url");
        require(props.getGreen().getUser(), "cutover.green.user");
        if (props.getTables().isEmpty()) {
            throw new IllegalStateException("cutover.tables is empty: list the tables to replicate, e.g. cutover.tables=users,orders");
        }
        this.dialect = dialectPresent(props, classLoader);
        for (CutoverTransform t : transforms) {
            if (!props.getTables().contains(t.table())) {
                throw new IllegalStateException("a CutoverTransform bean is for table '" + t.table()
                        + "', which is not in cutover.tables " + props.getTables() + "; add it there");
            }
        }
    }

    /**
     * Returns the dialect the settings name, after checking that its module is there.
     *
     * @param props the settings
     * @param classLoader where to look for the dialect's module
     * @return the dialect
     * @throws IllegalStateException if the dialect cannot be told or its module is not on the classpath
     */
    static Dialect dialectPresent(CutoverProperties props, ClassLoader classLoader) {
        Dialect d = props.effectiveDialect();
        if (!ClassUtils.isPresent(d.factoryClass(), classLoader)) {
            throw new IllegalStateException("cutover dialect " + d.name().toLowerCase(java.util.Locale.ROOT)
                    + " needs io.cutover:" + d.artifactId() + " on the classpath; add it as a dependency");
        }
        return d;
    }

    /**
     * Returns the dialect in use.
     *
     * @return the dialect
     */
    Dialect dialect() {
        return dialect;
    }

    /**
     * Builds a new blue-to-green link; its stream is not started.
     *
     * @return the link
     * @throws IllegalArgumentException or IllegalStateException from the dialect's builder, naming the setting
     */
    ReplicationLink forward() {
        // Each dialect's classes are reached through its own holder, loaded only when used.
        DialectBuilder<?> b = dialect == Dialect.POSTGRES ? DialectBuilders.postgres() : DialectBuilders.mysql();
        CutoverProperties.Database blue = props.getBlue();
        CutoverProperties.Database green = props.getGreen();
        b.name(props.getName());
        b.blue(blue.getUrl(), blue.getUser(), passwordOf(blue));
        b.green(green.getUrl(), green.getUser(), passwordOf(green));
        b.tables(props.getTables().toArray(String[]::new));
        b.initialCopy(props.isInitialCopy());
        for (CutoverTransform t : transforms) {
            b.transform(t.table(), t.blueToGreen(), t.greenToBlue());
        }
        return b.build();
    }

    private static String passwordOf(CutoverProperties.Database db) {
        return db.getPassword() == null ? "" : db.getPassword();
    }

    private static void require(String value, String property) {
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(property + " is not set");
        }
    }
}
