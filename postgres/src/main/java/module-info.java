/**
 * The PostgreSQL dialect: {@link io.cutover.postgres.PostgresCutover} builds the links of a
 * cutover between two PostgreSQL databases (logical decoding with pgoutput, a publication and a
 * slot per direction). Everything else in it is package-private.
 */
module io.cutover.postgres {
    requires transitive io.cutover.core;
    requires java.naming;
    requires org.postgresql.jdbc;
    requires org.slf4j;

    exports io.cutover.postgres;
}
