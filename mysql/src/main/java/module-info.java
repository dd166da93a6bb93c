/**
 * The MySQL-family dialect: {@link io.cutover.mysql.MySqlCutover} builds the links of a cutover
 * between two MySQL or MariaDB databases (row-based binlog). Everything else in it is
 * package-private.
 */
module io.cutover.mysql {
    requires transitive io.cutover.core;
    requires java.naming;
    requires org.slf4j;
    requires mysql.connector.j;
    requires debezium.api;
    requires debezium.connector.common;
    requires debezium.connector.mysql;
    requires debezium.connector.mariadb;
    requires connect.api;

    exports io.cutover.mysql;
}
