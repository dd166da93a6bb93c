package io.cutover.examples.demo;

/**
 * The v1 columns of one row of the demo's {@code users} table, as the service last wrote it.
 *
 * @param id the primary key
 * @param name the name
 * @param email the email
 */
record User(long id, String name, String email) {
}
